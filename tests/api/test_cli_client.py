"""The CLI as a client: the mediator serves from its own data directory (its key alone), UA and
RU each run `parley --server …` from theirs, signing with the key `key init` made there. RU
cannot act as UA; the server's export verifies offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app import agreements
from parley.app.client import Client
from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    Phase,
)
from parley.log.command import command_body
from tests.api.helpers import free_port, run_cli, serving, verifier_key

ROSTER = "record_id,family_name,given_name,birth_date\n" + "".join(
    f"UA-{n},Шевченко,Тарас,199{n}\n" for n in range(3)
)


@dataclass
class Sites:
    url: str
    med: Path
    ua: Path
    ru: Path
    ledger: Ledger


@pytest.fixture
def sites(runner: CliRunner, tmp_path: Path) -> Iterator[Sites]:
    med, ua, ru = tmp_path / "med", tmp_path / "ua", tmp_path / "ru"
    ua_key = verifier_key(run_cli(runner, ua, "key", "init", "--party", "UA"))
    ru_key = verifier_key(run_cli(runner, ru, "key", "init", "--party", "RU"))
    run_cli(runner, med, "init")
    run_cli(runner, med, "party", "add", "UA", "--name", "Ukraine", "--key", ua_key)
    run_cli(runner, med, "party", "add", "RU", "--name", "Russia", "--key", ru_key)
    assert sorted(p.name for p in (med / "keys").iterdir()) == ["MED.ed25519.pem"]
    ledger = Ledger.open(Settings.from_env(med))
    try:
        with serving(create_app(ledger)) as url:
            yield Sites(url, med, ua, ru, ledger)
    finally:
        ledger.close()


def _size(sites: Sites) -> int:
    with sites.ledger.reading() as conn:
        return sites.ledger.size(conn)


def test_a_party_imports_and_reads_from_its_own_machine_and_the_export_verifies(
    runner: CliRunner, sites: Sites, tmp_path: Path
) -> None:
    roster = tmp_path / "ua-held.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    imported = run_cli(
        runner,
        sites.ua,
        *("roster", "import", str(roster), "--party", "UA", "--kind", "held", "--as", "UA"),
        server=sites.url,
    )
    assert "UA:held v1: 3 persons (3 added, 0 removed, 0 corrected)." in imported
    again = run_cli(
        runner,
        sites.ua,
        *("roster", "import", str(roster), "--party", "UA", "--kind", "held"),
        server=sites.url,
    )
    assert "unchanged (3 persons); no new version." in again
    changed = tmp_path / "ua-held-2.csv"
    changed.write_text(ROSTER.replace("UA-2,Шевченко", "UA-2,Коваль"), encoding="utf-8")
    pending = run_cli(
        runner,
        sites.ua,
        "roster",
        "diff",
        "--party",
        "UA",
        "--kind",
        "held",
        str(changed),
        server=sites.url,
    )
    assert "UA:held v1 → ua-held-2.csv: 0 added, 0 removed, 1 corrected" in pending
    versions = json.loads(
        run_cli(
            runner,
            sites.ua,
            "roster",
            "diff",
            "--party",
            "UA",
            "--kind",
            "held",
            "--json",
            server=sites.url,
        )
    )
    assert versions["compared"] == "UA:held v0 → v1" and len(versions["added"]) == 3
    data = json.loads(run_cli(runner, sites.ua, "status", "--json", server=sites.url))
    assert [r["records"] for r in data["rosters"]] == [3]
    assert "Roster UA:held: v1, 3 persons" in run_cli(runner, sites.ua, "status", server=sites.url)

    person = json.loads(
        run_cli(
            runner, sites.ua, "person", "UA:held/UA-1", "--json", "--as", "UA", server=sites.url
        )
    )
    assert person["record"] == "UA:held/UA-1" and person["name"]
    assert json.loads(run_cli(runner, sites.ua, "match", "list", "--json", server=sites.url)) == []
    other = runner.invoke(
        app, ["--data-dir", str(sites.ru), "--server", sites.url, "person", "UA:held/UA-1"]
    )
    assert other.exit_code == 1 and other.stderr.startswith("Refused:")

    export = tmp_path / "export"
    run_cli(runner, sites.med, "export", "--out", str(export))
    run_cli(runner, sites.med, "verify", "--allow-unwitnessed", str(export))


def test_ru_cannot_act_as_ua(runner: CliRunner, sites: Sites, tmp_path: Path) -> None:
    roster = tmp_path / "ua-held.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    size = _size(sites)
    args = ["--data-dir", str(sites.ru), "--server", sites.url, "roster", "import", str(roster)]
    args += ["--party", "UA", "--kind", "held"]
    # RU's machine holds no key of UA's
    as_ua = runner.invoke(app, [*args, "--as", "UA"])
    assert as_ua.exit_code == 1 and "no signing key for UA" in as_ua.stderr
    # signed by RU: the server knows it is RU, and RU may not import UA's roster
    as_ru = runner.invoke(app, [*args, "--as", "RU"])
    assert as_ru.exit_code == 1 and as_ru.stderr.startswith("Refused:")
    assert len(as_ru.stderr.strip().splitlines()) == 1

    ru = Client(sites.url, KeyRing(sites.ru / "keys").signer("RU"))
    body = command_body({"records": [{"record_id": "UA-9", "family_name": "X"}]})
    signed = ru.sign("POST", "/v1/rosters/UA/held", body)
    assert ru.send(signed, body).status == 403
    # RU's signature presented under UA's key id
    ua_key_id = KeyRing(sites.ua / "keys").signer("UA").key_id
    claimed = signed.signature_input().replace(signed.keyid, ua_key_id)
    headers = {
        "Content-Digest": signed.content_digest,
        "Signature-Input": claimed,
        "Signature": signed.signature_field(),
    }
    forged = ru.raw("POST", "/v1/rosters/UA/held", body, headers)
    assert forged.status == 401, forged.body
    assert _size(sites) == size
    rd = runner.invoke(
        app,
        [
            "--data-dir",
            str(sites.ru),
            "--server",
            sites.url,
            "roster",
            "diff",
            "--party",
            "UA",
            "--kind",
            "held",
            "--as",
            "RU",
        ],
    )
    assert rd.exit_code == 1 and rd.stderr.startswith("Refused:")
    # a command without a route on the server does not fall back to a local instance
    local = runner.invoke(app, ["--data-dir", str(sites.ua), "--server", sites.url, "reconcile"])
    assert local.exit_code == 1 and "does not run against a server" in local.stderr


def test_an_agreement_signed_by_both_sides_and_a_sides_lists_over_the_network(
    runner: CliRunner, sites: Sites, tmp_path: Path
) -> None:
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
                ),
            ),
        ),
    )
    agreements.draft(sites.ledger, actor="MED", agreement=agreement)  # on the server's machine
    digest = agreements.text_hash(agreement)
    for party, data in (("UA", sites.ua), ("RU", sites.ru)):
        signed = run_cli(
            runner,
            data,
            "agreement",
            "sign",
            "AG",
            "--hash",
            digest,
            "--as",
            party,
            server=sites.url,
        )
        assert f"{party} signed AG." in signed
    agreements.sign(sites.ledger, actor="MED", agreement_id="AG", text_sha256=digest)
    roster = tmp_path / "ua-held.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    run_cli(
        runner,
        sites.ua,
        "roster",
        "import",
        str(roster),
        "--party",
        "UA",
        "--kind",
        "held",
        server=sites.url,
    )
    lists = run_cli(
        runner,
        sites.ua,
        "batch",
        "lists",
        "--commitment",
        "AG-EX",
        "--veto",
        "UA/UA-0",
        "--as",
        "UA",
        server=sites.url,
    )
    assert "UA signed its lists for AG-EX: 0 must include, 1 vetoed" in lists
    shown = run_cli(
        runner,
        sites.ua,
        "batch",
        "lists",
        "--commitment",
        "AG-EX",
        "--show",
        "--as",
        "UA",
        server=sites.url,
    )
    assert "UA: must include —; veto UA/UA-0" in shown
    hidden = run_cli(
        runner,
        sites.ru,
        "batch",
        "lists",
        "--commitment",
        "AG-EX",
        "--show",
        "--as",
        "RU",
        server=sites.url,
    )
    assert "No lists signed for this exchange." in hidden

    export = tmp_path / "export"
    run_cli(runner, sites.med, "export", "--out", str(export))
    run_cli(runner, sites.med, "verify", "--allow-unwitnessed", str(export))


def test_no_server_at_the_url_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    run_cli(runner, tmp_path / "ua", "key", "init", "--party", "UA")
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "ua"), "--server", url, "status"])
    assert result.exit_code == 1
    assert "no answer from the server" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
