"""Statements on the driver's cursor (store.driver) write and read what SQLAlchemy's own
execution does, and refuse a value the database cannot store the same way."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert, select

from parley.app.ledger import Ledger
from parley.store import driver
from parley.store import tables as t
from parley.store.engine import ValueRefused

_b = t.batches.c
_INSERT = insert(t.batches)
_ONE = select(t.batches).where(_b.batch_id == bindparam("batch_id"))


def _batch(batch_id: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "batch_id": batch_id,
        "agreement_id": "A",
        "phase_id": "P",
        "commitment_id": "C",
        "place": "Київ 🕊",
        "planned_date": None,
        "status": "planned",
        "planned_idx": 7,
        "closed_idx": None,
    }
    return {**row, **changes}


def test_rows_written_and_read_as_sqlalchemy_does(ledger: Ledger) -> None:
    with ledger.engine.begin() as conn:
        driver.write(conn, _INSERT, [_batch("B1"), _batch("B2", planned_date="2026-01-02")])
        conn.execute(_INSERT, [_batch("B3")])
    with ledger.reading() as conn:
        for batch_id in ("B1", "B2", "B3"):
            mine = driver.rows(conn, _ONE, {"batch_id": batch_id})
            theirs = conn.execute(_ONE, {"batch_id": batch_id}).all()
            assert [tuple(r) for r in mine] == [tuple(r) for r in theirs]
            assert mine[0].place == "Київ 🕊"
        assert driver.rows(conn, _ONE, {"batch_id": "none"}) == []


def test_a_value_the_database_cannot_store_is_refused_and_nothing_is_written(
    ledger: Ledger,
) -> None:
    """Too large an integer (SQLite stops at 2**63), too long a text (PostgreSQL's VARCHAR(64)
    refuses it; SQLite keeps any length)."""
    with pytest.raises(ValueRefused), ledger.engine.begin() as conn:
        driver.write(conn, _INSERT, [_batch("B9", planned_idx=2**70)])
    if ledger.engine.dialect.name == "postgresql":
        with pytest.raises(ValueRefused), ledger.engine.begin() as conn:
            driver.write(conn, _INSERT, [_batch("B" * 100)])
    with ledger.reading() as conn:
        assert conn.execute(select(t.batches)).all() == []
