"""The handover site on a tablet over a slow link: large touch targets, one tap and a
confirmation per person, and a page small enough to load and refresh on a poor connection."""

from __future__ import annotations

from playwright.sync_api import Page, ViewportSize, expect

from tests.web.conftest import screenshot
from tests.web.exchange import Offices

TABLET: ViewportSize = {"width": 820, "height": 1180}  # a 10-inch tablet, upright
MIN_TARGET = 44  # CSS pixels: the smallest comfortable touch target (WCAG 2.5.5)
# a poor mobile link: 400 kbit/s down, 150 kbit/s up, 400 ms round trip
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 19_000}
PAGE_BUDGET = 40_000  # bytes the site page and what it loads may weigh, uncompressed


def _slow(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)


def test_a_tablet_taps_a_step_over_a_slow_link(offices: Offices) -> None:
    site, ua = offices.site, offices.ua
    ua.set_viewport_size(TABLET)
    _slow(ua)
    weights: list[int] = []
    ua.on("response", lambda r: weights.append(len(r.body())) if r.ok else None)
    ua.goto(site.url + "/site/B1")
    assert sum(weights) < PAGE_BUDGET, weights  # the page, its style and its two scripts

    person = ua.locator("li.person").first
    step = person.get_by_role("button", name="cleared", exact=True)
    box = step.bounding_box()
    assert box is not None and box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET
    # the rarer outcomes stay folded away from a thumb
    expect(person.get_by_role("button", name="deceased")).to_be_hidden()
    screenshot(ua, "site-tablet")

    step.tap()
    dialog = ua.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    yes = dialog.get_by_role("button", name="Yes, record it")
    box = yes.bounding_box()
    assert box is not None and box["height"] >= MIN_TARGET
    screenshot(ua, "site-tablet-confirm")
    yes.tap()
    expect(ua.locator("#outcome")).to_have_class("outcome notice", timeout=15_000)
    expect(ua.locator("li.person").first.locator(".state")).to_have_text("cleared")

    # the recorded row offers no more steps until the page is refreshed (no reload on the link)
    expect(ua.locator("li.person").first.locator("button")).to_have_count(0)
    # a tap answered "no" records nothing
    other = ua.locator("li.person").nth(1)
    other.get_by_text("Other outcomes").tap()
    other.get_by_role("button", name="disputed").tap()
    dialog.get_by_role("button", name="No, go back").tap()
    expect(dialog).to_be_hidden()
    expect(other.locator(".state")).to_have_text("agreed")
