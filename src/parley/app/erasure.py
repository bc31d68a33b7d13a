"""Erasure: a person's personal data leaves every payload and projection; proofs still hold.

A person, not a record: erasing one record erases every record the process has joined to it
(confirmed matches, followed from record to record, on both sides' rosters) with their consent
interviews, and says what it erased and what it could not: a joined record the asker may not erase, a record only proposed
as the same person, and the records on rosters the process never joined, which it cannot know.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.agreements import PersonRef
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.domain.matches import MatchState, RecordRef
from parley.domain.rosters import RosterKind, roster_owner
from parley.errors import N_
from parley.store import Tx
from parley.store import log as log_store
from parley.store import matches as match_store
from parley.store import rosters as roster_store
from parley.store.erasure import wipe_stale_copies

# a proposal, or a candidate of an ambiguous group: not joined, only named as possibly the same
_OPEN = (MatchState.PROPOSED, MatchState.AMBIGUOUS)


@dataclass
class Erasure:
    """What an erasure did: the records it erased, those erased before, and what it could not
    erase, each with why."""

    erased: list[RecordRef] = field(default_factory=list)
    already: list[RecordRef] = field(default_factory=list)
    not_erased: list[tuple[RecordRef, str]] = field(default_factory=list)
    interviews: int = 0  # consent interviews erased with them
    appended: Appended | None = None


def joined_records(tx: Tx, start: RecordRef) -> tuple[list[RecordRef], list[RecordRef]]:
    """Every record the process joined to `start` by confirmed matches, followed from record
    to record (`start` first), and the records only proposed as the same person."""
    joined, queue, proposed = [start], [start], []
    while queue:
        ref = queue.pop()
        for m in match_store.matches_about(tx, ref):
            other = m.right if m.left == ref else m.left
            if m.state is MatchState.CONFIRMED and other not in joined:
                joined.append(other)
                queue.append(other)
            elif m.state in _OPEN and other not in proposed:
                proposed.append(other)
    return joined, [p for p in proposed if p not in joined]


def _interviews(tx: Tx, ref: RecordRef) -> tuple[tuple[int, ...], dict[str, int]]:
    """A held record's person's consent interviews: the `interview.recorded` entries (erasable
    with them), and by batch how many an earlier log kept inside `handover.advanced` payloads,
    which an erasure cannot drop."""
    if ref.kind != RosterKind.HELD:
        return (), {}
    person = PersonRef(ref.party_id, ref.record_id)
    own = []
    for idx, payload in log_store.payloads_of_type(tx, ev.INTERVIEW_RECORDED):
        recorded = ev.InterviewRecorded.from_json(json.loads(payload))
        if recorded.person == person:
            own.append(idx)
    inside: dict[str, int] = {}
    for _, payload in log_store.payloads_of_type(tx, ev.HANDOVER_ADVANCED):
        step = ev.HandoverAdvanced.from_json(json.loads(payload))
        if step.person == person and step.interview is not None:
            inside[step.batch_id] = inside.get(step.batch_id, 0) + 1
    return tuple(own), inside


def _erased_entries(tx: Tx, ref: RecordRef) -> tuple[ev.ErasedEntry, ...] | None:
    """The entries an erasure of `ref` drops; () when it is erased already, None if unknown."""
    revisions = roster_store.revisions(tx, ref.roster_id, ref.record_id)
    if not revisions:
        return None
    return tuple(ev.ErasedEntry(r.log_idx, r.revision) for r in revisions if r.on_log)


def erase_person(
    ledger: Ledger, *, actor: str, roster_id: str, record_id: str, reason: str
) -> Erasure:
    """Erase a person: the record named and every record joined to it, by the mediator or
    (for its own roster's records) a party. Refused, erasing nothing, when the asker may not
    erase the record named, it does not exist, or nothing is left to erase."""
    done = Erasure()

    def decide(tx: Tx) -> Sequence[Event]:
        done.erased.clear()
        done.already.clear()
        done.not_erased.clear()
        done.interviews = 0
        who = authz.require(tx, actor, authz.Action.PERSON_ERASE, owner=roster_owner(roster_id))
        start = RecordRef(roster_id, record_id)
        if _erased_entries(tx, start) is None:
            raise NotFound(
                N_("roster {roster_id} has no record {record_id}"),
                roster_id=roster_id,
                record_id=record_id,
            )
        joined, proposed = joined_records(tx, start)
        events = []
        for ref in joined:
            owner = ref.party_id
            if not authz.allows(who, authz.Action.PERSON_ERASE, owner=owner):
                why = f"joined to this person, but on {owner}'s roster: {owner} or the mediator"
                done.not_erased.append((ref, why + " may erase it"))
                continue
            entries = _erased_entries(tx, ref)
            interviews, inside = _interviews(tx, ref)
            for batch_id, count in inside.items():
                why = (
                    f"{count} consent interview(s) in batch {batch_id}, sealed to the mediator"
                    " inside handover.advanced payloads (as logs kept them before"
                    " interview.recorded), which an erasure cannot drop"
                )
                done.not_erased.append((ref, why))
            if not entries and not interviews:
                done.already.append(ref)
                continue
            done.erased.append(ref)
            erased = ev.PersonErased(
                ref.roster_id, ref.record_id, entries or (), reason, interviews or None
            )
            events.append(Event(actor, erased))
            done.interviews += len(interviews)
        for ref in proposed:
            why = "only proposed as the same person, never confirmed: not erased"
            done.not_erased.append((ref, why))
        if not events:
            raise Conflict(
                N_("{start} is already erased, with every record joined to it"), start=start
            )
        return events

    done.appended = ledger.execute(decide)
    wipe_stale_copies(ledger.engine)
    return done


def erase(ledger: Ledger, *, actor: str, roster_id: str, record_id: str, reason: str) -> Appended:
    """Erase every revision of one record, by the mediator or the party whose roster it is."""

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.PERSON_ERASE, owner=roster_owner(roster_id))
        entries = _erased_entries(conn, RecordRef(roster_id, record_id))
        if entries is None:
            raise NotFound(
                N_("roster {roster_id} has no record {record_id}"),
                roster_id=roster_id,
                record_id=record_id,
            )
        if not entries:
            raise Conflict(
                N_("{roster_id}/{record_id} is already erased"),
                roster_id=roster_id,
                record_id=record_id,
            )
        return [Event(actor, ev.PersonErased(roster_id, record_id, entries, reason))]

    appended = ledger.execute(decide)
    wipe_stale_copies(ledger.engine)
    return appended
