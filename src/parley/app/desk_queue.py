"""The mediator's reconciliation queue as a page shows it: each candidate pair side by side,
both records in the script they were written in with a transliteration, their dates and places,
the score and its explanation in words; a page at a time, and the counts for a bulk decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.app import authz
from parley.app.desk_views import latin
from parley.app.explanations import explained
from parley.app.ledger import Appended, Ledger
from parley.app.reconcile import decide_matches
from parley.domain.errors import Conflict, DomainError
from parley.domain.matches import MatchState, RecordRef
from parley.errors import N_, ParleyError
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


# a record's default words say nothing to the reader: not shown
_UNSAID = {"category": "other", "health": "unknown"}


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
    # the explanation as a template with fields, said in the reader's language (the basis the
    # log keeps quoted as recorded)
    said: ParleyError


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
    fields = tuple(
        (k, str(data[k]))
        for k in SHOWN_FIELDS
        if data.get(k) not in (None, "") and _UNSAID.get(k) != data[k]
    )
    return QueueRecord(str(ref), ref.party_id, name, latin(name), fields, False)


def _records(tx: Tx, refs: set[RecordRef]) -> dict[RecordRef, rosters.CurrentRecord | None]:
    """Only the records a page names: a page reads the same whatever the rosters' size."""
    return {ref: rosters.current_record(tx, ref.roster_id, ref.record_id) for ref in refs}


def _row(m: StoredMatch, found: Mapping[RecordRef, rosters.CurrentRecord | None]) -> QueueRow:
    """A pair with the match's words as `explanations.explain_matches` says them: its basis,
    then the two records compared as they stand (nothing of an erased one)."""
    left, right = (found[ref] for ref in (m.left, m.right))
    said = explained(
        m.basis,
        None if left is None or left.erased else left.data,
        None if right is None or right.erased else right.data,
    )
    return QueueRow(
        m.match_id,
        m.state.value,
        m.score,
        m.duplicate,
        str(said),
        _record(m.left, left),
        _record(m.right, right),
        said,
    )


def queue(
    ledger: Ledger,
    *,
    actor: str,
    state: MatchState | None = MatchState.PROPOSED,
    min_score: float | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Queue:
    """A page of the pairs in `state` (every state: None) scoring at least `min_score`, the
    surest first."""
    offset, limit = max(offset, 0), max(limit, 1)
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_SEE_PROPOSED)
        page, total = stored.match_page(
            tx, state=state, min_score=min_score, offset=offset, limit=limit
        )
        counts = stored.state_counts(tx)
        found = _records(tx, {ref for m in page for ref in (m.left, m.right)})
    rows = tuple(_row(m, found) for m in page)
    return Queue(rows, total, offset, limit, counts)


@dataclass(frozen=True)
class QueueGroup:
    """An ambiguous group side by side: the records it is about (`anchors`, on the `side` of
    its candidates they stand), then each candidate with its score and its words, the
    likeliest first; and what sets the candidates apart, field by field."""

    group_id: str
    side: str  # "left" or "right": where the anchors stand in each candidate
    anchors: tuple[QueueRecord, ...]
    candidates: tuple[QueueRow, ...]
    # (field, each candidate's value in order, "" where it has none): the fields that differ
    differences: tuple[tuple[str, tuple[str, ...]], ...] = ()


_NAME_PARTS = ("family_name", "given_name", "patronymic", "full_name")


def _differences(
    records: Sequence[Mapping[str, Any] | None],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The fields the candidates' records disagree on (an erased one says nothing)."""
    shown = [r for r in records if r is not None]
    if len(shown) < 2:
        return ()
    out = []
    for key in (*_NAME_PARTS, *SHOWN_FIELDS):
        values = tuple(str(r.get(key) or "") for r in shown)
        if len(set(values)) > 1:
            out.append((key, values))
    return tuple(out)


@dataclass(frozen=True)
class Groups:
    """One page of the open ambiguous groups, how many are open, and the count of matches in
    each state."""

    groups: tuple[QueueGroup, ...]
    total: int
    offset: int
    limit: int
    counts: Mapping[str, int]


def _group(
    group_id: str,
    candidates: Sequence[StoredMatch],
    found: Mapping[RecordRef, rosters.CurrentRecord | None],
) -> QueueGroup:
    data = {ref: None if r is None or r.erased else r.data for ref, r in found.items()}
    rows = tuple(_row(m, found) for m in candidates)
    lefts = list(dict.fromkeys(m.left for m in candidates))
    rights = list(dict.fromkeys(m.right for m in candidates))
    side, anchors = ("right", rights) if len(rights) < len(lefts) else ("left", lefts)
    others = [m.left if side == "right" else m.right for m in candidates]
    return QueueGroup(
        group_id,
        side,
        tuple(_record(r, found[r]) for r in anchors),
        rows,
        _differences([data[ref] for ref in dict.fromkeys(others)]),
    )


def groups(ledger: Ledger, *, actor: str, offset: int = 0, limit: int = 20) -> Groups:
    """A page of the open ambiguous groups, in the order found, each side by side."""
    offset, limit = max(offset, 0), max(limit, 1)
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_SEE_PROPOSED)
        page, total = stored.open_group_page(tx, offset=offset, limit=limit)
        counts = stored.state_counts(tx)
        found = _records(tx, {ref for g in page for m in g for ref in (m.left, m.right)})
    shown = tuple(_group(g[0].group or "", g, found) for g in page)
    return Groups(shown, total, offset, limit, counts)


def proposals_above(ledger: Ledger, *, actor: str, min_score: float) -> list[str]:
    """The proposals scoring `min_score` or more: what a bulk decision would decide."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_SEE_PROPOSED)
        return stored.match_ids_scoring(tx, state=MatchState.PROPOSED, min_score=min_score)


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
            N_(
                "{count} proposals now score {min_score} or more, not the {expected} shown:"
                " nothing was decided; look at the count again"
            ),
            count=len(mids),
            min_score=min_score,
            expected=expected,
        )
    if not mids:
        raise DomainError(N_("no proposal scores {min_score} or more"), min_score=min_score)
    return decide_matches(ledger, actor=actor, mids=mids, state=state, note=note)


def decide_some(
    ledger: Ledger, *, actor: str, mids: Sequence[str], state: MatchState, note: str = ""
) -> Appended:
    """One decision on the pairs ticked on a page, all or none."""
    if not mids:
        raise DomainError(N_("tick at least one pair"))
    return decide_matches(ledger, actor=actor, mids=list(mids), state=state, note=note)
