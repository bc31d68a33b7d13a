"""Lists as offices keep them, read: no id column or only a row number, the offices' words
and dates, free words kept, future dates and overlong ids refused with row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from parley.domain.dates import PartialDate
from parley.domain.persons import MAX_RECORD_ID, Category, Evidence, Health, Sex
from parley.io.headers import canonical_column
from parley.io.rosters import read_roster
from parley.io.tables import RosterFileError


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "l.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("header", ["№", "№ п/п", "№ з/п", "N", "No", "No.", "#", "п/п"])
def test_a_row_number_column_is_the_rows_number_never_its_id(header: str) -> None:
    assert canonical_column(header) == "row_number"


def test_a_list_without_ids_is_read_with_its_row_numbers(tmp_path: Path) -> None:
    text = "№;Прізвище;Ім'я;Дата народження\r\n7;Коваль;Петро;12.03.1980\r\n8;Бойко;Іван;1975\r\n"
    roster = read_roster(_csv(tmp_path, text, "cp1251"))
    assert roster.derive_ids
    assert [r.record_id for r in roster.records] == ["row 2", "row 3"]  # until the roster's
    assert roster.rows == [2, 3] and roster.numbers == ["7", "8"]
    assert roster.row_of(1) == "row 3, № 8"
    # the number is not part of the person: renumbering changes nobody
    assert all("row_number" not in r.to_dict() and not r.extra for r in roster.records)


def test_a_list_with_ids_keeps_them(tmp_path: Path) -> None:
    roster = read_roster(_csv(tmp_path, "№;ID;Прізвище\n1;UA-7;Коваль\n"))
    assert not roster.derive_ids
    assert [r.record_id for r in roster.records] == ["UA-7"]


def test_the_offices_words_and_dates(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "ПІБ;Стать;Дата народження;Стан здоров'я;Категорія;Підстава;Дата полону",
            "Коваль Петро;Ч;03/02/1967;важкохворий;військовослужбовець;підтверджено МКЧХ;08.2022",
            "Бойко Ольга;ж.;1975 р.;Хвора;Цивільна особа;Повідомлення родичів;24.02.2022г.",
            "Мороз Олег;М;24500;тяжело ранен;;відео в телеграмі 12.05;2022 г.",
        ]
    )
    one, two, three = read_roster(_csv(tmp_path, text)).records
    assert (one.sex, one.birth_date, one.health) == (
        Sex.MALE,
        PartialDate(1967, 2, 3),
        Health.SERIOUSLY_WOUNDED_OR_SICK,
    )
    assert (one.category, one.evidence, one.capture_date) == (
        Category.MILITARY,
        Evidence.CONFIRMED_BY_MEDIATOR,
        PartialDate(2022, 8),
    )
    assert (two.sex, two.birth_date, two.health, two.category, two.evidence) == (
        Sex.FEMALE,
        PartialDate(1975),
        Health.SICK,
        Category.CIVILIAN,
        Evidence.RELATIVE_REPORT,
    )
    assert two.capture_date == PartialDate(2022, 2, 24)
    assert (three.birth_date, three.health) == (
        PartialDate(1967, 1, 28),
        Health.SERIOUSLY_WOUNDED_OR_SICK,
    )
    # evidence in free words is kept as written, under its column's header
    assert three.evidence is Evidence.UNKNOWN
    assert dict(three.extra) == {"Підстава": "відео в телеграмі 12.05"}


def test_xlsx_number_cells_holding_excel_day_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Прізвище", "Дата народження", "Дата полону"])
    sheet.append(["Коваль", 24500, 44616.0])
    sheet.append(["Бойко", dt.datetime(1975, 6, 1), "03.2022"])
    path = tmp_path / "l.xlsx"
    book.save(path)
    one, two = read_roster(path).records
    assert (one.birth_date, one.capture_date) == (
        PartialDate(1967, 1, 28),
        PartialDate(2022, 2, 24),
    )
    assert (two.birth_date, two.capture_date) == (PartialDate(1975, 6, 1), PartialDate(2022, 3))


def _problems(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(RosterFileError) as info:
        read_roster(path)
    return [(p.row, p.column, p.reason) for p in info.value.problems]


def test_a_date_in_the_future_is_refused_with_row_and_column(tmp_path: Path) -> None:
    soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    text = f"Прізвище;Дата народження;Дата полону\nКоваль;1980;{soon:%d.%m.%Y}\nБойко;2099;\n"
    assert _problems(_csv(tmp_path, text)) == [
        (2, "capture_date (Дата полону)", f"{soon.isoformat()} is in the future (today is "
         f"{dt.datetime.now(dt.UTC).date().isoformat()})"),
        (3, "birth_date (Дата народження)", f"2099 is in the future (today is "
         f"{dt.datetime.now(dt.UTC).date().isoformat()})"),
    ]  # fmt: skip


def test_an_id_over_the_maximum_is_refused_with_row_and_column(tmp_path: Path) -> None:
    text = f"ID;Прізвище\n{'x' * MAX_RECORD_ID};Коваль\n{'y' * (MAX_RECORD_ID + 1)};Бойко\n"
    assert _problems(_csv(tmp_path, text)) == [
        (3, "record_id (ID)", "has 101 characters; an id holds at most 100"),
    ]


def test_two_rows_of_one_person_without_ids_are_named_not_merged(tmp_path: Path) -> None:
    text = (
        "№;Прізвище;Ім'я;Дата народження\n1;Коваль;Петро;1980\n2;Бойко;Іван;\n3;КОВАЛЬ;петро;1980\n"
    )
    ((row, column, reason),) = _problems(_csv(tmp_path, text))
    assert (row, column) == (4, None)
    assert reason.startswith("(№ 3) is the same person as row 2 (№ 1)")
    without_numbers = "Прізвище;Ім'я\nКоваль;Петро\nКоваль;Петро\n"
    ((row, _, reason),) = _problems(_csv(tmp_path, without_numbers))
    assert (row, reason[:34]) == (3, "is the same person as row 2 (the s")
    # namesakes told apart by a birth date or a service number are two persons
    text = "Прізвище;Ім'я;Дата народження\nКоваль;Петро;1980\nКоваль;Петро;1981\n"
    assert len(read_roster(_csv(tmp_path, text)).records) == 2


def test_a_bad_word_names_the_accepted_ones_in_the_users_language(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Прізвище;Стать\nКоваль;андроїд\n")
    with pytest.raises(RosterFileError) as info:
        read_roster(path, language="uk")
    (problem,) = info.value.problems
    assert problem.column == "sex (Стать)"
    assert problem.reason == (
        "'андроїд' is not one of: female, male, unknown"
        " (допустимі значення: жінка, чоловік, невідомо)"
    )


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Дата народж.", "birth_date"),
        ("Д.н.", "birth_date"),
        ("Г.р.", "birth_date"),
        ("Рік народження", "birth_date"),
        ("Год рождения", "birth_date"),
        ("П.І.Б.", "full_name"),
        ("Ф.И.О.", "full_name"),
        ("Прізвище, ім’я, по батькові", "full_name"),
        ("Особовий номер", "service_number"),
        ("Номер жетона", "service_number"),
        ("Стан здоров’я", "health"),
        ("Категорія особи", "category"),
        ("Джерело інформації", "evidence"),
        ("Докази", "evidence"),
        ("Доказательства", "evidence"),
        ("Примечание", "notes"),
    ],
)
def test_headers_as_offices_shorten_them(header: str, column: str) -> None:
    assert canonical_column(header) == column


def test_an_id_column_left_empty_in_every_row_is_no_id_column(tmp_path: Path) -> None:
    roster = read_roster(_csv(tmp_path, "Ідентифікатор;Прізвище\n;Коваль\n;Бойко\n"))
    assert roster.derive_ids and [r.record_id for r in roster.records] == ["row 2", "row 3"]
    # empty in some rows only: those rows are refused, as before
    assert _problems(_csv(tmp_path, "ID;Прізвище\nUA-1;Коваль\n;Бойко\n")) == [
        (3, "record_id (ID)", "is empty")
    ]


def test_a_list_without_ids_is_searched_and_linked_by_its_rows(tmp_path: Path) -> None:
    from parley.io.linkage_input import read_linkage_records

    path = _csv(tmp_path, "№;Прізвище;Ім'я\n1;Коваль;Петро\n2;Бойко;Іван\n", "cp1251")
    records = read_linkage_records(path)
    assert [(r.record_id, r.family_name) for r in records] == [
        ("row 2", "Коваль"),
        ("row 3", "Бойко"),
    ]


def test_a_dash_says_none(tmp_path: Path) -> None:
    """`-` or `—` in a cell is how offices write "none": the field is empty, not a dash."""
    text = "Прізвище;Ім'я;По батькові;Стан здоров'я\nКоваль;Іван;-;—\nБойко;Петро;–;здоровий\n"
    koval, boyko = read_roster(_csv(tmp_path, text)).records
    assert koval.patronymic == "" and koval.health is Health.UNKNOWN
    assert boyko.patronymic == "" and boyko.health is Health.FIT
    assert koval.display_name == "Коваль Іван"
