"""What each party reads of the demo's data from the command line: a side sees its own records'
data, and of the other side's nothing but references."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from parley.cli.main import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRunner]:
    data = tmp_path_factory.mktemp("views") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARLEY_DATA_DIR", str(data))
        mp.delenv("PARLEY_DATABASE_URL", raising=False)
        runner = CliRunner()
        result = runner.invoke(app, ["demo", "--size", "40"])
        assert result.exit_code == 0, result.output
        yield runner


def _json(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_a_side_sees_no_spelling_or_date_of_the_other_side(demo: CliRunner) -> None:
    full = _json(demo, "match", "list", "--as", "MED")
    # the mediator's explanations quote both spellings: "(UA's / RU's)"
    quoted = [
        re.search(r"\(([^/()]+) / ([^/()]+)\)$", str(m["explanation"]))
        for m in full
        if str(m["left"]).startswith("UA:")
    ]
    ua_spellings = {q.group(1) for q in quoted if q is not None}
    assert len(ua_spellings) > 10 and all("birth date" in str(m["explanation"]) for m in full[:3])
    for args in (["match", "list", "--as", "RU"], ["match", "list", "--as", "RU", "--json"]):
        result = demo.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert result.output.count("RU:held/") > 0
        assert not [s for s in ua_spellings if s in result.output]
        assert "birth date" not in result.output and "capture date" not in result.output
    confirmed = next(m for m in full if m["state"] == "confirmed")
    ru = _json(demo, "match", "list", "--as", "RU")
    (seen,) = [m for m in ru if m["match_id"] == confirmed["match_id"]]
    assert seen == {**confirmed, "explanation": None}
