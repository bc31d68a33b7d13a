"""Erasure: a person's personal data leaves every payload and projection; proofs still hold."""

from __future__ import annotations

from collections.abc import Sequence

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.domain.rosters import roster_owner
from parley.store import Tx
from parley.store import rosters as roster_store


def erase(ledger: Ledger, *, actor: str, roster_id: str, record_id: str, reason: str) -> Appended:
    """Erase every revision of one record, by the mediator or the party whose roster it is."""

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.PERSON_ERASE, owner=roster_owner(roster_id))
        revisions = roster_store.revisions(conn, roster_id, record_id)
        if not revisions:
            raise NotFound(f"roster {roster_id} has no record {record_id}")
        entries = tuple(ev.ErasedEntry(r.log_idx, r.revision) for r in revisions if r.on_log)
        if not entries:
            raise Conflict(f"{roster_id}/{record_id} is already erased")
        return [Event(actor, ev.PersonErased(roster_id, record_id, entries, reason))]

    return ledger.execute(decide)
