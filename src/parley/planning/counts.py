"""How many counted persons each side releases: the CP-SAT model that keeps parity.

The model holds one integer a side, the number of ladder places taken (see
`pool`), under the phase-wide parity constraint, and maximises their sum. The
maximum is unique: with positive ratio terms, two count pairs with the same sum
cannot both be feasible and unimprovable, so the plan does not depend on the
solver's search order.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from parley.errors import N_, ParleyError
from parley.planning.errors import Constraint, InfeasibleTerms, PlanningError
from parley.planning.pool import SidePool
from parley.planning.terms import ExchangeTerms


class SolveStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # proven the largest batch the terms allow
    FEASIBLE = "feasible"  # keeps every term; the time limit came before the proof


@dataclass(frozen=True)
class Counts:
    """Ladder places taken on each side, and how the solve went."""

    open_a: int
    open_b: int
    status: SolveStatus
    seconds: float


def _phase(terms: ExchangeTerms) -> str:
    return f"A {terms.side_a.released}, B {terms.side_b.released}"


def _parity_failure(pool_a: SidePool, pool_b: SidePool, terms: ExchangeTerms) -> InfeasibleTerms:
    """The sentence saying why no pair of counts keeps the ratio."""
    p, q = terms.ratio
    t = terms.tolerance
    ra, rb = terms.side_a.released, terms.side_b.released
    fa, fb = len(pool_a.forced), len(pool_b.forced)
    rule = ParleyError(N_("ratio {p}:{q} (tolerance {tolerance})"), p=p, q=q, tolerance=t)
    least_a = q * (ra + fa) - p * (rb + pool_b.most)
    most_a = q * (ra + pool_a.most) - p * (rb + fb)
    if least_a > t:
        ahead, behind, low, high, n = "A", "B", fa, pool_b.most, least_a
    elif most_a < -t:
        ahead, behind, low, high, n = "B", "A", fb, pool_a.most, -most_a
    else:
        return InfeasibleTerms(
            Constraint.PARITY,
            N_(
                "parity cannot be kept: no count between {least_a} and {most_a} for side A and"
                " between {least_b} and {most_b} for side B meets {rule} given the phase so far"
                " ({phase})"
            ),
            least_a=fa,
            most_a=pool_a.most,
            least_b=fb,
            most_b=pool_b.most,
            rule=rule,
            phase=_phase(terms),
        )
    return InfeasibleTerms(
        Constraint.PARITY,
        N_(
            "parity cannot be kept: side {ahead} would stay ahead by an imbalance of {imbalance}"
            " under {rule}, even if side {ahead} releases only its {low} must-include persons and"
            " side {behind} all {high} it can (eligible, not vetoed, within the batch size and"
            " the caps); phase so far: {phase}"
        ),
        ahead=ahead,
        imbalance=n,
        rule=rule,
        low=low,
        behind=behind,
        high=high,
        phase=_phase(terms),
    )


def choose_counts(
    pool_a: SidePool, pool_b: SidePool, terms: ExchangeTerms, time_limit_s: float
) -> Counts:
    """The largest counts that keep parity over the phase; raises when none do."""
    model = cp_model.CpModel()
    k_a = model.new_int_var(0, len(pool_a.ladder), "open_a")
    k_b = model.new_int_var(0, len(pool_b.ladder), "open_b")
    if terms.parity is not None:
        p, q = terms.parity
        total_a = terms.side_a.released + len(pool_a.forced) + k_a
        total_b = terms.side_b.released + len(pool_b.forced) + k_b
        model.add(q * total_a - p * total_b <= terms.tolerance)
        model.add(q * total_a - p * total_b >= -terms.tolerance)
    model.maximize(k_a + k_b)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1  # one worker is deterministic, and the model is tiny
    started = time.perf_counter()
    result = solver.solve(model)
    seconds = time.perf_counter() - started
    if result == cp_model.INFEASIBLE:
        raise _parity_failure(pool_a, pool_b, terms)
    if result not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise PlanningError(
            N_("the solver found no batch within {seconds} s ({status}); raise the time limit"),
            seconds=time_limit_s,
            status=solver.status_name(result),
        )
    status = SolveStatus.OPTIMAL if result == cp_model.OPTIMAL else SolveStatus.FEASIBLE
    return Counts(int(solver.value(k_a)), int(solver.value(k_b)), status, seconds)
