"""Review of issue 13 as an office would use it: a Ukrainian list names its capture columns
"Дата захоплення" / "Місце захоплення", and the preview reads them as the capture date and
place (a date in the future is then a problem, not a note kept unread)."""

from __future__ import annotations

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
