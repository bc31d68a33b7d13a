"""Matches: proposals that two records are one human, the mediator's decisions, and the
sides' acknowledgements."""

from __future__ import annotations

from sqlalchemy import bindparam, update

from parley.domain import events as ev
from parley.store import tables as t
from parley.store.projection import INSERT, Write, by_key, projects


@projects(ev.MatchProposed)
def _proposed(idx: int, _a: str, _t: str, p: ev.MatchProposed) -> list[Write]:
    row = {
        "match_id": p.match_id,
        "left_ref": p.left,
        "right_ref": p.right,
        "score": p.score,
        "explanation": p.explanation,
        "duplicate": p.duplicate,
        "state": "proposed",
        "proposed_idx": idx,
        "decided_by": None,
        "decided_idx": None,
        "note": "",
    }
    return [(INSERT["matches"], row)]


_DECIDE_MATCH = (
    update(t.matches)
    .where(by_key(t.matches, "match_id"))
    .values(
        state=bindparam("state"),
        decided_by=bindparam("decided_by"),
        decided_idx=bindparam("decided_idx"),
        note=bindparam("note"),
    )
)


@projects(ev.MatchDecided)
def _decided(idx: int, actor: str, _t: str, p: ev.MatchDecided) -> list[Write]:
    params = {
        "k_match_id": p.match_id,
        "state": p.state.value,
        "decided_by": actor,
        "decided_idx": idx,
        "note": p.note,
    }
    return [(_DECIDE_MATCH, params)]


@projects(ev.MatchAcknowledged)
def _acknowledged(idx: int, actor: str, _t: str, p: ev.MatchAcknowledged) -> list[Write]:
    row = {"match_id": p.match_id, "party_id": actor, "log_idx": idx}
    return [(INSERT["match_acknowledgements"], row)]
