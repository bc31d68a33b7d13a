"""A key made by `parley key init` brought into the browser from its file: kept there so that it
cannot be read back out, shown with the same verifier key the CLI printed, and signing the
sign-in like a key made in the browser; a second key for the party is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from typer.testing import CliRunner

from tests.api.helpers import run_cli, verifier_key
from tests.web.exchange import Site, served


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def test_a_key_made_by_the_cli_is_brought_into_the_browser(
    site: Site, context: BrowserContext, tmp_path: Path
) -> None:
    ua_machine = tmp_path / "ua"
    made = run_cli(site.runner, ua_machine, "key", "init", "--party", "UA")
    pem = next((ua_machine / "keys").glob("UA.ed25519.pem"))
    page = context.new_page()
    page.goto(site.url + "/office/sign-in")
    page.get_by_label("Your party's id").fill("UA")
    page.get_by_text("Or bring the key").click()
    page.get_by_label("Key file").set_input_files(pem)
    page.get_by_role("button", name="Bring this key into the browser").click()
    expect(page.locator("#verifier")).to_have_text(verifier_key(made))
    # kept so that it cannot be read back out, as a key made in the browser is
    assert (
        page.evaluate("async () => (await ParleySigning.loadKey('UA')).pair.privateKey.extractable")
        is False
    )
    run_cli(
        site.runner, site.med, "party", "add", "UA", "--name", "UA", "--key", verifier_key(made)
    )
    page.locator("#sign-in").click()
    page.wait_for_url(site.url + "/office")
    expect(page.locator("#browser-key")).to_have_class("notice")
    # a second key for the party is refused: nothing is overwritten
    page.goto(site.url + "/office/sign-in")
    page.get_by_label("Your party's id").fill("UA")
    page.get_by_text("Or bring the key").click()
    page.get_by_label("Key file").set_input_files(pem)
    page.get_by_role("button", name="Bring this key into the browser").click()
    expect(page.locator("#outcome")).to_contain_text("already holds a key for UA")
