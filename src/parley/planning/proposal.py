"""What the planner returns: who goes from each side, the balance, and a reason for everyone."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property

from parley.domain.agreements import PersonRef
from parley.errors import N_, ParleyError
from parley.planning.counts import SolveStatus
from parley.planning.terms import Side


class Reason(enum.StrEnum):
    """Why a candidate is in or out; `Decision.explanation` says it in words."""

    SERIOUSLY_WOUNDED_OR_SICK = "seriously_wounded_or_sick"  # in, whatever else holds
    MUST_INCLUDE = "must_include"  # in
    NAMED = "named"  # in: named in the signed agreement of a named exchange
    PRIORITY = "priority"  # in: ranked high enough for a place
    VETOED = "vetoed"  # out
    NOT_NAMED = "not_named"  # out: not on the named list of a named exchange
    CATEGORY_CAP = "category_cap"  # out: the cap of their category is reached
    BATCH_FULL = "batch_full"  # out: the side's batch size is reached
    PARITY = "parity"  # out: one more from their side would break the ratio


@dataclass(frozen=True)
class Decision:
    """One candidate's outcome; every candidate gets exactly one."""

    person: PersonRef
    side: Side  # the side that releases them
    included: bool
    reason: Reason
    explanation: str  # "in: ..." or "out: ...", one sentence, in English
    counted: bool  # counts toward parity, the batch size and the caps
    rank: int  # 1 = first in the side's priority order
    # the explanation as a template with named fields, for a face to say in its reader's language
    said: ParleyError = field(compare=False)


@dataclass(frozen=True)
class PhaseBalance:
    """Counted persons released by each side over the phase, against the ratio."""

    released_a: int
    released_b: int
    ratio: tuple[int, int] | None  # None: all for all or named, parity does not apply
    tolerance: int
    named: bool = False  # a named exchange: executed as signed

    @property
    def imbalance(self) -> int:
        """q·A − p·B for ratio p:q; zero when the phase totals are exactly in ratio."""
        p, q = self.ratio or (1, 1)
        return q * self.released_a - p * self.released_b

    @property
    def kept(self) -> bool:
        return self.ratio is None or abs(self.imbalance) <= self.tolerance

    def describe(self) -> str:
        return str(self.said())

    def said(self) -> ParleyError:
        """`describe` as a template with named fields, for a face to translate."""
        totals = {"released_a": self.released_a, "released_b": self.released_b}
        if self.ratio is None:
            if self.named:
                return ParleyError(
                    N_("A {released_a}, B {released_b} (named, as signed)"), **totals
                )
            return ParleyError(N_("A {released_a}, B {released_b} (all for all)"), **totals)
        p, q = self.ratio
        if self.imbalance == 0:
            return ParleyError(
                N_("A {released_a}, B {released_b}: exactly {p}:{q}"), p=p, q=q, **totals
            )
        return ParleyError(
            N_(
                "A {released_a}, B {released_b}: side {side} ahead by {by} against {p}:{q}"
                " (tolerance {tolerance})"
            ),
            side="A" if self.imbalance > 0 else "B",
            by=abs(self.imbalance),
            p=p,
            q=q,
            tolerance=self.tolerance,
            **totals,
        )


@dataclass(frozen=True)
class BatchProposal:
    """The next batch: selections in priority order, balances, one decision a candidate."""

    released_by_a: tuple[PersonRef, ...]
    released_by_b: tuple[PersonRef, ...]
    balance_before: PhaseBalance
    balance_after: PhaseBalance
    decisions: tuple[Decision, ...]  # side A then B, each in priority order
    status: SolveStatus
    solve_seconds: float = field(compare=False)  # wall time varies; the plan does not

    def released_by(self, side: Side) -> tuple[PersonRef, ...]:
        return self.released_by_a if side is Side.A else self.released_by_b

    @cached_property
    def _by_person(self) -> dict[PersonRef, Decision]:
        return {d.person: d for d in self.decisions}

    def decision(self, person: PersonRef) -> Decision:
        try:
            return self._by_person[person]
        except KeyError:
            raise KeyError(f"{person} was not a candidate") from None

    def summary(self) -> str:
        """Each side's count and the phase after, in English (a planned batch's basis on the
        log is this sentence)."""
        return str(self.summary_said())

    def summary_said(self) -> ParleyError:
        """`summary` as a template with named fields, for a face to say in its reader's
        language."""
        parts = []
        for side in Side:
            chosen = [d for d in self.decisions if d.side is side and d.included]
            uncounted = sum(1 for d in chosen if not d.counted)
            if self.balance_after.named:
                template = (
                    N_("side {side} releases {count} named ({wounded} seriously wounded or sick)")
                    if uncounted
                    else N_("side {side} releases {count} named")
                )
                count = len(chosen)
            else:
                template = (
                    N_("side {side} releases {count} (+{wounded} seriously wounded or sick)")
                    if uncounted
                    else N_("side {side} releases {count}")
                )
                count = len(chosen) - uncounted
            fields: dict[str, object] = {"side": side.value, "count": count}
            if uncounted:
                fields["wounded"] = uncounted
            parts.append(ParleyError(template, **fields))
        return ParleyError(
            N_("{first}; {second}; phase after: {balance}"),
            first=parts[0],
            second=parts[1],
            balance=self.balance_after.said(),
        )
