"""The planner's rules on small pools, each a real CP-SAT solve."""

from __future__ import annotations

import pytest

from parley.planning import (
    Category,
    ExchangeMode,
    Reason,
    Sex,
    Side,
    SolveStatus,
    check_batch,
    plan_batch,
)
from tests.unit.planning.builders import AS_OF, person, soldiers, terms

A, B = Side.A, Side.B


def test_wounded_go_even_when_parity_forbids_any_release() -> None:
    wounded = person(A, "w1", swsick=True)
    pool = [wounded, *soldiers(A, 3)]  # side B has nobody to release
    plan = plan_batch(pool, terms(), as_of=AS_OF)
    assert plan.released_by_a == (wounded.person,)
    assert plan.released_by_b == ()
    d = plan.decision(wounded.person)
    assert (d.included, d.reason, d.counted) == (True, Reason.SERIOUSLY_WOUNDED_OR_SICK, False)
    assert "GC III arts. 109-110" in d.explanation
    assert plan.balance_after.imbalance == 0
    assert {plan.decision(c.person).reason for c in pool[1:]} == {Reason.PARITY}


def test_wounded_go_whatever_the_vetoes_caps_and_batch_size() -> None:
    wounded = person(B, "w1", swsick=True, category=Category.CIVILIAN)
    t = terms(
        ExchangeMode.ALL_FOR_ALL,
        batch_size=0,
        caps={Category.CIVILIAN: 0},
        veto={A: [wounded], B: [wounded]},
    )
    plan = plan_batch([wounded], t, as_of=AS_OF)
    d = plan.decision(wounded.person)
    assert d.included
    assert d.explanation.endswith("; the vetoes of both sides do not apply to them")
    assert check_batch([wounded], t, plan.released_by_b) == ()


def test_veto_keeps_out_whom_a_side_will_not_release_or_receive() -> None:
    a = soldiers(A, 3)
    b = soldiers(B, 3)
    plan = plan_batch(a + b, terms(veto={A: [a[0], b[0]]}), as_of=AS_OF)
    assert a[0].person not in plan.released_by_a
    assert b[0].person not in plan.released_by_b
    assert plan.decision(a[0].person).explanation == (
        "out: vetoed by side A, which refuses to release them"
    )
    assert plan.decision(b[0].person).explanation == (
        "out: vetoed by side A, which refuses to receive them"
    )
    assert len(plan.released_by_a) == len(plan.released_by_b) == 2


def test_must_include_goes_before_higher_priority() -> None:
    a = soldiers(A, 4)
    b = soldiers(B, 4)
    last = a[-1]  # held shortest
    plan = plan_batch(a + b, terms(batch_size=2, must={B: [last]}), as_of=AS_OF)
    assert plan.released_by_a == (a[0].person, last.person)
    d = plan.decision(last.person)
    assert (d.reason, d.explanation) == (
        Reason.MUST_INCLUDE,
        "in: on the must-include list of side B",
    )
    full = plan.decision(a[1].person)
    assert full.reason is Reason.BATCH_FULL
    assert "side A's 2-person batch is full of must-include and higher-priority" in (
        full.explanation
    )
    assert "this person: man, held 99 days" in full.explanation
    assert "the last one in by priority: man, held 100 days" in full.explanation


def test_category_caps_hold_per_side() -> None:
    civ = [person(A, f"c{i}", category=Category.CIVILIAN, held=200 - i) for i in range(4)]
    pool = civ + soldiers(A, 2) + soldiers(B, 6)
    plan = plan_batch(pool, terms(caps={Category.CIVILIAN: 2}), as_of=AS_OF)
    chosen_civilians = [c for c in civ if c.person in plan.released_by_a]
    assert chosen_civilians == civ[:2]
    assert plan.decision(civ[2].person).reason is Reason.CATEGORY_CAP
    assert "side A's civilian cap of 2 is reached" in plan.decision(civ[2].person).explanation
    assert len(plan.released_by_a) == len(plan.released_by_b) == 4


