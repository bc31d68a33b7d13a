"""Every message the pages show and every refusal the app raises is in each language's catalog,
translated, with the same placeholders: a string added to a template or marked N_ anywhere in
src/parley and left out fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import parley
import parley.web
from parley.web import i18n

WEB = Path(parley.web.__file__).parent
SOURCE = Path(parley.__file__).parent
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_FIELD = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})")
# a refusal may send fields its English sentence leaves out: the accepted words in uk and ru
_OWN_LANGUAGE = {"accepted_uk", "accepted_ru"}


def _extracted() -> set[str]:
    """The messages `make catalogs` extracts from src/parley (babel.cfg: the templates and N_
    in Python)."""
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map, options, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_extraction_finds_the_pages_messages() -> None:
    found = _extracted()
    assert "Reconciliation" in found  # a template's
    assert "Place of capture" in found  # marked with N_ in Python
    assert len(found) > 50


def _other_fields(english: set[str], translated: set[str]) -> bool:
    """A translation names a field the English lacks, or leaves one out (unless it says the
    accepted words in its own language instead)."""
    if translated - english - _OWN_LANGUAGE:
        return True
    return not translated & _OWN_LANGUAGE and bool(english - translated)


def _problems(catalog: Catalog, extracted: set[str]) -> list[str]:
    problems = []
    for msgid in sorted(extracted):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        ids = [message.id] if isinstance(message.id, str) else [str(i) for i in message.id]
        raw = message.string
        strings = [raw] if isinstance(raw, str) else [str(x) for x in raw or ()]
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        fields = sorted(_FIELD.findall(ids[-1]))
        if not all(strings) or "fuzzy" in message.flags:
            problems.append(f"not translated: {msgid!r}")
        elif any(set(_PLACEHOLDER.findall(s)) != wanted for s in strings if "%(" in ids[-1]):
            problems.append(f"other placeholders: {msgid!r}")
        elif any(_other_fields(set(fields), set(_FIELD.findall(s))) for s in strings):
            problems.append(f"other fields: {msgid!r}")
    return problems


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_message_is_in_the_catalog_and_translated(locale: str) -> None:
    path = WEB / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    problems = _problems(catalog, _extracted())
    assert problems == [], f"{path} of {locale}: {problems}"


def test_the_extraction_finds_the_apps_refusals_and_the_check_fails_on_one_missing() -> None:
    found = _extracted()
    sentence = "{party} is not a registered party"  # app/authz.py's refusal
    assert sentence in found
    path = WEB / "locale" / "uk" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="uk")
    assert _problems(catalog, {sentence}) == []
    catalog.delete(sentence)
    assert _problems(catalog, {sentence}) == [f"missing: {sentence!r}"]
    catalog.add(sentence, "{учасник} не є зареєстрованим учасником")
    assert _problems(catalog, {sentence}) == [f"other fields: {sentence!r}"]


def test_a_page_speaks_the_chosen_language(browser: object) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(browser, TestClient)
    page = browser.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert "Общий обзор" in page.text and 'lang="ru"' in page.text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert token is not None
    chosen = browser.post(
        "/language",
        data={"csrf": token.group(1), "lang": "uk", "next": "/"},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert "Max-Age=31536000" in chosen.headers["set-cookie"]
    page = browser.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert "Загальний огляд" in page.text and 'lang="uk"' in page.text


def test_dates_and_numbers_as_the_locale_writes_them(desk: object) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(desk, TestClient)
    said = {
        # Babel's dates and numbers keep their parts together with no-break spaces
        locale: re.sub(
            "[\xa0\u202f]", " ", desk.get("/desk/roadmap", headers={"accept-language": locale}).text
        )
        for locale in i18n.LOCALES
    }
    assert "1 трав. 2026 р." in said["uk"]  # the monitor's report, observed 2026-05-01
    assert "1 мая 2026 г." in said["ru"]
    assert "May 1, 2026" in said["en"]
    assert i18n.number_text(12345.5, "uk") == "12\xa0345,5"
    assert i18n.date_text("1987-05", "ru") == "1987-05"  # a partial date as recorded
