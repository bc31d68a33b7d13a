"""Ambiguous groups from the command line: `match list --state ambiguous` shows a group's
candidates side by side with their group id, `match choose` resolves it (one chosen, or
--none), and a single candidate is never confirmed alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import match_groups, reconcile, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.dates import PartialDate
from parley.domain.matches import RecordRef, match_id
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import setup_parties

OSTAP = RecordRef("RU:sought", "ostap")
FATHER, SON = RecordRef("UA:held", "father"), RecordRef("UA:held", "son")
TO_FATHER, TO_SON = match_id(OSTAP, FATHER), match_id(OSTAP, SON)


@pytest.fixture
def group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A sought man with no date, and a father and a son of his name on the held roster: one
    group as a reconciliation records it."""
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    ledger = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(ledger)
        held = [
            PersonRecord("father", "Гайдамака", "Остап", "Петрович", birth_date=PartialDate(1950)),
            PersonRecord("son", "Гайдамака", "Остап", "Остапович", birth_date=PartialDate(1978)),
        ]
        sought = [PersonRecord("ostap", full_name="Haidamaka Ostap")]
        for party, kind, records in (
            ("UA", RosterKind.HELD, held),
            ("RU", RosterKind.SOUGHT, sought),
        ):
            rosters.import_roster(
                ledger, party_id=party, kind=kind, records=records, source="f", source_sha256="0"
            )
        basis = "record linkage: ambiguous (group 1): as likely as another candidate; names agree"
        among = [
            reconcile.Candidate(OSTAP, SON, 0.71, "", basis),
            reconcile.Candidate(OSTAP, FATHER, 0.69, "", basis),
        ]
        done = match_groups.record_groups(
            ledger,
            actor="MED",
            sought="RU:sought",
            held="UA:held",
            clear=[],
            ambiguous={"1": among},
        )
        (gid,) = done.formed
        return gid
    finally:
        ledger.close()


def test_match_list_shows_the_group_and_match_choose_resolves_it(group: str) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["match", "list", "--state", "ambiguous"])
    assert listed.exit_code == 0, listed.output
    text = listed.stdout
    assert f"group {group}: 2 candidate(s) too close to tell apart" in text
    assert text.index(f"group {group}: 2") < text.index(TO_SON) < text.index(TO_FATHER)
    assert f"ambiguous (group {group}) 0.710  {TO_SON}" in text
    assert f"ambiguous (group {group}) 0.690  {TO_FATHER}" in text
    assert "UA:held/son Гайдамака Остап Остапович (born 1978)" in text
    assert "UA:held/father Гайдамака Остап Петрович (born 1950)" in text
    assert "why: record linkage: as likely as another candidate" in text  # the run's number gone
    # a side sees no candidate
    side = runner.invoke(app, ["match", "list", "--as", "UA", "--json"])
    assert side.exit_code == 0 and json.loads(side.stdout) == []
    # never one candidate alone
    alone = runner.invoke(app, ["match", "confirm", TO_SON])
    assert alone.exit_code != 0 and "ambiguous group" in alone.output
    neither = runner.invoke(app, ["match", "choose", group])
    assert neither.exit_code != 0 and "--none" in neither.output
    chose = runner.invoke(app, ["match", "choose", group, TO_SON, "--note", "age"])
    assert chose.exit_code == 0, chose.output
    rows = json.loads(runner.invoke(app, ["match", "list", "--json"]).stdout)
    states = {r["match_id"]: (r["state"], r["group"]) for r in rows}
    assert states == {TO_SON: ("confirmed", group), TO_FATHER: ("rejected", group)}
    again = runner.invoke(app, ["match", "choose", group, "--none"])
    assert again.exit_code != 0 and "already resolved" in again.output


def test_none_of_them(group: str) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["match", "choose", group, "--none"])
    assert done.exit_code == 0, done.output
    assert "every candidate rejected" in done.stdout
    rows = json.loads(runner.invoke(app, ["match", "list", "--json"]).stdout)
    assert {r["state"] for r in rows} == {"rejected"}


def test_match_add_of_a_pair_in_a_group_is_refused_naming_the_group(group: str) -> None:
    runner = CliRunner()
    size = _size()
    added = runner.invoke(app, ["match", "add", str(OSTAP), str(SON), "--why", "same name"])
    assert added.exit_code == 1, added.output
    assert f"{TO_SON} is one of the ambiguous group {group}" in added.stderr
    assert f"parley match choose {group}" in added.stderr
    assert "Already proposed" not in added.output
    assert _size() == size
    said = CliRunner(env={"PARLEY_LANG": "uk"}).invoke(
        app, ["match", "add", str(OSTAP), str(SON), "--why", "same name"]
    )
    assert f"{TO_SON} — одна з пар неоднозначної групи {group}" in said.stderr, said.stderr


def test_match_add_of_a_decided_pair_says_its_state(group: str) -> None:
    runner = CliRunner()
    chose = runner.invoke(app, ["match", "choose", group, TO_SON, "--note", "age"])
    assert chose.exit_code == 0, chose.output
    added = runner.invoke(app, ["match", "add", str(OSTAP), str(SON), "--why", "same name"])
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == f"Already confirmed: {TO_SON}"


def _size() -> int:
    ledger = Ledger.open(Settings.from_env())
    try:
        with ledger.reading() as tx:
            return ledger.size(tx)
    finally:
        ledger.close()


@pytest.mark.parametrize(
    ("language", "heading", "state", "born"),
    [
        (
            "uk",
            "група {group}: кандидатів, надто близьких, щоб розрізнити: 2; виберіть командою"
            " `parley match choose {group} MATCH_ID` або --none",
            "неоднозначно (група {group}) 0,710  ",
            "UA:held/son Гайдамака Остап Остапович (дата народження 1978)",
        ),
        (
            "ru",
            "группа {group}: кандидатов, слишком близких, чтобы различить: 2; выберите командой"
            " `parley match choose {group} MATCH_ID` или --none",
            "неоднозначно (группа {group}) 0,710  ",
            "UA:held/son Гайдамака Остап Остапович (дата рождения 1978)",
        ),
    ],
)
def test_match_list_is_said_in_the_users_language(
    group: str, language: str, heading: str, state: str, born: str
) -> None:
    listed = CliRunner(env={"PARLEY_LANG": language}).invoke(
        app, ["match", "list", "--state", "ambiguous"]
    )
    assert listed.exit_code == 0, listed.output
    text = re.sub(r" *\n", " ", listed.stdout)  # lines wrapped at the console's width joined
    assert heading.format(group=group) in text, text
    assert state.format(group=group) + TO_SON in text, text
    assert born in text, text
    for english in ("group ", "ambiguous", "born", "candidate(s)", "same once transliterated"):
        assert english not in text, text
    assert "(1,00)" in text  # the records compared, in the language's words and numbers
