"""The mediator's reconciliation queue as a page shows it: each candidate pair side by side,
both records in the script they were written in with a transliteration, their dates and places,
the score and its explanation in words; a page at a time, and the counts for a bulk decision."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.app import authz
from parley.app.desk_views import latin
from parley.app.explanations import explain_matches
from parley.app.ledger import Appended, Ledger
from parley.app.reconcile import decide_matches
from parley.domain.errors import Conflict, DomainError
from parley.domain.matches import MatchState, RecordRef
from parley.store import Tx, rosters
from parley.store import matches as stored
from parley.store.matches import StoredMatch

# what a record shows beside its name, in this order (the page labels each in its language)
SHOWN_FIELDS = (
    "birth_date",
    "birth_place",
    "citizenship",
    "rank",
    "service_number",
    "unit",
    "capture_date",
    "capture_place",
    "category",
    "health",
)


@dataclass(frozen=True)
class QueueRecord:
    """One side of a pair: the record as written, or `erased` with nothing of it."""

    ref: str
    party: str
    name: str
    latin: str
    fields: tuple[tuple[str, str], ...]  # (field, value as written), only those it has
    erased: bool


@dataclass(frozen=True)
class QueueRow:
    match_id: str
    state: str
    score: float
    duplicate: bool
    explanation: str
    left: QueueRecord
    right: QueueRecord


@dataclass(frozen=True)
class Queue:
    """One page of the queue, the number of pairs the filter holds, and the count in each
    state (the reconciliation's progress)."""

    rows: tuple[QueueRow, ...]
    total: int
    offset: int
    limit: int
    counts: Mapping[str, int]


def _name(data: Mapping[str, Any]) -> str:
    if data.get("full_name"):
        return str(data["full_name"])
    parts = (data.get(k) for k in ("family_name", "given_name", "patronymic"))
    return " ".join(str(p) for p in parts if p)


def _record(ref: RecordRef, found: rosters.CurrentRecord | None) -> QueueRecord:
    if found is None or found.erased:
        return QueueRecord(str(ref), ref.party_id, "", "", (), True)
    data = found.data
    name = _name(data) or found.display_name
    fields = tuple((k, str(data[k])) for k in SHOWN_FIELDS if data.get(k) not in (None, ""))
    return QueueRecord(str(ref), ref.party_id, name, latin(name), fields, False)


def _filtered(
    tx: Tx, state: MatchState | None, min_score: float | None
) -> tuple[list[StoredMatch], Counter[str]]:
    every = stored.matches(tx)
    counts = Counter(m.state.value for m in every)
    chosen = [
        m
        for m in every
        if (state is None or m.state is state) and (min_score is None or m.score >= min_score)
    ]
    chosen.sort(key=lambda m: -m.score)  # the surest first; stable: in proposal order
    return chosen, counts


def queue(
    ledger: Ledger,
    *,
    actor: str,
    state: MatchState | None = MatchState.PROPOSED,
    min_score: float | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Queue:
    """A page of the pairs in `state` (every state: None) scoring at least `min_score`."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_SEE_PROPOSED)
        chosen, counts = _filtered(tx, state, min_score)
        page = chosen[max(offset, 0) : max(offset, 0) + max(limit, 1)]
        words = explain_matches(tx, page)
        records: dict[str, dict[str, rosters.CurrentRecord]] = {}
        for roster in sorted({ref.roster_id for m in page for ref in (m.left, m.right)}):
            records[roster] = rosters.records(tx, roster)
    rows = tuple(
        QueueRow(
            m.match_id,
            m.state.value,
            m.score,
            m.duplicate,
            words[m.match_id],
            _record(m.left, records[m.left.roster_id].get(m.left.record_id)),
            _record(m.right, records[m.right.roster_id].get(m.right.record_id)),
        )
        for m in page
    )
    return Queue(rows, len(chosen), max(offset, 0), max(limit, 1), dict(counts))


def proposals_above(ledger: Ledger, *, actor: str, min_score: float) -> list[str]:
    """The proposals scoring `min_score` or more: what a bulk decision would decide."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_SEE_PROPOSED)
        chosen, _ = _filtered(tx, MatchState.PROPOSED, min_score)
    return [m.match_id for m in chosen]


def decide_above(
    ledger: Ledger,
    *,
    actor: str,
    min_score: float,
    state: MatchState,
    expected: int,
    note: str = "",
) -> Appended:
    """Confirm or reject every proposal scoring `min_score` or more, as the mediator saw them
    counted: if the count is no longer `expected` (the queue changed meanwhile), nothing is
    decided and the mediator looks again."""
    mids = proposals_above(ledger, actor=actor, min_score=min_score)
    if len(mids) != expected:
        raise Conflict(
            f"{len(mids)} proposals now score {min_score} or more, not the {expected} shown:"
            " nothing was decided; look at the count again"
        )
    if not mids:
        raise DomainError(f"no proposal scores {min_score} or more")
    return decide_matches(ledger, actor=actor, mids=mids, state=state, note=note)


def decide_some(
    ledger: Ledger, *, actor: str, mids: Sequence[str], state: MatchState, note: str = ""
) -> Appended:
    """One decision on the pairs ticked on a page, all or none."""
    if not mids:
        raise DomainError("tick at least one pair")
    return decide_matches(ledger, actor=actor, mids=list(mids), state=state, note=note)
