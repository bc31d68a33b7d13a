"""`parley search NAME` without a roster file: the instance's rosters the asker may see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.roster_search import roster_search
from parley.cli.main import app
from parley.domain.dates import PartialDate
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import setup_parties


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    settings = Settings.from_env()
    ledger = Ledger.open(settings, create=True)
    try:
        setup_parties(ledger)
        for party, kind, records in (
            ("UA", RosterKind.HELD, [
                PersonRecord("u1", "Вишинський", "Кирило", birth_date=PartialDate(1967, 2, 7)),
                PersonRecord("u2", "Коваленко", "Петро"),
            ]),
            ("RU", RosterKind.HELD, [
                PersonRecord("r1", "Вышинский", "Кирилл", birth_date=PartialDate(1967, 2, 7)),
                PersonRecord("r2", "Цемах", "Владимир"),
            ]),
        ):  # fmt: skip
            rosters.import_roster(
                ledger, party_id=party, kind=kind, records=records, source="f", source_sha256="0"
            )
    finally:
        ledger.close()
    return settings


def test_search_without_a_roster_file_searches_the_instance(instance: Settings) -> None:
    runner = CliRunner()
    found = runner.invoke(app, ["search", "Vyshinsky Kirill", "--json", "--top", "2"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    # the mediator sees both sides' rosters: the man as each side wrote him, by name
    assert {(h["roster_id"], h["record_id"], h["name"]) for h in hits} == {
        ("UA:held", "u1", "Вишинський Кирило"),
        ("RU:held", "r1", "Вышинский Кирилл"),
    }
    assert hits[0]["birth_date"] == "1967-02-07"
    text = runner.invoke(app, ["search", "Вишинський", "--top", "2"])
    assert text.exit_code == 0, text.output
    assert "on RU:held, UA:held" in text.stdout
    assert "UA:held/u1 Вишинський Кирило, born 1967-02-07" in text.stdout
    assert "path" not in text.output.lower()


def test_a_side_searches_only_its_own_rosters_and_a_monitor_none(instance: Settings) -> None:
    runner = CliRunner()
    ua = runner.invoke(app, ["search", "Vyshinsky Kirill", "--as", "UA", "--json"])
    assert ua.exit_code == 0, ua.output
    assert {h["roster_id"] for h in json.loads(ua.stdout)} == {"UA:held"}
    refused = runner.invoke(app, ["search", "Vyshinsky", "--as", "SMM"])
    assert refused.exit_code == 1 and "SMM" in refused.output
    ledger = Ledger.open(instance)
    try:
        assert roster_search(ledger, actor="RU").rosters == ["RU:held"]
    finally:
        ledger.close()


def test_many_queries_against_the_instance(instance: Settings, tmp_path: Path) -> None:
    (tmp_path / "q.csv").write_text("query,birth_date\nTsemakh Volodymyr,\n", encoding="utf-8")
    runner = CliRunner()
    many = runner.invoke(app, ["search", "--queries", str(tmp_path / "q.csv"), "--top", "1"])
    assert many.exit_code == 0, many.output
    (line,) = [json.loads(x) for x in many.stdout.splitlines()]
    assert line["results"][0]["roster_id"] == "RU:held"
    assert line["results"][0]["record_id"] == "r2"


def test_an_instance_with_no_rosters_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    ledger = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(ledger)
    finally:
        ledger.close()
    empty = CliRunner().invoke(app, ["search", "Vyshinsky"])
    assert empty.exit_code == 1
    assert "no roster records" in empty.output and "path" not in empty.output.lower()


def test_an_empty_name_is_refused(instance: Settings) -> None:
    result = CliRunner().invoke(app, ["search", "  "])
    assert result.exit_code == 1
    assert "the name to search for is empty" in result.output
