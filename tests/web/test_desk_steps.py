"""The mediator's steps that act with the key the server holds (reconcile, put an agreement up,
witness it, move handovers on the board) are refused to a side's session, whose steps are signed
in its own browser; an uploaded draft that is not an agreement is refused in the reader's
language, naming the file and the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect
from typer.testing import CliRunner

from parley.app import desk_agreements
from parley.app.language import refusal, translations
from parley.domain import events as ev
from parley.errors import ParleyError
from parley.store import log as stored_log
from tests.web.conftest import screenshot
from tests.web.exchange import Offices, Site, served


def _log_size(site: Site) -> int:
    with site.ledger.reading() as tx:
        return sum(1 for _ in stored_log.events(tx))


def test_a_side_may_not_act_through_the_desk(offices: Offices) -> None:
    site, ua = offices.site, offices.ua
    ua.goto(site.url + "/office")
    token = ua.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    before = _log_size(site)
    for path, fields in (
        ("/desk/reconciliation", {"method": "exact"}),
        ("/desk/agreements/AG/signatures", {"text_sha256": "0" * 64}),
        ("/desk/batches/B1/moves", {"to": "cleared", "person": "UA/UA-0"}),
    ):
        answer = ua.request.post(
            site.url + path,
            form={"csrf": token, **fields},
            headers={"Origin": site.url},
            max_redirects=0,
        )
        assert answer.status == 403, (path, answer.status)
        assert "signs its steps in its own browser" in answer.text()
    assert _log_size(site) == before


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


def test_a_draft_that_is_not_an_agreement(site: Site, browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(locale="uk-UA")  # the browser asks for Ukrainian
    try:
        med = context.new_page()
        link = urlsplit(site.desk.link(site.ledger, party_id="MED"))
        med.goto(f"{site.url}{link.path}?{link.query}")
        med.wait_for_url(site.url + "/desk/queue")
        _ = translations("uk").gettext
        draft = tmp_path / "чернетка.json"
        draft.write_text('{"agreement_id": "AG", "sides": ["UA", "RU"]}', encoding="utf-8")
        with pytest.raises(ParleyError) as raised:
            desk_agreements.read_draft(draft.name, draft.read_bytes())
        said = refusal(raised.value, "uk")
        assert said.startswith("чернетка.json: це не угода")
        med.get_by_role("link", name=_("Agreements"), exact=True).click()
        med.get_by_label(_("Agreement file")).set_input_files(draft)
        med.get_by_role("button", name=_("Preview the text")).click()
        expect(med.locator(".refusal")).to_have_text(said)
        screenshot(med, "desk-agreement-refused-uk")
        with site.ledger.reading() as tx:
            assert not [e for e in stored_log.events(tx) if e.type == ev.AGREEMENT_DRAFTED]
    finally:
        context.close()
