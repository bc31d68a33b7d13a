"""Handovers read ahead for a write group: a write of the group that may touch a row read
ahead sends its reader back to the database (`ReadAhead.forget`), and one that touches none
leaves it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, update

from parley.store import tables as t
from parley.store.batches import ReadAhead
from parley.store.projection import INSERT, Write, by_key

_KEYS = [("B", "RU", "r0"), ("B", "RU", "r1"), ("C", "RU", "r0")]
_H = update(t.handovers).where(by_key(t.handovers, "batch_id", "party_id", "record_id"))
_H = _H.values(state=bindparam("state"))
_H_OF_BATCH = update(t.handovers).where(by_key(t.handovers, "batch_id")).values(state="x")
_BATCH = update(t.batches).where(by_key(t.batches, "batch_id")).values(status="closed")


def _left(*writes: Write) -> list[tuple[str, str, str]]:
    ahead = ReadAhead({k: [] for k in _KEYS})
    ahead.forget(list(writes))
    return [k for k in _KEYS if ahead.take(*k) is not None]


def _person(batch: str, record: str, **more: Any) -> dict[str, Any]:
    return {"k_batch_id": batch, "k_party_id": "RU", "k_record_id": record, **more}


def test_a_write_that_names_a_row_forgets_that_row_alone() -> None:
    assert _left((_H, _person("B", "r0", state="received"))) == _KEYS[1:]
    row = {"batch_id": "C", "party_id": "RU", "record_id": "r0", "state": "requested"}
    assert _left((INSERT["handovers"], row)) == _KEYS[:2]


def test_a_write_of_a_batch_forgets_its_persons() -> None:
    assert _left((_BATCH, {"k_batch_id": "B"})) == [_KEYS[2]]
    assert _left((_H_OF_BATCH, {"k_batch_id": "C"})) == _KEYS[:2]


def test_a_write_the_rows_of_which_are_not_named_forgets_all() -> None:
    assert _left((delete(t.handovers).where(by_key(t.handovers, "batch_id")), {})) == []
    assert _left((update(t.handovers).values(state="x"), {})) == []


def test_a_write_of_another_table_forgets_nothing() -> None:
    history = {"log_idx": 1, "party_id": "RU", "record_id": "r0", "batch_id": "B"}
    assert _left((INSERT["handover_history"], history)) == _KEYS
