"""Rebuild: drop the projections and replay the log through the same projectors; and the
check, which replays in a transaction it rolls back and names every projected field that is
not what the log says (`parley rebuild --check`, `parley verify` of the live database)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.store import Tx
from parley.store import log as stored
from parley.store.projection import Projection, clear, layout, snapshot
from parley.store.rosters import erased_person_recorded


def rebuild(ledger: Ledger) -> int:
    """Replay every entry into empty projections, in one transaction; returns the entry count."""
    with stored.writing(ledger.engine) as conn:
        return _replay(conn)


def _replay(conn: Tx) -> int:
    """Empty the projections and replay the log into them, inside the caller's transaction."""
    clear(conn)
    count = 0
    projection = Projection(conn)
    erased, interviews = _erased_entries(conn)
    for r in stored.events(conn):
        count += 1
        if r.payload is None:
            if r.idx in interviews:  # an erased interview projects nothing
                continue
            if r.idx not in erased:
                raise ValueError(f"entry {r.idx} has no payload and no erasure names it")
            roster_id, record_id, revision, erased_idx = erased[r.idx]
            projection.add_writes(
                erased_person_recorded(r.idx, roster_id, record_id, revision, erased_idx)
            )
            continue
        payload = ev.payload_from_json(r.type, json.loads(r.payload))
        projection.add(r.idx, r.actor, r.time, payload)
    projection.flush()
    return count


def _erased_entries(conn: Tx) -> tuple[dict[int, tuple[str, str, int, int]], set[int]]:
    """Entry index -> (roster, record, revision, erasure index) of every erased record entry,
    and the erased interviews' entries, from every erasure event."""
    out, interviews = {}, set()
    for idx, payload in stored.payloads_of_type(conn, ev.PERSON_ERASED):
        p = ev.PersonErased.from_json(json.loads(payload))
        for e in p.entries:
            out[e.idx] = (p.roster_id, p.record_id, e.revision, idx)
        interviews |= set(p.interviews or ())
    return out, interviews


def projection_snapshot(conn: Tx) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted: two equal snapshots mean equal databases."""
    return snapshot(conn)


@dataclass(frozen=True)
class Difference:
    """Rows of one projection table that a replay of the log would not leave as they are:
    named by table, primary key and column, never by value (a value may be personal)."""

    table: str
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # (row key, the columns that differ)
    missing: tuple[str, ...]  # keys of rows the log makes that the table lacks
    extra: tuple[str, ...]  # keys of rows the table holds that the log never made

    def __str__(self) -> str:
        parts = [
            f"row {key}: {', '.join(columns)} differ{'s' if len(columns) == 1 else ''} from the log"
            for key, columns in self.changed[:3]
        ]
        parts += [f"row {key} is missing" for key in self.missing[:3]]
        parts += [f"row {key} is not made by the log" for key in self.extra[:3]]
        rows = len(self.changed) + len(self.missing) + len(self.extra)
        more = f" (and {rows - 3} more rows)" if rows > 3 else ""
        return f"{self.table}: {'; '.join(parts[:3])}{more}"


def _key(row: tuple[Any, ...], positions: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(row[i]) for i in positions) + ")"


def differences(
    live: dict[str, list[tuple[Any, ...]]], replayed: dict[str, list[tuple[Any, ...]]]
) -> list[Difference]:
    """What differs between two projection snapshots, table by table, row by row."""
    out = []
    for table, (columns, key) in layout().items():
        a, b = live.get(table, []), replayed.get(table, [])
        if a == b:
            continue
        mine = {_key(r, key): r for r in a}
        theirs = {_key(r, key): r for r in b}
        changed = tuple(
            (k, tuple(c for c, x, y in zip(columns, mine[k], theirs[k], strict=True) if x != y))
            for k in mine
            if k in theirs and mine[k] != theirs[k]
        )
        missing = tuple(k for k in theirs if k not in mine)
        extra = tuple(k for k in mine if k not in theirs)
        if not (changed or missing or extra):  # the same rows, repeated another number of times
            extra = (f"{len(a)} rows where the log makes {len(b)}",)
        out.append(Difference(table, changed, missing, extra))
    return out


class _Compared(Exception):
    """Carries the comparison out of the write transaction, which it rolls back."""

    def __init__(self, count: int, found: list[Difference]) -> None:
        self.count, self.found = count, found


def check(ledger: Ledger) -> tuple[int, list[Difference]]:
    """Replay the log and compare every projection with what it holds now, changing nothing:
    the replay runs in a write transaction that is rolled back. Returns the entry count and
    what differs (nothing, if every projected field is what the log says)."""
    try:
        with stored.writing(ledger.engine) as conn:
            live = projection_snapshot(conn)
            count = _replay(conn)
            raise _Compared(count, differences(live, projection_snapshot(conn)))
    except _Compared as done:
        return done.count, done.found


@dataclass(frozen=True)
class Replayed:
    entries: int
    seconds: float  # the replay alone, without the comparison
    differing: tuple[str, ...]  # projection tables whose rebuilt rows differ from the live ones
    repaired: tuple[Difference, ...] = ()  # what the replay changed


def replay(ledger: Ledger, *, compare: bool = False) -> Replayed:
    """Rebuild (the repair); with `compare`, say what the rebuild changed (nothing, if all
    was well)."""
    found: list[Difference] = []
    if compare:
        _, found = check(ledger)
    started = time.perf_counter()
    count = rebuild(ledger)
    seconds = time.perf_counter() - started
    return Replayed(count, seconds, tuple(d.table for d in found), tuple(found))
