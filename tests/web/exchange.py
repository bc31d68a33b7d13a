"""An instance served on loopback with its pages, and a side's office in a browser: the key
made on the sign-in page, registered by the mediator (`parley party add`), and the sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app import agreements, batches, reconcile
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState
from tests.api.helpers import run_cli, serving

HEADER = "record_id,family_name,given_name,birth_date,capture_date\n"
HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
XSS = ("<img src=x onerror=alert(1)>", '"><script>alert(2)</script>')


@dataclass
class Site:
    url: str
    med: Path
    ledger: Ledger
    desk: DeskAccess
    runner: CliRunner


@contextmanager
def served(runner: CliRunner, tmp: Path) -> Iterator[Site]:
    """A fresh instance (the mediator MED), its API and pages served on a loopback port."""
    med = tmp / "med"
    run_cli(runner, med, "init")
    ledger = Ledger.open(Settings.from_env(med))
    try:
        desk = DeskAccess.start(med / "desk", "http://127.0.0.1")
        with serving(create_app(ledger, desk=desk)) as url:
            yield Site(url, med, ledger, desk, runner)
    finally:
        ledger.close()


def office(site: Site, context: BrowserContext, party: str, *, role: str = "side") -> Page:
    """`party`'s office in this browser: its key made on the sign-in page, registered by the
    mediator with the verifier key the page shows, then signed in with it."""
    page = context.new_page()
    page.goto(site.url + "/office/sign-in")
    page.get_by_label("Your party's id").fill(party)
    page.locator("#make-key").click()
    verifier = page.locator("#verifier")
    expect(verifier).to_have_text(HEX_KEY)
    key = verifier.inner_text().strip()
    added = run_cli(
        site.runner, site.med, "party", "add", party, "--name", party, "--key", key, "--role", role
    )
    assert page.locator("#fingerprint").inner_text() in added
    page.locator("#sign-in").click()
    page.wait_for_url(site.url + ("/office" if role == "side" else "/monitor"))
    return page


def write_roster(tmp: Path, name: str, rows: str) -> Path:
    path = tmp / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


AGREEMENT = Agreement(
    "AG",
    "Exchange of 4 December",
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
                Commitment("AG-CF", CommitmentKind.CEASEFIRE, "ceasefire on the line"),
            ),
        ),
    ),
)


def submit(page: Page, kind: str, records: list[dict[str, str]]) -> None:
    """A roster sent as the upload page sends it: signed with the side's key in its browser."""
    reply = page.evaluate(
        "async (a) => (await (await ParleySigning.loadKey(a.party))"
        ".request('POST', '/v1/rosters/' + a.party + '/' + a.kind,"
        " {records: a.records, source: 'test.csv'})).status",
        {
            "party": page.locator("#office").get_attribute("data-party"),
            "kind": kind,
            "records": records,
        },
    )
    assert reply == 201


def row(ident: str, family: str, given: str, birth: str) -> dict[str, str]:
    return {
        "record_id": ident,
        "family_name": family,
        "given_name": given,
        "birth_date": birth,
        "capture_date": "2022-03-04",
    }


def prepare(site: Site, sides: tuple[Page, Page]) -> None:
    ledger = site.ledger
    candidates = reconcile.exact_candidates(ledger, sought="UA:sought", held="RU:held")
    candidates += reconcile.exact_candidates(ledger, sought="RU:sought", held="UA:held")
    proposed = reconcile.propose(ledger, actor="MED", candidates=candidates).proposed
    reconcile.decide_matches(
        ledger, actor="MED", mids=proposed, state=MatchState.CONFIRMED, note="same dates"
    )
    agreements.draft(ledger, actor="MED", agreement=AGREEMENT)
    for page in sides:
        page.goto(site.url + "/office/agreements/AG")
        page.get_by_role("button", name="Sign the agreement").click()
        page.locator("dialog#confirm button.confirm").click()
        expect(page.locator(".notice").first).to_contain_text("has signed this version")
    agreements.sign(
        ledger, actor="MED", agreement_id="AG", text_sha256=agreements.text_hash(AGREEMENT)
    )
    persons = [PersonRef("UA", "UA-0"), PersonRef("RU", "RU-0")]
    batches.plan(
        ledger,
        actor="MED",
        batch_id="B1",
        commitment_id="AG-EX",
        place="the border",
        planned_date=None,
        persons=persons,
    )
    for to in (HandoverState.LOCATED, HandoverState.AGREED):
        batches.advance(ledger, actor="MED", batch_id="B1", moves=[(p, to, "") for p in persons])


@dataclass
class Offices:
    site: Site
    ua: Page
    context: BrowserContext
