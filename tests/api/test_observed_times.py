"""Over the network, each party from its own machine: time as it happened (`handover --at` and
`report --at` reach a real server, whose log keeps the claimed time in the payload beside the
entry's own, and refuses a time that cannot be), and a batch amended by both sides and the
mediator, then cancelled by the mediator."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app import agreements, batches
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.store import log as stored_log
from tests.api.helpers import run_cli, serving, verifier_key


@dataclass
class Served:
    url: str
    data: dict[str, Path]
    ledger: Ledger


@pytest.fixture
def served(runner: CliRunner, tmp_path: Path) -> Iterator[Served]:
    """A server with UA's held roster of two, an all-for-all agreement signed by all three,
    and batch B1 planned with UA-0."""
    data = {p: tmp_path / p.lower() for p in ("MED", "UA", "RU", "SMM")}
    run_cli(runner, data["MED"], "init")
    for party, role in (("UA", "side"), ("RU", "side"), ("SMM", "monitor")):
        key = verifier_key(run_cli(runner, data[party], "key", "init", "--party", party))
        run_cli(
            runner,
            data["MED"],
            "party",
            "add",
            party,
            "--name",
            party,
            "--key",
            key,
            "--role",
            role,
        )
    ledger = Ledger.open(Settings.from_env(data["MED"]))
    try:
        with serving(create_app(ledger)) as url:
            roster = tmp_path / "ua.csv"
            roster.write_text(
                "record_id,family_name,given_name\nUA-0,Іванов,Іван\nUA-1,Петренко,Петро\n",
                "utf-8",
            )
            run_cli(
                runner,
                data["UA"],
                *("roster", "import", str(roster), "--party", "UA", "--kind", "held"),
                *("--as", "UA"),
                server=url,
            )
            exchange = ExchangeTerms(ExchangeMode.ALL_FOR_ALL)
            agreement = Agreement(
                "AG",
                "t",
                ("UA", "RU"),
                "MED",
                (
                    Phase(
                        "P",
                        1,
                        "p",
                        (
                            Commitment("EX", CommitmentKind.EXCHANGE, "x", exchange=exchange),
                            Commitment("CF", CommitmentKind.CEASEFIRE, "ceasefire"),
                        ),
                    ),
                ),
            )
            agreements.draft(ledger, actor="MED", agreement=agreement)
            digest = agreements.text_hash(agreement)
            for side in ("UA", "RU"):
                run_cli(
                    runner,
                    data[side],
                    *("agreement", "sign", "AG", "--hash", digest, "--as", side),
                    server=url,
                )
            agreements.sign(ledger, actor="MED", agreement_id="AG", text_sha256=digest)
            batches.plan(
                ledger,
                actor="MED",
                batch_id="B1",
                commitment_id="EX",
                place="bridge",
                planned_date=None,
                persons=[PersonRef("UA", "UA-0")],
            )
            yield Served(url, data, ledger)
    finally:
        ledger.close()


def test_claimed_times_cross_the_network(runner: CliRunner, served: Served) -> None:
    url, data, ledger = served.url, served.data, served.ledger
    at_med = ["--data-dir", str(data["MED"]), "--server", url]
    move = ["handover", "B1", "UA/UA-0", "--to", "located", "--as", "MED"]
    ahead = runner.invoke(app, [*at_med, *move, "--at", "2099-01-01T00:00Z"])
    assert ahead.exit_code == 1 and "after the time it is entered" in ahead.output
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0)
    run_cli(runner, data["MED"], *move, "--at", moment.isoformat(), server=url)
    run_cli(
        runner,
        data["SMM"],
        *("report", "--commitment", "CF", "--kind", "violation", "--place", "line"),
        *("--at", "2022-06-01T23:10+03:00", "--text", "shelling", "--as", "SMM"),
        server=url,
    )
    with ledger.reading() as tx:
        rows = [e for e in stored_log.events(tx) if e.type in _OBSERVED]
    claimed = {e.type: json.loads(e.payload or b"{}")["at"] for e in rows}
    assert claimed == {
        ev.HANDOVER_ADVANCED: moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ev.MONITOR_REPORTED: "2022-06-01T20:10:00Z",
    }
    # the entry's own time is the server's, kept in its header: not the claimed one
    assert all(e.time.startswith(str(dt.date.today().year)) for e in rows)


def test_a_batch_amended_by_all_three_and_cancelled_over_the_network(
    runner: CliRunner, served: Served
) -> None:
    url, data = served.url, served.data
    amend = ["batch", "amend", "B1"]
    proposed = run_cli(
        runner,
        data["UA"],
        *amend,
        *("--add", "UA/UA-1", "--withdraw", "UA/UA-0", "--reason", "swap", "--as", "UA"),
        server=url,
    )
    assert "awaiting the others" in proposed
    at_smm = ["--data-dir", str(data["SMM"]), "--server", url]
    refused = runner.invoke(app, [*at_smm, *amend, "--agree", "1", "--as", "SMM"])
    assert refused.exit_code == 1 and refused.stderr.startswith("Refused:")
    run_cli(runner, data["RU"], *amend, "--agree", "1", "--as", "RU", server=url)
    done = run_cli(runner, data["MED"], *amend, "--agree", "1", "--as", "MED", server=url)
    assert "agreed by UA, RU, MED; in force" in done
    listed = run_cli(runner, data["RU"], "batch", "amendments", "B1", "--as", "RU", server=url)
    assert "add UA/UA-1 (to RU), withdraw UA/UA-0 — swap" in listed
    at_ua = ["--data-dir", str(data["UA"]), "--server", url]
    no = runner.invoke(app, [*at_ua, "batch", "cancel", "B1", "--reason", "x", "--as", "UA"])
    assert no.exit_code == 1 and no.stderr.startswith("Refused:")
    run_cli(runner, data["MED"], "batch", "cancel", "B1", "--reason", "postponed", server=url)
    with served.ledger.reading() as tx:
        b = batches.load(tx, "B1")
    assert b.status.value == "cancelled"
    assert {str(p): h.state.value for p, h in b.by_person.items()} == {
        "UA/UA-0": "withdrawn",
        "UA/UA-1": "requested",
    }


_OBSERVED = {ev.HANDOVER_ADVANCED, ev.MONITOR_REPORTED}
