"""The parallel verification pass (worker processes, blocks of log.jsonl read by the workers)
reaches exactly the verdict of the inline pass, for any changed byte."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.app import audit
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.log.command import command_body, sign_command
from parley.log.entry import (
    MAX_RUN,
    EntrySigner,
    StoredEntry,
    canonical_json,
    draft,
    payload_commitment,
    run_message,
    seal,
)
from parley.log.export import UNSIGNED_END, entry_line
from parley.log.verify import VerificationFailed, entries, log_blocks
from tests.integration.helpers import flip_byte, small_log


@pytest.fixture(scope="module")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("parallel")
    led = Ledger.open(Settings(tmp, f"sqlite:///{tmp / 'p.db'}"), create=True)
    try:
        small_log(led, tmp)
        audit.export(led, tmp / "export")
        yield tmp / "export"
    finally:
        led.close()


def _verdict(folder: Path) -> str:
    try:
        report = audit.verify_export(folder)
    except VerificationFailed as e:
        return f"fails: {e.problem}"
    return f"holds: {report.entries} entries, {report.erased} erased, root {report.root.hex()}"


def _parallel(monkeypatch: pytest.MonkeyPatch, folder: Path) -> str:
    with monkeypatch.context() as m:
        m.setattr(entries, "PARALLEL_FROM", 1)  # the first chunk inline, the rest to workers
        m.setattr(entries, "BLOCK", 700)  # about one line a block
        m.setattr(entries, "CHUNK", 2)
        m.setattr(os, "cpu_count", lambda: 2)
        return _verdict(folder)


def test_blocks_cover_every_line_once(small_export: Path) -> None:
    path = small_export / "log.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    for size in (1, 100, 700, 5000, 1 << 21):
        got = [item for block in log_blocks(path, size) for item in entries.block_lines(block)]
        assert got == list(enumerate(lines, start=1))


def test_the_parallel_pass_agrees_on_a_sound_log(
    small_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sequential = _verdict(small_export)
    assert sequential.startswith("holds") and " 1 erased" in sequential
    assert _parallel(monkeypatch, small_export) == sequential


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(where=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_the_parallel_pass_names_the_same_fault(
    small_export: Path, monkeypatch: pytest.MonkeyPatch, where: float, mask: int
) -> None:
    log = small_export / "log.jsonl"
    position = int(where * log.stat().st_size)
    flip_byte(log, position, mask)
    try:
        sequential = _verdict(small_export)
        assert sequential.startswith("fails")
        assert _parallel(monkeypatch, small_export) == sequential
    finally:
        flip_byte(log, position, mask)


def _copy(small_export: Path, folder: Path, lines: list[bytes]) -> Path:
    folder.mkdir()
    (folder / "keys.json").write_bytes((small_export / "keys.json").read_bytes())
    (folder / "checkpoints").mkdir()
    (folder / "log.jsonl").write_bytes(b"".join(lines))
    return folder


def test_a_missing_line(
    small_export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = (small_export / "log.jsonl").read_bytes().splitlines(keepends=True)
    copy = _copy(small_export, tmp_path / "gap", lines[:7] + lines[8:])
    sequential = _verdict(copy)
    assert sequential == "fails: entry 7: missing; the next entry found is 8"
    assert _parallel(monkeypatch, copy) == sequential


def test_an_entry_signed_by_a_retired_key(
    small_export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Only the key timeline sees it: the worker's chunk holds, and the sequential pass names
    the entry."""
    lines = (small_export / "log.jsonl").read_bytes().splitlines(keepends=True)
    (retired,) = small_export.parent.rglob("RU.ed25519.*.retired.pem")
    old_key = serialization.load_pem_private_key(retired.read_bytes(), password=None)
    assert isinstance(old_key, Ed25519PrivateKey)
    entry = seal(
        index=len(lines),
        type=ev.COMMITMENT_STATUS_SET,
        actor="RU",
        time="2026-01-01T00:00:00.000000Z",
        payload={"commitment_id": "C", "status": 1, "note": "late"},
        signing_key=old_key,
    )
    stored = StoredEntry(
        entry.index, entry.header_bytes, entry.signature, entry.payload, entry.salt
    )
    copy = _copy(small_export, tmp_path / "retired", [*lines, entry_line(stored) + b"\n"])
    sequential = _verdict(copy)
    assert (
        sequential.startswith(f"fails: entry {len(lines)}: signed by key")
        and "retired" in sequential
    )
    assert _parallel(monkeypatch, copy) == sequential