def test_ratio_is_kept_over_the_phase_with_the_running_balance() -> None:
    # 1:3; so far A released 2, B 3: B is 3 behind before anyone new from A counts
    pool = soldiers(A, 5) + soldiers(B, 20)
    plan = plan_batch(pool, terms(ratio=(1, 3), batch_size=10, released=(2, 3)), as_of=AS_OF)
    assert (len(plan.released_by_a), len(plan.released_by_b)) == (2, 9)
    assert (plan.balance_after.released_a, plan.balance_after.released_b) == (4, 12)
    assert plan.balance_after.imbalance == 0
    assert plan.balance_after.describe() == "A 4, B 12: exactly 1:3"
    assert plan.status is SolveStatus.OPTIMAL


def test_tolerance_lets_the_batch_go_off_ratio_by_that_much() -> None:
    pool = soldiers(A, 5) + soldiers(B, 3)
    plan = plan_batch(pool, terms(tolerance=1), as_of=AS_OF)
    assert (len(plan.released_by_a), len(plan.released_by_b)) == (4, 3)
    assert plan.balance_after.kept


def test_all_for_all_takes_everyone_not_vetoed_or_over_a_cap() -> None:
    a = soldiers(A, 5)
    b = [*soldiers(B, 2), person(B, "j1", category=Category.JOURNALIST)]
    t = terms(ExchangeMode.ALL_FOR_ALL, veto={B: [a[4]]}, caps={Category.JOURNALIST: 0})
    plan = plan_batch(a + b, t, as_of=AS_OF)
    assert set(plan.released_by_a) == {c.person for c in a[:4]}
    assert set(plan.released_by_b) == {c.person for c in b[:2]}
    assert plan.balance_after.ratio is None
    assert plan.balance_after.describe() == "A 4, B 2 (all for all)"


def test_named_exchange_executes_as_signed_35_for_35_with_a_wounded_person() -> None:
    a = soldiers(A, 35)
    b = [*soldiers(B, 34), person(B, "w1", swsick=True)]
    stranger = person(B, "w2", swsick=True)  # wounded, but not on the signed list
    t = terms(ExchangeMode.NAMED, named={A: a, B: b}, must={A: b[-1:]})
    plan = plan_batch([*a, *b, stranger], t, as_of=AS_OF)
    assert len(plan.released_by_a) == len(plan.released_by_b) == 35
    assert plan.summary() == (
        "side A releases 35 named; side B releases 35 named (1 seriously wounded or sick);"
        " phase after: A 35, B 34 (named, as signed)"
    )
    assert plan.decision(a[0].person).explanation == (
        "in: named in the signed agreement: a named exchange executes as signed"
    )
    assert plan.decision(b[-1].person).reason is Reason.SERIOUSLY_WOUNDED_OR_SICK
    out = plan.decision(stranger.person)
    assert (out.included, out.reason) == (False, Reason.NOT_NAMED)
    assert "add them to the batch by an amendment" in out.explanation
    assert check_batch([*a, *b, stranger], t, plan.released_by_a + plan.released_by_b) == ()


def test_named_exchange_goes_uneven_as_signed() -> None:
    a = soldiers(A, 4)
    b = soldiers(B, 4)
    t = terms(ExchangeMode.NAMED, named={A: a[2:], B: b[:3]})
    plan = plan_batch(a + b, t, as_of=AS_OF)
    assert plan.released_by_a == (a[2].person, a[3].person)
    assert plan.released_by_b == tuple(c.person for c in b[:3])
    assert plan.decision(a[0].person).explanation == (
        "out: not on the list side A agreed to release in this named exchange"
    )


