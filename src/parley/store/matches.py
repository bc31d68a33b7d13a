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
        "group_id": None,
    }
    return [(INSERT["matches"], row)]


_JOIN_GROUP = (
    update(t.matches)
    .where(by_key(t.matches, "match_id"))
    .values(state=MatchState.AMBIGUOUS.value, group_id=bindparam("group_id"))
)


@projects(ev.MatchAmbiguous)
def _ambiguous(idx: int, _a: str, _t: str, p: ev.MatchAmbiguous) -> list[Write]:
    """Each candidate of the group, none of them a proposal: it waits for the mediator's
    choice in state `ambiguous`; a proposal that joins the group waits with them."""
    rows: list[Write] = []
    for mid in p.joined or ():
        rows.append((_JOIN_GROUP, {"k_match_id": mid, "group_id": p.group_id}))
    for c in p.candidates:
        left, right = RecordRef.parse(c.left), RecordRef.parse(c.right)
        row = {
            "match_id": c.match_id,
            "left_ref": c.left,
            "right_ref": c.right,
            "score": c.score,
            "explanation": c.basis,
            "duplicate": left.party_id == right.party_id,
            "state": MatchState.AMBIGUOUS.value,
            "proposed_idx": idx,
            "decided_by": None,
            "decided_idx": None,
            "note": "",
            "group_id": p.group_id,
        }
        rows.append((INSERT["matches"], row))
    return rows


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
    """The match stands reversed, by whom, where and why; its confirmation stays on the log.
    The candidates of its group it reopens wait for the mediator's choice again."""
    params: dict[str, Any] = {
        "k_match_id": p.match_id,
        "state": MatchState.REVERSED.value,
        "decided_by": actor,
        "decided_idx": idx,
        "note": p.reason,
    }
    writes: list[Write] = [(_DECIDE_MATCH, params)]
    for mid in p.reopened or ():
        again = {
            "k_match_id": mid,
            "state": MatchState.AMBIGUOUS.value,
            "decided_by": None,
            "decided_idx": None,
            "note": "",
        }
        writes.append((_DECIDE_MATCH, again))
    return writes


@projects(ev.MatchSettled)
def _settled(idx: int, actor: str, _t: str, p: ev.MatchSettled) -> list[Write]:
    """The candidates linked clearly now await a decision as proposals; the rest are
    withdrawn, rejected with the reason; all keep their group."""
    writes: list[Write] = []
    for mid in p.proposed:
        params: dict[str, Any] = {
            "k_match_id": mid,
            "state": MatchState.PROPOSED.value,
            "decided_by": None,
            "decided_idx": None,
            "note": "",
        }
        writes.append((_DECIDE_MATCH, params))
    for mid in p.withdrawn:
        params = {
            "k_match_id": mid,
            "state": MatchState.REJECTED.value,
            "decided_by": actor,
            "decided_idx": idx,
            "note": p.reason,
        }
        writes.append((_DECIDE_MATCH, params))
    return writes


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
    group: str | None = None  # the ambiguous group it is a candidate of, if any

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
    t.matches.c.group_id,
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
        group=r.group_id,
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
    """The matches in the order they were proposed (a group's candidates, proposed together,
    the likeliest first); with `state`, only those in it."""
    m = t.matches.c
    query = select(*_MATCH_COLUMNS).order_by(m.proposed_idx, m.score.desc(), m.match_id)
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


# --- ambiguous groups: candidates too close to tell apart, for the mediator to choose from ---


def group(tx: Tx, group_id: str) -> list[StoredMatch]:
    """Every candidate of an ambiguous group, whatever its state, the likeliest first."""
    m = t.matches.c
    query = select(*_MATCH_COLUMNS).where(m.group_id == group_id)
    return [_stored(r) for r in tx.execute(query.order_by(m.score.desc(), m.proposed_idx))]


def standing(tx: Tx, match_ids: set[str]) -> dict[str, tuple[str | None, MatchState]]:
    """Of the matches named, those on record: match id -> (its group or None, its state)."""
    m = t.matches.c
    out: dict[str, tuple[str | None, MatchState]] = {}
    wanted = sorted(match_ids)
    for k in range(0, len(wanted), 500):  # a bound list of ids, a slice at a time
        query = select(m.match_id, m.group_id, m.state).where(m.match_id.in_(wanted[k : k + 500]))
        for r in tx.execute(query):
            out[r.match_id] = (r.group_id, MatchState(r.state))
    return out


def groups_of(tx: Tx, match_ids: set[str]) -> dict[str, tuple[str, MatchState]]:
    """Of the matches named, those that are candidates of a group: match id -> (group, state)."""
    return {mid: (g, s) for mid, (g, s) in standing(tx, match_ids).items() if g is not None}


def open_groups(tx: Tx) -> dict[str, list[StoredMatch]]:
    """The groups with candidates still waiting for the mediator's choice, and those
    candidates, in the order found."""
    m = t.matches.c
    query = select(*_MATCH_COLUMNS).where(m.state == MatchState.AMBIGUOUS.value)
    out: dict[str, list[StoredMatch]] = {}
    for r in tx.execute(query.order_by(m.proposed_idx, m.match_id)):
        out.setdefault(r.group_id, []).append(_stored(r))
    return out


def open_group_page(tx: Tx, *, offset: int, limit: int) -> tuple[list[list[StoredMatch]], int]:
    """One page of the open groups, each with its candidates (the likeliest first), in the
    order found; and how many groups are open in all."""
    m = t.matches.c
    waiting = (
        select(m.group_id, func.min(m.proposed_idx).label("found"))
        .where(m.state == MatchState.AMBIGUOUS.value)
        .group_by(m.group_id)
        .subquery()
    )
    total = tx.execute(select(func.count()).select_from(waiting)).scalar_one()
    page = select(waiting.c.group_id).order_by(waiting.c.found, waiting.c.group_id)
    ids = list(tx.execute(page.offset(offset).limit(limit)).scalars())
    if not ids:
        return [], int(total)
    query = (
        select(*_MATCH_COLUMNS)
        .where(m.group_id.in_(ids), m.state == MatchState.AMBIGUOUS.value)
        .order_by(m.score.desc(), m.proposed_idx, m.match_id)
    )
    found: dict[str, list[StoredMatch]] = {gid: [] for gid in ids}
    for r in tx.execute(query):
        found[r.group_id].append(_stored(r))
    return list(found.values()), int(total)
