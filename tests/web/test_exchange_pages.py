"""The exchange through the sides' pages, each side in its own browser with its own key: rosters
submitted signed, matches acknowledged, the agreement read in the side's language and signed,
the must-include and veto lists signed, and a batch taken across the handover site one tap at a
time; the mediator's steps through its own use cases. The log attributes every entry to the
party whose browser signed it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from typer.testing import CliRunner

from parley.app import agreements, batches, reconcile
from parley.domain import events as ev
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState
from parley.store import log as stored_log
from tests.web.conftest import screenshot
from tests.web.exchange import AGREEMENT, XSS, Site, office, row, served, submit


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def _tap(page: Page, person: str, step: str) -> None:
    """One tap on the person's step at the handover site, and yes in the confirmation."""
    person_row = page.locator("li.person", has_text=person)
    person_row.get_by_role("button", name=step, exact=True).click()
    dialog = page.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(person)
    dialog.get_by_role("button", name="Yes, record it").click()
    expect(page.locator("#outcome")).to_have_class("outcome notice")


def test_the_exchange_through_the_sides_pages(site: Site, browser: Browser) -> None:
    contexts: list[BrowserContext] = []

    def new_context() -> BrowserContext:
        made = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        contexts.append(made)
        return made

    try:
        _exchange(site, new_context)
    finally:
        for c in contexts:
            c.close()


def _exchange(site: Site, new_context: Any) -> None:
    ua = office(site, new_context(), "UA")
    ru = office(site, new_context(), "RU")
    submit(ua, "held", [row("UA-0", "Іванов", XSS[0], "1990-01-02")])
    submit(ru, "held", [row("RU-0", "Коваль", "Петро", "1980-03-04")])
    submit(ua, "sought", [row("S-0", "Коваль", "Петро", "1980-03-04")])
    submit(ru, "sought", [row("S-0", "Іванов", XSS[0], "1990-01-02")])

    # the mediator reconciles (its desk is another page family); each side acknowledges
    candidates = reconcile.exact_candidates(site.ledger, sought="UA:sought", held="RU:held")
    candidates += reconcile.exact_candidates(site.ledger, sought="RU:sought", held="UA:held")
    proposed = reconcile.propose(site.ledger, actor="MED", candidates=candidates).proposed
    reconcile.decide_matches(
        site.ledger, actor="MED", mids=proposed, state=MatchState.CONFIRMED, note="same dates"
    )
    for page in (ua, ru):
        page.goto(site.url + "/office/matches")
        buttons = page.get_by_role("button", name="Acknowledge")
        expect(buttons).to_have_count(2)
        for left in (1, 0):
            buttons.first.click()
            page.locator("dialog#confirm").get_by_role("button", name="Yes, record it").click()
            expect(buttons).to_have_count(left)
    screenshot(ua, "office-matches")

    # the agreement, read in the side's language and signed in its browser
    agreements.draft(site.ledger, actor="MED", agreement=AGREEMENT)
    for page in (ua, ru):
        page.goto(site.url + "/office/batches")
        page.get_by_role("link", name=AGREEMENT.title).click()
        page.get_by_role("button", name="Sign the agreement").click()
        page.locator("dialog#confirm").get_by_role("button", name="Yes, record it").click()
        expect(page.locator(".notice").first).to_contain_text("has signed this version")
    screenshot(ru, "office-agreement")
    agreements.sign(
        site.ledger, actor="MED", agreement_id="AG", text_sha256=agreements.text_hash(AGREEMENT)
    )

    # the lists for the exchange, signed
    ua.goto(site.url + "/office/batches")
    ua.get_by_role("link", name="Lists for AG-EX").click()
    ua.locator("tr", has_text="RU/RU-0").get_by_label("must include").check()  # its own, located
    ua.locator("tr", has_text="UA/UA-0").get_by_label("veto").check()  # one it holds
    ua.get_by_role("button", name="Sign and submit the lists").click()
    expect(ua.locator("#outcome")).to_have_class("outcome notice")
    screenshot(ua, "office-lists")
    ua.reload()  # the lists as signed, chosen again on the page
    expect(ua.locator("tr", has_text="RU/RU-0").get_by_label("must include")).to_be_checked()
    expect(ua.locator("tr", has_text="UA/UA-0").get_by_label("veto")).to_be_checked()

    # a batch across the handover site, each side's step tapped in its own browser
    ua_0, ru_0 = PersonRef("UA", "UA-0"), PersonRef("RU", "RU-0")
    batches.plan(
        site.ledger,
        actor="MED",
        batch_id="B1",
        commitment_id="AG-EX",
        place="the border",
        planned_date=None,
        persons=[ua_0, ru_0],
    )

    def mediator(to: HandoverState) -> None:
        batches.advance(
            site.ledger, actor="MED", batch_id="B1", moves=[(p, to, "") for p in (ua_0, ru_0)]
        )

    mediator(HandoverState.LOCATED)
    mediator(HandoverState.AGREED)
    for page in (ua, ru):
        page.goto(site.url + "/office/batches")
        page.get_by_role("link", name="Batch B1 at the border").click()
    _tap(ua, "Іванов", "cleared")
    _tap(ru, "Коваль", "cleared")
    screenshot(ua, "site-batch-cleared")
    mediator(HandoverState.CONSENT_VERIFIED)
    for page, mine in ((ua, "Іванов"), (ru, "Коваль")):
        page.reload()
        _tap(page, mine, "transferred")
    for page, theirs in ((ua, "Коваль"), (ru, "Іванов")):
        page.reload()
        _tap(page, theirs, "received")
    ua.reload()
    expect(ua.locator("li.person .state")).to_have_text(["received", "received"])
    batches.confirm(site.ledger, actor="MED", batch_id="B1", persons=None)
    ru.goto(site.url + "/office/sought")
    sought = ru.locator("tbody tr", has_text="Іванов")
    expect(sought).to_contain_text("B1")
    expect(sought).to_contain_text("confirmed by all three")
    screenshot(ru, "office-sought")

    with site.ledger.reading() as tx:
        logged = Counter((e.type, e.actor) for e in stored_log.events(tx))
    assert logged[(ev.ROSTER_PUBLISHED, "UA")] == logged[(ev.ROSTER_PUBLISHED, "RU")] == 2
    assert logged[(ev.MATCH_ACKNOWLEDGED, "UA")] == logged[(ev.MATCH_ACKNOWLEDGED, "RU")] == 2
    assert logged[(ev.AGREEMENT_SIGNED, "UA")] == logged[(ev.AGREEMENT_SIGNED, "RU")] == 1
    assert logged[(ev.SIDE_LISTS_SUBMITTED, "UA")] == 1
    advanced = {a: n for (t, a), n in logged.items() if t == ev.HANDOVER_ADVANCED}
    assert advanced == {"MED": 6, "UA": 3, "RU": 3}
