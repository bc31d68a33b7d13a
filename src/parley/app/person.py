"""One person's whole history: every roster record, revision and handover step."""

from __future__ import annotations

from typing import Any

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.errors import NotFound
from parley.domain.matches import MatchState, RecordRef
from parley.domain.rosters import RosterKind, roster_owner
from parley.store import batches as batch_store
from parley.store import matches as match_store
from parley.store import rosters as roster_store


def history(ledger: Ledger, *, actor: str, roster_id: str, record_id: str) -> dict[str, Any]:
    """The record's revisions, the roster versions it was on, and every handover step."""
    ref = RecordRef(roster_id, record_id)
    owner = roster_owner(roster_id)
    with ledger.reading() as conn:
        who = authz.require(conn, actor, authz.Action.PERSON_READ, owner=owner, about=str(ref))
        current = roster_store.current_record(conn, roster_id, record_id)
        if current is None:
            raise NotFound(f"roster {roster_id} has no record {record_id}")
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
        "handovers": [
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
        ],
    }
