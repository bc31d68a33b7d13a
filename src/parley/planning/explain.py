"""Every candidate's decision, with the reason in words.

Each reason is a template with named fields (`parley.errors.ParleyError`, as a refusal is):
`str()` is the English sentence the CLI prints and the tests read, and a page says it in the
reader's language through the catalogs (`parley.app.language.refusal`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from parley.domain.agreements import ExchangeMode
from parley.domain.persons import Category
from parley.errors import N_, ParleyError, Word
from parley.planning.pool import SidePool, Standing
from parley.planning.priority import described, joined
from parley.planning.proposal import Decision, Reason
from parley.planning.terms import Candidate, ExchangeTerms, Side

_SICK = N_(
    "in: seriously wounded or sick — repatriated regardless of number (GC III arts. 109-110),"
    " not counted toward parity"
)
_SICK_BOTH_VETOES = N_(
    "in: seriously wounded or sick — repatriated regardless of number (GC III arts. 109-110),"
    " not counted toward parity; the vetoes of both sides do not apply to them"
)
_SICK_ONE_VETO = N_(
    "in: seriously wounded or sick — repatriated regardless of number (GC III arts. 109-110),"
    " not counted toward parity; the veto of side {side} does not apply to them"
)
_NOT_NAMED = N_("out: not on the list side {side} agreed to release in this named exchange")
_NOT_NAMED_SICK = N_(
    "out: not on the list side {side} agreed to release in this named exchange; seriously"
    " wounded or sick, owed repatriation regardless of number (GC III art. 109): add them to the"
    " batch by an amendment both sides and the mediator agree, or release them under an unnamed"
    " exchange"
)
_NAMED = N_("in: named in the signed agreement: a named exchange executes as signed")
_NAMED_SICK = N_(
    "in: named in the signed agreement: a named exchange executes as signed; seriously wounded"
    " or sick (GC III arts. 109-110)"
)
# who holds the places: must-include, higher-priority, both or no persons
_HOLDERS = {
    (True, True): N_("must-include and higher-priority persons"),
    (True, False): N_("must-include persons"),
    (False, True): N_("higher-priority persons"),
    (False, False): N_("no persons"),
}


class _Outcome:
    """What a side ended up releasing, as the out-reasons need it."""

    def __init__(self, pool: SidePool, chosen: tuple[Candidate, ...], other_count: int) -> None:
        self.pool = pool
        self.chosen = chosen  # counted persons in, must-include first
        self.other_count = other_count  # counted persons the other side releases
        self.per_category = Counter(c.category for c in chosen)
        self._filled: dict[Category | None, tuple[Word, object]] = {}

    def filled(self, category: Category | None, as_of: dt.date) -> tuple[Word, object]:
        """Who holds the places (of a category, or of the side): a phrase, and the detail."""
        if category not in self._filled:
            forced = {c.person for c in self.pool.forced}
            holders = [c for c in self.chosen if category is None or c.category is category]
            n_forced = sum(1 for c in holders if c.person in forced)
            ranked = [c for c in holders if c.person not in forced]
            detail: list[object] = []
            if n_forced:
                detail.append(ParleyError(N_("{count} by must-include lists"), count=n_forced))
            if ranked:
                last = described(ranked[-1], as_of)
                detail.append(ParleyError(N_("the last one in by priority: {person}"), person=last))
            self._filled[category] = (
                Word(_HOLDERS[bool(n_forced), bool(ranked)]),
                joined(detail, "; ") if detail else Word(N_("nobody is in")),
            )
        return self._filled[category]


def _in_or_fixed(
    c: Candidate, standing: Standing, terms: ExchangeTerms
) -> tuple[Reason, ParleyError]:
    vetoing = [s for s in Side if c.person in terms.side(s).veto]
    if terms.mode is ExchangeMode.NAMED:
        return _as_signed(c, standing)
    if standing is Standing.SERIOUSLY_WOUNDED_OR_SICK:
        if len(vetoing) == 2:
            said = ParleyError(_SICK_BOTH_VETOES)
        elif vetoing:
            said = ParleyError(_SICK_ONE_VETO, side=vetoing[0].value)
        else:
            said = ParleyError(_SICK)
        return Reason.SERIOUSLY_WOUNDED_OR_SICK, said
    if standing is Standing.MUST_INCLUDE:
        insisting = [s for s in Side if c.person in terms.side(s).must_include]
        if len(insisting) == 1:
            said = ParleyError(
                N_("in: on the must-include list of side {side}"), side=insisting[0].value
            )
        else:
            said = ParleyError(N_("in: on the must-include list of both sides"))
        return Reason.MUST_INCLUDE, said
    if standing is Standing.VETOED:
        if len(vetoing) == 2:  # side A and side B: one releases them, the other receives them
            template = (
                N_(
                    "out: vetoed by side {first}, which refuses to release them and by side"
                    " {second}, which refuses to receive them"
                )
                if vetoing[0] is c.side
                else N_(
                    "out: vetoed by side {first}, which refuses to receive them and by side"
                    " {second}, which refuses to release them"
                )
            )
            said = ParleyError(template, first=vetoing[0].value, second=vetoing[1].value)
            return Reason.VETOED, said
        template = (
            N_("out: vetoed by side {side}, which refuses to release them")
            if vetoing[0] is c.side
            else N_("out: vetoed by side {side}, which refuses to receive them")
        )
        return Reason.VETOED, ParleyError(template, side=vetoing[0].value)
    return Reason.NOT_NAMED, ParleyError(_NOT_NAMED, side=c.side.value)


def _as_signed(c: Candidate, standing: Standing) -> tuple[Reason, ParleyError]:
    """A named exchange: the named are in, whatever their category; nobody else is."""
    if standing is Standing.NAMED:
        return Reason.NAMED, ParleyError(_NAMED)
    if standing is Standing.SERIOUSLY_WOUNDED_OR_SICK:
        return Reason.SERIOUSLY_WOUNDED_OR_SICK, ParleyError(_NAMED_SICK)
    template = _NOT_NAMED_SICK if c.seriously_wounded_or_sick else _NOT_NAMED
    return Reason.NOT_NAMED, ParleyError(template, side=c.side.value)


def _left_out(
    c: Candidate, o: _Outcome, terms: ExchangeTerms, as_of: dt.date
) -> tuple[Reason, ParleyError]:
    me = ParleyError(N_("this person: {person}"), person=described(c, as_of))
    cap = terms.cap(c.category)
    side = c.side.value
    if cap is not None and o.per_category[c.category] >= cap:
        who, detail = o.filled(c.category, as_of)
        return Reason.CATEGORY_CAP, ParleyError(
            N_("out: side {side}'s {category} cap of {cap} is reached by {who} ({me}; {detail})"),
            side=side,
            category=Word(c.category.value),
            cap=cap,
            who=who,
            me=me,
            detail=detail,
        )
    who, detail = o.filled(None, as_of)
    if terms.batch_size is not None and len(o.chosen) >= terms.batch_size:
        return Reason.BATCH_FULL, ParleyError(
            N_("out: side {side}'s {size}-person batch is full of {who} ({me}; {detail})"),
            side=side,
            size=terms.batch_size,
            who=who,
            me=me,
            detail=detail,
        )
    p, q = terms.ratio
    parity = {
        "p": p,
        "q": q,
        "tolerance": terms.tolerance,
        "side": side,
        "other": c.side.other.value,
        "other_count": o.other_count,
        "released_a": terms.side_a.released,
        "released_b": terms.side_b.released,
        "me": me,
    }
    if o.chosen:
        return Reason.PARITY, ParleyError(
            N_(
                "out: parity — ratio {p}:{q} (tolerance {tolerance}) lets side {side} release"
                " {count} counted persons in this batch, given side {other}'s {other_count} and"
                " the phase so far (A {released_a}, B {released_b}); the places went to {who}"
                " ({me}; {detail})"
            ),
            count=len(o.chosen),
            who=who,
            detail=detail,
            **parity,
        )
    said = ParleyError(
        N_(
            "out: parity — ratio {p}:{q} (tolerance {tolerance}) lets side {side} release no"
            " counted persons in this batch, given side {other}'s {other_count} and the phase so"
            " far (A {released_a}, B {released_b}); {me}"
        ),
        **parity,
    )
    return Reason.PARITY, said


def decide(
    pools: tuple[SidePool, SidePool], taken: tuple[int, int], terms: ExchangeTerms, as_of: dt.date
) -> tuple[Decision, ...]:
    """One decision per candidate, side A then B, each side in priority order."""
    chosen = [pool.forced + pool.ladder[:k] for pool, k in zip(pools, taken, strict=True)]
    out = []
    for i, pool in enumerate(pools):
        outcome = _Outcome(pool, chosen[i], len(chosen[1 - i]))
        picked = {c.person for c in pool.ladder[: taken[i]]}
        for rank, c in enumerate(pool.ranked, start=1):
            standing = pool.standing[c.person]
            counted = standing is not Standing.SERIOUSLY_WOUNDED_OR_SICK
            if standing is not Standing.OPEN:
                reason, said = _in_or_fixed(c, standing, terms)
            elif c.person in picked:
                reason, said = (
                    Reason.PRIORITY,
                    ParleyError(
                        N_(
                            "in: priority — rank {rank} of side {side}'s {count} candidates ({person})"
                        ),
                        rank=rank,
                        side=c.side.value,
                        count=len(pool.ranked),
                        person=described(c, as_of),
                    ),
                )
            else:
                reason, said = _left_out(c, outcome, terms, as_of)
            included = reason in _IN
            out.append(Decision(c.person, c.side, included, reason, str(said), counted, rank, said))
    return tuple(out)


_IN = frozenset(
    {Reason.SERIOUSLY_WOUNDED_OR_SICK, Reason.MUST_INCLUDE, Reason.NAMED, Reason.PRIORITY}
)


def tally(pools: tuple[SidePool, SidePool], taken: tuple[int, int]) -> Counter[Side]:
    """Counted persons each side releases in the batch."""
    return Counter({p.side: len(p.forced) + k for p, k in zip(pools, taken, strict=True)})
