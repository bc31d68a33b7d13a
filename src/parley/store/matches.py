"""Matches: proposals that two records are one human, the mediator's decisions, and the
sides' acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update

from parley.domain import events as ev
from parley.domain.matches import MatchState, RecordRef
from parley.store import tables as t
from parley.store.engine import Tx
from parley.store.projection import INSERT, Write, by_key, projects


@projects(ev.MatchProposed)
def _proposed(idx: int, _a: str, _t: str, p: ev.MatchProposed) -> list[Write]:
    row = {
        "match_id": p.match_id,
        "left_ref": p.left,
        "right_ref": p.right,
        "score": p.score,
        "explanation": p.basis,  # the column keeps the basis: words naming no one
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


@projects(ev.MatchReversed)
def _reversed(idx: int, actor: str, _t: str, p: ev.MatchReversed) -> list[Write]:
    """The match stands reversed, by whom, where and why; its confirmation stays on the log."""
    params = {
        "k_match_id": p.match_id,
        "state": MatchState.REVERSED.value,
        "decided_by": actor,
        "decided_idx": idx,
        "note": p.reason,
    }
    return [(_DECIDE_MATCH, params)]


@projects(ev.MatchAcknowledged)
def _acknowledged(idx: int, actor: str, _t: str, p: ev.MatchAcknowledged) -> list[Write]:
    row = {"match_id": p.match_id, "party_id": actor, "log_idx": idx}
    return [(INSERT["match_acknowledgements"], row)]


# --- reads ---


@dataclass(frozen=True)
class StoredMatch:
    """A proposal as the projection holds it, with the mediator's decision."""

    match_id: str
    left: RecordRef
    right: RecordRef
    score: float
    basis: str  # how the pair was found, naming no one (parley.app.explanations says the rest)
    duplicate: bool
    state: MatchState

    @property
    def explanation(self) -> str:
        """The basis alone; the words that quote the records are
        `parley.app.explanations.explain_matches`'s, computed when shown."""
        return self.basis

    @property
    def parties(self) -> set[str]:
        """The parties whose records the match is about."""
        return {self.left.party_id, self.right.party_id}


_MATCH_COLUMNS = (
    t.matches.c.match_id,
    t.matches.c.left_ref,
    t.matches.c.right_ref,
    t.matches.c.score,
    t.matches.c.explanation,
    t.matches.c.duplicate,
    t.matches.c.state,
)


def _stored(r: Any) -> StoredMatch:
    return StoredMatch(
        match_id=r.match_id,
        left=RecordRef.parse(r.left_ref),
        right=RecordRef.parse(r.right_ref),
        score=r.score,
        basis=r.explanation,
        duplicate=r.duplicate,
        state=MatchState(r.state),
    )


def match_ids(tx: Tx) -> set[str]:
    """Every match id proposed so far, whatever its state."""
    return set(tx.execute(select(t.matches.c.match_id)).scalars())


def match_states(tx: Tx) -> dict[str, MatchState]:
    return {
        r.match_id: MatchState(r.state)
        for r in tx.execute(select(t.matches.c.match_id, t.matches.c.state))
    }


def match(tx: Tx, match_id: str) -> StoredMatch | None:
    row = tx.execute(select(*_MATCH_COLUMNS).where(t.matches.c.match_id == match_id)).one_or_none()
    return None if row is None else _stored(row)


def matches(tx: Tx, state: MatchState | None = None) -> list[StoredMatch]:
    """The matches in the order they were proposed; with `state`, only those in it."""
    query = select(*_MATCH_COLUMNS).order_by(t.matches.c.proposed_idx)
    if state is not None:
        query = query.where(t.matches.c.state == state.value)
    return [_stored(r) for r in tx.execute(query)]


def acknowledged_by(tx: Tx) -> dict[str, list[str]]:
    """Match id -> the parties that acknowledged it."""
    out: dict[str, list[str]] = {}
    a = t.match_acknowledgements.c
    for r in tx.execute(select(a.match_id, a.party_id)):
        out.setdefault(r.match_id, []).append(r.party_id)
    return out


def has_acknowledged(tx: Tx, match_id: str, party_id: str) -> bool:
    a = t.match_acknowledgements.c
    found = tx.execute(
        select(a.party_id).where(a.match_id == match_id, a.party_id == party_id)
    ).first()
    return found is not None


def matches_about(tx: Tx, ref: RecordRef) -> list[StoredMatch]:
    """Every proposal about one record, on either side, in the order proposed."""
    m = t.matches.c
    query = select(*_MATCH_COLUMNS).where((m.left_ref == str(ref)) | (m.right_ref == str(ref)))
    return [_stored(r) for r in tx.execute(query.order_by(m.proposed_idx))]


# --- the mediator's queue, a page at a time (parley.app.desk_queue) ---


def _queue_filter(state: MatchState | None, min_score: float | None) -> list[Any]:
    where: list[Any] = []
    if state is not None:
        where.append(t.matches.c.state == state.value)
    if min_score is not None:
        where.append(t.matches.c.score >= min_score)
    return where


def match_page(
    tx: Tx, *, state: MatchState | None, min_score: float | None, offset: int, limit: int
) -> tuple[list[StoredMatch], int]:
    """One page of the matches in `state` scoring `min_score` or more, the surest first (then
    in the order proposed), and how many the filter holds in all."""
    where = _queue_filter(state, min_score)
    total = tx.execute(select(func.count()).select_from(t.matches).where(*where)).scalar_one()
    query = (
        select(*_MATCH_COLUMNS)
        .where(*where)
        .order_by(t.matches.c.score.desc(), t.matches.c.proposed_idx)
        .offset(offset)
        .limit(limit)
    )
    return [_stored(r) for r in tx.execute(query)], int(total)


def match_ids_scoring(tx: Tx, *, state: MatchState, min_score: float) -> list[str]:
    """The ids of the matches in `state` scoring `min_score` or more, surest first."""
    query = (
        select(t.matches.c.match_id)
        .where(*_queue_filter(state, min_score))
        .order_by(t.matches.c.score.desc(), t.matches.c.proposed_idx)
    )
    return list(tx.execute(query).scalars())


def state_counts(tx: Tx) -> dict[str, int]:
    """How many matches stand in each state."""
    rows = tx.execute(select(t.matches.c.state, func.count()).group_by(t.matches.c.state))
    return {state: int(n) for state, n in rows}
