"""An ambiguous group in the mediator's browser: the sought man once, his two namesakes side by
side in their script with a transliteration and their dates, what sets them apart; axe-core
finds nothing serious in each language; the mediator picks one with the keyboard and the
group leaves the queue, the pick confirmed and the other rejected on the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, expect
from typer.testing import CliRunner

from parley.app import instance, match_groups, reconcile, rosters
from parley.domain.dates import PartialDate
from parley.domain.matches import RecordRef, match_id
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.web.conftest import screenshot
from tests.web.exchange import Site, served
from tests.web.test_office_pages import SERIOUS, axe

OSTAP = RecordRef("RU:sought", "ostap")
FATHER, SON = RecordRef("UA:held", "father"), RecordRef("UA:held", "son")
HEADING = {
    "uk": "Неможливо розрізнити: кандидатів — 2",
    "ru": "Невозможно различить: кандидатов — 2",
    "en": "Too close to tell apart: 2 candidates",
}


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        for party in ("UA", "RU"):
            p = Party(party, party, Role.SIDE)
            instance.register_party(s.ledger, actor="MED", party=p, local_key=True)
        held = [
            PersonRecord("father", "Гайдамака", "Остап", "Петрович", birth_date=PartialDate(1950)),
            PersonRecord("son", "Гайдамака", "Остап", "Остапович", birth_date=PartialDate(1978)),
        ]
        sought = [PersonRecord("ostap", full_name="Haidamaka Ostap")]
        for party, kind, records in (
            ("UA", RosterKind.HELD, held),
            ("RU", RosterKind.SOUGHT, sought),
        ):
            rosters.import_roster(
                s.ledger, party_id=party, kind=kind, records=records, source="f", source_sha256="0"
            )
        among = [
            reconcile.Candidate(OSTAP, SON, 0.71, "", "record linkage: names agree"),
            reconcile.Candidate(OSTAP, FATHER, 0.69, "", "record linkage: names agree"),
        ]
        match_groups.record_groups(
            s.ledger,
            actor="MED",
            sought="RU:sought",
            held="UA:held",
            clear=[],
            ambiguous={"1": among},
        )
        yield s


def test_the_mediator_picks_one_of_a_group(
    site: Site, context: BrowserContext, axe_source: str
) -> None:
    page = context.new_page()
    link = urlsplit(site.desk.link(site.ledger, party_id="MED"))
    page.goto(f"{site.url}{link.path}?{link.query}")
    page.wait_for_url(site.url + "/desk/queue")
    page.get_by_role("link", name="Too close to tell apart (2)").click()
    group = page.locator("article.group")
    expect(group).to_have_count(1)
    expect(group.locator(".anchors")).to_contain_text("Haidamaka Ostap")
    choices = group.locator("section.choice")
    expect(choices).to_have_count(2)
    expect(choices.nth(0)).to_contain_text("Гайдамака Остап Остапович")
    expect(choices.nth(0)).to_contain_text("(Haidamaka Ostap Ostapovych)")
    expect(choices.nth(1)).to_contain_text("Гайдамака Остап Петрович")
    expect(group.locator(".differences")).to_contain_text("Остапович / Петрович")
    expect(page.locator("form.filter")).to_have_count(0)  # a group has no score filter
    assert [v for v in axe(page, axe_source) if v["impact"] in SERIOUS] == []
    screenshot(page, "desk-queue-ambiguous")
    for language in ("uk", "ru", "en"):
        page.locator(f'form.language button[value="{language}"]').click()
        page.goto(f"{site.url}/desk/queue?state=ambiguous")
        expect(page.locator("article.group h2")).to_contain_text(HEADING[language])
        assert [v for v in axe(page, axe_source) if v["impact"] in SERIOUS] == []
        screenshot(page, f"desk-queue-ambiguous-{language}")
    page.goto(f"{site.url}/desk/queue?state=ambiguous")
    # the keyboard alone: the son's radio button, then the confirming button
    son = page.locator(f'input[name="choose"][value="{match_id(OSTAP, SON)}"]')
    son.focus()
    page.keyboard.press("Space")
    expect(son).to_be_checked()
    page.get_by_role("button", name="Confirm the ticked candidate, reject the others").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notice").first).to_contain_text("Decisions recorded: 2")
    expect(page.locator("article.group")).to_have_count(0)
    states = {m["match_id"]: m["state"] for m in reconcile.matches(site.ledger, actor="MED")}
    assert states == {match_id(OSTAP, SON): "confirmed", match_id(OSTAP, FATHER): "rejected"}
