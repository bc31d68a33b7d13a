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
    rule = f"ratio {p}:{q} (tolerance {t})"
    least_a = q * (ra + fa) - p * (rb + pool_b.most)
    most_a = q * (ra + pool_a.most) - p * (rb + fb)
    can = "(eligible, not vetoed, within the batch size and the caps)"
    if least_a > t:
        ahead, behind, low, high, n = "A", "B", fa, pool_b.most, least_a
    elif most_a < -t:
        ahead, behind, low, high, n = "B", "A", fb, pool_a.most, -most_a
    else:
        return InfeasibleTerms(
            Constraint.PARITY,
            f"parity cannot be kept: no count between {fa} and {pool_a.most} for side A and"
            f" between {fb} and {pool_b.most} for side B meets {rule} given the phase so far"
            f" ({_phase(terms)})",
        )
    return InfeasibleTerms(
        Constraint.PARITY,
        f"parity cannot be kept: side {ahead} would stay ahead by an imbalance of {n} under"
        f" {rule}, even if side {ahead} releases only its {low} must-include persons and side"
        f" {behind} all {high} it can {can}; phase so far: {_phase(terms)}",
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
            f"the solver found no batch within {time_limit_s} s ({solver.status_name(result)});"
            " raise the time limit"
        )
    status = SolveStatus.OPTIMAL if result == cp_model.OPTIMAL else SolveStatus.FEASIBLE
    return Counts(int(solver.value(k_a)), int(solver.value(k_b)), status, seconds)
