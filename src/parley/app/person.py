"""One person's whole history: every roster record, revision and handover step."""

from __future__ import annotations

from typing import Any

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.errors import NotFound
from parley.domain.handovers import FINAL, HandoverState
from parley.domain.matches import MatchState, RecordRef
from parley.domain.rosters import RosterKind, roster_owner
from parley.domain.rosters import roster_id as roster_id_of
from parley.errors import N_
from parley.store import Tx
from parley.store import batches as batch_store
from parley.store import matches as match_store
from parley.store import rosters as roster_store

# A person's handover ends here for the side that sought them: its sought record closes.
CLOSING = frozenset(
    FINAL - {HandoverState.NOT_DELIVERED, HandoverState.SUBSTITUTED, HandoverState.WITHDRAWN}
)


def history(ledger: Ledger, *, actor: str, roster_id: str, record_id: str) -> dict[str, Any]:
    """The record's revisions, the roster versions it was on, and every handover step; for a
    sought record, the handovers of the held persons the process joined to it, and whether it
    is closed. The side that sought a held person, or receives them, sees that person by name
    and where they stand (`outcome_of`), not the holder's record."""
    ref = RecordRef(roster_id, record_id)
    owner = roster_owner(roster_id)
    with ledger.reading() as conn:
        who = authz.acting(conn, actor)
        if not authz.allows(who, authz.Action.PERSON_READ, owner=owner):
            joined = _joined_parties(conn, ref)
            if joined and authz.allows(
                who, authz.Action.PERSON_OUTCOME_READ, owner=owner, parties=joined
            ):
                return _outcome(conn, ref)
        authz.check(who, authz.Action.PERSON_READ, owner=owner, about=str(ref))
        current = roster_store.current_record(conn, roster_id, record_id)
        if current is None:
            raise NotFound(
                N_("roster {roster_id} has no record {record_id}"),
                roster_id=roster_id,
                record_id=record_id,
            )
        revisions = roster_store.revisions(conn, roster_id, record_id)
        versions = roster_store.versions_of_record(conn, roster_id, record_id)
        matched = [
            authz.visible_match(
                who,
                {
                    "match_id": m.match_id,
                    "with": str(m.right if m.left == ref else m.left),
                    "state": m.state.value,
                    "score": m.score,
                    "duplicate": m.duplicate,
                    "explanation": m.explanation,
                },
            )
            for m in match_store.matches_about(conn, ref)
            if authz.sees_match(who, {owner}, m.state is MatchState.CONFIRMED)
        ]
        held = ref.kind == RosterKind.HELD
        steps = batch_store.handover_steps(conn, PersonRef(owner, record_id)) if held else []
        found = [] if held else _found_as(conn, ref)
    return {
        "record": str(ref),
        "name": current.display_name,
        "erased": current.erased,
        "current": current.data,
        "revisions": [
            {"revision": r.revision, "log_index": r.log_idx, "time": r.time, "data": r.data}
            for r in revisions
        ],
        "roster_versions": [
            {
                "version": v.version,
                "source": v.source,
                "on_roster": v.revision is not None,
                "revision": v.revision,
            }
            for v in versions
        ],
        "matches": matched,
        "handovers": _steps(steps),
        **({} if held else _sought_outcome(found)),
    }


def _steps(steps: list[batch_store.HandoverStep]) -> list[dict[str, Any]]:
    return [
        {
            "batch": s.batch_id,
            "from": s.from_state,
            "to": s.to_state,
            "by": s.actor,
            "time": s.time,
            "note": s.note,
            "log_index": s.log_idx,
        }
        for s in steps
    ]


def _confirmed_with(conn: Tx, ref: RecordRef) -> list[RecordRef]:
    """The records a confirmed match joins to `ref`."""
    out = []
    for m in match_store.matches_about(conn, ref):
        if m.state is MatchState.CONFIRMED:
            out.append(m.right if m.left == ref else m.left)
    return out


def _joined_parties(conn: Tx, ref: RecordRef) -> set[str]:
    """The parties the process joined to a held record: those whose sought record a confirmed
    match joins to it, and those who receive the person in a batch."""
    if ref.roster_id != roster_id_of(ref.party_id, RosterKind.HELD):  # also a malformed id
        return set()
    person = PersonRef(ref.party_id, ref.record_id)
    seekers = {r.party_id for r in _confirmed_with(conn, ref) if r.kind == RosterKind.SOUGHT}
    return seekers | batch_store.receiving_parties(conn, person)


def _found_as(conn: Tx, sought: RecordRef) -> list[dict[str, Any]]:
    """The held persons the process joined to a sought record, each by name with every step."""
    return [
        _outcome(conn, held)
        for held in _confirmed_with(conn, sought)
        if held.kind == RosterKind.HELD
    ]


def _outcome(conn: Tx, held: RecordRef) -> dict[str, Any]:
    """A held person as the side that sought or receives them sees them: by name, where they
    stand in the process and how it ended; nothing else of the holder's record."""
    current = roster_store.current_record(conn, held.roster_id, held.record_id)
    if current is None:
        raise NotFound(
            N_("roster {roster_id} has no record {record_id}"),
            roster_id=held.roster_id,
            record_id=held.record_id,
        )
    steps = batch_store.handover_steps(conn, PersonRef(held.party_id, held.record_id))
    last = steps[-1] if steps else None
    return {
        "record": str(held),
        "name": None if current.erased else current.display_name,
        "erased": current.erased,
        "joined": True,  # seen as the process joined it to the reader's own, not as a record
        "current": None,
        "revisions": [],
        "roster_versions": [],
        "matches": [],
        "state": None if last is None else last.to_state,
        "batch": None if last is None else last.batch_id,
        "final": last is not None and HandoverState(last.to_state) in CLOSING,
        "handovers": _steps(steps),
    }


def _sought_outcome(found: list[dict[str, Any]]) -> dict[str, Any]:
    """A sought record closes when a person joined to it reaches a final state (received,
    declined, deceased, released to a third state), with the link to that handover."""
    done = next((x for x in found if x["final"]), None)
    return {
        "found_as": found,
        "closed": done is not None,
        "outcome": None
        if done is None
        else {"record": done["record"], "state": done["state"], "batch": done["batch"]},
    }
