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
