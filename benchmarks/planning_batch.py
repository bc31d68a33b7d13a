"""Wall time of planning one batch (target: 10,000 candidates a side in under 10 s on 2 cores).

For each size it times `plan_batch` and a greedy sort-and-take baseline on the
same pool, and lists the rules the baseline breaks. With --per-person it also
times the textbook model (one CP-SAT Boolean a person, count and priority in one
weighted objective), to show why the planner does not build it.

Run: .venv/bin/python benchmarks/planning_batch.py [--sizes 1000 10000] [--ratio 1 3] [--per-person]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections import Counter

from ortools.sat.python import cp_model

from parley.planning import (
    Candidate,
    Category,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Sex,
    Side,
    SideTerms,
    check_batch,
    plan_batch,
    priority_key,
)

AS_OF = dt.date(2024, 6, 1)
PARTY = {Side.A: "UA", Side.B: "RU"}
CATEGORIES = [Category.MILITARY] * 70 + [Category.CIVILIAN] * 20 + [Category.JOURNALIST] * 2
CATEGORIES += [Category.OTHER] * 8


def pool(n: int, rng: random.Random) -> list[Candidate]:
    """n candidates a side: 8 % women, 2 % seriously wounded or sick, 5 % capture date unknown."""
    out = []
    for side in Side:
        for i in range(n):
            held = rng.randrange(30, 1100)
            out.append(
                Candidate(
                    PersonRef(PARTY[side], f"{side.lower()}{i:06d}"),
                    side,
                    rng.choice(CATEGORIES),
                    Sex.FEMALE if rng.random() < 0.08 else Sex.MALE,
                    rng.random() < 0.02,
                    None if rng.random() < 0.05 else AS_OF - dt.timedelta(days=held),
                )
            )
    return out


def terms(
    candidates: list[Candidate], n: int, ratio: tuple[int, int], rng: random.Random
) -> ExchangeTerms:
    """Parity over the phase, side A 7 ahead so far; half of each side fits in the batch."""
    by_side = {s: [c.person for c in candidates if c.side is s] for s in Side}
    picks = {s: rng.sample(by_side[s], k=n // 10) for s in Side}

    def side(s: Side, released: int) -> SideTerms:
        # must-include: 1 % of the persons it wants back; veto: 2 % of its own
        return SideTerms(
            must_include=frozenset(picks[s.other][: n // 100]),
            veto=frozenset(picks[s][n // 20 : n // 20 + n // 50]),
            released=released,
        )

    return ExchangeTerms(
        ExchangeMode.RATIO,
        ratio=ratio,
        batch_size=n // 2,
        category_caps={Category.CIVILIAN: n // 20, Category.JOURNALIST: 5},
        side_a=side(Side.A, 7),
        side_b=side(Side.B, 0),
    )


def greedy(candidates: list[Candidate], t: ExchangeTerms) -> list[PersonRef]:
    """The baseline: each side by priority, skip the vetoed, take the first `batch_size`."""
    vetoed = t.side_a.veto | t.side_b.veto
    chosen: list[PersonRef] = []
    for side in Side:
        ranked = sorted((c for c in candidates if c.side is side), key=priority_key)
        eligible = [c.person for c in ranked if c.person not in vetoed]
        chosen += eligible[: t.batch_size]
    return chosen


RULES = ["seriously wounded", "must-include", "vetoed", "batch size", "cap", "parity", "named"]


def broken_rules(violations: tuple[str, ...]) -> str:
    kinds = Counter(next((r for r in RULES if r in v), "other") for v in violations)
    return ", ".join(f"{k} ×{n}" for k, n in kinds.items()) or "none"


def per_person_model(
    candidates: list[Candidate], t: ExchangeTerms, limit: float
) -> tuple[str, set[PersonRef]]:
    """One Boolean a counted person; count dominates priority in one weighted objective."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    vetoed = t.side_a.veto | t.side_b.veto
    total = {}
    x_person: dict[int, PersonRef] = {}
    terms_: list[tuple[cp_model.IntVar, int]] = []
    for side in Side:
        ranked = sorted((c for c in candidates if c.side is side), key=priority_key)
        counted = [c for c in ranked if not c.seriously_wounded_or_sick and c.person not in vetoed]
        xs = [model.new_bool_var(str(c.person)) for c in counted]
        must = t.side_a.must_include | t.side_b.must_include
        for c, x in zip(counted, xs, strict=True):
            x_person[x.index] = c.person
            if c.person in must:
                model.add_bool_or([x])
        for category, cap in t.category_caps.items():
            group = [x for c, x in zip(counted, xs, strict=True) if c.category is category]
            model.add(cp_model.LinearExpr.sum(group) <= cap)
        total[side] = cp_model.LinearExpr.sum(xs)
        model.add(total[side] <= (len(xs) if t.batch_size is None else t.batch_size))
        weight = 2 * len(candidates) + 1  # above any priority sum's share of one place
        terms_ += [(x, weight * len(candidates) + len(xs) - i) for i, x in enumerate(xs)]
    p, q = t.ratio
    gap = q * (t.side_a.released + total[Side.A]) - p * (t.side_b.released + total[Side.B])
    model.add(gap <= t.tolerance)
    model.add(gap >= -t.tolerance)
    model.maximize(cp_model.LinearExpr.weighted_sum([x for x, _ in terms_], [w for _, w in terms_]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    result = solver.status_name(solver.solve(model))
    took = f"{result} after {time.perf_counter() - started:.2f} s (limit {limit:.0f} s, 2 workers)"
    chosen = {c.person for c in candidates if c.seriously_wounded_or_sick}
    if result in ("OPTIMAL", "FEASIBLE"):
        chosen |= {x_person[x.index] for x, _ in terms_ if solver.boolean_value(x)}
    return took, chosen


def run(n: int, seed: int, ratio: tuple[int, int], per_person: bool) -> None:
    rng = random.Random(seed)
    candidates = pool(n, rng)
    t = terms(candidates, n, ratio, rng)
    started = time.perf_counter()
    plan = plan_batch(candidates, t, as_of=AS_OF)
    planner_s = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(candidates, t)
    greedy_s = time.perf_counter() - started
    chosen = plan.released_by_a + plan.released_by_b
    print(
        f"{n:,} candidates a side, batch size {t.batch_size}, ratio {ratio[0]}:{ratio[1]},"
        f" side A 7 ahead so far"
    )
    print(
        f"  planner   {planner_s:7.3f} s  (CP-SAT {plan.solve_seconds:.3f} s, {plan.status})"
        f"  {plan.summary().split('; phase')[0]};"
        f" rules broken: {broken_rules(check_batch(candidates, t, chosen))}"
    )
    print(
        f"  greedy    {greedy_s:7.3f} s  ratio planner/greedy {planner_s / greedy_s:.1f}×"
        f"  A {sum(p.party_id == 'UA' for p in baseline)},"
        f" B {sum(p.party_id == 'RU' for p in baseline)};"
        f" rules broken: {broken_rules(check_batch(candidates, t, baseline))}"
    )
    print(f"  phase after: {plan.balance_after.describe()}")
    if per_person:
        took, same = per_person_model(candidates, t, 10.0)
        verdict = "the same batch" if same == set(chosen) else "a different batch"
        print(f"  per-person CP-SAT model: {took}, {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ratio", type=int, nargs=2, default=[1, 1], metavar=("P", "Q"))
    parser.add_argument("--per-person", action="store_true", help="also time the naive model")
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.seed, (args.ratio[0], args.ratio[1]), args.per_person)


if __name__ == "__main__":
    main()
