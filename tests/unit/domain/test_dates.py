"""Partial dates as lists write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.dates import PartialDate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1967", PartialDate(1967)),
        ("1967-02", PartialDate(1967, 2)),
        ("1967-02-03", PartialDate(1967, 2, 3)),
        ("03.02.1967", PartialDate(1967, 2, 3)),
        (" 3.2.1967 ", PartialDate(1967, 2, 3)),
    ],
)
def test_accepted_forms(text: str, expected: PartialDate) -> None:
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["1961-02-30", "1967-13", "02/03/1967", "abc", "1700", "31.04.1990"]
)
def test_refused_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        PartialDate.parse(text)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)), st.integers(0, 2))
def test_iso_round_trip_at_every_precision(day: dt.date, cut: int) -> None:
    partial = PartialDate(day.year, day.month if cut < 2 else None, day.day if cut < 1 else None)
    assert PartialDate.parse(partial.iso()) == partial
    assert partial.earliest() <= day
