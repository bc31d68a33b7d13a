"""`parley search` over a roster file as lists come."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.main import app

ROSTER = "ID;Прізвище;Ім'я;По батькові;Дата народження\n" + "\n".join(
    [
        "H1;Вишинський;Кирило;Валерійович;1967",
        "H2;Цемах;Володимир;Миколайович;1961",
        "H3;Коваленко;Петро;Іванович;30.02.1980",  # impossible, kept and compared as written
    ]
)


def test_search_one_and_many(tmp_path: Path) -> None:
    roster = tmp_path / "held.csv"
    roster.write_text(ROSTER + "\n", encoding="cp1251")
    runner = CliRunner()
    one = runner.invoke(
        app, ["search", "Vyshinsky Kirill", "--roster", str(roster), "--top", "2", "--json"]
    )
    assert one.exit_code == 0, one.output
    hits = json.loads(one.stdout)
    assert hits[0]["record_id"] == "H1" and hits[0]["score"] >= hits[-1]["score"]
    (tmp_path / "q.csv").write_text(
        "query,birth_date\nTsemakh Vladimir,1961\nKovalenko Petro,\n", encoding="utf-8"
    )
    many = runner.invoke(
        app, ["search", "--queries", str(tmp_path / "q.csv"), "--roster", str(roster), "--top", "1"]
    )
    assert many.exit_code == 0, many.output
    lines = [json.loads(x) for x in many.stdout.splitlines()]
    assert [(x["query"], x["results"][0]["record_id"]) for x in lines] == [
        ("Tsemakh Vladimir", "H2"),
        ("Kovalenko Petro", "H3"),
    ]
    assert runner.invoke(app, ["search", "--roster", str(roster)]).exit_code == 1


def test_a_query_birth_date_that_is_no_date_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """31.02.1980 is no date: the searcher is told (in its language), and the records are still
    found and compared by what it reads (year and month); a possible date is not warned of."""
    roster = tmp_path / "held.csv"
    roster.write_text(ROSTER + "\n", encoding="cp1251")
    runner = CliRunner()
    args = ["search", "Kovalenko Petro", "--roster", str(roster), "--top", "1", "--json"]
    told = runner.invoke(app, [*args, "--birth-date", "31.02.1980"])
    assert told.exit_code == 0, told.output
    assert "the birth date 31.02.1980 of the query Kovalenko Petro: day 31 does not exist" in (
        told.stderr
    )
    assert json.loads(told.stdout)[0]["record_id"] == "H3"
    assert "of the query" not in runner.invoke(app, [*args, "--birth-date", "1980-02"]).stderr
    monkeypatch.setenv("PARLEY_LANG", "uk")
    (tmp_path / "q.csv").write_text("query,birth_date\nKovalenko Petro,31.02.1980\n", "utf-8")
    many = runner.invoke(
        app, ["search", "--queries", str(tmp_path / "q.csv"), "--roster", str(roster)]
    )
    assert many.exit_code == 0, many.output
    assert "дата народження 31.02.1980 у запиті Kovalenko Petro: у лютому 1980 р. немає" in (
        many.stderr
    )
