"""Rebuild: drop the projections and replay the log through the same projectors."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.store import Tx
from parley.store import log as stored
from parley.store.projection import Projection, clear, snapshot
from parley.store.rosters import erased_person_recorded


def rebuild(ledger: Ledger) -> int:
    """Replay every entry into empty projections, in one transaction; returns the entry count."""
    with stored.writing(ledger.engine) as conn:
        clear(conn)
        count = 0
        projection = Projection(conn)
        erased = _erased_entries(conn)
        for r in stored.events(conn):
            count += 1
            if r.payload is None:
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


def _erased_entries(conn: Tx) -> dict[int, tuple[str, str, int, int]]:
    """Entry index -> (roster, record, revision, erasure index), from every erasure event."""
    out = {}
    for idx, payload in stored.payloads_of_type(conn, ev.PERSON_ERASED):
        p = ev.PersonErased.from_json(json.loads(payload))
        for e in p.entries:
            out[e.idx] = (p.roster_id, p.record_id, e.revision, idx)
    return out


def projection_snapshot(conn: Tx) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, sorted: two equal snapshots mean equal databases."""
    return snapshot(conn)


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
