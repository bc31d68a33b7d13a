"""A side's office in Chromium: the key made in the browser and registered by the mediator, the
sign-in it signs, a roster file previewed (columns, first rows, every problem) and submitted
signed; names from the file render as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import BrowserContext, Dialog, expect
from typer.testing import CliRunner

from parley.domain import events as ev
from parley.store import log as stored_log
from tests.web.conftest import screenshot
from tests.web.exchange import XSS, Site, office, served, write_roster


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def test_a_side_signs_in_with_its_browser_key_and_submits_a_roster(
    site: Site, context: BrowserContext, tmp_path: Path
) -> None:
    alerts: list[str] = []
    page = office(site, context, "UA")

    def alerted(dialog: Dialog) -> None:
        alerts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", alerted)
    expect(page.locator("#browser-key")).to_have_class("notice")
    screenshot(page, "office-home-en")

    # a file with a problem: every problem by row and column, and nothing to submit
    bad = write_roster(
        tmp_path,
        "bad.csv",
        "UA-1,Шевченко,Тарас,1990-01-02,2022-03-04\nUA-1,Франко,Іван,1980-01-02,2022-01-01\n"
        "UA-2,Українка,Леся,1971-13-40,2022-01-01\n",
    )
    page.goto(site.url + "/office/rosters")
    page.get_by_label("Persons we hold").check()
    page.get_by_label("Roster file").set_input_files(bad)
    page.get_by_role("button", name="Preview").click()
    screenshot(page, "office-preview-problems")
    problems = page.locator(".problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("repeats row 2")
    expect(problems.nth(1)).to_contain_text("Date of birth")
    expect(problems.nth(1)).to_contain_text("4")
    expect(page.get_by_role("button", name="Sign and submit")).to_have_count(0)
    screenshot(page, "office-preview-problems")

    good = write_roster(
        tmp_path,
        "held.csv",
        f"UA-1,Шевченко,Тарас,1990-01-02,2022-03-04\nUA-2,{XSS[0]},Ї,1980-01-02,2022-01-01\n"
        f'UA-3,"{XSS[1].replace(chr(34), chr(34) * 2)}",Петро,1970-05-06,2022-02-02\n',
    )
    page.goto(site.url + "/office/rosters")
    page.get_by_label("Persons we hold").check()
    page.get_by_label("Roster file").set_input_files(good)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("table").nth(0)).to_contain_text("family_name")
    expect(page.get_by_text(XSS[0], exact=True)).to_be_visible()  # as text, not markup
    expect(page.get_by_text(XSS[1], exact=True)).to_be_visible()
    screenshot(page, "office-preview")
    page.get_by_role("button", name="Sign and submit").click()
    page.wait_for_url(site.url + "/office/rosters")
    expect(page.locator("tbody tr").first).to_contain_text("UA:held")
    with site.ledger.reading() as tx:
        published = [e for e in stored_log.events(tx) if e.type == ev.ROSTER_PUBLISHED]
    assert [e.actor for e in published] == ["UA"]

    page.goto(site.url + "/office/rosters/held?version=1")
    expect(page.get_by_text(f"{XSS[0]} Ї", exact=True)).to_be_visible()  # the added, by name
    screenshot(page, "office-roster-version")
    assert alerts == []
    assert page.locator("img").count() == 0


def test_an_xlsx_roster_with_ukrainian_headers_is_previewed_and_submitted(
    site: Site, context: BrowserContext, tmp_path: Path
) -> None:
    page = office(site, context, "UA")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ідентифікатор", "Прізвище", "Ім'я", "Дата народження", "Колір очей"])
    sheet.append(["UA-7", "Коваленко", "Олена", dt.date(1985, 4, 3), "карі"])
    sheet.append(["UA-8", XSS[0], "Марко", "12.05.1990", ""])
    path = tmp_path / "список.xlsx"
    book.save(path)

    page.goto(site.url + "/office/rosters")
    page.get_by_label("Persons we hold").check()
    page.get_by_label("Roster file").set_input_files(path)
    page.get_by_role("button", name="Preview").click()
    columns = page.locator("table").first
    expect(columns.locator("tr", has_text="Прізвище")).to_contain_text("Family name")
    expect(columns.locator("tr", has_text="Дата народження")).to_contain_text("Date of birth")
    expect(columns.locator("tr", has_text="Колір очей")).to_contain_text("kept as a note")
    expect(page.get_by_text("1985-04-03")).to_be_visible()  # the cell's date, as text
    screenshot(page, "office-preview-xlsx")
    page.get_by_role("button", name="Sign and submit").click()
    page.wait_for_url(site.url + "/office/rosters")
    expect(page.locator("tbody tr").first).to_contain_text("2")
