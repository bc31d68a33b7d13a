"""Roster columns on the office's pages are named in the reader's language, not by Parley's
code words: the preview's columns as read and its problems' columns, and a version's changes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from parley.app import rosters
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.io.headers import CANONICAL
from parley.web import labels
from tests.unit.web.test_papers_pages import _office_sign_in
from tests.unit.web.test_queue import csrf

FILE = (
    "№ з/п,ID,Прізвище,Ім'я,Дата народження,Стать\n"
    "1,UA-1,Шевченко,Тарас,1990-01-02,ч\n"
    "2,UA-2,Українка,Леся,1961-02-30,ж\n"
).encode()
CODE_WORDS = ("row_number", "record_id", "family_name", "given_name", "birth_date", "sex")


def test_every_roster_column_has_a_label() -> None:
    assert set(labels.FIELDS) == set(CANONICAL)


def _preview(browser: TestClient, language: str) -> str:
    headers = {"Accept-Language": language}
    form = browser.get("/office/rosters", headers=headers).text
    reply = browser.post(
        "/office/rosters/preview",
        data={"csrf": csrf(form), "kind": "held"},
        files={"file": ("list.csv", FILE, "text/csv")},
        headers=headers,
    )
    assert reply.status_code == 422, reply.text
    return reply.text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("uk", ("Номер за списком", "Ідентифікатор запису", "Прізвище", "Стать")),
        ("ru", ("Номер по списку", "Идентификатор записи", "Фамилия", "Пол", "Дата рождения")),
    ],
)
def test_the_preview_names_its_columns_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], browser: TestClient, lang: str, said: tuple[str, ...]
) -> None:
    _office_sign_in(browser, instance[0], "UA")
    html = _preview(browser, lang)
    for word in CODE_WORDS:
        assert f">{word}<" not in html and f"{word} (" not in html, word
    for label in said:
        assert label in html, label
    # the problem's column: the label, and the file's header where it says it otherwise
    problem = (
        "<td>Дата народження</td>" if lang == "uk" else "<td>Дата рождения (Дата народження)</td>"
    )
    assert problem in html


def test_a_versions_changes_name_the_field(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=[
            PersonRecord("r0", family_name="Вишинський", given_name="Кирило", service_number="12"),
            PersonRecord("r1", family_name="Коваленко", given_name="Петро"),
        ],
        source="t",
        source_sha256="1",
    )
    _office_sign_in(browser, ledger, "RU")
    html = browser.get("/office/rosters/held", headers={"Accept-Language": "ru"}).text
    assert "<td>Фамилия</td>" in html
    assert "family_name" not in html
