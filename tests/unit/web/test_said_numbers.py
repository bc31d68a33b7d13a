"""A planner's reason and a match's words on a page write their numbers as the page does: the
locale's grouping (`2 800` beside "Выбрано лиц: 2 800") and decimal separator (`1,00`); the
English sentence (the stored basis, the CLI's log) is unchanged."""

from __future__ import annotations

import pytest

from parley.errors import N_, ParleyError
from parley.names.similarity import PartComparison
from parley.web import i18n
from parley.web.render import environment

REASON = N_("in: priority — rank {rank} of side {side}'s {count} candidates ({person})")


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("ru", "в партии: по приоритету — место 12 среди кандидатов стороны A (всего 2\xa0800; p)"),
        ("en", "in: priority — rank 12 of side A's 2,800 candidates (p)"),
    ],
)
def test_a_reasons_numbers_in_the_locales_format(locale: str, said: str) -> None:
    reason = ParleyError(REASON, rank=12, side="A", count=2800, person="p")
    assert environment(locale).filters["said"](reason) == said
    assert i18n.number_text(2800, locale) in said  # as the page's `number` filter writes it
    assert str(reason) == "in: priority — rank 12 of side A's 2800 candidates (p)"


def test_a_name_parts_score_with_the_locales_decimal_separator() -> None:
    part = PartComparison("family name", "Коваль", "Koval", 1.0, "same once transliterated")
    assert environment("uk").filters["said"](part.said()).endswith("(1,00)")
    assert environment("ru").filters["said"](part.said()).endswith("(1,00)")
    assert environment("en").filters["said"](part.said()).endswith("(1.00)")
    assert str(part.said()).endswith(": same once transliterated (1.00)")


def test_a_spec_keeps_its_digits_and_takes_the_locales_symbols() -> None:
    assert i18n.number_in("uk", 12345.678, ",.1f") == "12\xa0345,7"
    assert i18n.number_in("en", 12345.678, ",.1f") == "12,345.7"
    assert i18n.number_in("ru", 0.5, "") == "0,5"
