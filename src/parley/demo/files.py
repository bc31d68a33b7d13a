"""Roster files as each coordination office would save them from Excel."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from parley.app.documents import neutralised, xlsx_row

UKRAINIAN_HEADERS = {
    "record_id": "ID", "family_name": "Прізвище", "given_name": "Ім'я", "patronymic": "По батькові",
    "sex": "Стать", "birth_date": "Дата народження", "birth_place": "Місце народження",
    "citizenship": "Громадянство", "rank": "Звання", "service_number": "Особистий номер",
    "unit": "Військова частина", "category": "Категорія", "health": "Стан здоров'я",
    "capture_date": "Дата полону", "capture_place": "Місце полону", "evidence": "Підстава",
    "notes": "Примітки",
}  # fmt: skip
RUSSIAN_HEADERS = {
    "record_id": "ID", "family_name": "Фамилия", "given_name": "Имя", "patronymic": "Отчество",
    "sex": "Пол", "birth_date": "Дата рождения", "birth_place": "Место рождения",
    "citizenship": "Гражданство", "rank": "Звание", "service_number": "Личный номер",
    "unit": "Воинская часть", "category": "Категория", "health": "Состояние здоровья",
    "capture_date": "Дата пленения", "capture_place": "Место пленения", "evidence": "Основание",
    "notes": "Примечания",
}  # fmt: skip


def write_csv(
    path: Path,
    rows: Sequence[dict[str, str]],
    headers: dict[str, str],
    *,
    encoding: str,
    delimiter: str,
) -> None:
    """CSV as Excel saves it: Windows-1251 with ';' in Ukrainian Windows, or UTF-8 with a BOM."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(map(neutralised, headers.values()))
        for row in rows:
            writer.writerow([neutralised(row.get(k, "")) for k in headers])


def write_xlsx(path: Path, rows: Sequence[dict[str, str]], headers: dict[str, str]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Список")
    sheet.append(xlsx_row(sheet, list(headers.values())))
    for row in rows:
        sheet.append(xlsx_row(sheet, [row.get(k, "") for k in headers]))
    book.save(path)
