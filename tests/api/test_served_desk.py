"""The mediator's desk and the readers' commands through a server: `match confirm|reject
--min-score`, `match reverse`, `commitment status --at` signed by the mediator from its own data
directory; `search` and `report list` as each party may see them; nobody acts outside its role."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parley.cli.main import app
from tests.api.helpers import Sites, run_cli

HELD = (
    "record_id,family_name,given_name,birth_date,capture_date\n"
    "UA-1,Іванов,Іван,1990-01-02,2019-03-04\n"
    "UA-2,Петров,Олег,1985-05-05,2019-04-01\n"
)
SOUGHT = (
    "record_id,family_name,given_name,birth_date,capture_date\n"
    "S-1,Иванов,Иван,1990-01-02,2019-03-04\n"
    "S-2,Петров,Олег,1985-05-05,2019-04-01\n"
)
AGREEMENT = {
    "agreement_id": "AG",
    "title": "All for all",
    "sides": ["UA", "RU"],
    "mediator": "MED",
    "phases": [
        {
            "phase_id": "P1",
            "ordinal": 1,
            "title": "exchange",
            "commitments": [
                {"commitment_id": "P1-CF", "kind": "ceasefire", "description": "hold fire"}
            ],
        }
    ],
}


def _at(runner: CliRunner, sites: Sites, party: str, *args: str) -> str:
    return run_cli(runner, sites.data[party], *args, server=sites.url)


def _refused(runner: CliRunner, sites: Sites, party: str, *args: str) -> str:
    result = runner.invoke(
        app, ["--data-dir", str(sites.data[party]), "--server", sites.url, *args]
    )
    assert result.exit_code == 1, result.output
    return result.stderr


def test_the_mediators_desk_and_the_readers_through_the_server(
    runner: CliRunner, sites: Sites, tmp_path: Path
) -> None:
    for party, kind, text in (("UA", "held", HELD), ("RU", "sought", SOUGHT)):
        file = tmp_path / f"{party}-{kind}.csv"
        file.write_text(text, encoding="utf-8")
        _at(runner, sites, party, "roster", "import", str(file), "--party", party, "--kind", kind)
    run_cli(runner, sites.data["MED"], "reconcile")  # on the server's own machine

    # a side may not decide; the mediator decides every proposal at once from its directory
    proposed = json.loads(_at(runner, sites, "MED", "match", "list", "--json"))
    assert [r["state"] for r in proposed] == ["proposed", "proposed"]
    assert _refused(runner, sites, "UA", "match", "confirm", proposed[0]["match_id"], "--as", "UA")
    confirmed = _at(
        runner, sites, "MED", "match", "confirm", "--min-score", "0.5", "--cross-side", "--yes"
    )
    assert "2 match(es) confirmed." in confirmed
    rows = json.loads(_at(runner, sites, "MED", "match", "list", "--json"))
    assert [r["state"] for r in rows] == ["confirmed", "confirmed"]
    assert "No proposal at or above 0.5: nothing to reject." in _at(
        runner, sites, "MED", "match", "reject", "--min-score", "0.5", "--yes"
    )
    mid = rows[0]["match_id"]
    assert _refused(runner, sites, "RU", "match", "reverse", mid, "--reason", "no", "--as", "RU")
    assert f"{mid}: reversed (relatives: another man)" in _at(
        runner, sites, "MED", "match", "reverse", mid, "--reason", "relatives: another man"
    )
    states = {
        r["match_id"]: r["state"]
        for r in json.loads(_at(runner, sites, "MED", "match", "list", "--json"))
    }
    assert states[mid] == "reversed"
    assert _refused(runner, sites, "MED", "match", "reverse", mid, "--reason", "again")

    # search: each party the rosters it may read; a monitor none
    ua = json.loads(_at(runner, sites, "UA", "search", "Ivanov Ivan", "--json", "--as", "UA"))
    assert ua[0]["roster_id"] == "UA:held" and ua[0]["record_id"] == "UA-1"
    assert all(h["roster_id"].startswith("UA:") for h in ua)
    med = json.loads(_at(runner, sites, "MED", "search", "Petrov Oleg", "--json", "--top", "4"))
    assert {h["roster_id"] for h in med} == {"UA:held", "RU:sought"}
    assert "UA:held/UA-1" in _at(runner, sites, "UA", "search", "Іванов", "--as", "UA")
    assert _refused(runner, sites, "SMM", "search", "Ivanov", "--as", "SMM")

    # a commitment rated as of a time, and a monitor's report read back by each party
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(AGREEMENT), encoding="utf-8")
    digest = run_cli(runner, sites.data["MED"], "agreement", "draft", str(agreement)).split()[-1]
    for party in ("UA", "RU", "MED"):
        _at(runner, sites, party, "agreement", "sign", "AG", "--hash", digest, "--as", party)
    _at(
        runner, sites, "SMM", "report", "--commitment", "P1-CF", "--kind", "observation",
        "--place", "contact line", "--date", "2019-09-08", "--text", "no fire observed", "--as", "SMM",
    )  # fmt: skip
    assert _refused(
        runner, sites, "UA", "commitment", "status", "P1-CF", "--status", "1", "--as", "UA"
    )
    rated = _at(
        runner, sites, "MED", "commitment", "status", "P1-CF", "--status", "1",
        "--note", "quiet so far", "--at", "2019-09-09T12:00+03:00",
    )  # fmt: skip
    assert "P1-CF: 1/3." in rated
    for party in ("SMM", "UA"):
        found = json.loads(_at(runner, sites, party, "report", "list", "--json"))
        assert [(r["commitment"], r["text"]) for r in found] == [("P1-CF", "no fire observed")]
    one = json.loads(_at(runner, sites, "RU", "report", "list", "--commitment", "P1-CF", "--json"))
    assert len(one) == 1
    unknown = _refused(runner, sites, "RU", "report", "list", "--commitment", "NONE")
    assert "there is no commitment NONE" in unknown
    status = json.loads(_at(runner, sites, "UA", "status", "--json"))
    commitment = status["agreements"][0]["phases"][0]["commitments"][0]
    assert commitment["status"] == 1
