"""The office's sign-in is a request the party's browser key signs, checked as /v1 checks one:
a key nobody registered is refused, a sign-in cannot be replayed, one that names another party
is refused, and only a registered key's fresh request opens a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from typer.testing import CliRunner

from tests.api.helpers import run_cli
from tests.web.conftest import screenshot
from tests.web.exchange import Site, served
from tests.web.test_office_pages import SERIOUS, axe

SEND = """async (a) => {
  const k = await ParleySigning.loadKey('UA');
  const body = ParleySigning.commandBody(a.body);
  const h = await k.sign('POST', '/office/sign-in', body);
  h['Content-Type'] = 'application/json';
  const send = async () => (await fetch('/office/sign-in', {method: 'POST', headers: h, body})).status;
  const out = [];
  for (let i = 0; i < a.times; i++) { out.push(await send()); }
  return out;
}"""


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def _key(page: Page, site: Site) -> str:
    page.goto(site.url + "/office/sign-in")
    page.get_by_label("Your party's id").fill("UA")
    page.locator("#make-key").click()
    expect(page.locator("#key-shown")).to_be_visible()
    return page.locator("#verifier").inner_text().strip()


def _send(page: Page, body: Any, times: int = 1) -> list[int]:
    sent: list[int] = page.evaluate(SEND, {"body": body, "times": times})
    return sent


def test_only_a_registered_keys_fresh_sign_in_opens_a_session(
    site: Site, context: BrowserContext, axe_source: str
) -> None:
    page = context.new_page()
    key = _key(page, site)
    assert [v for v in axe(page, axe_source) if v["impact"] in SERIOUS] == []
    screenshot(page, "office-sign-in")
    page.locator("#sign-in").click()  # nobody registered this key yet
    expect(page.locator("#outcome")).to_contain_text("is not registered to any party")
    assert page.url.endswith("/office/sign-in")
    assert not any(c["name"] == "parley_session" for c in context.cookies())

    run_cli(site.runner, site.med, "party", "add", "UA", "--name", "UA", "--key", key)
    run_cli(site.runner, site.med, "party", "add", "RU", "--name", "RU", "--key", "11" * 32)
    assert _send(page, {"party": "RU"}) == [401]  # signed by UA's key, naming RU
    assert _send(page, {"party": "UA"}, times=2) == [200, 401]  # the same request twice
    assert any(c["name"] == "parley_session" for c in context.cookies())
    page.goto(site.url + "/office")
    expect(page.get_by_role("heading", level=1)).to_have_text("Office of UA")


def test_an_office_page_without_a_session_or_with_nothing_to_show(
    site: Site, context: BrowserContext
) -> None:
    page = context.new_page()
    answer = page.goto(site.url + "/office/matches")
    assert answer is not None and answer.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with this browser's key")
    run_cli(site.runner, site.med, "party", "add", "UA", "--name", "UA", "--key", _key(page, site))
    page.locator("#sign-in").click()
    page.wait_for_url(site.url + "/office")
    answer = page.goto(site.url + "/office/rosters/held")  # no roster yet: said, not a 500
    assert answer is not None and answer.status == 404
    expect(page.locator("main")).to_contain_text("UA has no held roster yet")
