"""The browser the web tests drive: Debian's Chromium (/usr/bin/chromium, installed by
scripts/install-browser) through Playwright, which is never let download a browser of its own.
Under CI=true a missing browser fails the tests; elsewhere it skips them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from typer.testing import CliRunner

from tests.conftest import IN_CI
from tests.web.exchange import XSS, Offices, office, prepare, row, served, submit

CHROMIUM = Path(os.environ.get("PARLEY_TEST_CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "parley" / "web" / "static"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = ROOT / "artefacts" / "web"  # screenshots; ignored by git
# a loaded machine (two cores shared by the whole suite) answers slower than a desk's browser
expect.set_options(timeout=15_000)


def _missing(what: str) -> None:
    message = f"{what}: run scripts/install-browser"
    if IN_CI:
        pytest.fail(f"the browser tests must run under CI=true; {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, with nothing reaching out to the network on its own."""
    if not CHROMIUM.is_file():
        _missing(f"no browser at {CHROMIUM}")
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(FLAGS))
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (its own IndexedDB, cookies and storage) for one test."""
    made = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def axe_source() -> str:
    """axe-core as package-lock.json pins it (`npm ci` in scripts/install-browser)."""
    if not AXE.is_file():
        _missing(f"no axe-core at {AXE}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner that sees none of the caller's Parley settings."""
    for name in ("PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.fixture
def offices(runner: CliRunner, tmp_path: Path, browser: Browser) -> Iterator[Offices]:
    """UA and RU with rosters (names that look like markup among them), two confirmed matches,
    the agreement signed by both sides from their pages and witnessed, and batch B1 agreed;
    UA's office signed in (in a browser with a touch screen too, as a tablet's)."""
    with served(runner, tmp_path) as site:
        ua_context = browser.new_context(
            locale="en-GB", viewport={"width": 1280, "height": 900}, has_touch=True
        )
        ru_context = browser.new_context(locale="en-GB")
        try:
            ua = office(site, ua_context, "UA")
            ru = office(site, ru_context, "RU")
            submit(ua, "held", [row("UA-0", XSS[1], XSS[0], "1990-01-02")])
            submit(ru, "held", [row("RU-0", "Коваль", "Петро", "1980-03-04")])
            submit(ua, "sought", [row("S-0", "Коваль", "Петро", "1980-03-04")])
            submit(ru, "sought", [row("S-0", XSS[1], XSS[0], "1990-01-02")])
            prepare(site, (ua, ru))
            yield Offices(site, ua, ua_context)
        finally:
            ua_context.close()
            ru_context.close()


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