def _unsigned(line: bytes) -> bytes:
    head, _, _ = line.rpartition(b',"signature":')
    return head + b',"signature":null}\n'


def _signature(line: bytes) -> bytes:
    return line.rpartition(b',"signature":')[2]


def _run_ends(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if not line.endswith(UNSIGNED_END)]


def test_the_small_log_holds_runs_of_several_entries(small_export: Path) -> None:
    lines = (small_export / "log.jsonl").read_bytes().splitlines(keepends=True)
    ends = _run_ends(lines)
    assert ends[-1] == len(lines) - 1
    assert max(b - a for a, b in zip([-1, *ends], ends, strict=False)) >= 3


@pytest.mark.parametrize("change", ["unsigned end", "signature moved up", "log ends in a run"])
def test_a_run_without_its_signature_fails_the_same_way_in_both_passes(
    small_export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, change: str
) -> None:
    lines = (small_export / "log.jsonl").read_bytes().splitlines(keepends=True)
    ends = _run_ends(lines)
    # the longest run: its first entry and its signing last one
    first, last = max(
        zip([e + 1 for e in [-1, *ends]], ends, strict=False), key=lambda r: r[1] - r[0]
    )
    changed = list(lines)
    if change == "unsigned end":  # the run now runs on into the next signer's entries
        changed[last] = _unsigned(lines[last])
        expected = f"fails: entry {first}"
    elif change == "signature moved up":  # signed one entry early: it covers fewer headers
        changed[last - 1] = _unsigned(lines[last - 1]).replace(b"null}\n", _signature(lines[last]))
        changed[last] = _unsigned(lines[last])
        expected = f"fails: entry {first}: the signature on entry {last - 1}"
    else:
        changed = [*lines[:last], _unsigned(lines[last])]
        expected = f"fails: entry {first}: no signature covers it"
    copy = _copy(small_export, tmp_path / "runs", changed)
    sequential = _verdict(copy)
    assert sequential.startswith(expected), sequential
    assert _parallel(monkeypatch, copy) == sequential


def test_a_run_longer_than_a_signature_may_cover(
    small_export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Even correctly signed, a run of more than MAX_RUN entries is refused: a verifier never
    holds more than that many headers before it can check them."""
    lines = (small_export / "log.jsonl").read_bytes().splitlines(keepends=True)
    key = serialization.load_pem_private_key(
        (small_export.parent / "keys" / "MED.ed25519.pem").read_bytes(), password=None
    )
    assert isinstance(key, Ed25519PrivateKey)
    signer = EntrySigner(key)
    payloads = [{"commitment_id": "C", "status": 1, "note": str(i)} for i in range(MAX_RUN + 1)]
    salts = [i.to_bytes(32, "big") for i in range(MAX_RUN + 1)]
    listed = [
        {
            "type": ev.COMMITMENT_STATUS_SET,
            "payload_commitment": payload_commitment(canonical_json(p), s).hex(),
        }
        for p, s in zip(payloads, salts, strict=True)
    ]
    body = command_body({"actor": "MED", "entries": listed})  # as the ledger lists them
    command = sign_command(
        method="POST", path="/local/entries", body=body, signing_key=signer, created=1
    )
    drafts = [
        draft(
            index=len(lines) + i,
            type=ev.COMMITMENT_STATUS_SET,
            actor="MED",
            time="2026-01-01T00:00:00.000000Z",
            payload=payloads[i],
            key_id=signer.key_id,
            salt=salts[i],
            command=command.digest(),
            signer=signer.key_id,
        )
        for i in range(MAX_RUN + 1)
    ]
    signature = signer.sign(run_message([d.leaf for d in drafts]))
    extra = [
        entry_line(
            StoredEntry(
                d.index,
                d.header_bytes,
                signature if d is drafts[-1] else None,
                d.payload,
                d.salt,
                command=command.to_bytes() if d is drafts[0] else None,
                command_body=body if d is drafts[0] else None,
            )
        )
        + b"\n"
        for d in drafts
    ]
    copy = _copy(small_export, tmp_path / "long", [*lines, *extra])
    sequential = _verdict(copy)
    assert (
        sequential
        == f"fails: entry {len(lines)}: more than {MAX_RUN} entries run under one signature"
    )
    assert _parallel(monkeypatch, copy) == sequential
