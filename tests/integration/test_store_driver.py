"""Statements on the driver's cursor (store.driver) write and read what SQLAlchemy's own
execution does, and refuse a value the database cannot store the same way."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, create_engine, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from parley.app.config import Settings
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
    with ledger.engine.begin() as conn:  # several rows at once (PostgreSQL: one statement)
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
    with pytest.raises(ValueRefused), ledger.engine.begin() as conn:  # among others
        driver.write(conn, _INSERT, [_batch("B8"), _batch("B9", planned_idx=2**70)])
    if ledger.engine.dialect.name == "postgresql":
        with pytest.raises(ValueRefused), ledger.engine.begin() as conn:
            driver.write(conn, _INSERT, [_batch("B" * 100)])
        with pytest.raises(ValueRefused), ledger.engine.begin() as conn:  # refused, not cut
            driver.write(conn, _INSERT, [_batch("B7"), _batch("B" * 100), _batch("B6")])
    with ledger.reading() as conn:
        assert conn.execute(select(t.batches)).all() == []


def test_a_read_outside_a_transaction_reads_as_sqlalchemy_and_leaves_the_pool_as_it_was(
    ledger: Ledger,
) -> None:
    """`driver.read` on a pooled connection: the same rows; the connection goes back to the
    pool in its transactions' mode, so the next write transaction is one."""
    with ledger.engine.begin() as conn:
        driver.write(conn, _INSERT, [_batch("B1")])
    for _ in range(3):
        assert [tuple(r) for r in driver.read(ledger.engine, _ONE, {"batch_id": "B1"})] == [
            tuple(r) for r in _read(ledger, "B1")
        ]
    conn = ledger.engine.connect()
    with conn.begin() as tx:  # a transaction that writes, then rolls back
        driver.write(conn, _INSERT, [_batch("B2")])
        tx.rollback()
    conn.close()
    assert driver.read(ledger.engine, _ONE, {"batch_id": "B2"}) == []


@pytest.mark.postgres
def test_a_read_on_a_connection_the_database_closed_is_answered_on_a_new_one(
    postgres_url: str, tmp_path: Path
) -> None:
    with contextlib.closing(Ledger.open(Settings(tmp_path, postgres_url), create=True)) as led:
        _a_read_after_the_server_ended_its_connection(led)


def _a_read_after_the_server_ended_its_connection(ledger: Ledger) -> None:
    ledger.engine.dispose()
    driver.read(ledger.engine, _ONE, {"batch_id": "B1"})  # the pool's one connection
    pooled = ledger.engine.raw_connection()
    pid = pooled.driver_connection.info.backend_pid  # type: ignore[union-attr]
    pooled.close()
    other = create_engine(ledger.engine.url, poolclass=NullPool)
    with other.connect() as conn:  # a connection of no pool ends it
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    other.dispose()
    answered = 0
    for _ in range(3):
        with contextlib.suppress(DBAPIError):  # the connection ended under the read: dropped
            answered += driver.read(ledger.engine, _ONE, {"batch_id": "B1"}) == []
    assert answered >= 2


def _read(ledger: Ledger, batch_id: str) -> list[Any]:
    with ledger.reading() as conn:
        return list(conn.execute(_ONE, {"batch_id": batch_id}).all())


def test_pairs_asked_at_once_are_those_held_and_no_others(ledger: Ledger) -> None:
    """Nonces asked for by the pair (key id, nonce): a key's nonce held under another key is
    not the pair asked (PostgreSQL reads each column's values at once, then keeps the pairs)."""
    from parley.store import requests as seen_requests

    held = [
        seen_requests.Taken("k1", "n2", 1, b"s12", b"{}"),
        seen_requests.Taken("k2", "n1", 1, b"s21", b"{}"),
    ]
    with ledger.engine.begin() as conn:
        seen_requests.record(conn, held)
    with ledger.reading() as conn:
        assert seen_requests.held(conn, [("k1", "n1"), ("k2", "n2")]) == {}
        assert seen_requests.held(conn, [("k1", "n1"), ("k1", "n2")]) == {("k1", "n2"): b"s12"}
        assert seen_requests.held(conn, [("k2", "n1"), ("k1", "n2"), ("k3", "n3")]) == {
            ("k2", "n1"): b"s21",
            ("k1", "n2"): b"s12",
        }
    from parley.store import log as stored

    commands = [{"first_idx": i, "key_id": k, "nonce": n, "record": b"r", "body": None}
                for i, (k, n) in enumerate([("k1", "n2"), ("k2", "n1")])]  # fmt: skip
    with ledger.engine.begin() as conn:
        conn.execute(insert(t.log_commands), commands)
    with ledger.reading() as conn:
        assert stored.logged_nonces(conn, [("k1", "n1"), ("k2", "n2")]) == set()
        assert stored.logged_nonces(conn, [("k2", "n1"), ("k1", "n1")]) == {("k2", "n1")}