def test_named_exchange_refuses_a_size_a_cap_and_a_veto_of_a_named_person() -> None:
    from parley.planning import Constraint, InfeasibleTerms, InvalidTerms

    a = soldiers(A, 2)
    with pytest.raises(InvalidTerms, match="executes as signed"):
        terms(ExchangeMode.NAMED, named={A: a}, batch_size=1)
    with pytest.raises(InvalidTerms, match="executes as signed"):
        terms(ExchangeMode.NAMED, named={A: a}, caps={Category.MILITARY: 1})
    with pytest.raises(InfeasibleTerms, match="named in the signed agreement and vetoed") as e:
        plan_batch(a, terms(ExchangeMode.NAMED, named={A: a}, veto={B: a[:1]}), as_of=AS_OF)
    assert e.value.constraint is Constraint.NAMED_VETOED


def test_priority_order_women_then_held_longest_then_civilians_then_record_id() -> None:
    pool = [
        person(A, "a5", held=None),
        person(A, "a4", held=300, category=Category.CIVILIAN),
        person(A, "a3", held=300),
        person(A, "a2", held=500),
        person(A, "a1", held=10, sex=Sex.FEMALE),
        person(A, "a0", held=300, category=Category.JOURNALIST),
    ]
    plan = plan_batch(pool, terms(ExchangeMode.ALL_FOR_ALL), as_of=AS_OF)
    order = [d.person.record_id for d in plan.decisions if d.side is A]
    assert order == ["a1", "a2", "a0", "a4", "a3", "a5"]
    assert [d.rank for d in plan.decisions] == [1, 2, 3, 4, 5, 6]
    assert plan.decision(pool[0].person).explanation.endswith(
        "(man, capture date unknown, military)"
    )


def test_a_phase_behind_on_parity_is_brought_back_within_tolerance() -> None:
    pool = soldiers(A, 10) + soldiers(B, 10)
    plan = plan_batch(pool, terms(batch_size=5, released=(7, 3)), as_of=AS_OF)
    assert (len(plan.released_by_a), len(plan.released_by_b)) == (1, 5)
    assert plan.balance_before.describe() == "A 7, B 3: side A ahead by 4 against 1:1 (tolerance 0)"
    parity_out = plan.decision(soldiers(A, 10)[1].person)
    assert parity_out.reason is Reason.PARITY
    assert "lets side A release 1 counted persons in this batch, given side B's 5" in (
        parity_out.explanation
    )


def test_summary_counts_the_wounded_apart() -> None:
    pool = [person(A, "w", swsick=True), *soldiers(A, 2), *soldiers(B, 2)]
    plan = plan_batch(pool, terms(), as_of=AS_OF)
    assert plan.summary() == (
        "side A releases 2 (+1 seriously wounded or sick); side B releases 2;"
        " phase after: A 2, B 2: exactly 1:1"
    )


def test_places_held_by_must_include_persons_are_named_so() -> None:
    a = soldiers(A, 3)
    b = soldiers(B, 3)
    plan = plan_batch(a + b, terms(batch_size=1, must={A: a[2:], B: b[2:]}), as_of=AS_OF)
    assert plan.decision(a[0].person).explanation == (
        "out: side A's 1-person batch is full of must-include persons (this person: man, held"
        " 100 days, military; 1 by must-include lists)"
    )


def test_a_side_parity_holds_at_zero_is_told_so() -> None:
    plan = plan_batch(soldiers(A, 1), terms(), as_of=AS_OF)
    assert plan.decision(soldiers(A, 1)[0].person).explanation == (
        "out: parity — ratio 1:1 (tolerance 0) lets side A release no counted persons in this"
        " batch, given side B's 0 and the phase so far (A 0, B 0); this person: man, held 100"
        " days, military"
    )


def test_asking_about_someone_who_was_no_candidate() -> None:
    plan = plan_batch(soldiers(A, 1), terms(), as_of=AS_OF)
    with pytest.raises(KeyError, match="RU/x was not a candidate"):
        plan.decision(person(B, "x").person)
