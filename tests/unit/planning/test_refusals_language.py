"""A batch that cannot be planned, said in Ukrainian and Russian with its numbers, its rule and
its category translated."""

from __future__ import annotations

import pytest

from parley.app.language import refusal
from parley.planning import Category, InfeasibleTerms, Side, plan_batch
from tests.unit.planning.builders import AS_OF, person, soldiers, terms

A, B = Side.A, Side.B


def test_parity_that_cannot_be_kept_in_each_language() -> None:
    with pytest.raises(InfeasibleTerms) as info:
        plan_batch(
            soldiers(A, 3) + soldiers(B, 2), terms(batch_size=5, released=(10, 4)), as_of=AS_OF
        )
    error = info.value
    assert str(error).startswith("parity cannot be kept: side A would stay ahead by an imbalance")
    assert refusal(error, "uk") == (
        "паритет неможливо дотримати: сторона A залишиться попереду з дисбалансом 4 за умови"
        " «співвідношення 1:1 (допуск 0)», навіть якщо сторона A звільнить лише осіб зі свого"
        " списку обов'язкових (0), а сторона B — усіх, кого може (2: тих, хто відповідає"
        " умовам, без вето, у межах розміру партії та обмежень); виконано на етапі: A 10, B 4"
    )
    assert refusal(error, "ru").startswith(
        "паритет невозможно соблюсти: сторона A останется впереди с дисбалансом 4 при условии"
        " «соотношение 1:1 (допуск 0)»"
    )


def test_a_category_cap_names_the_category_in_the_readers_words() -> None:
    civilians = [person(B, f"c{i}", category=Category.CIVILIAN) for i in range(3)]
    t = terms(caps={Category.CIVILIAN: 2}, must={A: civilians})
    with pytest.raises(InfeasibleTerms) as info:
        plan_batch(civilians + soldiers(A, 3), t, as_of=AS_OF)
    assert "name 3 civilian persons side B releases" in str(info.value)
    assert refusal(info.value, "uk") == (
        "у списках обов'язкових зазначено осіб категорії «цивільний», яких звільняє сторона B:"
        " 3, що більше за обмеження для категорії «цивільний» (не більше 2 від кожної сторони)"
    )
    assert "категории «гражданский»" in refusal(info.value, "ru")
