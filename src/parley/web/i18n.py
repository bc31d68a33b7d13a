"""Languages of the pages: Babel catalogs in `locale/` (uk, ru, en), the reader's choice from a
cookie or the browser's, and dates and numbers written as the locale writes them."""

from __future__ import annotations

import datetime as dt
import functools
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from starlette.requests import Request

LOCALES = ("uk", "ru", "en")
DEFAULT = "en"
COOKIE = "parley_lang"
CATALOGS = Path(__file__).parent / "locale"
DOMAIN = "messages"
# what the language switcher shows: each language in its own words
NATIVE = {"uk": "Українська", "ru": "Русский", "en": "English"}


def N_(message: str) -> str:  # noqa: N802 (the conventional marker name)
    """Marks a message in Python for extraction; the template translates it when shown."""
    return message


@functools.cache
def translations(locale: str) -> Translations:
    """The compiled catalog of `locale` (`make catalogs` compiles it); where the build has not
    run, or the .po is newer, the .po is compiled in memory so a page is never stale."""
    folder = CATALOGS / locale / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    with po.open("rb") as f:
        catalog = read_po(f, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _accepted(header: str) -> str | None:
    """The first of our languages the browser asks for (Accept-Language, by its weights)."""
    wanted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        try:
            language = Locale.parse(tag.strip(), sep="-").language if tag.strip() else ""
        except (ValueError, UnknownLocaleError):
            continue
        wanted.append((weight, language))
    for _, language in sorted(wanted, key=lambda w: -w[0]):
        if language in LOCALES:
            return language
    return None


def locale_of(request: Request) -> str:
    """The reader's language: the one chosen on a page (a cookie), else the browser's."""
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LOCALES:
        return chosen
    return _accepted(request.headers.get("accept-language", "")) or DEFAULT


def date_text(value: dt.date | dt.datetime | str | None, locale: str) -> str:
    """A date as the locale writes it; a partial date ("1987", "1987-05") as it is."""
    if value is None or value == "":
        return ""
    moment: dt.date
    if isinstance(value, str):
        try:
            if "T" in value:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif len(value) == 10:
                moment = dt.date.fromisoformat(value)
            else:
                return value
        except ValueError:
            return value
    else:
        moment = value
    if isinstance(moment, dt.datetime):
        return format_datetime(moment, format="medium", locale=locale)
    return format_date(moment, format="medium", locale=locale)


def number_text(value: float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def percent_text(value: float, locale: str) -> str:
    return format_percent(value, format="#,##0.#%", locale=locale)
