"""The remaining party paths through the CLI against a real server, each party from its own data
directory: both sides acknowledge a match, take a batch along every step of a handover (each step
by the party whose step it is), the mediator confirms, a monitor reports; the log attributes each
entry to the party that signed it, and the export verifies."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from parley.app import agreements, batches, reconcile
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
from parley.domain.matches import MatchState
from parley.store import log as stored_log
from tests.api.helpers import HEADER, Sites, run_cli


def _import(runner: CliRunner, sites: Sites, tmp: Path, party: str, kind: str, rows: str) -> None:
    path = tmp / f"{party}-{kind}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    run_cli(
        runner,
        sites.data[party],
        *("roster", "import", str(path), "--party", party, "--kind", kind, "--as", party),
        server=sites.url,
    )


def test_a_handover_a_match_and_a_report_over_the_network(
    runner: CliRunner, sites: Sites, tmp_path: Path
) -> None:
    _import(runner, sites, tmp_path, "UA", "held", "UA-0,Іванов,Іван,1990-01-02,2022-03-04\n")
    _import(runner, sites, tmp_path, "RU", "held", "RU-0,Коваль,Петро,1980-03-04,2022-05-06\n")
    _import(runner, sites, tmp_path, "UA", "sought", "S-0,Коваль,Петро,1980-03-04,2022-05-06\n")
    _import(runner, sites, tmp_path, "RU", "sought", "S-0,Іванов,Іван,1990-01-02,2022-03-04\n")

    # the mediator proposes and confirms on its own machine; each side acknowledges from its own
    candidates = reconcile.exact_candidates(sites.ledger, sought="UA:sought", held="RU:held")
    candidates += reconcile.exact_candidates(sites.ledger, sought="RU:sought", held="UA:held")
    proposed = reconcile.propose(sites.ledger, actor="MED", candidates=candidates).proposed
    assert len(proposed) == 2
    reconcile.decide_matches(
        sites.ledger, actor="MED", mids=proposed, state=MatchState.CONFIRMED, note="same dates"
    )
    seen = json.loads(
        run_cli(runner, sites.data["UA"], "match", "list", "--json", server=sites.url)
    )
    for match in seen:
        out = run_cli(
            runner,
            sites.data["UA"],
            "match",
            "ack",
            match["match_id"],
            "--as",
            "UA",
            server=sites.url,
        )
        assert f"UA acknowledged {match['match_id']}" in out
    assert len(seen) == 2

    agreement = Agreement(
        "AG",
        "test agreement",
        ("UA", "RU"),
        "MED",
        (
            Phase(
                "AG-P1",
                1,
                "all for all",
                (
                    Commitment(
                        "AG-EX",
                        CommitmentKind.EXCHANGE,
                        "exchange",
                        exchange=ExchangeTerms(ExchangeMode.ALL_FOR_ALL),
                    ),
                    Commitment("AG-CF", CommitmentKind.CEASEFIRE, "ceasefire"),
                ),
            ),
        ),
    )
    agreements.draft(sites.ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for side in ("UA", "RU"):
        run_cli(
            runner,
            sites.data[side],
            "agreement",
            "sign",
            "AG",
            "--hash",
            digest,
            "--as",
            side,
            server=sites.url,
        )
    agreements.sign(sites.ledger, actor="MED", agreement_id="AG", text_sha256=digest)
    ua_0, ru_0 = PersonRef("UA", "UA-0"), PersonRef("RU", "RU-0")
    batches.plan(
        sites.ledger,
        actor="MED",
        batch_id="B1",
        commitment_id="AG-EX",
        place="the border",
        planned_date=None,
        persons=[ua_0, ru_0],
    )

    # each step by the party whose step it is, each from its own machine
    receiving = {"UA": "RU", "RU": "UA"}
    for state in ("located", "agreed", "cleared", "consent_verified", "transferred", "received"):
        for person in ("UA/UA-0", "RU/RU-0"):
            holder = person.split("/")[0]
            actor = {"cleared": holder, "transferred": holder, "received": receiving[holder]}
            by = actor.get(state, "MED")
            moved = run_cli(
                runner,
                sites.data[by],
                *("handover", "B1", person, "--to", state, "--as", by),
                server=sites.url,
            )
            assert f"1 person(s) in B1: {state.replace('_', ' ')}." in moved
    confirmed = run_cli(runner, sites.data["MED"], "batch", "confirm", "B1", server=sites.url)
    assert "Confirmed 2 transfers in B1." in confirmed

    reported = run_cli(
        runner,
        sites.data["SMM"],
        *("report", "--commitment", "AG-CF", "--kind", "observation", "--place", "the line"),
        *("--date", "2022-06-01", "--text", "quiet", "--as", "SMM"),
        server=sites.url,
    )
    assert "SMM reported a observation on AG-CF." in reported

    # a side may not confirm
    at_ua = ["--data-dir", str(sites.data["UA"]), "--server", sites.url]
    refused = runner.invoke(app, [*at_ua, "batch", "confirm", "B1", "--as", "UA"])
    assert refused.exit_code == 1 and refused.stderr.startswith("Refused:")

    status = json.loads(run_cli(runner, sites.data["UA"], "status", "--json", server=sites.url))
    assert "B1" in json.dumps(status)
    with sites.ledger.reading() as tx:
        logged = Counter((e.type, e.actor) for e in stored_log.events(tx))
    assert logged[(ev.MATCH_ACKNOWLEDGED, "UA")] == 2
    assert logged[(ev.HANDOVER_CONFIRMED, "MED")] == 2
    # located, agreed, consent verified by the mediator; cleared, transferred by the holder;
    # received by the other side: for each of the two persons
    advanced = {a: n for (t, a), n in logged.items() if t == ev.HANDOVER_ADVANCED}
    assert advanced == {"MED": 6, "UA": 3, "RU": 3}
    assert logged[(ev.MONITOR_REPORTED, "SMM")] == 1

    export = tmp_path / "export"
    run_cli(runner, sites.data["MED"], "export", "--out", str(export))
    run_cli(runner, sites.data["MED"], "verify", "--allow-unwitnessed", str(export))
