"""Tampering with the projections is caught: `rebuild --check` names what differs and changes
nothing, `rebuild --repair` is the separate step that repairs, and `parley verify` of the live
database compares every projection with a replay of the log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner, Result

from parley.app import audit, rebuild
from parley.app.audit import VerificationFailed
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.store import tables as t
from parley.store.engine import ValueRefused
from tests.integration.helpers import small_log


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("PARLEY_DATABASE_URL", settings.database_url)
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args])


def _health(ledger: Ledger, record_id: str) -> str:
    pr = t.person_records.c
    with ledger.engine.connect() as conn:
        return str(
            conn.execute(
                select(pr.health).where(pr.roster_id == "UA:held", pr.record_id == record_id)
            ).scalar_one()
        )


def test_a_direct_edit_of_a_persons_health_is_named_and_kept_until_repaired(
    ledger: Ledger, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_log(ledger, tmp_path)
    assert rebuild.check(ledger)[1] == []
    before = _health(ledger, "u2")
    forged = "critical" if before != "critical" else "healthy"
    # enough to move someone up the priority order, behind the log's back
    pr = t.person_records.c
    with ledger.engine.begin() as conn:
        conn.execute(
            update(t.person_records)
            .where(pr.roster_id == "UA:held", pr.record_id == "u2")
            .values(health=forged)
        )
    checked = _cli(settings, monkeypatch, "rebuild", "--check")
    assert checked.exit_code == 1
    said = checked.output + checked.stderr
    assert "person_records" in said and "u2" in said and "health" in said
    assert forged not in said  # named by row and column, never by value
    # the check changed nothing: the evidence is still there, and a second check fails too
    assert _health(ledger, "u2") == forged
    assert _cli(settings, monkeypatch, "rebuild", "--check").exit_code == 1
    with pytest.raises(VerificationFailed, match=r"person_records: row \(UA:held, u2\): health"):
        audit.verify_live(ledger)
    verified = _cli(settings, monkeypatch, "verify")
    assert verified.exit_code == 1 and "health" in verified.output + verified.stderr
    # the repair is its own, explicit step, and says what it changed
    repaired = _cli(settings, monkeypatch, "rebuild", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "Repaired person_records" in repaired.output and "health" in repaired.output
    assert _health(ledger, "u2") == before
    assert _cli(settings, monkeypatch, "rebuild", "--check").exit_code == 0
    assert audit.verify_live(ledger).entries > 0


def test_a_row_added_to_or_removed_from_a_projection_is_named(
    ledger: Ledger, tmp_path: Path
) -> None:
    small_log(ledger, tmp_path)
    pr = t.person_records.c
    with ledger.engine.begin() as conn:
        conn.execute(t.person_records.delete().where(pr.record_id == "u0"))
    (found,) = rebuild.check(ledger)[1]
    assert found.table == "person_records" and found.missing == ("(UA:held, u0)",)
    with pytest.raises(VerificationFailed, match="u0"):
        audit.verify_live(ledger)


def _other(value: object) -> object:
    """A value of the same kind that differs."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, bytes):
        return bytes(len(value) or 1)
    if isinstance(value, str):
        return value + "x"
    return None if value is not None else "x"


def test_an_edit_of_any_projected_field_is_named(ledger: Ledger, tmp_path: Path) -> None:
    """Every column of every projection table that holds a row, edited in turn: the check
    names the table and the column, and changes nothing."""
    small_log(ledger, tmp_path)
    tried: list[str] = []
    for table in t.PROJECTION_TABLES:
        with ledger.engine.connect() as conn:
            row = conn.execute(select(table).limit(1)).first()
        if row is None:
            continue
        key = [c for c in table.primary_key.columns] or list(table.columns)
        where = [c == row._mapping[c.name] for c in key]
        for column in table.columns:
            if column.primary_key or not table.primary_key.columns:
                continue
            before = row._mapping[column.name]
            after = _other(before)
            if after is None and not column.nullable:
                after = "x"
            try:
                with ledger.engine.begin() as conn:
                    conn.execute(update(table).where(*where).values({column.name: after}))
            except Exception:
                continue
            tried.append(f"{table.name}.{column.name}")
            found = rebuild.check(ledger)[1]
            assert [d.table for d in found] == [table.name], tried[-1]
            assert column.name in str(found[0]), (tried[-1], str(found[0]))
            with ledger.engine.begin() as conn:
                conn.execute(update(table).where(*where).values({column.name: before}))
    assert rebuild.check(ledger)[1] == []
    assert len(tried) >= 30, tried


def test_text_where_the_key_table_keeps_an_index_fails_verify_in_one_line(
    ledger: Ledger, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite stores text in an integer column; verify names the key table instead of
    crashing. PostgreSQL refuses the edit itself."""
    small_log(ledger, tmp_path)
    edit = update(t.party_keys).values(ended_idx="x")
    if not settings.database_url.startswith("sqlite"):
        with pytest.raises(ValueRefused), ledger.engine.begin() as conn:
            conn.execute(edit)
        return
    with ledger.engine.begin() as conn:
        conn.execute(edit)
    with pytest.raises(VerificationFailed, match="key table"):
        audit.verify_live(ledger)
    result = _cli(settings, monkeypatch, "verify", "--allow-unwitnessed")
    assert result.exit_code == 1, result.output
    assert "key table" in result.output
    assert "Traceback" not in result.output
