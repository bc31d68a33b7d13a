"""A party's key made in the browser and its requests signed there (web/static/signing.js),
checked by the server exactly as the CLI's are: the same signature base, body digest and key id;
the key is not extractable and stays in the browser's storage."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, Route
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.keys import fingerprint
from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.log.command import SignedCommand, command_body, content_digest
from parley.log.entry import key_id
from parley.store import log as stored_log
from tests.api.helpers import run_cli, serving
from tests.web.conftest import STATIC, screenshot

HARNESS = "/signing-harness"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>signing</title>
<script src="/static/signing.js"></script></head><body><main>harness</main></body></html>"""


@dataclass
class Site:
    url: str
    med: Path
    ledger: Ledger


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    med = tmp_path / "med"
    run_cli(runner, med, "init")
    ledger = Ledger.open(Settings.from_env(med))
    try:
        with serving(create_app(ledger)) as url:
            yield Site(url, med, ledger)
    finally:
        ledger.close()


def _serve_harness(page: Page, url: str) -> None:
    """The signing script on a page of the server's own origin (its /v1 is the same origin)."""

    def harness(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=PAGE)

    def script(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/javascript; charset=utf-8",
            body=(STATIC / "signing.js").read_text(encoding="utf-8"),
        )

    page.route(url + HARNESS, harness)
    page.route(url + "/static/signing.js", script)
    page.goto(url + HARNESS)
    page.wait_for_function("() => window.ParleySigning !== undefined")


def _js(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(f"async (arg) => {{ const S = window.ParleySigning; {body} }}", arg)


def test_a_browser_key_signs_what_the_server_accepts(
    runner: CliRunner, site: Site, page: Page
) -> None:
    _serve_harness(page, site.url)
    made = _js(
        page,
        "const k = await S.makeKey('UA');"
        " return {verifier: k.verifierKey, keyid: k.keyid, fingerprint: await k.fingerprint()};",
    )
    public = bytes.fromhex(made["verifier"])
    assert made["keyid"] == key_id(public)
    assert made["fingerprint"] == fingerprint(public)
    # registered like any party's key: the mediator prints the same fingerprint
    added = run_cli(
        runner, site.med, "party", "add", "UA", "--name", "Ukraine", "--key", made["verifier"]
    )
    assert made["fingerprint"] in added

    # the key stays in the browser: a reload finds it, and its private half cannot be read
    page.reload()
    page.wait_for_function("() => window.ParleySigning !== undefined")
    kept = _js(
        page,
        "const k = await S.loadKey('UA');"
        " let exported = null;"
        " try { await crypto.subtle.exportKey('pkcs8', k.pair.privateKey); exported = true; }"
        " catch (e) { exported = e.name; }"
        " return {verifier: k.verifierKey, extractable: k.pair.privateKey.extractable,"
        " exported: exported, parties: await S.keptParties()};",
    )
    assert kept == {
        "verifier": made["verifier"],
        "extractable": False,
        "exported": "InvalidAccessError",
        "parties": ["UA"],
    }
    # making it again keeps the key it has
    again = _js(page, "return (await S.makeKey('UA')).verifierKey;")
    assert again == made["verifier"]

    # a signed read and a signed import, sent from the page to the server's own /v1
    status = _js(page, "return await (await S.loadKey('UA')).request('GET', '/v1/status');")
    assert status["status"] == 200, status
    records = [
        {"record_id": "UA-1", "family_name": "Шевченко", "given_name": "Тарас"},
        {"record_id": "UA-2", "family_name": "<img src=x onerror=alert(1)>", "given_name": "Ї"},
    ]
    imported = _js(
        page,
        "const k = await S.loadKey('UA');"
        " return await k.request('POST', '/v1/rosters/' + S.segment('UA') + '/held', arg);",
        {"records": records, "source": "browser"},
    )
    assert imported["status"] == 201, imported
    assert imported["data"]["records"] == 2
    with site.ledger.reading() as tx:
        logged = Counter((e.type, e.actor) for e in stored_log.events(tx))
    assert logged[(ev.ROSTER_PUBLISHED, "UA")] == 1

    # a retry of the same signed request gets the first answer and appends nothing
    retried = _js(
        page,
        "const k = await S.loadKey('UA');"
        " const body = S.commandBody(arg.value);"
        " const h = await k.sign('POST', arg.path, body);"
        " h['Content-Type'] = 'application/json';"
        " const send = async () => (await fetch(arg.path, {method: 'POST', headers: h,"
        " body: body})).status;"
        " return [await send(), await send()];",
        {"value": {"records": records[:1], "source": "browser"}, "path": "/v1/rosters/UA/held"},
    )
    assert retried[0] == retried[1] == 201
    with site.ledger.reading() as tx:
        imports = [e for e in stored_log.events(tx) if e.type == ev.ROSTER_PUBLISHED]
    assert len(imports) == 2

    # what was signed is what is sent: another body under the same signature is refused
    tampered = _js(
        page,
        "const k = await S.loadKey('UA');"
        " const h = await k.sign('POST', '/v1/rosters/UA/held', S.commandBody(arg));"
        " h['Content-Type'] = 'application/json';"
        " const other = S.commandBody({records: [], source: 'someone else'});"
        " return (await fetch('/v1/rosters/UA/held', {method: 'POST', headers: h,"
        " body: other})).status;",
        {"records": records, "source": "browser"},
    )
    assert tampered == 401
    screenshot(page, "signing-harness")


def test_the_browser_signature_base_is_the_clis(site: Site, page: Page) -> None:
    """Fixed time and nonce: the fields the browser made parse as the server parses a
    request's, and the signature holds over the base parley.log.command builds."""
    _serve_harness(page, site.url)
    body = {"persons": [{"party": "UA", "record": "Кий/1 ü 😀"}], "to": "located", "note": ""}
    path = "/v1/batches/" + "B%201%2F%21" + "/handovers"
    signed = _js(
        page,
        "const k = await S.makeKey('UA');"
        " const body = S.commandBody(arg.body);"
        " const h = await k.sign('POST', arg.path, body, {created: 1700000000,"
        " nonce: 'abcdefghijklmnop0123'});"
        " return {headers: h, body: Array.from(body), verifier: k.verifierKey,"
        " segment: S.segment('B 1/!')};",
        {"body": body, "path": path},
    )
    assert signed["segment"] == "B%201%2F%21"
    sent = bytes(signed["body"])
    assert sent == command_body(body)
    headers = signed["headers"]
    assert headers["Content-Digest"] == content_digest(sent)
    command = SignedCommand.from_fields(
        method="POST",
        path=path,
        content_digest=headers["Content-Digest"],
        signature_input=headers["Signature-Input"],
        signature=headers["Signature"],
    )
    assert (command.created, command.nonce) == (1700000000, "abcdefghijklmnop0123")
    command.check_body(sent)
    command.verify(bytes.fromhex(signed["verifier"]))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_the_browser_body_is_rfc8785_as_the_servers(site: Site, page: Page) -> None:
    _serve_harness(page, site.url)
    values: list[Any] = []

    @settings(max_examples=150, deadline=None)
    @given(_JSON)
    def collect(value: Any) -> None:
        values.append(value)

    collect()
    made = _js(page, "return arg.map((v) => Array.from(S.commandBody(v)));", values)
    for value, got in zip(values, made, strict=True):
        want = command_body(value) if value is not None else b""
        assert bytes(got) == want, json.dumps(value, ensure_ascii=False)
