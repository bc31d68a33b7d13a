"""Review of issue 13 as an office would use it: a Ukrainian list names its capture columns
"Дата захоплення" / "Місце захоплення", and the preview reads them as the capture date and
place (a date in the future is then a problem, not a note kept unread)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from parley.app.office import preview_roster


@pytest.mark.parametrize(
    ("date_header", "place_header"),
    [
        ("Дата захоплення", "Місце захоплення"),
        ("Дата взяття в полон", "Місце взяття в полон"),
        ("Дата захвата", "Место захвата"),
    ],
)
def test_capture_columns_as_offices_name_them(date_header: str, place_header: str) -> None:
    data = (
        f"Ідентифікатор,Прізвище,Ім'я,Дата народження,{date_header},{place_header}\n"
        "UA-1,Іваненко,Петро,1990-05-03,2022-04-01,Маріуполь\n"
    ).encode()
    preview = preview_roster("list.csv", data)
    read = {c.header: c.canonical for c in preview.columns}
    assert read[date_header] == "capture_date"
    assert read[place_header] == "capture_place"
    assert preview.ok


def test_a_capture_date_in_the_future_is_a_problem() -> None:
    data = (
        "Ідентифікатор,Прізвище,Ім'я,Дата народження,Дата захоплення\n"
        "UA-1,Іваненко,Петро,1990-05-03,2999-04-01\n"
    ).encode()
    preview = preview_roster("list.csv", data)
    assert [(p.row, p.column) for p in preview.problems] == [(2, "capture_date (Дата захоплення)")]


def test_the_preview_names_every_problem_of_a_row_at_once() -> None:
    """An office fixes its list once: a row with a bad date, a sex the roster does not know
    and no id shows all three, not the first alone (then the next after each upload)."""
    data = (
        "Ідентифікатор,Прізвище,Ім'я,Стать,Дата народження\n"
        "UA-1,Іваненко,Петро,х,31.02.1990\n"
        ",Ткачук,Іван,ч,2030-01-01\n"
        "UA-3,Бондар,Іван,ч,1990-01-01\n"
    ).encode()
    problems = [(p.row, p.column) for p in preview_roster("list.csv", data).problems]
    assert problems == [
        (2, "birth_date (Дата народження)"),
        (2, "sex (Стать)"),
        (3, "birth_date (Дата народження)"),
        (3, "record_id (Ідентифікатор)"),
    ]


def test_a_workbook_with_a_merged_title_above_its_header(tmp_path: Path) -> None:
    """A coordination office's sheet: the list's name and date merged across the columns in
    rows 1-2, the column names in row 3, Excel dates below. The preview reads row 3 as the
    header and names each person's row by the sheet's own numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    headers = ["№ з/п", "Ідентифікатор", "Прізвище", "Ім'я", "Дата народження"]
    sheet["A1"] = "Список осіб, що утримуються"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A2"] = "станом на 01.12.2026"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    sheet.append(headers)
    sheet.append([1, "UA-H-1", "Іваненко", "Петро", dt.datetime(1990, 5, 3)])
    sheet.append([2, "UA-H-2", "Сидоренко", "Ольга", dt.datetime(2030, 1, 1)])
    path = tmp_path / "list.xlsx"
    book.save(path)
    preview = preview_roster("list.xlsx", path.read_bytes())
    assert [c.canonical for c in preview.columns] == [
        "row_number",
        "record_id",
        "family_name",
        "given_name",
        "birth_date",
    ]
    assert [n for n, _ in preview.first_rows] == [4, 5]
    assert preview.first_rows[0][1][4] == "1990-05-03"
    assert [(p.row, p.column) for p in preview.problems] == [(5, "birth_date (Дата народження)")]


def test_a_one_cell_first_row_without_known_columns_below_is_still_the_header() -> None:
    data = "Примітки\nщось\n".encode()
    preview = preview_roster("list.csv", data)
    assert [c.header for c in preview.columns] == ["Примітки"]
