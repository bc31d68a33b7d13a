"""A handover's state is said by one word wherever a reader meets it: a refusal of a move
names the state as the pages and the papers do ('consent verified'), not by its code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parley.app import batches, rosters
from parley.app.authz import Forbidden
from parley.app.config import Settings
from parley.app.language import refusal
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties

R0 = PersonRef("RU", "r0")


def _batch(ledger: Ledger) -> None:
    """Batch B: RU/r0, requested, to be released by RU to UA."""
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", 1),
        source="s",
        source_sha256="0",
    )
    all_for_all(ledger)
    plan_batch(ledger, "B", [R0])


def test_a_move_refused_to_a_party_names_the_state_as_pages_do(ledger: Ledger) -> None:
    _batch(ledger)
    with pytest.raises(Forbidden) as info:
        batches.advance(
            ledger, actor="UA", batch_id="B", moves=[(R0, HandoverState.CONSENT_VERIFIED, "")]
        )
    assert str(info.value).startswith("UA may not move a handover to consent verified:")
    assert "згоду перевірено" in refusal(info.value, "uk")


def test_handover_takes_a_state_as_refusals_say_it_or_by_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    for name in ("PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    ledger = Ledger.open(Settings.from_env(), create=True)
    try:
        _batch(ledger)
    finally:
        ledger.close()
    runner = CliRunner()

    def move(to: str, by: str) -> Result:
        return runner.invoke(app, ["handover", "B", "RU/r0", "--to", to, "--as", by])

    for to, by in (("located", "MED"), ("Agreed", "MED"), ("cleared", "RU")):
        assert move(to, by).exit_code == 0
    early = move("received", "UA")
    assert early.exit_code == 1
    assert "from cleared it can go to: consent verified," in early.stderr.replace("\n", " ")
    said = move("consent verified", "MED")  # as the refusal said it
    assert said.exit_code == 0, said.output
    assert said.stdout.strip() == "1 person(s) in B: consent verified."
    assert move("transferred", "RU").exit_code == 0
    wrong = move("handed over", "UA")
    assert wrong.exit_code == 1
    assert "'handed over' is not a handover state; the states are: requested, located," in (
        wrong.stderr.replace("\n", " ")
    )
    assert move("received", "UA").exit_code == 0
