"""Secure by default, page by page: hostile markup in any roster field renders as text, every
response carries the strict CSP, every form its token, a form without it or from another site
is refused, and the access log holds no personal data, no query and no sign-in token."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient

from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.web import security
from parley.web.state import WebState
from tests.unit.web.conftest import BASE, XSS

MEDIATOR_PAGES = [
    "/",
    "/desk/queue",
    "/desk/queue?state=proposed&min=0.1",
    "/desk/batches",
    "/desk/batches/B1",
    "/desk/roadmap",
    "/desk/exceptions",
    "/desk/sign-in",
]
# pages whose data holds the hostile strings: they must show them, escaped
SHOWING = {"/desk/queue", "/desk/batches/B1", "/desk/roadmap"}
ESCAPED = ("&lt;img src=x onerror=alert(1)&gt;", "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;")


def _no_markup_from_data(html: str) -> None:
    for raw in (*XSS, "<script>alert(1)", "onerror=alert(1)>"):
        assert raw not in html
    # the only scripts are our own files, never inline
    assert re.findall(r"<script(?![^>]*\ssrc=\"/static/)[^>]*>", html) == []
    assert " style=" not in html


def _as(browser: TestClient, party: str, role: str) -> TestClient:
    state: WebState = browser.app.state.web  # type: ignore[attr-defined]
    browser.cookies.set("parley_session", state.sessions.open(party, role))
    return browser


@pytest.mark.parametrize("path", MEDIATOR_PAGES)
def test_the_mediators_pages_show_hostile_names_as_text(desk: TestClient, path: str) -> None:
    page = desk.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["content-security-policy"] == security.CSP
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    _no_markup_from_data(page.text)
    if path.split("?")[0] in SHOWING:
        assert all(e in page.text for e in ESCAPED), path


def test_the_monitors_page_shows_its_hostile_report_as_text(browser: TestClient) -> None:
    page = _as(browser, "SMM", "monitor").get("/monitor")
    assert page.status_code == 200
    _no_markup_from_data(page.text)
    assert all(e in page.text for e in ESCAPED)


def test_the_public_page_shows_nothing_personal(browser: TestClient) -> None:
    page = browser.get("/")
    assert page.status_code == 200
    note = re.search(r'<pre class="checkpoint">(.*?)</pre>', page.text, flags=re.S)
    assert note is not None and note.group(1).count("\u2014 ") == 3  # operator and two witnesses
    shown = page.text.replace(note.group(0), "")  # signatures: base64 may hold any letters
    for personal in ("Вышинский", "Коваль", "u0", "r1", "onerror", "SMM"):
        assert personal not in shown


def test_every_form_carries_its_token(desk: TestClient) -> None:
    for path in MEDIATOR_PAGES:
        html = desk.get(path).text
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, flags=re.S):
            assert 'name="csrf"' in form, (path, form[:200])


@pytest.mark.parametrize(
    "path", ["/desk/queue/decisions", "/desk/queue/bulk", "/desk/batches/B1/moves", "/sign-out"]
)
def test_a_form_without_its_token_or_from_another_site_is_refused(
    desk: TestClient, instance: tuple[Ledger, DeskAccess], path: str
) -> None:
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', desk.get("/desk/queue").text)
    assert token is not None
    assert desk.post(path, data={"mid": "x"}).status_code == 403
    assert desk.post(path, data={"csrf": "0" * 64}).status_code == 403
    foreign = desk.post(
        path, data={"csrf": token.group(1)}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    cross = desk.post(path, data={"csrf": token.group(1)}, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    # another browser's token does not pass with this browser's cookie
    other = TestClient(desk.app, base_url=BASE)
    other_token = re.search(r'name="csrf" value="([0-9a-f]+)"', other.get("/").text)
    assert other_token is not None and other_token.group(1) != token.group(1)
    assert desk.post(path, data={"csrf": other_token.group(1)}).status_code == 403


def test_the_access_log_holds_no_personal_data_nor_tokens(
    instance: tuple[Ledger, DeskAccess], browser: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    ledger, access = instance
    link = access.link(ledger, party_id="MED").removeprefix(BASE)
    with caplog.at_level(logging.INFO, logger="parley.access"):
        browser.get(link)
        for path in MEDIATOR_PAGES:
            browser.get(path)
    lines = [r.getMessage() for r in caplog.records if r.name == "parley.access"]
    assert len(lines) >= len(MEDIATOR_PAGES)
    text = "\n".join(lines)
    token = link.split("token=", 1)[1]
    for secret in (token, "token=", "min=", "Вышинский", "onerror"):
        assert secret not in text
    assert '"path": "/desk/batches/{batch_id}"' in text


def test_a_refused_form_says_why_in_the_readers_language(desk: TestClient) -> None:
    said = desk.post("/desk/queue/decisions", data={}, headers={"accept-language": "uk"})
    assert said.status_code == 403
    assert "у цієї форми немає токена" in said.text
