"""Erasure: a person's personal data leaves every payload and projection; proofs still hold."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.store import tables as t


def erase(ledger: Ledger, *, actor: str, roster_id: str, record_id: str, reason: str) -> Appended:
    """Erase every revision of one record, by the mediator or the party whose roster it is."""

    def decide(conn: Connection) -> Sequence[Event]:
        owner = roster_id.split(":")[0]
        authz.require(conn, actor, authz.Action.PERSON_ERASE, owner=owner)
        r = t.record_revisions.c
        revisions = conn.execute(
            select(r.revision, r.log_idx).where(r.roster_id == roster_id, r.record_id == record_id)
        ).all()
        if not revisions:
            raise NotFound(f"roster {roster_id} has no record {record_id}")
        live = conn.execute(
            select(t.log_entries.c.idx).where(
                t.log_entries.c.idx.in_([row.log_idx for row in revisions]),
                t.log_entries.c.payload.isnot(None),
            )
        ).scalars()
        pending = set(live)
        if not pending:
            raise Conflict(f"{roster_id}/{record_id} is already erased")
        entries = tuple(
            ev.ErasedEntry(int(row.log_idx), int(row.revision))
            for row in sorted(revisions)
            if row.log_idx in pending
        )
        return [Event(actor, ev.PersonErased(roster_id, record_id, entries, reason))]

    return ledger.execute(decide)
