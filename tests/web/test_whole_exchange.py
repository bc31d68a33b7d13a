"""The whole exchange on pages alone, once in each language: the mediator (signed in with the
one-time link), UA, RU and a monitor each in its own browser, each choosing the language on the
page's switcher. Rosters uploaded as files and signed, the reconciliation run from the queue
page, the pairs confirmed there and acknowledged in the offices, the agreement uploaded,
previewed in three languages, put up, signed by both sides and witnessed, the side lists, the
batch planned from the planner's proposal, every handover step at the site, the board's
confirmation, a monitor's report and the public page — a screenshot of each step kept. Buttons
are found by their names in the catalog (a label missing from it fails the test); no English
label or refusal that the catalog translates shows on a page in Ukrainian or Russian; a
refusal (the mediator witnessing before the sides sign) is said in the page's language."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, BrowserContext, Page, expect
from typer.testing import CliRunner

from parley.app.language import CATALOGS, DOMAIN, refusal, translations
from parley.domain import events as ev
from parley.domain.errors import Conflict
from parley.errors import N_
from parley.store import log as stored_log
from parley.web.i18n import NATIVE
from tests.api.helpers import run_cli
from tests.web.conftest import screenshot
from tests.web.exchange import HEX_KEY, XSS, Site, served
from tests.web.test_office_pages import SERIOUS, axe

LANGUAGES = ("uk", "ru", "en")
PLACE = {"uk": "Золоте", "ru": "Золотое", "en": "Zolote"}
TITLE = {"uk": "Обмін 4 грудня", "ru": "Обмен 4 декабря", "en": "Exchange of 4 December"}
AGREEMENT = {
    "agreement_id": "AG",
    "title": "Exchange of 4 December",
    "language": "en",
    "sides": ["UA", "RU"],
    "mediator": "MED",
    "translations": {
        "Exchange of 4 December": {"uk": "Обмін 4 грудня", "ru": "Обмен 4 декабря"},
        "all for all": {"uk": "всіх на всіх", "ru": "всех на всех"},
        "exchange": {"uk": "обмін", "ru": "обмен"},
        "ceasefire on the line": {"uk": "припинення вогню на лінії", "ru": "прекращение огня"},
    },
    "phases": [
        {
            "phase_id": "AG-P1",
            "ordinal": 1,
            "title": "all for all",
            "commitments": [
                {
                    "commitment_id": "AG-EX",
                    "kind": "exchange",
                    "description": "exchange",
                    "exchange": {"mode": "all_for_all", "ratio": [1, 1], "named": {}},
                },
                {
                    "commitment_id": "AG-CF",
                    "kind": "ceasefire",
                    "description": "ceasefire on the line",
                },
            ],
        }
    ],
}
# who holds whom: UA holds Іванов (XSS in his given name), RU holds Коваль; each seeks its own
ROSTERS = {
    ("UA", "held"): ("UA-0", "Іванов", XSS[0], "1990-01-02"),
    ("RU", "held"): ("RU-0", "Коваль", "Петро", "1980-03-04"),
    ("UA", "sought"): ("S-0", "Коваль", "Петро", "1980-03-04"),
    ("RU", "sought"): ("S-0", "Іванов", XSS[0], "1990-01-02"),
}
# not labels: code, names, and text as the parties wrote it (.written: an agreement's title, phase
# and commitment, which may say "all for all" in the agreement's own words)
LEAK_SKIP = "script, template, pre, code, .name, .latin, .written, [lang]:not([lang='{lang}'])"


class Reader:
    """One language as the test reads it: the catalog's words, and the English ones it
    translates (any of them on a page in another language is a label left untranslated)."""

    def __init__(self, lang: str, axe_source: str) -> None:
        self.lang = lang
        self.axe_source = axe_source
        catalog = translations(lang)
        self._ = catalog.gettext
        english = translations("en").gettext
        self.untranslated: list[str] = []
        if lang != "en":
            for msgid in _catalog_ids():
                said = catalog.gettext(msgid)
                if said != msgid and english(msgid) == msgid and _phrase(msgid):
                    self.untranslated.append(msgid)
        self.steps = 0

    def __call__(self, msgid: str, **fields: object) -> str:
        """The label as the catalog says it; a label it lacks fails the test."""
        said = self._(msgid)
        if self.lang != "en":
            assert said != msgid, f"{msgid!r} has no {self.lang} translation"
        return said % fields if fields else said

    def step(self, page: Page, name: str) -> None:
        """A step's page: in the reader's language, nothing left in English, nothing serious for
        axe-core, kept as a screenshot."""
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        text = page.evaluate(
            "(skip) => { const main = document.body.cloneNode(true);"
            " main.querySelectorAll(skip).forEach((e) => e.remove());"
            " return main.textContent.replace(/\\s+/g, ' '); }",
            LEAK_SKIP.format(lang=self.lang),
        )
        leaked = [m for m in self.untranslated if m in text]
        assert leaked == [], (self.lang, name, leaked)
        serious = [v for v in axe(page, self.axe_source) if v["impact"] in SERIOUS]
        assert serious == [], (self.lang, name, serious)
        self.steps += 1
        screenshot(page, f"exchange-{self.lang}-{self.steps:02d}-{name}")


def _catalog_ids() -> list[str]:
    """Every single (not plural) message the English catalog holds."""
    with (CATALOGS / "en" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return [m.id for m in read_po(f, locale="en") if isinstance(m.id, str) and m.id]


def _phrase(msgid: str) -> bool:
    """A label worth looking for: two words or more, no field to fill."""
    return " " in msgid.strip() and "%(" not in msgid and "{" not in msgid and len(msgid) >= 8


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path) -> Iterator[Site]:
    with served(runner, tmp_path) as s:
        yield s


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_whole_exchange_on_pages(
    lang: str, site: Site, browser: Browser, tmp_path: Path, axe_source: str
) -> None:
    contexts: list[BrowserContext] = []

    def new_context() -> BrowserContext:
        made = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        contexts.append(made)
        return made

    try:
        _exchange(site, Reader(lang, axe_source), new_context, tmp_path)
    finally:
        for c in contexts:
            c.close()


def _choose_language(page: Page, t: Reader) -> None:
    """The reader picks the language on the page's switcher, as a user would."""
    page.locator("form.language").get_by_role("button", name=NATIVE[t.lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", t.lang)


def _sign_in(site: Site, context: BrowserContext, party: str, t: Reader, role: str) -> Page:
    """`party`'s key made on the sign-in page, registered by the mediator (`parley party add`,
    the one step at a terminal), and the sign-in."""
    page = context.new_page()
    page.goto(site.url + "/office/sign-in")
    _choose_language(page, t)
    page.get_by_label(t("Your party's id")).fill(party)
    page.get_by_role("button", name=t("Make or show this browser's key")).click()
    verifier = page.locator("#verifier")
    expect(verifier).to_have_text(HEX_KEY)
    key = verifier.inner_text().strip()
    run_cli(
        site.runner, site.med, "party", "add", party, "--name", party, "--key", key, "--role", role
    )
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    page.wait_for_url(site.url + ("/office" if role == "side" else "/monitor"))
    expect(page.locator("html")).to_have_attribute("lang", t.lang)
    return page


def _yes(page: Page, t: Reader) -> None:
    page.locator("dialog#confirm").get_by_role("button", name=t("Yes, record it")).click()


def _upload_roster(page: Page, t: Reader, tmp: Path, party: str, kind: str) -> None:
    ident, family, given, birth = ROSTERS[(party, kind)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record_id", "family_name", "given_name", "birth_date", "capture_date"])
    writer.writerow([ident, family, given, birth, "2022-03-04"])
    path = tmp / f"{party}-{kind}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    page.goto(page.url.split("/office")[0] + "/office/rosters")
    page.get_by_label(t("Persons we hold") if kind == "held" else t("Persons we seek")).check()
    page.get_by_label(t("Roster file")).set_input_files(path)
    page.get_by_role("button", name=t("Preview"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Preview of %(file)s", file=path.name)
    )
    expect(page.get_by_text(given).first).to_be_visible()  # a name as text, whatever it looks like
    t.step(page, f"{party}-{kind}-preview")
    page.get_by_role("button", name=t("Sign and submit")).click()
    page.wait_for_url(re.compile(r".*/office/rosters$"))


def _site_step(page: Page, t: Reader, person: str, step: str) -> None:
    """A step at the handover site (the mediator's posts its form, a side's signs in the
    browser), asked first, then shown as the person's state."""
    shown = t(step)
    row = page.locator("li.person", has_text=person)
    row.get_by_role("button", name=shown, exact=True).click()
    _yes(page, t)
    expect(page.locator("li.person", has_text=person).locator(".state")).to_have_text(shown)


def _exchange(site: Site, t: Reader, new_context: Callable[[], BrowserContext], tmp: Path) -> None:
    alerts: list[str] = []
    # the mediator's one-time sign-in link, then its language
    med = new_context().new_page()
    link = urlsplit(site.desk.link(site.ledger, party_id="MED"))
    med.goto(f"{site.url}{link.path}?{link.query}")
    med.wait_for_url(site.url + "/desk/queue")
    _choose_language(med, t)
    ua = _sign_in(site, new_context(), "UA", t, "side")
    ru = _sign_in(site, new_context(), "RU", t, "side")
    smm = _sign_in(site, new_context(), "SMM", t, "monitor")
    for page in (med, ua, ru, smm):
        page.on("dialog", lambda d: alerts.append(d.message))

    # rosters: each file uploaded, previewed and signed in the side's browser
    for party, page in (("UA", ua), ("RU", ru)):
        for kind in ("held", "sought"):
            _upload_roster(page, t, tmp, party, kind)
    t.step(ua, "ua-rosters")

    # the reconciliation, run from the queue page; its summary
    med.goto(site.url + "/desk/queue")
    if t.lang == "en":  # record linkage, as `parley reconcile` runs it (Splink: seconds)
        med.get_by_label(
            t("By record linkage (names, dates and places weighed, as `parley reconcile` does)")
        ).check()
    else:
        med.get_by_label(t("Exact names and birth date only")).check()
    med.get_by_role("button", name=t("Reconcile now")).click()
    expect(med.get_by_role("heading", level=1)).to_have_text(t("Reconciliation run"))
    summary = med.locator("table.summary tfoot tr")
    expect(summary.locator("td").first).to_have_text("2")
    t.step(med, "med-reconciled")

    # the pairs confirmed in the queue, one by one
    med.get_by_role("link", name=t("Review the proposals")).click()
    confirm = med.get_by_role("button", name=t("Confirm"), exact=True)
    expect(confirm).to_have_count(2)
    t.step(med, "med-queue")
    for left in (1, 0):
        confirm.first.click()
        expect(confirm).to_have_count(left)

    # each side acknowledges both, signed in its browser
    for page in (ua, ru):
        page.goto(site.url + "/office/matches")
        acknowledge = page.get_by_role("button", name=t("Acknowledge"), exact=True)
        for left in (1, 0):
            acknowledge.first.click()
            _yes(page, t)
            expect(acknowledge).to_have_count(left)
    t.step(ru, "ru-matches")

    # the agreement: uploaded, read in three languages, put up for signature
    draft = tmp / "agreement.json"
    draft.write_text(json.dumps(AGREEMENT, ensure_ascii=False), encoding="utf-8")
    med.get_by_role("link", name=t("Agreements"), exact=True).click()
    med.get_by_label(t("Agreement file")).set_input_files(draft)
    med.get_by_role("button", name=t("Preview the text")).click()
    for code, title in TITLE.items():
        expect(med.locator(f"pre[lang={code}]")).to_contain_text(title)
    expect(med.get_by_role("heading", level=1)).to_contain_text(TITLE[t.lang])
    t.step(med, "med-agreement-preview")
    med.get_by_role("button", name=t("Put it up for signature")).click()
    expect(med.get_by_role("status")).to_have_text(
        t("Put up for signature: each side reads it in its language and signs it from its office.")
    )
    expect(med.get_by_role("heading", level=1)).to_contain_text(TITLE[t.lang])
    t.step(med, "med-agreement-drafted")

    # a refusal the state brings: the mediator may not witness before both sides have signed
    med.get_by_role("button", name=t("Sign as the mediator")).click()
    said = refusal(
        Conflict(
            N_("the mediator witnesses only after both sides sign; {listed} has not"),
            listed="UA, RU",
        ),
        t.lang,
    )
    if t.lang != "en":
        assert said != refusal(
            Conflict(
                N_("the mediator witnesses only after both sides sign; {listed} has not"),
                listed="UA, RU",
            ),
            "en",
        )
    expect(med.locator(".refusal")).to_have_text(said)
    expect(med.get_by_role("heading", level=1)).to_have_text(t("This was refused"))
    t.step(med, "med-refused")

    # both sides read it in their language and sign it in their browsers; then the mediator
    for party, page in (("UA", ua), ("RU", ru)):
        page.goto(site.url + "/office/agreements/AG")
        expect(page.locator("article.agreement")).to_contain_text(TITLE[t.lang])
        page.get_by_role("button", name=t("Sign the agreement")).click()
        _yes(page, t)
        expect(page.locator(".notice").first).to_contain_text(
            t("%(party)s has signed this version.", party=party)
        )
    t.step(ua, "ua-agreement-signed")
    med.goto(site.url + "/desk/agreements/AG")
    med.get_by_role("button", name=t("Sign as the mediator")).click()
    expect(med.get_by_role("status")).to_have_text(
        t("%(party)s has signed this version.", party="MED")
    )
    expect(med.locator("td.signature")).to_have_text([t("signed")] * 3)
    t.step(med, "med-agreement-witnessed")

    # the side lists: each side must have its own person back
    for page, theirs in ((ua, "RU/RU-0"), (ru, "UA/UA-0")):
        page.goto(site.url + "/office/batches")
        page.get_by_role("link", name=t("Lists for %(commitment)s", commitment="AG-EX")).click()
        page.locator("tr", has_text=theirs).get_by_label(t("must include")).check()
        page.get_by_role("button", name=t("Sign and submit the lists")).click()
        expect(page.locator("#outcome")).to_have_class("outcome notice")
    t.step(ru, "ru-lists")

    # the batch: the planner's proposal, then planned under an id and a place
    med.get_by_role("link", name=t("Batches"), exact=True).click()
    med.get_by_role("button", name=t("Show the planner's proposal")).click()
    t.step(med, "med-proposal")
    med.get_by_label(t("Batch id")).fill("B1")
    med.get_by_label(t("Place")).fill(PLACE[t.lang])
    med.get_by_role("button", name=t("Plan this batch")).click()
    med.wait_for_url(site.url + "/desk/batches/B1")
    t.step(med, "med-board-planned")

    # every step at the handover site, each by the party whose step it is
    for page in (med, ua, ru):
        page.goto(site.url + "/site/B1")
    for step in ("located", "agreed"):
        for person in ("Іванов", "Коваль"):
            _site_step(med, t, person, step)
    for page, mine in ((ua, "Іванов"), (ru, "Коваль")):
        page.reload()
        _site_step(page, t, mine, "cleared")
    med.reload()
    for person in ("Іванов", "Коваль"):
        _site_step(med, t, person, "consent verified")
    for page, mine in ((ua, "Іванов"), (ru, "Коваль")):
        page.reload()
        _site_step(page, t, mine, "transferred")
    for page, theirs in ((ua, "Коваль"), (ru, "Іванов")):
        page.reload()
        _site_step(page, t, theirs, "received")
    t.step(ru, "ru-site-received")
    med.reload()
    expect(med.get_by_text(XSS[0]).first).to_be_visible()
    t.step(med, "med-site")

    # the board: the mediator confirms both transfers
    med.goto(site.url + "/desk/batches/B1")
    med.get_by_role("button", name=t("Confirm every transfer both sides recorded")).click()
    expect(med.get_by_role("status")).to_contain_text("2")
    t.step(med, "med-board-confirmed")

    # the monitor's report, signed in its browser
    smm.goto(site.url + "/monitor")
    smm.get_by_label(t("Place")).fill(PLACE[t.lang])
    smm.get_by_label(t("Observed on")).fill("2022-06-01")
    smm.get_by_label(t("What was observed")).fill(f"{PLACE[t.lang]}; {XSS[1]}")
    smm.get_by_role("button", name=t("Sign and send the report")).click()
    expect(smm.get_by_text(f"{PLACE[t.lang]}; {XSS[1]}")).to_be_visible()
    t.step(smm, "monitor-report")

    # the public page: counts and the roadmap, nothing personal
    smm.goto(site.url + "/")
    expect(smm.get_by_role("heading", level=1)).to_have_text(t("Public overview"))
    public = smm.locator("main").inner_text()
    for personal in ("Іванов", "Коваль", XSS[0], "UA-0", "RU-0"):
        assert personal not in public
    t.step(smm, "public")

    # names that look like markup were text everywhere; the log says who did what
    for page in (med, ua, ru, smm):
        assert page.locator("main img, main script").count() == 0
    assert alerts == []
    with site.ledger.reading() as tx:
        logged = Counter((e.type, e.actor) for e in stored_log.events(tx))
    assert logged[(ev.ROSTER_PUBLISHED, "UA")] == logged[(ev.ROSTER_PUBLISHED, "RU")] == 2
    assert logged[(ev.MATCH_PROPOSED, "MED")] == 2
    assert logged[(ev.MATCH_DECIDED, "MED")] == 2
    assert logged[(ev.MATCH_ACKNOWLEDGED, "UA")] == logged[(ev.MATCH_ACKNOWLEDGED, "RU")] == 2
    assert logged[(ev.AGREEMENT_DRAFTED, "MED")] == 1
    signed = {a: n for (e, a), n in logged.items() if e == ev.AGREEMENT_SIGNED}
    assert signed == {"UA": 1, "RU": 1, "MED": 1}
    assert logged[(ev.SIDE_LISTS_SUBMITTED, "UA")] == logged[(ev.SIDE_LISTS_SUBMITTED, "RU")] == 1
    assert logged[(ev.BATCH_PLANNED, "MED")] == 1
    advanced = {a: n for (e, a), n in logged.items() if e == ev.HANDOVER_ADVANCED}
    assert advanced == {"MED": 6, "UA": 3, "RU": 3}
    assert logged[(ev.HANDOVER_CONFIRMED, "MED")] == 2
    assert logged[(ev.MONITOR_REPORTED, "SMM")] == 1
