"""The mediator's desk from the command line: `reconcile` with its summary, `match list` by
name and filtered, decisions in bulk after a count and a question, and a confirmed match
reversed by a signed, reasoned event that leaves the confirmation on the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from parley.app import reconcile, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.dates import PartialDate
from parley.domain.errors import Conflict
from parley.domain.matches import MatchState, RecordRef
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import tables as t
from tests.integration.helpers import setup_parties

HELD = [  # UA holds them, written in Ukrainian
    ("h1", "Вишинський", "Кирило", PartialDate(1967, 2, 7)),
    ("h2", "Цемах", "Володимир", PartialDate(1961, 3, 1)),
    ("h3", "Шевчук", "Тарас", PartialDate(1980, 3, 4)),
    ("h3-again", "Шевчукк", "Тарас", PartialDate(1980, 3, 4)),  # written twice
    ("h4", "Мельник", "Андрій", PartialDate(1990, 1, 2)),
]
SOUGHT = [  # RU seeks them, written in Russian
    ("s1", "Вышинский", "Кирилл", PartialDate(1967, 2, 7)),
    ("s2", "Цемах", "Владимир", PartialDate(1961, 3, 1)),
    ("s4", "Мельник", "Андрей", PartialDate(1990, 1, 2)),
]


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    settings = Settings.from_env()
    ledger = Ledger.open(settings, create=True)
    try:
        setup_parties(ledger)
        for party, kind, rows in (("UA", RosterKind.HELD, HELD), ("RU", RosterKind.SOUGHT, SOUGHT)):
            records = [
                PersonRecord(rid, fam, giv, birth_date=born, capture_date=PartialDate(2019, 5, 1))
                for rid, fam, giv, born in rows
            ]
            rosters.import_roster(
                ledger, party_id=party, kind=kind, records=records, source="f", source_sha256="0"
            )
    finally:
        ledger.close()
    return settings


def _rows(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["match", "list", *args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_reconcile_summarises_and_match_list_names_both_records(desk: Settings) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["reconcile"])
    assert done.exit_code == 0, done.output
    # a summary table: one row a pass, and the whole
    assert "RU:sought ↔ UA:held" in done.stdout and "UA:held (duplicates)" in done.stdout
    assert "new proposal(s)" in done.stdout
    # Splink's own words never reach the user, whatever it met on lists this small
    assert "math domain error" not in done.output and "Error" not in done.output
    listed = runner.invoke(app, ["match", "list", "--state", "proposed"])
    assert listed.exit_code == 0, listed.output
    # both records by name, each in its own script, with birth and capture dates
    assert "RU:sought/s1 Вышинский Кирилл (born 1967-02-07, captured 2019-05-01)" in listed.stdout
    assert "UA:held/h1 Вишинський Кирило (born 1967-02-07, captured 2019-05-01)" in listed.stdout
    assert "why: " in listed.stdout
    every = _rows(runner)
    assert {m["match_id"] for m in every} >= {
        "RU:sought/s1=UA:held/h1",
        "RU:sought/s2=UA:held/h2",
        "UA:held/h3=UA:held/h3-again",
    }
    high = _rows(runner, "--min-score", "0.95")
    assert high and all(float(str(m["score"])) >= 0.95 for m in high)
    low = _rows(runner, "--below", "0.95")
    assert {m["match_id"] for m in high} | {m["match_id"] for m in low} == {
        m["match_id"] for m in every
    }
    assert not {m["match_id"] for m in high} & {m["match_id"] for m in low}
    assert _rows(runner, "--state", "confirmed") == []


def test_bulk_decisions_show_a_count_and_ask_first(desk: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["reconcile"]).exit_code == 0
    cross = [m for m in _rows(runner, "--state", "proposed") if not m["duplicate"]]
    assert len(cross) >= 2
    floor = min(float(str(m["score"])) for m in cross)
    # asked, answered no: nothing is decided
    said_no = runner.invoke(
        app, ["match", "confirm", "--min-score", str(floor), "--cross-side"], input="n\n"
    )
    assert said_no.exit_code == 1
    assert f"{len(cross)} cross-side proposal(s) at or above" in said_no.stdout
    assert _rows(runner, "--state", "confirmed") == []
    # answered yes: every cross-side proposal at or above the score, and no duplicate
    said_yes = runner.invoke(
        app, ["match", "confirm", "--min-score", str(floor), "--cross-side"], input="y\n"
    )
    assert said_yes.exit_code == 0, said_yes.output
    assert {m["match_id"] for m in _rows(runner, "--state", "confirmed")} == {
        m["match_id"] for m in cross
    }
    # --yes for scripts: the duplicates rejected without a question
    rejected = runner.invoke(app, ["match", "reject", "--min-score", "0", "--yes"])
    assert rejected.exit_code == 0, rejected.output
    assert all(m["duplicate"] for m in _rows(runner, "--state", "rejected"))
    assert _rows(runner, "--state", "proposed") == []
    nothing = runner.invoke(app, ["match", "confirm", "--min-score", "0", "--yes"])
    assert nothing.exit_code == 0 and "nothing to confirm" in nothing.stdout
    both = runner.invoke(app, ["match", "confirm", "X", "--min-score", "0.5"])
    assert both.exit_code == 1


def test_a_confirmed_match_is_reversed_by_a_signed_event_with_its_reason(
    desk: Settings,
) -> None:
    runner = CliRunner()
    mid = "RU:sought/s1=UA:held/h1"
    ledger = Ledger.open(desk)
    try:
        reconcile.propose(
            ledger,
            actor="MED",
            candidates=[
                reconcile.Candidate(_ref("RU:sought/s1"), _ref("UA:held/h1"), 0.97, "same")
            ],
        )
        with pytest.raises(Conflict, match="only a confirmed match is reversed"):
            reconcile.reverse_match(ledger, actor="MED", mid=mid, reason="wrong man")
        reconcile.decide_match(ledger, actor="MED", mid=mid, state=MatchState.CONFIRMED)
        assert "RU:sought/s1" not in {
            r["record"] for r in reconcile.not_located(ledger, actor="MED", party_id="RU")
        }
    finally:
        ledger.close()
    refused = runner.invoke(app, ["match", "reverse", mid, "--reason", "x", "--as", "UA"])
    assert refused.exit_code == 1 and "only the mediator" in refused.output
    unsaid = runner.invoke(app, ["match", "reverse", mid, "--reason", "  "])
    assert unsaid.exit_code == 1 and "says why" in unsaid.output
    done = runner.invoke(
        app, ["match", "reverse", mid, "--reason", "the relatives say he is another man"]
    )
    assert done.exit_code == 0, done.output
    (m,) = [m for m in _rows(runner) if m["match_id"] == mid]
    assert m["state"] == "reversed"
    again = runner.invoke(app, ["match", "reverse", mid, "--reason", "twice"])
    assert again.exit_code == 1 and "reversed" in again.output
    ledger = Ledger.open(desk)
    try:
        # the person is sought again, and the log keeps the confirmation and the reversal
        assert "RU:sought/s1" in {
            r["record"] for r in reconcile.not_located(ledger, actor="MED", party_id="RU")
        }
        # the reversal's projection is derived: a rebuilt database equals the live one
        with ledger.reading() as tx:
            live = projection_snapshot(tx)
        rebuild(ledger)
        with ledger.reading() as tx:
            assert projection_snapshot(tx) == live
            entries = tx.execute(
                select(
                    t.log_entries.c.type, t.log_entries.c.actor, t.log_entries.c.signature
                ).order_by(t.log_entries.c.idx)
            ).all()
    finally:
        ledger.close()
    types = [e.type for e in entries]
    assert types.index(ev.MATCH_DECIDED) < types.index(ev.MATCH_REVERSED)
    reversal = entries[types.index(ev.MATCH_REVERSED)]
    assert reversal.actor == "MED" and reversal.signature  # signed by the mediator's key


def _ref(text: str) -> RecordRef:
    return RecordRef.parse(text)


def test_reconcile_reports_its_progress_pass_by_pass(desk: Settings) -> None:
    heard: list[tuple[str, float]] = []
    ledger = Ledger.open(desk)
    try:
        done = reconcile.reconcile_all(
            ledger, actor="MED", progress=lambda stage, f: heard.append((stage, f))
        )
    finally:
        ledger.close()
    assert all(0.0 <= f <= 1.0 for _, f in heard) and heard[-1][1] == 1.0
    passes = {stage.split(": ", 1)[0] for stage, _ in heard}
    assert passes == {
        "RU:sought ↔ UA:held",
        "RU:sought (duplicates)",
        "UA:held (duplicates)",
    }
    assert len(done.seconds) == len(done.pairs) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["match", "list", "--min-score", "1.5"],
        ["match", "list", "--below", "-0.1"],
        ["match", "confirm", "--min-score", "2", "--yes"],
        ["match", "reject", "--min-score", "-1", "--yes"],
    ],
)
def test_a_score_no_match_can_have_is_refused(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Invalid value for" in result.output and "Traceback" not in result.output
