"""Proposing the next batch of an exchange phase under its terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from parley.domain.agreements import ExchangeMode
from parley.planning.counts import choose_counts
from parley.planning.explain import decide, tally
from parley.planning.pool import sort_pools
from parley.planning.proposal import BatchProposal, PhaseBalance
from parley.planning.terms import Candidate, ExchangeTerms, Side

DEFAULT_TIME_LIMIT_S = 8.0


def plan_batch(
    candidates: Iterable[Candidate],
    terms: ExchangeTerms,
    *,
    as_of: dt.date,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> BatchProposal:
    """The largest batch the terms allow, filled in priority order, with a reason for everyone.

    A named exchange executes as signed: every person named in the agreement and
    still to go is in, whatever their category, and nobody else; no parity, batch
    size or cap applies (a veto of a named person is refused: the sides signed the
    names). In an unnamed exchange (ratio, all for all) the seriously wounded and
    sick are always in, whatever the vetoes, caps and batch size say, and outside
    every count (GC III arts. 109-110). The
    remaining places go, side by side, to must-include persons and then by
    priority (women, those held longest, civilians; ties by record id), within
    the batch size, the category caps and phase-wide parity. `as_of` is the day
    the batch is planned for; days held are counted to it. The same input gives
    the same proposal, whatever the order of `candidates`.

    Raises `InvalidTerms` for contradictory input and `InfeasibleTerms`, naming
    the constraint, when no batch keeps every term.
    """
    pools = sort_pools(candidates, terms, as_of)
    counts = choose_counts(pools[0], pools[1], terms, time_limit_s)
    taken = (counts.open_a, counts.open_b)
    decisions = decide(pools, taken, terms, as_of)
    released = tally(pools, taken)
    named = terms.mode is ExchangeMode.NAMED
    before = PhaseBalance(
        terms.side_a.released, terms.side_b.released, terms.parity, terms.tolerance, named
    )
    after = PhaseBalance(
        terms.side_a.released + released[Side.A],
        terms.side_b.released + released[Side.B],
        terms.parity,
        terms.tolerance,
        named,
    )
    chosen = {s: tuple(d.person for d in decisions if d.side is s and d.included) for s in Side}
    return BatchProposal(
        released_by_a=chosen[Side.A],
        released_by_b=chosen[Side.B],
        balance_before=before,
        balance_after=after,
        decisions=decisions,
        status=counts.status,
        solve_seconds=counts.seconds,
    )
