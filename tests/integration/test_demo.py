"""The demo's story on both databases, and the CLI a person would type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.app.status import summary
from parley.cli.main import app
from parley.demo.scenario import play
from parley.domain.errors import DomainError


def _exchange(status: dict[str, object], phase: int) -> dict[str, object]:
    agreements = status["agreements"]
    assert isinstance(agreements, list)
    (c,) = [c for c in agreements[0]["phases"][phase - 1]["commitments"] if c["kind"] == "exchange"]
    assert isinstance(c, dict)
    return c


def test_story_on_each_database(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="at least 40"):
        play(ledger, tmp_path / "rosters", phase2_size=39, say=lambda _: None)
    play(ledger, tmp_path / "rosters", phase2_size=60, say=lambda _: None)
    status = summary(ledger)
    p1 = _exchange(status, 1)
    assert p1["sides"] == {
        "UA": {
            "planned": 35,
            "released": 34,
            "done": 35,
            "in_progress": 0,
            "confirmed": 34,
            "by_state": {"declined": 1, "received": 34},
        },
        "RU": {
            "planned": 36,
            "released": 35,
            "done": 36,
            "in_progress": 0,
            "confirmed": 35,
            "by_state": {"received": 35, "substituted": 1},
        },
    }
    p2 = _exchange(status, 2)
    assert p2["mode"] == "all_for_all"
    planned = {side: v["planned"] for side, v in p2["sides"].items()}  # type: ignore[attr-defined]
    # RU's 60th person was brought as a substitute in phase 1, and the one they replaced, like
    # the three not delivered in batches B2-1..3, is proposed again by the planner
    assert planned == {"UA": 60, "RU": 59 + 1 + 3}
    states = {e["state"] for e in status["exceptions"]}
    assert {
        "declined",
        "substituted",
        "deceased",
        "not_delivered",
        "disputed",
        "released_to_third_state",
    } <= states
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    return CliRunner()


def test_demo_status_rebuild_from_the_command_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--size", "40"])
    assert result.exit_code == 0, result.output
    assert "Exceptions" in result.output and "declined" in result.output
    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0
    data = json.loads(status.stdout)
    assert data["instance"]["demo"] is True
    assert data["log"]["size"] > 500
    assert [p["ordinal"] for p in data["agreements"][0]["phases"]] == [1, 2, 3]
    phase3 = {c["id"]: c["status"] for c in data["agreements"][0]["phases"][2]["commitments"]}
    assert phase3["P3-BORDER"] == 0 and phase3["P3-DIS-SL"] == 3
    said = runner.invoke(app, ["status"]).stdout  # a commitment's kind in words, not its code
    assert "P3-BORDER border control" in said and "border_control" not in said
    check = runner.invoke(app, ["rebuild", "--check"])
    assert check.exit_code == 0 and "equal the live ones" in check.output
    # two checkpoints (after phase 1, at the end), each cosigned by both sides as witnesses
    assert "cosigned by UA and RU" in result.output
    exported = runner.invoke(app, ["export", "--out", str(tmp_path / "audit")])
    assert exported.exit_code == 0, exported.output
    offline = runner.invoke(app, ["verify", str(tmp_path / "audit")])
    assert offline.exit_code == 0, offline.output
    assert "2 checkpoints with 4 cosignatures" in offline.output
    # a second demo replaces the first demo instance
    again = runner.invoke(app, ["demo", "--size", "40"])
    assert again.exit_code == 0, again.output


def test_demo_never_replaces_a_real_instance(runner: CliRunner) -> None:
    assert runner.invoke(app, ["init", "--name", "Real"]).exit_code == 0
    result = runner.invoke(app, ["demo", "--size", "40"])
    assert result.exit_code == 1
    assert "not a demo" in result.output


def test_roster_import_and_diff_commands(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (
        runner.invoke(app, ["party", "add", "UA", "--name", "Ukraine", "--local-key"]).exit_code
        == 0
    )
    v1 = tmp_path / "v1.csv"
    v1.write_text(
        "ID;Прізвище;Ім'я;Особливі прикмети\n1;Коваль;Петро;шрам\n2;Бойко;Іван;\n",
        encoding="cp1251",
    )
    result = runner.invoke(app, ["roster", "import", str(v1), "--party", "UA", "--kind", "held"])
    assert result.exit_code == 0, result.output
    assert "UA:held v1: 2 persons" in result.output and "Особливі прикмети" in result.output
    v2 = tmp_path / "v2.csv"
    v2.write_text("ID;Прізвище;Ім'я\n1;Коваль;Павло\n3;Мороз;Олег\n", encoding="utf-8")
    preview = runner.invoke(
        app, ["roster", "diff", str(v2), "--party", "UA", "--kind", "held", "--json"]
    )
    assert json.loads(preview.stdout)["added"] == ["3"]
    assert (
        runner.invoke(
            app, ["roster", "import", str(v2), "--party", "UA", "--kind", "held"]
        ).exit_code
        == 0
    )
    diff = runner.invoke(app, ["roster", "diff", "--party", "UA", "--kind", "held", "--json"])
    data = json.loads(diff.stdout)
    assert data["added"] == ["3"] and data["removed"] == ["2"]
    assert data["changed"][0]["record_id"] == "1"
    fields = {f["field"] for f in data["changed"][0]["fields"]}
    assert fields == {"given_name", "extra"}


def test_a_bad_file_is_refused_whole_with_its_place(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (
        runner.invoke(app, ["party", "add", "UA", "--name", "Ukraine", "--local-key"]).exit_code
        == 0
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ID;Прізвище;Дата народження\n1;Коваль;1970\n2;Бойко;31.02.1980\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["roster", "import", str(bad), "--party", "UA", "--kind", "held"])
    assert result.exit_code == 1
    assert "Refused, nothing was imported" in result.output
    assert "bad.csv, row 3, column birth_date (Дата народження):" in result.output
    status = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert status["rosters"] == []


def test_commands_before_init_say_what_to_do(runner: CliRunner) -> None:
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 1
    assert "run `parley init` first" in result.output


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PARLEY_DATABASE_URL", "postgresql+psycopg://x@h/db")
    s = Settings.from_env()
    assert s.data_dir == tmp_path.resolve() and not s.embedded
    monkeypatch.delenv("PARLEY_DATABASE_URL")
    assert Settings.from_env().database_url == f"sqlite:///{tmp_path.resolve() / 'parley.db'}"
