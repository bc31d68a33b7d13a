"""Signing in to the desk as Jupyter does: a one-time, short-lived link becomes a session
cookie (HttpOnly, SameSite=Strict; Secure except for plain http on loopback)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from parley.app.authz import Forbidden
from parley.app.desk_access import LINK_SECONDS, DeskAccess, SignInRefused
from parley.app.ledger import Ledger
from tests.unit.web.conftest import BASE


def test_a_link_signs_in_once_and_becomes_a_session_cookie(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, access = instance
    assert browser.get("/desk/queue").status_code == 401
    path = access.link(ledger, party_id="MED").removeprefix(BASE)
    first = browser.get(path, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/desk"
    cookies = first.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("parley_session="))
    assert "HttpOnly" in session and "SameSite=strict" in session
    assert "Secure" not in session  # loopback http only
    assert browser.get("/desk/queue").status_code == 200
    again = TestClient(browser.app, base_url=BASE).get(path, follow_redirects=False)
    assert again.status_code == 403
    assert "already used" in again.text


def test_cookies_are_secure_off_loopback(instance: tuple[Ledger, DeskAccess]) -> None:
    ledger, access = instance
    from parley.api.app import create_app

    client = TestClient(create_app(ledger, desk=access), base_url="https://desk.example")
    reply = client.get(
        access.link(ledger, party_id="MED").removeprefix(BASE), follow_redirects=False
    )
    assert all("Secure" in c for c in reply.headers.get_list("set-cookie"))


def test_forged_expired_and_foreign_tokens_are_refused(
    instance: tuple[Ledger, DeskAccess], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ledger, access = instance
    token = access.mint(ledger, party_id="MED", now=1_000)
    with pytest.raises(SignInRefused, match="expired"):
        access.redeem(ledger, token, now=1_000 + LINK_SECONDS + 1)
    body, _, mac = access.mint(ledger, party_id="MED").partition(".")
    with pytest.raises(SignInRefused, match="not valid"):
        access.redeem(ledger, f"{body}.{mac[:-2]}AA")
    restarted = DeskAccess.start(tmp_path_factory.mktemp("desk"), BASE)
    with pytest.raises(SignInRefused, match="not valid"):
        restarted.redeem(ledger, access.mint(ledger, party_id="MED"))
    with pytest.raises(Forbidden):
        access.mint(ledger, party_id="UA")  # a side signs in from its own browser


def test_the_cli_prints_a_link_for_the_running_desk(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, access = instance
    loaded = DeskAccess.load(access.folder)
    assert loaded.url == BASE
    path = loaded.link(ledger, party_id="MED").removeprefix(BASE)
    assert browser.get(path, follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session(desk: TestClient) -> None:
    page = desk.get("/desk/queue")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert desk.post("/sign-out", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert desk.get("/desk/queue").status_code == 401


def test_plain_http_off_loopback_is_refused_and_the_link_kept(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, access = instance
    from parley.api.app import create_app

    remote = TestClient(create_app(ledger, desk=access), base_url="http://desk.example")
    path = access.link(ledger, party_id="MED").removeprefix(BASE)
    refused = remote.get(path, follow_redirects=False)
    assert refused.status_code == 403
    assert "only over https" in refused.text
    assert "parley_session" not in refused.headers.get("set-cookie", "")
    assert browser.get(path, follow_redirects=False).status_code == 303  # not used up
