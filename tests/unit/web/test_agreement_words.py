"""An agreement's own words (its title, a phase's title, a commitment's description) on the
pages: in the reader's language where the agreement carries their translation, still marked as
the parties' words (class written), the words as written in the title; as written where it
carries none (the agreement's own language, or no translation given)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from parley.app import agreements
from parley.app.agreement_words import Translated, translated_words
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.agreements import Agreement, Commitment, CommitmentKind, Phase
from parley.web.state import WebState

TITLE, PHASE, CEASEFIRE = "Roadmap to peace", "Quiet first", "Hold the ceasefire"
WORDS = {
    "uk": {TITLE: "Дорожня карта до миру", PHASE: "Спершу тиша", CEASEFIRE: "Тримати тишу"},
    "ru": {TITLE: "Дорожная карта к миру", PHASE: "Сначала тишина", CEASEFIRE: "Держать тишину"},
}
# how each reader's language names English, in the title that holds the words as written
ENGLISH = {"uk": "англійська", "ru": "английский"}


def _translated_agreement(ledger: Ledger) -> None:
    """An agreement written in English that translates its words into Ukrainian and Russian
    (its phase's title into Ukrainian alone)."""
    given = {
        text: tuple((lang, WORDS[lang][text]) for lang in ("uk", "ru") if (lang, text) != ("ru", PHASE))
        for text in (TITLE, PHASE, CEASEFIRE)
    }  # fmt: skip
    agreement = Agreement(
        "AG2",
        TITLE,
        ("UA", "RU"),
        "MED",
        (Phase("AG2-P1", 1, PHASE, (Commitment("AG2-CF", CommitmentKind.CEASEFIRE, CEASEFIRE),)),),
        language="en",
        translations=tuple(sorted(given.items())),
    )
    agreements.draft(ledger, actor="MED", agreement=agreement)


def test_the_words_an_agreement_translates_into_the_readers_language(
    instance: tuple[Ledger, DeskAccess],
) -> None:
    ledger, _ = instance
    _translated_agreement(ledger)
    assert translated_words(ledger, "uk") == {
        text: Translated(WORDS["uk"][text], "en") for text in (TITLE, PHASE, CEASEFIRE)
    }
    assert PHASE not in translated_words(ledger, "ru")
    assert translated_words(ledger, "en") == {}  # its own language: as written


def _written(page: str) -> list[tuple[str, str]]:
    """The parties' words a page shows: (the title holding the words as written, the text)."""
    spans = re.findall(
        r'<span class="written( translated)?"(?: title="([^"]*)")?>([^<]*)</span>', page
    )
    return [(html.unescape(title), html.unescape(text)) for _, title, text in spans]  # fmt: skip


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_the_pages_show_an_agreements_words_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], desk: TestClient, language: str
) -> None:
    ledger, _ = instance
    _translated_agreement(ledger)
    headers = {"Accept-Language": language}
    said = WORDS[language]
    as_written = f"({ENGLISH[language]}): "
    for path in ("/", "/desk/roadmap"):
        page = desk.get(path, headers=headers).text
        assert f"{said[TITLE]} · 1</text>" in html.unescape(page)  # the chart's label of the phase
        shown = _written(page)
        for text in (TITLE, CEASEFIRE):
            assert any(t == said[text] and as_written + text in title for title, t in shown), (
                path,
                shown,
            )
            assert ("", text) not in shown
        if language == "uk":
            assert any(t == said[PHASE] and title.endswith(PHASE) for title, t in shown)
        else:  # not translated into Russian: as written
            assert ("", PHASE) in shown
        assert ("", "test agreement") in shown  # an agreement that declares no language
    # in English, the agreement's own language: its words as written
    english = _written(desk.get("/", headers={"Accept-Language": "en"}).text)
    assert ("", TITLE) in english and ("", CEASEFIRE) in english


def test_the_monitors_form_offers_the_commitment_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    _translated_agreement(ledger)
    state: WebState = browser.app.state.web  # type: ignore[attr-defined]
    browser.cookies.set("parley_session", state.sessions.open("SMM", "monitor"))
    page = browser.get("/monitor", headers={"Accept-Language": "uk"}).text
    offered = re.search(
        r'<option value="AG2-CF" class="written" title="([^"]*)">([^<]*)</option>', page
    )
    assert offered is not None, page  # fmt: skip
    assert html.unescape(offered.group(1)) == f"{TITLE} · {PHASE} · {CEASEFIRE}"
    assert html.unescape(offered.group(2)) == " · ".join(
        WORDS["uk"][t] for t in (TITLE, PHASE, CEASEFIRE)
    )


def test_an_office_and_the_desk_name_the_agreement_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], desk: TestClient, browser: TestClient
) -> None:
    ledger, _ = instance
    _translated_agreement(ledger)
    ru = {"Accept-Language": "ru"}
    listed = _written(desk.get("/desk/agreements", headers=ru).text)
    assert any(t == WORDS["ru"][TITLE] and title.endswith(TITLE) for title, t in listed), listed
    office = TestClient(browser.app, base_url=str(browser.base_url))
    state: WebState = office.app.state.web  # type: ignore[attr-defined]
    office.cookies.set("parley_session", state.sessions.open("UA", "side"))
    for path in ("/office/batches", "/office/agreements/AG2"):
        shown = _written(office.get(path, headers=ru).text)
        assert any(t == WORDS["ru"][TITLE] for _, t in shown), (path, shown)
    reading = office.get("/office/agreements/AG2", headers=ru).text
    (tab,) = re.findall(r"<title>([^<]*)</title>", reading)  # the browser's tab: plain text
    assert WORDS["ru"][TITLE] in html.unescape(tab), tab
