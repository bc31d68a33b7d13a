"""A roster file previewed in the office: every problem's reason in the reader's language (the
row and column as found in the file)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from tests.unit.web.test_papers_pages import _office_sign_in
from tests.unit.web.test_queue import csrf

BAD = (
    "ID,Прізвище,Ім'я,Дата народження,Стать\n"
    "UA-1,Шевченко,Тарас,1990-01-02,ч\nUA-1,Франко,Іван,1980-01-02,ч\n"
    "UA-2,Українка,Леся,1961-02-30,ж\nUA-3,Стус,Василь,1938-01-06,андроїд\n"
).encode()


def _preview(browser: TestClient, language: str) -> str:
    headers = {"Accept-Language": language}
    form = browser.get("/office/rosters", headers=headers).text
    reply = browser.post(
        "/office/rosters/preview",
        data={"csrf": csrf(form), "kind": "held"},
        files={"file": ("bad.csv", BAD, "text/csv")},
        headers=headers,
    )
    assert reply.status_code == 422, reply.text
    return reply.text


def test_the_problems_of_a_file_are_said_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    _office_sign_in(browser, instance[0], "UA")
    uk = _preview(browser, "uk")
    assert "record_id &#39;UA-1&#39; повторює рядок 2" in uk
    assert "у лютому 1961 р. немає 30-го числа" in uk
    assert "&#39;андроїд&#39; не є допустимим значенням; допустимі значення: жінка, чоловік" in uk
    ru = _preview(browser, "ru")
    assert "record_id &#39;UA-1&#39; повторяет строку 2" in ru
    assert "в феврале 1961 г. нет 30-го числа" in ru
    en = _preview(browser, "en")
    assert "record_id &#39;UA-1&#39; repeats row 2" in en
    assert "day 30 does not exist in February 1961" in en
