"""Checkpoints, witnesses, export and verification: any changed byte is caught."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from parley.app import audit, rosters, transparency
from parley.app.audit import VerificationFailed
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain.errors import DomainError
from parley.domain.rosters import RosterKind
from parley.log.checkpoint import open_checkpoint
from parley.log.merkle import leaf_hash
from parley.log.note import Ed25519Verifier
from parley.log.tlog_proof import TlogProof, verify_tlog_proof
from parley.store import tables as t
from tests.integration.helpers import flip_byte, people, small_log


def test_live_and_exported_logs_verify(ledger: Ledger, tmp_path: Path) -> None:
    small_log(ledger, tmp_path)
    live = audit.verify_live(ledger)
    assert live.erased == 1 and live.checkpoints == 2 and live.cosignatures == 4
    audit.export(ledger, tmp_path / "export")
    offline = audit.verify_export(tmp_path / "export")
    assert (offline.entries, offline.root) == (live.entries, live.root)
    with pytest.raises(Exception, match="not empty"):
        audit.export(ledger, tmp_path / "export")


def test_proofs_check_with_the_published_key(ledger: Ledger, tmp_path: Path) -> None:
    small_log(ledger, tmp_path)
    key = transparency.verifier_key(ledger)
    verifier = Ed25519Verifier.from_verifier_key(key)
    with ledger.reading() as conn:
        size, note = transparency.checkpoint_at(conn, None)
    assert open_checkpoint(note, verifier).checkpoint.size == size
    for index in (0, 5, size - 1):
        proof = TlogProof.parse(transparency.prove(ledger, index=index, size=None))
        verify_tlog_proof(proof, leaf_hash(transparency.entry_bytes(ledger, index)), verifier)
    with pytest.raises(DomainError):
        transparency.prove(ledger, index=size, size=None)


def test_witness_refuses_a_rewritten_history(ledger: Ledger, tmp_path: Path) -> None:
    small_log(ledger, tmp_path)
    # someone rewrites the stored tree over the first eight entries behind the operator's back
    with ledger.engine.begin() as conn:
        conn.execute(
            update(t.log_nodes)
            .where(t.log_nodes.c.level == 3, t.log_nodes.c.idx == 0)
            .values(hash=b"\x00" * 32)
        )
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.HELD,
        records=people("z", 1),
        source="s",
        source_sha256="0",
    )
    with pytest.raises(DomainError, match="refusing to sign"):
        transparency.sign_checkpoint(ledger)
    with pytest.raises(VerificationFailed, match="tree node"):
        audit.verify_live(ledger)


def test_witness_keeps_its_own_memory(ledger: Ledger, tmp_path: Path) -> None:
    small_log(ledger, tmp_path)
    state = tmp_path / "witness" / "UA.json"
    before = state.read_text()
    # a witness that was shown a different tree of the same size refuses the real one
    state.write_text(before.replace(before.split('"root": "')[1].split('"')[0], "A" * 43 + "="))
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=people("q", 1),
        source="s",
        source_sha256="0",
    )
    transparency.sign_checkpoint(ledger)
    with pytest.raises(DomainError, match="UA refuses to cosign"):
        transparency.cosign(ledger, party_id="UA", state_dir=tmp_path / "witness")


@pytest.fixture
def export_dir(tmp_path: Path) -> Iterator[Path]:
    """An export of the small log (the export's bytes do not depend on the database)."""
    led = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"), create=True)
    try:
        small_log(led, tmp_path)
        folder = tmp_path / "export"
        audit.export(led, folder)
        yield folder
    finally:
        led.close()


def test_every_single_byte_of_a_small_export_matters(export_dir: Path) -> None:
    files = [export_dir / "keys.json", *sorted((export_dir / "checkpoints").iterdir())]
    log = export_dir / "log.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    # every byte of the keys, the checkpoints and of a few whole entries
    positions: list[tuple[Path, int]] = [(f, i) for f in files for i in range(len(f.read_bytes()))]
    offset = 0
    for number, line in enumerate(lines):
        if number in (0, 5, len(lines) - 1) or b'"payload":null' in line:
            positions += [(log, offset + i) for i in range(len(line))]
        offset += len(line)
    for path, position in positions:
        flip_byte(path, position, 0x01)
        with pytest.raises(VerificationFailed):
            audit.verify_export(export_dir)
        flip_byte(path, position, 0x01)
    audit.verify_export(export_dir)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_any_changed_byte_anywhere_fails(export_dir: Path, where: float, mask: int) -> None:
    files = sorted(p for p in export_dir.rglob("*") if p.is_file())
    sizes = [p.stat().st_size for p in files]
    target = int(where * sum(sizes))
    for path, size in zip(files, sizes, strict=True):
        if target < size:
            flip_byte(path, target, mask)
            try:
                with pytest.raises(VerificationFailed):
                    audit.verify_export(export_dir)
            finally:
                flip_byte(path, target, mask)
            return
        target -= size


COLUMNS = [
    (t.log_entries, "header"),
    (t.log_entries, "signature"),
    (t.log_entries, "payload"),
    (t.log_entries, "salt"),
    (t.log_entries, "leaf_hash"),
    (t.log_entries, "actor"),
    (t.checkpoints, "note"),
    (t.cosignatures, "line"),
    (t.party_keys, "public_key"),
    (t.party_keys, "key_id"),
    (t.party_keys, "status"),
    (t.log_nodes, "hash"),
]


def test_changed_bytes_in_the_live_database_fail(ledger: Ledger, tmp_path: Path) -> None:
    small_log(ledger, tmp_path)
    for table, column in COLUMNS:
        pk = list(table.primary_key.columns)
        with ledger.engine.connect() as conn:
            rows = conn.execute(
                select(*pk, table.c[column]).where(table.c[column].isnot(None))
            ).all()
        for row in rows[:: max(1, len(rows) // 3)]:
            value = row[-1]
            raw = bytearray(value if isinstance(value, bytes | memoryview) else value.encode())
            for position in (0, len(raw) // 2, len(raw) - 1):
                changed = bytearray(raw)
                changed[position] ^= 0x04
                new: bytes | str = (
                    bytes(changed)
                    if isinstance(value, bytes | memoryview)
                    else changed.decode("latin-1")
                )
                where = [c == row[i] for i, c in enumerate(pk)]
                with ledger.engine.begin() as conn:
                    conn.execute(update(table).where(*where).values({column: new}))
                try:
                    with pytest.raises((VerificationFailed, DomainError)):
                        audit.verify_live(ledger)
                finally:
                    with ledger.engine.begin() as conn:
                        conn.execute(
                            update(table)
                            .where(
                                *[
                                    c == (new if c.name == column else row[i])
                                    for i, c in enumerate(pk)
                                ]
                            )
                            .values({column: value})
                        )
    audit.verify_live(ledger)
