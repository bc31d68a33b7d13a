"""The Latin spelling an office page shows beside a name follows the language the name is
written in; a name that tells nothing follows the rest of its list."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parley.app import rosters
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.unit.web.test_office_matches import _office_sign_in


def _sought(ledger: Ledger, names: list[tuple[str, str]]) -> None:
    records = [PersonRecord(f"s{i}", family_name=f, given_name=g) for i, (f, g) in enumerate(names)]
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=records,
        source="t",
        source_sha256="1",
    )


def test_a_russian_list_is_spelt_the_russian_way(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    _sought(
        ledger,
        [("Иванов", "Сергей"), ("Мельник", "Николай"), ("Мельник", "Пётр"), ("Коваленко", "Олег")],
    )
    _office_sign_in(browser, ledger, "UA")
    html = browser.get("/office/sought").text
    for shown in ("Ivanov Sergey", "Mel’nik Nikolay", "Mel’nik Pëtr", "Kovalenko Oleg"):
        assert shown in html
    for wrong in ("Yvanov", "Serhei", "Melnyk", "Nykolai", "Oleh"):
        assert wrong not in html


def test_a_ukrainian_list_is_spelt_the_ukrainian_way(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    _sought(ledger, [("Іванов", "Сергій"), ("Мельник", "Микола"), ("Коваленко", "Олег")])
    _office_sign_in(browser, ledger, "UA")
    html = browser.get("/office/sought").text
    for shown in ("Ivanov Serhii", "Melnyk Mykola", "Kovalenko Oleh"):
        assert shown in html
