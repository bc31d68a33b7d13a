"""Keys of the fields besides the name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.linkage.fields import (
    citizenship_key,
    parse_written_date,
    place_keys,
    rank_key,
    unit_key,
)


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        ("1967", (1967, None, None)),
        ("1967-02", (1967, 2, None)),
        ("1967-02-03", (1967, 2, 3)),
        ("03.02.1967", (1967, 2, 3)),
        ("3.2.67", (1967, 2, 3)),
        ("02.1967", (1967, 2, None)),
        ("19670203", (1967, 2, 3)),
    ],
)
def test_dates_as_lists_write_them(text: str, ymd: tuple[int, int | None, int | None]) -> None:
    date = parse_written_date(text)
    assert date is not None and date.problem is None
    assert (date.year, date.month, date.day) == ymd


def test_an_impossible_date_keeps_its_numbers_and_says_why() -> None:
    date = parse_written_date("1961-02-30")
    assert date is not None
    assert (date.year, date.month, date.day) == (1961, 2, 30)
    assert date.problem == "day 30 does not exist in February 1961"
    assert date.iso() == "1961-02-30"


def test_text_that_is_no_date() -> None:
    date = parse_written_date("unknown")
    assert date is not None and date.year is None and date.problem == "is not a date"
    assert parse_written_date("  ") is None


@given(st.text(max_size=20))
def test_any_text_is_read_without_failing(text: str) -> None:
    date = parse_written_date(text)
    assert date is None or date.problem is not None or date.year is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [("Старший сержант", "senior sergeant"), ("Капітан", "Капитан"), ("kapitan", "captain")],
)
def test_ranks_in_any_language(a: str, b: str) -> None:
    assert rank_key(a) == rank_key(b) is not None


def test_units_places_and_citizenship() -> None:
    assert unit_key("в/ч А1234") == unit_key("військова частина A1234") == "A1234"
    assert unit_key("72 ОМБр") == unit_key("72nd brigade") == "72"
    assert place_keys("м. Київ")[1] == place_keys("Kiev")[1]
    assert place_keys("Донецьк") == place_keys("Donetsk")
    assert citizenship_key("громадянин України") == citizenship_key("Ukraine") == "UA"
