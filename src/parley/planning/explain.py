"""Every candidate's decision, with the reason in words."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from parley.domain.agreements import ExchangeMode
from parley.domain.persons import Category
from parley.planning.pool import SidePool, Standing
from parley.planning.priority import describe
from parley.planning.proposal import Decision, Reason
from parley.planning.terms import Candidate, ExchangeTerms, Side

GC_III = "repatriated regardless of number (GC III arts. 109-110), not counted toward parity"


def _sides(sides: list[Side]) -> str:
    return f"side {sides[0]}" if len(sides) == 1 else "both sides"


class _Outcome:
    """What a side ended up releasing, as the out-reasons need it."""

    def __init__(self, pool: SidePool, chosen: tuple[Candidate, ...], other_count: int) -> None:
        self.pool = pool
        self.chosen = chosen  # counted persons in, must-include first
        self.other_count = other_count  # counted persons the other side releases
        self.per_category = Counter(c.category for c in chosen)
        self._filled: dict[Category | None, tuple[str, str]] = {}

    def filled(self, category: Category | None, as_of: dt.date) -> tuple[str, str]:
        """Who holds the places (of a category, or of the side): a phrase, and the detail."""
        if category not in self._filled:
            forced = {c.person for c in self.pool.forced}
            holders = [c for c in self.chosen if category is None or c.category is category]
            n_forced = sum(1 for c in holders if c.person in forced)
            ranked = [c for c in holders if c.person not in forced]
            kinds = ["must-include"] if n_forced else []
            kinds += ["higher-priority"] if ranked else []
            detail = [f"{n_forced} by must-include lists"] if n_forced else []
            if ranked:
                detail.append(f"the last one in by priority: {describe(ranked[-1], as_of)}")
            self._filled[category] = (
                f"{' and '.join(kinds) or 'no'} persons",
                "; ".join(detail) or "nobody is in",
            )
        return self._filled[category]


AS_SIGNED = "named in the signed agreement: a named exchange executes as signed"


def _in_or_fixed(c: Candidate, standing: Standing, terms: ExchangeTerms) -> tuple[Reason, str]:
    vetoing = [s for s in Side if c.person in terms.side(s).veto]
    if terms.mode is ExchangeMode.NAMED:
        return _as_signed(c, standing)
    if standing is Standing.SERIOUSLY_WOUNDED_OR_SICK:
        waived = ""
        if vetoing:
            whose = (
                "the vetoes of both sides do"
                if len(vetoing) == 2
                else (f"the veto of side {vetoing[0]} does")
            )
            waived = f"; {whose} not apply to them"
        return Reason.SERIOUSLY_WOUNDED_OR_SICK, f"in: seriously wounded or sick — {GC_III}{waived}"
    if standing is Standing.MUST_INCLUDE:
        insisting = [s for s in Side if c.person in terms.side(s).must_include]
        return Reason.MUST_INCLUDE, f"in: on the must-include list of {_sides(insisting)}"
    if standing is Standing.VETOED:
        why = [
            f"side {s}, which refuses to {'release' if s is c.side else 'receive'} them"
            for s in vetoing
        ]
        return Reason.VETOED, f"out: vetoed by {' and by '.join(why)}"
    return (
        Reason.NOT_NAMED,
        f"out: not on the list side {c.side} agreed to release in this named exchange",
    )


def _as_signed(c: Candidate, standing: Standing) -> tuple[Reason, str]:
    """A named exchange: the named are in, whatever their category; nobody else is."""
    if standing is Standing.NAMED:
        return Reason.NAMED, f"in: {AS_SIGNED}"
    if standing is Standing.SERIOUSLY_WOUNDED_OR_SICK:
        return (
            Reason.SERIOUSLY_WOUNDED_OR_SICK,
            f"in: {AS_SIGNED}; seriously wounded or sick (GC III arts. 109-110)",
        )
    out = f"out: not on the list side {c.side} agreed to release in this named exchange"
    if c.seriously_wounded_or_sick:
        out += (
            "; seriously wounded or sick, owed repatriation regardless of number (GC III art."
            " 109): add them to the batch by an amendment both sides and the mediator agree, or"
            " release them under an unnamed exchange"
        )
    return Reason.NOT_NAMED, out


def _left_out(
    c: Candidate, o: _Outcome, terms: ExchangeTerms, as_of: dt.date
) -> tuple[Reason, str]:
    me = f"this person: {describe(c, as_of)}"
    cap = terms.cap(c.category)
    side = c.side
    if cap is not None and o.per_category[c.category] >= cap:
        who, detail = o.filled(c.category, as_of)
        return Reason.CATEGORY_CAP, (
            f"out: side {side}'s {c.category} cap of {cap} is reached by {who} ({me}; {detail})"
        )
    who, detail = o.filled(None, as_of)
    if terms.batch_size is not None and len(o.chosen) >= terms.batch_size:
        return Reason.BATCH_FULL, (
            f"out: side {side}'s {terms.batch_size}-person batch is full of {who} ({me}; {detail})"
        )
    p, q = terms.ratio
    went = f"; the places went to {who} ({me}; {detail})" if o.chosen else f"; {me}"
    return Reason.PARITY, (
        f"out: parity — ratio {p}:{q} (tolerance {terms.tolerance}) lets side {side} release"
        f" {len(o.chosen) or 'no'} counted persons in this batch, given side {side.other}'s"
        f" {o.other_count} and the phase so far (A {terms.side_a.released},"
        f" B {terms.side_b.released}){went}"
    )


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
                reason, text = _in_or_fixed(c, standing, terms)
            elif c.person in picked:
                reason, text = (
                    Reason.PRIORITY,
                    (
                        f"in: priority — rank {rank} of side {c.side}'s {len(pool.ranked)}"
                        f" candidates ({describe(c, as_of)})"
                    ),
                )
            else:
                reason, text = _left_out(c, outcome, terms, as_of)
            included = reason in _IN
            out.append(Decision(c.person, c.side, included, reason, text, counted, rank))
    return tuple(out)


_IN = frozenset(
    {Reason.SERIOUSLY_WOUNDED_OR_SICK, Reason.MUST_INCLUDE, Reason.NAMED, Reason.PRIORITY}
)


def tally(pools: tuple[SidePool, SidePool], taken: tuple[int, int]) -> Counter[Side]:
    """Counted persons each side releases in the batch."""
    return Counter({p.side: len(p.forced) + k for p, k in zip(pools, taken, strict=True)})
