"""`parley match add`: the mediator names a pair; one Parley will not link is refused in one
sentence that says why and what to do, in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import setup_parties

SOUGHT, HELD = "UA:sought/s1", "RU:held/h1"
PAIR = f"{HELD}={SOUGHT}"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """UA seeks a Коваль with service number 999; RU holds one with 777."""
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    for name in ("PARLEY_DATABASE_URL", "PARLEY_SERVER", "PARLEY_LANG"):
        monkeypatch.delenv(name, raising=False)
    ledger = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(ledger)
        for party, kind, record in (
            ("UA", RosterKind.SOUGHT, PersonRecord("s1", "Коваль", "Петро", service_number="999")),
            ("RU", RosterKind.HELD, PersonRecord("h1", "Коваль", "Пётр", service_number="777")),
        ):
            rosters.import_roster(
                ledger, party_id=party, kind=kind, records=[record], source="f", source_sha256="0"
            )
    finally:
        ledger.close()
    return tmp_path / "data"


def test_a_pair_whose_service_numbers_differ_is_refused_saying_what_to_do(data: Path) -> None:
    added = CliRunner().invoke(app, ["match", "add", SOUGHT, HELD, "--why", "same name"])
    assert added.exit_code == 1, added.output
    assert added.stderr.replace("\n", " ").strip() == (
        f"Error: {PAIR} is not linked: their service numbers differ (999 and 777); records whose"
        " identifiers differ are never linked, not even when named: if one of them is wrong,"
        " correct it on its roster"
    )
    said = CliRunner(env={"PARLEY_LANG": "uk"}).invoke(
        app, ["match", "add", SOUGHT, HELD, "--why", "same name"]
    )
    assert "їхні особисті номери різняться (999 і 777)" in said.stderr, said.stderr
    listed = CliRunner().invoke(app, ["match", "list", "--json"])
    assert listed.stdout.strip() == "[]"
