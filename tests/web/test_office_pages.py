"""The office and handover-site pages in each language, checked as a reader would meet them:
names from the rosters (script tags included) shown as text, every page in uk, ru and en with a
screenshot kept, axe-core finding nothing serious, and a handover step and a match
acknowledgement done with the keyboard alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from typer.testing import CliRunner

from parley.app import agreements, batches, reconcile
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState
from tests.web.conftest import screenshot
from tests.web.exchange import XSS, Site, office, served
from tests.web.test_exchange_pages import AGREEMENT, _row, _submit

PAGES = (
    "/office",
    "/office/rosters",
    "/office/rosters/held?version=1",
    "/office/sought",
    "/office/matches",
    "/office/batches",
    "/office/agreements/AG",
    "/office/lists/AG-EX",
    "/site/B1",
)
# a word each page shows in each language (the office's own heading)
HEADING = {"uk": "Офіс UA", "ru": "Офис UA", "en": "Office of UA"}
SERIOUS = ("serious", "critical")


@dataclass
class Offices:
    site: Site
    ua: Page
    context: BrowserContext


@pytest.fixture
def offices(runner: CliRunner, tmp_path: Path, browser: Browser) -> Iterator[Offices]:
    """UA and RU with rosters (names that look like markup among them), two confirmed matches,
    the agreement signed by both sides from their pages and witnessed, and batch B1 agreed;
    UA's office signed in."""
    with served(runner, tmp_path) as site:
        ua_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        ru_context = browser.new_context(locale="en-GB")
        try:
            ua = office(site, ua_context, "UA")
            ru = office(site, ru_context, "RU")
            _submit(ua, "held", [_row("UA-0", XSS[1], XSS[0], "1990-01-02")])
            _submit(ru, "held", [_row("RU-0", "Коваль", "Петро", "1980-03-04")])
            _submit(ua, "sought", [_row("S-0", "Коваль", "Петро", "1980-03-04")])
            _submit(ru, "sought", [_row("S-0", XSS[1], XSS[0], "1990-01-02")])
            _prepare(site, (ua, ru))
            yield Offices(site, ua, ua_context)
        finally:
            ua_context.close()
            ru_context.close()


def _prepare(site: Site, sides: tuple[Page, Page]) -> None:
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


def _axe(page: Page, source: str) -> list[dict[str, object]]:
    """axe-core's violations on the page (injected through the debugger, as the CSP allows no
    script but the site's own)."""
    page.evaluate(source)
    assert page.evaluate("typeof axe.run") == "function"
    found: list[dict[str, object]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return found


def test_every_office_page_in_each_language(offices: Offices, axe_source: str) -> None:
    site, ua = offices.site, offices.ua
    alerts: list[str] = []
    ua.on("dialog", lambda d: alerts.append(d.message))
    for lang in ("uk", "ru", "en"):
        offices.context.add_cookies([{"name": "parley_lang", "value": lang, "url": site.url}])
        for path in PAGES:
            response = ua.goto(site.url + path)
            assert response is not None and response.status == 200, (lang, path)
            assert ua.locator("html").get_attribute("lang") == lang
            if path == "/office":
                expect(ua.get_by_role("heading", level=1)).to_have_text(HEADING[lang])
            serious = [v for v in _axe(ua, axe_source) if v["impact"] in SERIOUS]
            assert serious == [], (lang, path, serious)
            screenshot(ua, f"office-{lang}-{path.strip('/').replace('/', '-')}")
    # the names that look like markup are text on every page that shows them
    for path in ("/office/rosters/held?version=1", "/site/B1"):
        ua.goto(site.url + path)
        expect(ua.get_by_text(XSS[0]).first).to_be_visible()
        assert ua.locator("main img, main script").count() == 0
    assert alerts == []


def test_a_handover_step_and_an_acknowledgement_by_keyboard_alone(offices: Offices) -> None:
    site, ua = offices.site, offices.ua
    ua.goto(site.url + "/office/matches")
    _tab_to(ua, "button", "Acknowledge")
    ua.keyboard.press("Enter")
    dialog = ua.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    assert ua.evaluate("document.activeElement.value") == "yes"  # the answer has the focus
    ua.keyboard.press("Enter")
    expect(ua.get_by_role("button", name="Acknowledge")).to_have_count(1)
    # Escape backs out of the confirmation and records nothing
    _tab_to(ua, "button", "Acknowledge")
    ua.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    ua.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(ua.get_by_role("button", name="Acknowledge")).to_have_count(1)
    screenshot(ua, "keyboard-matches")

    # at the handover site: the releasing side's step, tapped by keyboard
    ua.goto(site.url + "/site/B1")
    _tab_to(ua, "button", "cleared")
    ua.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    ua.keyboard.press("Enter")
    expect(ua.locator("li.person", has_text="Коваль").locator(".state")).to_have_text("agreed")
    expect(ua.locator("li.person").first.locator(".state")).to_have_text("cleared")
    screenshot(ua, "keyboard-site")


def _tab_to(page: Page, tag: str, text: str, limit: int = 60) -> None:
    """Press Tab until the focus is on the first `tag` reading `text` (a real keyboard path)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName.toLowerCase(),"
            " document.activeElement.textContent.trim()]"
        )
        if focused == [tag, text]:
            return
    raise AssertionError(f"no {tag} {text!r} reached by Tab")
