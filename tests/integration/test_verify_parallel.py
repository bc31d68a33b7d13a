"""The parallel verification pass (worker processes, compact chunks, blocks of log.jsonl read
by the workers) reaches exactly the verdict of the entry-by-entry pass, for any changed byte."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.app import audit, verify
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.verify import VerificationFailed, log_blocks
from parley.domain import events as ev
from parley.io.export import entry_line
from parley.log.entry import StoredEntry, seal
from tests.integration.test_transparency import _flip, _small_log


@pytest.fixture(scope="module")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("parallel")
    led = Ledger.open(Settings(tmp, f"sqlite:///{tmp / 'p.db'}"), create=True)
    try:
        _small_log(led, tmp)
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
        m.setattr(verify, "_PARALLEL_FROM", 1)  # the first chunk inline, the rest to workers
        m.setattr(verify, "_BLOCK", 700)  # about one line a block
        m.setattr(verify, "_CHUNK", 2)
        m.setattr(os, "cpu_count", lambda: 2)
        return _verdict(folder)


def test_blocks_cover_every_line_once(small_export: Path) -> None:
    path = small_export / "log.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    for size in (1, 100, 700, 5000, 1 << 21):
        got = [item for block in log_blocks(path, size) for item in verify._block_lines(block)]
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
    _flip(log, position, mask)
    try:
        sequential = _verdict(small_export)
        assert sequential.startswith("fails")
        assert _parallel(monkeypatch, small_export) == sequential
    finally:
        _flip(log, position, mask)


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
    """Only the key timeline sees it: the compact chunk is refused and checked again entry by
    entry, which names the entry."""
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
