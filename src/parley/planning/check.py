"""An independent check of a batch against the terms: every rule, none of the planner's code.

The planner's tests use it as an oracle, the benchmark to judge a greedy
baseline, and the app may use it on a batch drawn up by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from parley.domain.agreements import ExchangeMode, PersonRef
from parley.planning.terms import Candidate, ExchangeTerms, Side


def _as_signed(ref: PersonRef, c: Candidate, terms: ExchangeTerms, chosen: bool) -> list[str]:
    """A named exchange: the named persons, all of them, and nobody else."""
    named = ref in terms.side(c.side).named
    broken = []
    if named and not chosen:
        broken.append(f"{ref} is named in the signed agreement and left out")
    if chosen and not named:
        broken.append(f"{ref} is not on side {c.side}'s named list and in the batch")
    for s in Side:
        if ref in terms.side(s).must_include and not chosen:
            broken.append(f"{ref} is on side {s}'s must-include list and left out")
        if ref in terms.side(s).veto and chosen:
            broken.append(f"{ref} is vetoed by side {s} and in the batch")
    return broken


def check_batch(
    candidates: Iterable[Candidate], terms: ExchangeTerms, selected: Iterable[PersonRef]
) -> tuple[str, ...]:
    """Every rule the selection breaks, one sentence each; empty when it keeps them all."""
    pool = {c.person: c for c in candidates}
    chosen = set(selected)
    broken = [f"{p} is in the batch but not a candidate" for p in sorted(chosen - pool.keys())]
    counted: Counter[Side] = Counter()
    per_category: Counter[tuple[Side, str]] = Counter()
    for ref, c in sorted(pool.items()):
        if terms.mode is ExchangeMode.NAMED:
            broken.extend(_as_signed(ref, c, terms, ref in chosen))
            continue
        musts = [s for s in Side if ref in terms.side(s).must_include]
        vetoes = [s for s in Side if ref in terms.side(s).veto]
        if c.seriously_wounded_or_sick:
            if ref not in chosen:
                broken.append(f"{ref} is seriously wounded or sick and left out (GC III art. 109)")
            continue
        if ref not in chosen:
            broken.extend(f"{ref} is on side {s}'s must-include list and left out" for s in musts)
            continue
        counted[c.side] += 1
        per_category[c.side, c.category] += 1
        broken.extend(f"{ref} is vetoed by side {s} and in the batch" for s in vetoes)
    for side in Side:
        if terms.batch_size is not None and counted[side] > terms.batch_size:
            broken.append(
                f"side {side} releases {counted[side]} counted persons, over the batch size"
                f" of {terms.batch_size}"
            )
        for category, cap in terms.category_caps.items():
            if per_category[side, category] > cap:
                broken.append(
                    f"side {side} releases {per_category[side, category]} {category} persons,"
                    f" over the cap of {cap}"
                )
    if terms.parity is not None:
        p, q = terms.parity
        total_a = terms.side_a.released + counted[Side.A]
        total_b = terms.side_b.released + counted[Side.B]
        if abs(q * total_a - p * total_b) > terms.tolerance:
            broken.append(
                f"parity: the phase would stand at A {total_a}, B {total_b}, off ratio {p}:{q}"
                f" by {q * total_a - p * total_b} (tolerance {terms.tolerance})"
            )
    return tuple(broken)
