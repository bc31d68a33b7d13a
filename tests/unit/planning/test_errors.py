"""Terms no batch can keep, and input that contradicts itself: one typed error, one sentence."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley.planning import (
    Candidate,
    Category,
    Constraint,
    ExchangeMode,
    ExchangeTerms,
    InfeasibleTerms,
    InvalidTerms,
    PersonRef,
    Side,
    SideTerms,
    plan_batch,
)
from tests.unit.planning.builders import AS_OF, person, refs, soldiers, terms

A, B = Side.A, Side.B


def _infeasible(pool: list[Candidate], t: ExchangeTerms) -> InfeasibleTerms:
    with pytest.raises(InfeasibleTerms) as caught:
        plan_batch(pool, t, as_of=AS_OF)
    return caught.value


def test_must_include_beyond_the_batch_size() -> None:
    a = soldiers(A, 12)
    err = _infeasible(a + soldiers(B, 12), terms(batch_size=10, must={A: a}))
    assert err.constraint is Constraint.BATCH_SIZE
    assert str(err) == (
        "the must-include lists name 12 persons side A releases, more than the batch size of"
        " 10 a side"
    )


def test_must_include_beyond_a_category_cap() -> None:
    civ = [person(B, f"c{i}", category=Category.CIVILIAN) for i in range(3)]
    err = _infeasible(civ + soldiers(A, 3), terms(caps={Category.CIVILIAN: 2}, must={A: civ}))
    assert err.constraint is Constraint.CATEGORY_CAP
    assert "name 3 civilian persons side B releases, more than the civilian cap of 2" in str(err)


def test_must_include_vetoed_by_the_other_side() -> None:
    b = soldiers(B, 2)
    err = _infeasible(b + soldiers(A, 2), terms(must={A: b[:1]}, veto={B: b[:1]}))
    assert err.constraint is Constraint.MUST_INCLUDE_VETOED
    assert str(err).startswith("RU/s00 is on side A's must-include list and vetoed by side B")


def test_a_wounded_must_include_vetoed_is_no_conflict() -> None:
    w = person(B, "w", swsick=True)
    plan = plan_batch([w], terms(must={A: [w]}, veto={B: [w]}), as_of=AS_OF)
    assert plan.released_by_b == (w.person,)


def test_must_include_absent_from_the_candidates() -> None:
    gone = person(B, "gone")
    err = _infeasible(soldiers(A, 1), terms(must={A: [gone]}))
    assert err.constraint is Constraint.MUST_INCLUDE_ABSENT
    assert "side A's must-include list names RU/gone, not among the candidates" in str(err)


def test_must_include_off_the_named_list() -> None:
    a = soldiers(A, 2)
    err = _infeasible(a, terms(ExchangeMode.NAMED, must={B: a[1:]}, named={A: a[:1]}))
    assert err.constraint is Constraint.MUST_INCLUDE_NOT_NAMED


def test_parity_when_the_side_behind_cannot_catch_up() -> None:
    err = _infeasible(soldiers(A, 3) + soldiers(B, 2), terms(batch_size=5, released=(10, 4)))
    assert err.constraint is Constraint.PARITY
    assert str(err) == (
        "parity cannot be kept: side A would stay ahead by an imbalance of 4 under ratio 1:1"
        " (tolerance 0), even if side A releases only its 0 must-include persons and side B"
        " all 2 it can (eligible, not vetoed, within the batch size and the caps);"
        " phase so far: A 10, B 4"
    )


def test_parity_when_no_whole_counts_hit_the_ratio() -> None:
    # 2:3 with A 1, B 1 so far: B releasing 0 or 1 leaves the phase at +1 or -1
    err = _infeasible(soldiers(B, 1), terms(ratio=(2, 3), released=(1, 1)))
    assert err.constraint is Constraint.PARITY
    assert str(err).startswith("parity cannot be kept: no count between 0 and 0 for side A")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: ExchangeTerms(ExchangeMode.RATIO, ratio=(0, 3)), "ratio 0:3"),
        (lambda: ExchangeTerms(ExchangeMode.NAMED, ratio=(1, 3)), "named exchange is N for N"),
        (lambda: ExchangeTerms(ExchangeMode.RATIO, tolerance=-1), "tolerance -1"),
        (lambda: ExchangeTerms(ExchangeMode.RATIO, batch_size=-2), "batch size -2"),
        (
            lambda: ExchangeTerms(ExchangeMode.RATIO, category_caps={Category.OTHER: -1}),
            "the other cap -1",
        ),
        (
            lambda: ExchangeTerms(
                ExchangeMode.RATIO, side_a=SideTerms(named=frozenset({PersonRef("UA", "1")}))
            ),
            "named lists belong to a named exchange; this exchange is by ratio",
        ),
        (
            lambda: ExchangeTerms(
                ExchangeMode.ALL_FOR_ALL, side_b=SideTerms(named=frozenset({PersonRef("RU", "1")}))
            ),
            "this exchange is all for all",  # the mode in words, not its code (all_for_all)
        ),
        (lambda: SideTerms(released=-1), "released -1"),
        (
            lambda: SideTerms(
                must_include=frozenset({PersonRef("UA", "1")}),
                veto=frozenset({PersonRef("UA", "1")}),
            ),
            "UA/1 is both on the must-include and the veto list",
        ),
    ],
)
def test_contradictory_terms(make: Callable[[], object], says: str) -> None:
    with pytest.raises(InvalidTerms, match=says):
        make()


def test_a_candidate_listed_twice() -> None:
    with pytest.raises(InvalidTerms, match="UA/s00 is listed twice"):
        plan_batch(soldiers(A, 1) * 2, terms(), as_of=AS_OF)


def test_a_party_on_both_sides() -> None:
    pool = [*soldiers(A, 1), Candidate(PersonRef("UA", "x"), B)]
    with pytest.raises(InvalidTerms, match="party UA holds candidates on both sides"):
        plan_batch(pool, terms(), as_of=AS_OF)


def test_a_capture_after_the_planning_day() -> None:
    with pytest.raises(InvalidTerms, match="after 2024-06-01"):
        plan_batch([person(A, "x", held=-1)], terms(), as_of=AS_OF)


def test_a_named_list_naming_the_other_sides_person() -> None:
    b = soldiers(B, 1)
    t = ExchangeTerms(ExchangeMode.NAMED, side_a=SideTerms(named=refs(*b)))
    with pytest.raises(
        InvalidTerms, match="side A's named list holds RU/s00, whom side B releases"
    ):
        plan_batch(b, t, as_of=AS_OF)
