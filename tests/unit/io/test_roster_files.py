"""Roster files as offices save them, and every kind of bad file refused with its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from parley.domain.dates import PartialDate
from parley.domain.persons import Category, Health, Sex
from parley.io.limits import cell_problem, row_may_hold_bad_cell
from parley.io.rosters import read_roster
from parley.io.tables import RosterFileError

UA_HEADER = "ID;Прізвище;Ім'я;По батькові;Дата народження;Стан здоров'я;Категорія;Колір очей"
UA_ROWS = [
    "UA-1;Вишинський;Кирило;Валерійович;1967;важкопоранений;журналіст;карі",
    "UA-2;Коваль;Олена;Петрівна;03.04.1990;;цивільний;",
]


def _write(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1251", ";"), ("utf-16", "\t")],
)
def test_reads_what_excel_writes(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = "\r\n".join([UA_HEADER, *UA_ROWS]).replace(";", delimiter) + "\r\n"
    roster = read_roster(_write(tmp_path, "ua.csv", text, encoding))
    first, second = roster.records
    assert first.record_id == "UA-1"
    assert first.family_name == "Вишинський"
    assert first.birth_date == PartialDate(1967)
    assert first.health is Health.SERIOUSLY_WOUNDED_OR_SICK
    assert first.category is Category.JOURNALIST
    assert second.birth_date == PartialDate(1990, 4, 3)
    # an unknown column is kept with the record, never dropped
    assert dict(first.extra) == {"Колір очей": "карі"}
    assert roster.unknown_columns == ["Колір очей"]


def test_russian_and_english_headers_in_any_case_and_punctuation(tmp_path: Path) -> None:
    text = "id,ФАМИЛИЯ,имя,Отчество,Дата_рождения,Пол,Service No.,DATE OF CAPTURE\n"
    text += "R1,Вышинский,Кирилл,Валерьевич,1967-02,м,123,2018-05-15\n"
    (record,) = read_roster(_write(tmp_path, "ru.csv", text, "utf-8")).records
    assert record.given_name == "Кирилл"
    assert record.birth_date == PartialDate(1967, 2)
    assert record.sex is Sex.MALE
    assert record.service_number == "123"
    assert record.capture_date == PartialDate(2018, 5, 15)


def test_full_name_may_stand_for_the_name_columns(tmp_path: Path) -> None:
    text = "ID,ПІБ\n7,Вишинський Кирило Валерійович\n"
    (record,) = read_roster(_write(tmp_path, "f.csv", text, "utf-8")).records
    assert record.display_name == "Вишинський Кирило Валерійович"


def test_xlsx_with_real_dates(tmp_path: Path) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Фамилия", "Имя", "Дата рождения"])
    sheet.append(["R-1", "Вышинский", "Кирилл", dt.datetime(1967, 2, 3)])
    sheet.append([12, "Иванов", "Иван", "1970"])
    book.save(tmp_path / "r.xlsx")
    first, second = read_roster(tmp_path / "r.xlsx").records
    assert first.birth_date == PartialDate(1967, 2, 3)
    assert second.record_id == "12"
    assert second.birth_date == PartialDate(1970)


def _refusal(path: Path) -> RosterFileError:
    with pytest.raises(RosterFileError) as info:
        read_roster(path)
    return info.value


def test_wrong_encoding_is_named(tmp_path: Path) -> None:
    # 0x98 is undefined in Windows-1251 and invalid UTF-8: no supported encoding reads it
    path = tmp_path / "bad.csv"
    path.write_bytes("ID;Прізвище\n1;".encode("cp1251") + b"\x98\x98\n")
    error = _refusal(path)
    assert str(error) == "bad.csv: the text is neither UTF-8, UTF-16 nor Windows-1251"


def test_text_in_an_unsupported_encoding_says_what_to_check(tmp_path: Path) -> None:
    path = _write(tmp_path, "koi8.csv", "ИД;Фамилия\n1;Иванов\n", "koi8-r")
    message = str(_refusal(path))
    assert message.startswith("koi8.csv, row 1: missing column family_name or full_name")
    assert "UTF-8, UTF-16 or Windows-1251" in message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "not a text file" in str(_refusal(path))


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", "ID;Ім'я\n1;Петро\n", "utf-8")
    error = _refusal(path)
    assert str(error).startswith("m.csv, row 1: missing column family_name or full_name")


def test_bad_date_names_row_and_column(tmp_path: Path) -> None:
    text = "\n".join([UA_HEADER, UA_ROWS[0], "UA-3;Бойко;Іван;;1961-02-30;;;"])
    error = _refusal(_write(tmp_path, "d.csv", text, "utf-8"))
    (problem,) = error.problems
    assert (problem.file, problem.row) == ("d.csv", 3)
    assert problem.column == "birth_date (Дата народження)"
    assert problem.reason == "day 30 does not exist in February 1961"


def test_duplicate_record_id_names_both_rows(tmp_path: Path) -> None:
    text = "\n".join([UA_HEADER, UA_ROWS[0], UA_ROWS[1], UA_ROWS[0].replace("Кирило", "Кирил")])
    (problem,) = _refusal(_write(tmp_path, "dup.csv", text, "utf-8")).problems
    assert problem.row == 4
    assert problem.reason == "record_id 'UA-1' repeats row 2"


@pytest.mark.parametrize("content", ["", "\r\n\r\n", "\ufeff"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    error = _refusal(_write(tmp_path, "e.csv", content, "utf-8"))
    assert str(error) == "e.csv: the file is empty"


def test_header_without_persons(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, "h.csv", UA_HEADER + "\n", "utf-8"))
    assert "no persons" in str(error)


def test_formula_cells_in_csv(tmp_path: Path) -> None:
    text = "\n".join([UA_HEADER, UA_ROWS[0], 'UA-9;=HYPERLINK("http://x");Іван;;;;;'])
    (problem,) = _refusal(_write(tmp_path, "f.csv", text, "utf-8")).problems
    assert (problem.row, problem.column) == (3, "family_name (Прізвище)")
    assert "formula" in problem.reason


_CELL = st.text(
    alphabet=st.sampled_from(list(" \t\n\r\u00a0\x1f\x1b\x85\u202e=+-@(!|aЖ1\uff1d")), max_size=6
)


@given(st.lists(_CELL, max_size=5), st.booleans())
def test_the_row_search_finds_every_row_with_a_bad_cell(cells: list[str], free: bool) -> None:
    # read_table checks the cells of a row one by one only when the row's search hits.
    if any(cell_problem(c.strip(), free) for c in cells):
        assert row_may_hold_bad_cell([c.strip() for c in cells])


def test_a_phone_number_is_not_a_formula(tmp_path: Path) -> None:
    text = "ID;Прізвище;Родичі\n1;Коваль;+380 67 123 45 67\n"
    (record,) = read_roster(_write(tmp_path, "p.csv", text, "utf-8")).records
    assert record.next_of_kin == "+380 67 123 45 67"


def test_formula_cells_in_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Фамилия", "Дата рождения"])
    sheet.append(["R1", "Иванов", "=DATE(1970,1,1)"])
    book.save(tmp_path / "f.xlsx")
    (problem,) = _refusal(tmp_path / "f.xlsx").problems
    assert (problem.row, problem.column) == (2, "birth_date (Дата рождения)")


def test_empty_record_id_is_named(tmp_path: Path) -> None:
    text = "ID;Прізвище\n;Коваль\n1;Бойко\n"  # (an id column empty in every row is none)
    (problem,) = _refusal(_write(tmp_path, "i.csv", text, "utf-8")).problems
    assert (problem.row, problem.column, problem.reason) == (2, "record_id (ID)", "is empty")


def test_unknown_category_lists_the_allowed_words(tmp_path: Path) -> None:
    text = "ID;Прізвище;Категорія\n1;Коваль;космонавт\n"
    (problem,) = _refusal(_write(tmp_path, "c.csv", text, "utf-8")).problems
    assert problem.column == "category (Категорія)"
    assert "civilian" in problem.reason


def test_all_problems_are_reported_not_only_the_first(tmp_path: Path) -> None:
    rows = [f"{i};Коваль;;;1961-13-0{i % 9 + 1};;;" for i in range(5)]
    error = _refusal(_write(tmp_path, "many.csv", "\n".join([UA_HEADER, *rows]), "utf-8"))
    assert [p.row for p in error.problems] == [2, 3, 4, 5, 6]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(max_size=200))
def test_arbitrary_text_is_read_or_refused_never_crashes(tmp_path: Path, body: str) -> None:
    path = _write(tmp_path, "any.csv", "ID;Прізвище\n" + body, "utf-8")
    try:
        roster = read_roster(path)
    except RosterFileError as e:
        assert e.problems and all(p.file == "any.csv" for p in e.problems)
    else:
        assert all(r.record_id.strip() for r in roster.records)
