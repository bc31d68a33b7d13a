"""A side's workbook in the reader's language: sheets, headers and the process's words in
Ukrainian or Russian, dates as date cells, and a roster's sheet that imports again as the
same records in every language."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from parley.app.language import translations
from parley.domain.dates import PartialDate
from parley.domain.persons import (
    FIELD_LABELS,
    Category,
    Evidence,
    Health,
    PersonRecord,
    Sex,
)
from parley.io.headers import canonical_column
from parley.io.rosters import read_roster
from parley.io.xlsx_export import BatchLine, Reader, SideView, SoughtLine, workbook

RECORDS = (
    PersonRecord(
        record_id="UA-1",
        family_name="Вишинський",
        given_name="Кирило",
        patronymic="Валерійович",
        aliases=("Vyshynskyi Kyrylo", "Vyshenski"),
        sex=Sex.MALE,
        birth_date=PartialDate(1967, 2, 11),
        citizenship="Україна",
        depends_on="Україна",
        national_id="НН 123456",
        category=Category.JOURNALIST,
        health=Health.SERIOUSLY_WOUNDED_OR_SICK,
        capture_date=PartialDate(2019, 5),
        evidence=Evidence.CONFIRMED_BY_MEDIATOR,
        notes="примітка",
        extra=(("Колір очей", "карі"),),
    ),
    PersonRecord(
        record_id="UA-2",
        full_name="Коваль Олена Петрівна",
        birth_date=PartialDate(1990),
        sex=Sex.FEMALE,
        category=Category.CIVILIAN,
    ),
)

VIEW = SideView(
    party="UA",
    rosters={"held": [r.to_dict() for r in RECORDS], "sought": []},
    sought=(
        SoughtLine("s17", "Ковальов Петро", "1980-03-04", "in_batch", "RU:held/ru0",
                   "Ковалёв Пётр", "B1", "consent_verified", False),
        SoughtLine("s18", "Бондар Іван", "1975", "sought", "", "", "", "", False),
    ),
    batches=(
        BatchLine("B1", "Київ", "2019-09-07", "in_progress", "receives", "RU/ru0",
                  "Ковалёв Пётр", "RU", "consent_verified"),
    ),
)  # fmt: skip


def _reader(locale: str) -> Reader | None:
    return None if locale == "en" else Reader(locale, translations(locale).gettext)


def _sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


@pytest.mark.parametrize("locale", ["uk", "ru", "en"])
def test_every_column_the_pages_name_is_a_header_import_reads(locale: str) -> None:
    gettext = translations(locale).gettext
    for column, label in FIELD_LABELS.items():
        if (locale, column) != ("en", "full_name"):  # English "Name" says too little
            assert canonical_column(gettext(label)) == column, (locale, label)


@pytest.mark.parametrize("locale", ["uk", "ru", "en"])
def test_a_roster_sheet_imports_again_as_the_same_records(tmp_path: Path, locale: str) -> None:
    book = load_workbook(io.BytesIO(workbook(VIEW, _reader(locale))))
    alone = Workbook()
    assert alone.active is not None
    for values in book.worksheets[0].iter_rows(values_only=True):
        alone.active.append(list(values))
    path = tmp_path / f"{locale}.xlsx"
    alone.save(path)
    assert read_roster(path).records == list(RECORDS)


def test_in_ukrainian_sheets_headers_and_words_are_ukrainian() -> None:
    sheets = _sheets(workbook(VIEW, _reader("uk")))
    assert list(sheets) == [
        "UA утримувані",
        "UA розшукувані",
        "Результати розшуку",
        "Партії обміну",
    ]
    head, first, second = sheets["UA утримувані"]
    assert head[:5] == ["Ідентифікатор запису", "Прізвище", "Ім'я", "По батькові", "Повне ім'я"]
    assert head[-1] == "Колір очей"  # a column kept verbatim, as the file named it
    row = dict(zip(head, first, strict=True))
    assert row["Дата народження"] == dt.datetime(1967, 2, 11)
    assert row["Дата взяття в полон"] == "2019-05"  # a partial date stays text
    assert (row["Стать"], row["Категорія"], row["Стан здоров'я"]) == (
        "чоловік",
        "журналіст",
        "важкопоранений",
    )
    assert row["Інші імена"] == "Vyshynskyi Kyrylo; Vyshenski"
    assert dict(zip(head, second, strict=True))["Дата народження"] == "1990"
    head, s17, s18 = sheets["Результати розшуку"]
    assert head[3:5] == ["Стан розшуку", "Знайдено як (запис сторони, що утримує)"]
    assert s17[3] == "у партії обміну" and s17[7] == "згоду перевірено" and s17[8] == "ні"
    assert s17[2] == dt.datetime(1980, 3, 4) and s18[3] == "ще розшукується"
    head, b1 = sheets["Партії обміну"]
    assert head[:5] == ["Партія", "Місце", "Запланована дата", "Стан партії", "Напрям"]
    assert b1[2] == dt.datetime(2019, 9, 7) and b1[3:5] == ["триває", "ми приймаємо"]


def test_in_russian_the_sheets_and_the_process_are_russian() -> None:
    sheets = _sheets(workbook(VIEW, _reader("ru")))
    assert list(sheets) == ["UA содержащиеся", "UA разыскиваемые", "Итоги розыска", "Партии обмена"]
    head, first, _ = sheets["UA содержащиеся"]
    row = dict(zip(head, first, strict=True))
    assert row["Дата рождения"] == dt.datetime(1967, 2, 11) and row["Пол"] == "мужчина"
    assert sheets["Итоги розыска"][2][3] == "ещё разыскивается"
    assert sheets["Партии обмена"][1][4] == "мы принимаем"


def test_in_english_the_column_names_and_codes_as_before() -> None:
    sheets = _sheets(workbook(VIEW))
    assert list(sheets) == ["UA held", "UA sought", "outcomes", "batches"]
    head, first, _ = sheets["UA held"]
    assert head[:3] == ["record_id", "family_name", "given_name"]
    row = dict(zip(head, first, strict=True))
    assert (row["sex"], row["category"], row["birth_date"]) == (
        "male",
        "journalist",
        dt.datetime(1967, 2, 11),
    )
    assert sheets["outcomes"][1][3:4] == ["in_batch"] and sheets["outcomes"][1][8] == "False"
    assert sheets["batches"][1][4] == "receives"


@pytest.mark.parametrize(("locale", "shown"), [("uk", "DD.MM.YYYY"), ("en", "YYYY-MM-DD")])
def test_a_date_is_a_date_cell_shown_as_the_language_writes_it(locale: str, shown: str) -> None:
    book = load_workbook(io.BytesIO(workbook(VIEW, _reader(locale))))
    sheet = book.worksheets[0]
    dates = [c for c in sheet[2] if isinstance(c.value, dt.datetime)]
    assert len(dates) == 1 and dates[0].is_date and dates[0].number_format == shown
    assert sheet.freeze_panes == "A2"  # the header stays in sight


def test_text_a_spreadsheet_would_run_is_text() -> None:
    held = {"held": [{"record_id": "UA-9", "family_name": "=HYPERLINK(1)"}]}
    view = SideView("UA", held, (), ())
    sheet = load_workbook(io.BytesIO(workbook(view, _reader("uk")))).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Ідентифікатор запису", "Прізвище"]
    formula = sheet.cell(row=2, column=2)
    assert formula.data_type == "s" and formula.quotePrefix  # text, never a formula


@pytest.mark.parametrize("locale", ["uk", "ru", "en"])
def test_evidence_in_words_and_in_free_text_share_one_column(tmp_path: Path, locale: str) -> None:
    """An evidence import read as a word, and one in free words it kept under the office's
    header (`Підстава`): one column, headed as the office headed it, so the sheet imports."""
    records = (
        PersonRecord("A1", family_name="Коваль", evidence=Evidence.OPEN_SOURCES),
        PersonRecord("A2", family_name="Бондар", extra=(("Підстава", "лист від матері"),)),
    )
    view = SideView("UA", {"held": [r.to_dict() for r in records]}, (), ())
    book = load_workbook(io.BytesIO(workbook(view, _reader(locale))))
    head = [c.value for c in book.worksheets[0][1]]
    assert head.count("Підстава") == 1 and len(head) == 4  # id, family name, category, evidence
    alone = Workbook()
    assert alone.active is not None
    for values in book.worksheets[0].iter_rows(values_only=True):
        alone.active.append(list(values))
    path = tmp_path / "evidence.xlsx"
    alone.save(path)
    assert read_roster(path).records == list(records)
