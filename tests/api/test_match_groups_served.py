"""Ambiguous groups over the server: the mediator lists a group's candidates and resolves it with
`parley --server … match choose`, signed with its key; a side sees no candidate until one is
confirmed about its record, and may not choose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import match_groups, reconcile
from parley.domain.matches import RecordRef, match_id
from tests.api.helpers import run_cli
from tests.api.test_cli_client import Sites, sites  # noqa: F401 (the served instance)

OSTAP = RecordRef("RU:sought", "ostap")
FATHER, SON = RecordRef("UA:held", "father"), RecordRef("UA:held", "son")
HELD = "record_id,family_name,given_name,patronymic,birth_date\n" + (
    "father,Гайдамака,Остап,Петрович,1950\nson,Гайдамака,Остап,Остапович,1978\n"
)
SOUGHT = "record_id,full_name\nostap,Haidamaka Ostap\n"


def _roster(runner: CliRunner, at: Sites, tmp: Path, party: str, kind: str, text: str) -> None:
    path = tmp / f"{party}-{kind}.csv"
    path.write_text(text, encoding="utf-8")
    home = at.ua if party == "UA" else at.ru
    args = ("roster", "import", str(path), "--party", party, "--kind", kind, "--as", party)
    run_cli(runner, home, *args, server=at.url)


def test_the_mediator_resolves_a_group_over_the_server(
    runner: CliRunner,
    sites: Sites,  # noqa: F811
    tmp_path: Path,
) -> None:
    _roster(runner, sites, tmp_path, "UA", "held", HELD)
    _roster(runner, sites, tmp_path, "RU", "sought", SOUGHT)
    among = [
        reconcile.Candidate(OSTAP, SON, 0.71, "", "record linkage: names agree"),
        reconcile.Candidate(OSTAP, FATHER, 0.69, "", "record linkage: names agree"),
    ]
    (group,) = match_groups.record_groups(
        sites.ledger,
        actor="MED",
        sought="RU:sought",
        held="UA:held",
        clear=[],
        ambiguous={"1": among},
    ).formed
    listed = json.loads(
        run_cli(
            runner, sites.med, "match", "list", "--state", "ambiguous", "--json", server=sites.url
        )
    )
    assert {(r["match_id"], r["group"]) for r in listed} == {
        (match_id(OSTAP, SON), group),
        (match_id(OSTAP, FATHER), group),
    }
    assert json.loads(run_cli(runner, sites.ua, "match", "list", "--json", server=sites.url)) == []
    with pytest.raises(AssertionError, match="may not decide matches"):
        run_cli(
            runner,
            sites.ua,
            *("match", "choose", group, match_id(OSTAP, SON), "--as", "UA"),
            server=sites.url,
        )
    said = run_cli(
        runner, sites.med, "match", "choose", group, match_id(OSTAP, SON), server=sites.url
    )
    assert f"{group}: the others rejected" in said
    states = {m["match_id"]: m["state"] for m in reconcile.matches(sites.ledger, actor="MED")}
    assert states == {match_id(OSTAP, SON): "confirmed", match_id(OSTAP, FATHER): "rejected"}
    seen = json.loads(run_cli(runner, sites.ua, "match", "list", "--json", server=sites.url))
    assert [(r["match_id"], r["state"]) for r in seen] == [(match_id(OSTAP, SON), "confirmed")]
