"""`parley search` over a roster file as lists come."""

from __future__ import annotations

import json
from pathlib import Path

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
