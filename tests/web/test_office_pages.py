"""The office and handover-site pages in each language, checked as a reader would meet them:
names from the rosters (script tags included) shown as text, every page in uk, ru and en with a
screenshot kept, axe-core finding nothing serious, and a handover step and a match
acknowledgement done with the keyboard alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import screenshot
from tests.web.exchange import XSS, Offices

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


def axe(page: Page, source: str) -> list[dict[str, object]]:
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
            serious = [v for v in axe(ua, axe_source) if v["impact"] in SERIOUS]
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
