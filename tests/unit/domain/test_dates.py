"""Dates as lists write them: one reader for the ledger and for linkage."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.dates import SERIALS, YEARS, PartialDate, parse_written_date, refuse_future
from parley.domain.errors import InvalidRecord

days = st.dates(min_value=dt.date(YEARS[0], 1, 1), max_value=dt.date(YEARS[-1], 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1967", PartialDate(1967)),
        ("1967-02", PartialDate(1967, 2)),
        ("1967-02-03", PartialDate(1967, 2, 3)),
        ("03.02.1967", PartialDate(1967, 2, 3)),
        (" 3.2.1967 ", PartialDate(1967, 2, 3)),
        ("1967/02/03", PartialDate(1967, 2, 3)),
        ("02.1967", PartialDate(1967, 2)),
        ("19670203", PartialDate(1967, 2, 3)),
        ("08.2014", PartialDate(2014, 8)),
        ("03/02/1967", PartialDate(1967, 2, 3)),  # a slash is day first, as these lists write
        ("25/12/1967", PartialDate(1967, 12, 25)),
        ("24500", PartialDate(1967, 1, 28)),  # an Excel serial day number
        ("24500.0", PartialDate(1967, 1, 28)),
        ("1967 г.", PartialDate(1967)),
        ("1967г", PartialDate(1967)),
        ("03.02.1967 р.", PartialDate(1967, 2, 3)),
        ("03.02.1967р.", PartialDate(1967, 2, 3)),
        ("1967 року", PartialDate(1967)),
        ("1967 года", PartialDate(1967)),
        ("08.2014 г.", PartialDate(2014, 8)),
        ("12.03.1980 0:00:00", PartialDate(1980, 3, 12)),  # the time a spreadsheet added
        ("1980-03-12T00:00:00", PartialDate(1980, 3, 12)),
        ("12.03.1980 13:45", PartialDate(1980, 3, 12)),
    ],
)
def test_accepted_forms(text: str, expected: PartialDate) -> None:
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1961-02-30", "1967-13", "02-03-1967", "3.2.67", "03021967", "abc", "1700", "2200", "9999"],
)
def test_refused_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        PartialDate.parse(text)


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


def test_a_guess_is_read_for_linkage_and_refused_by_the_ledger() -> None:
    date = parse_written_date("03-02-1967")
    assert date is not None and (date.year, date.month, date.day) == (1967, 2, 3)
    assert date.guessed == "the order of day and month"
    with pytest.raises(ValueError, match="would be a guess"):
        PartialDate.parse("03-02-1967")


def test_an_impossible_date_keeps_its_numbers_and_says_why() -> None:
    date = parse_written_date("1961-02-30")
    assert date is not None
    assert (date.year, date.month, date.day) == (1961, 2, 30)
    assert date.problem == "day 30 does not exist in February 1961"
    assert date.iso() == "1961-02-30"
    with pytest.raises(ValueError, match="day 30 does not exist in February 1961"):
        PartialDate.parse("1961-02-30")


def test_text_that_is_no_date() -> None:
    date = parse_written_date("unknown")
    assert date is not None and date.year is None and date.problem == "is not a date"
    assert parse_written_date("  ") is None


@given(st.text(max_size=20))
def test_any_text_is_read_without_failing_and_the_ledger_takes_what_reads_cleanly(
    text: str,
) -> None:
    date = parse_written_date(text)
    assert date is None or date.problem is not None or date.year is not None
    clean = date is not None and date.year is not None and not date.problem and not date.guessed
    try:
        parsed = PartialDate.parse(text)
    except ValueError:
        assert not clean
    else:
        assert clean and date is not None
        assert parsed.iso() == date.iso()


@given(days, st.integers(0, 2))
def test_iso_round_trip_at_every_precision(day: dt.date, cut: int) -> None:
    partial = PartialDate(day.year, day.month if cut < 2 else None, day.day if cut < 1 else None)
    assert PartialDate.parse(partial.iso()) == partial
    assert partial.earliest() <= day


@given(days)
def test_every_unguessed_form_of_a_day_reads_as_that_day(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    forms = [f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}"]
    forms.append(f"{y}{m:02d}{d:02d}")
    for text in forms:
        assert PartialDate.parse(text) == PartialDate(y, m, d), text
    assert PartialDate.parse(f"{m:02d}.{y}") == PartialDate(y, m)


@given(st.integers(-5000, 5000).filter(lambda y: y not in YEARS))
def test_years_outside_the_range_are_refused_and_read_with_a_problem(year: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        PartialDate(year)
    if year >= 1000:
        date = parse_written_date(str(year))
        assert date is not None and date.problem == f"year {year} is out of range"


@given(days)
def test_the_forms_offices_add_read_as_that_day(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    for text in (f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y} р.",
                 f"{d:02d}.{m:02d}.{y}г.", f"{d:02d}.{m:02d}.{y} г"):  # fmt: skip
        assert PartialDate.parse(text) == PartialDate(y, m, d), text
    assert PartialDate.parse(f"{m:02d}.{y} р.") == PartialDate(y, m)
    assert PartialDate.parse(f"{y} г.") == PartialDate(y)


@given(st.dates(min_value=dt.date(1927, 5, 18), max_value=dt.date(2099, 12, 31)))
def test_an_excel_serial_number_reads_as_the_day_excel_shows(day: dt.date) -> None:
    # Excel counts days from 1899-12-30 (its day 60 is a 29 February 1900 that never was)
    serial = (day - dt.date(1899, 12, 30)).days
    assert serial in SERIALS
    assert PartialDate.parse(str(serial)) == PartialDate(day.year, day.month, day.day)


@pytest.mark.parametrize("text", ["9999", "99999", "1234"])
def test_numbers_that_are_no_serial_day_stay_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        PartialDate.parse(text)


def test_a_date_in_the_future_is_refused_naming_its_field() -> None:
    today = dt.date(2026, 12, 4)
    refuse_future("birth_date", PartialDate(2026, 12, 4), today)
    refuse_future("birth_date", PartialDate(2026), today)  # some of 2026 has happened
    refuse_future("capture_date", None, today)
    with pytest.raises(InvalidRecord) as info:
        refuse_future("birth_date", PartialDate(2026, 12, 5), today)
    assert info.value.field == "birth_date"
    assert info.value.reason == "2026-12-05 is in the future (today is 2026-12-04)"
    with pytest.raises(InvalidRecord, match="2027 is in the future"):
        refuse_future("capture_date", PartialDate(2027), today)
