"""Rebuild: drop the projections and replay the log through the same projectors."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.store import tables as t
from parley.store.engine import lock_log
from parley.store.projection import Projection, clear
from parley.store.rosters import erased_person_recorded

_CHUNK = 5000


def rebuild(ledger: Ledger) -> int:
    """Replay every entry into empty projections, in one transaction; returns the entry count."""
    with ledger.engine.connect().execution_options(parley_write=True) as conn, conn.begin():
        lock_log(conn)
        clear(conn)
        count = 0
        last = -1
        projection = Projection(conn)
        erased = _erased_entries(conn)
        while True:
            rows = conn.execute(
                select(
                    t.log_entries.c.idx,
                    t.log_entries.c.type,
                    t.log_entries.c.actor,
                    t.log_entries.c.claimed_time,
                    t.log_entries.c.payload,
                )
                .where(t.log_entries.c.idx > last)
                .order_by(t.log_entries.c.idx)
                .limit(_CHUNK)
            ).all()
            if not rows:
                break
            for r in rows:
                if r.payload is None:
                    if r.idx not in erased:
                        raise ValueError(f"entry {r.idx} has no payload and no erasure names it")
                    roster_id, record_id, revision, erased_idx = erased[r.idx]
                    projection.add_writes(
                        erased_person_recorded(r.idx, roster_id, record_id, revision, erased_idx)
                    )
                    continue
                payload = ev.payload_from_json(r.type, json.loads(r.payload))
                projection.add(r.idx, r.actor, r.claimed_time, payload)
            count += len(rows)
            last = rows[-1].idx
        projection.flush()
        return count


def _erased_entries(conn: Connection) -> dict[int, tuple[str, str, int, int]]:
    """Entry index -> (roster, record, revision, erasure index), from every erasure event."""
    out = {}
    rows = conn.execute(
        select(t.log_entries.c.idx, t.log_entries.c.payload).where(
            t.log_entries.c.type == ev.PERSON_ERASED
        )
    )
    for r in rows:
        p = ev.PersonErased.from_json(json.loads(r.payload))
        for e in p.entries:
            out[e.idx] = (p.roster_id, p.record_id, e.revision, int(r.idx))
    return out


def projection_snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted: two equal snapshots mean equal databases."""
    out = {}
    for table in t.PROJECTION_TABLES:
        rows = conn.execute(select(table)).all()
        out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


@dataclass(frozen=True)
class Replayed:
    entries: int
    seconds: float  # the replay alone, without the comparison
    differing: tuple[str, ...]  # projection tables whose rebuilt rows differ from the live ones


def replay(ledger: Ledger, *, compare: bool = False) -> Replayed:
    """Rebuild; with `compare`, name the projections the rebuild changed (none, if all is well)."""
    before = None
    if compare:
        with ledger.reading() as conn:
            before = projection_snapshot(conn)
    started = time.perf_counter()
    count = rebuild(ledger)
    seconds = time.perf_counter() - started
    differing: tuple[str, ...] = ()
    if before is not None:
        with ledger.reading() as conn:
            after = projection_snapshot(conn)
        differing = tuple(name for name in before if before[name] != after[name])
    return Replayed(count, seconds, differing)
