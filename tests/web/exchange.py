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
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
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
