"""The exchange on pages alone, each role in its own browser: the mediator signs in with the
one-time link and confirms the pairs from the reconciliation queue, records its handover steps at
the site and confirms the transfers on its board; each side's steps are signed in its browser;
a monitor signs in with its browser key and sends a signed report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from typer.testing import CliRunner

from parley.app import agreements, batches, reconcile
from parley.domain import events as ev
from parley.domain.agreements import PersonRef
from parley.store import log as stored_log
from tests.web.conftest import screenshot
from tests.web.exchange import AGREEMENT, XSS, Site, office, row, served, submit


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def _yes(page: Page) -> None:
    page.locator("dialog#confirm").get_by_role("button", name="Yes, record it").click()


def _site_step(page: Page, person: str, step: str) -> None:
    """A step at the handover site: the mediator's posts its form, a side's signs in the
    browser; both ask first."""
    page.locator("li.person", has_text=person).get_by_role("button", name=step, exact=True).click()
    _yes(page)
    expect(page.locator("li.person", has_text=person).locator(".state")).to_have_text(step)


def test_each_role_through_its_pages(site: Site, browser: Browser) -> None:
    contexts: list[BrowserContext] = []
    try:
        for _ in range(4):
            contexts.append(browser.new_context(locale="en-GB"))
        med_context, ua_context, ru_context, smm_context = contexts
        _roles(site, med_context, ua_context, ru_context, smm_context)
    finally:
        for c in contexts:
            c.close()


def _roles(
    site: Site,
    med_context: BrowserContext,
    ua_context: BrowserContext,
    ru_context: BrowserContext,
    smm_context: BrowserContext,
) -> None:
    med = med_context.new_page()
    link = urlsplit(site.desk.link(site.ledger, party_id="MED"))
    med.goto(f"{site.url}{link.path}?{link.query}")
    med.wait_for_url(site.url + "/desk/queue")
    ua = office(site, ua_context, "UA")
    ru = office(site, ru_context, "RU")
    smm = office(site, smm_context, "SMM", role="monitor")
    submit(ua, "held", [row("UA-0", "Іванов", XSS[0], "1990-01-02")])
    submit(ru, "held", [row("RU-0", "Коваль", "Петро", "1980-03-04")])
    submit(ua, "sought", [row("S-0", "Коваль", "Петро", "1980-03-04")])
    submit(ru, "sought", [row("S-0", "Іванов", XSS[0], "1990-01-02")])

    # the mediator proposes the pairs (its command-line step) and confirms each from its queue
    candidates = reconcile.exact_candidates(site.ledger, sought="UA:sought", held="RU:held")
    candidates += reconcile.exact_candidates(site.ledger, sought="RU:sought", held="UA:held")
    reconcile.propose(site.ledger, actor="MED", candidates=candidates)
    med.goto(site.url + "/desk/queue")
    confirm = med.get_by_role("button", name="Confirm", exact=True)
    expect(confirm).to_have_count(2)
    for left in (1, 0):
        confirm.first.click()
        expect(confirm).to_have_count(left)
    screenshot(med, "roles-med-queue")
    for page in (ua, ru):
        page.goto(site.url + "/office/matches")
        for left in (1, 0):
            page.get_by_role("button", name="Acknowledge").first.click()
            _yes(page)
            expect(page.get_by_role("button", name="Acknowledge")).to_have_count(left)

    agreements.draft(site.ledger, actor="MED", agreement=AGREEMENT)
    for page in (ua, ru):
        page.goto(site.url + "/office/agreements/AG")
        page.get_by_role("button", name="Sign the agreement").click()
        _yes(page)
        expect(page.locator(".notice").first).to_contain_text("has signed this version")
    agreements.sign(
        site.ledger, actor="MED", agreement_id="AG", text_sha256=agreements.text_hash(AGREEMENT)
    )
    persons = [PersonRef("UA", "UA-0"), PersonRef("RU", "RU-0")]
    batches.plan(
        site.ledger,
        actor="MED",
        batch_id="B1",
        commitment_id="AG-EX",
        place="the border",
        planned_date=None,
        persons=persons,
    )

    for page in (med, ua, ru):
        page.goto(site.url + "/site/B1")
    for step in ("located", "agreed"):
        for person in ("Іванов", "Коваль"):
            _site_step(med, person, step)
    for page, mine in ((ua, "Іванов"), (ru, "Коваль")):
        page.reload()
        _site_step(page, mine, "cleared")
    med.reload()
    for person in ("Іванов", "Коваль"):
        _site_step(med, person, "consent verified")
    for page, mine in ((ua, "Іванов"), (ru, "Коваль")):
        page.reload()
        _site_step(page, mine, "transferred")
    for page, theirs in ((ua, "Коваль"), (ru, "Іванов")):
        page.reload()
        _site_step(page, theirs, "received")
    screenshot(med, "roles-med-site")
    med.goto(site.url + "/desk/batches/B1")
    med.get_by_role("button", name="Confirm every transfer both sides recorded").click()
    expect(med.get_by_role("status")).to_contain_text("2")
    screenshot(med, "roles-med-board")

    # the monitor's report, signed in its browser
    smm.goto(site.url + "/monitor")
    smm.get_by_label("Place").fill("the border crossing")
    smm.get_by_label("Observed on").fill("2022-06-01")
    smm.get_by_label("What was observed").fill(f"quiet; {XSS[1]}")
    smm.get_by_role("button", name="Sign and send the report").click()
    expect(smm.get_by_text(f"quiet; {XSS[1]}")).to_be_visible()
    screenshot(smm, "roles-monitor")

    with site.ledger.reading() as tx:
        logged = Counter((e.type, e.actor) for e in stored_log.events(tx))
    assert logged[(ev.MATCH_DECIDED, "MED")] == 2
    assert logged[(ev.MATCH_ACKNOWLEDGED, "UA")] == logged[(ev.MATCH_ACKNOWLEDGED, "RU")] == 2
    advanced = {a: n for (t, a), n in logged.items() if t == ev.HANDOVER_ADVANCED}
    assert advanced == {"MED": 6, "UA": 3, "RU": 3}
    assert logged[(ev.HANDOVER_CONFIRMED, "MED")] == 2
    assert logged[(ev.MONITOR_REPORTED, "SMM")] == 1
