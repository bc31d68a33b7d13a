"""The user's language: the catalogs (uk, ru, en) that every face says Parley's words and
refusals through, and the one function that says a refusal in a language.

The catalogs are the pages' (`web/locale`, made by `make catalogs` from every message marked in
src/parley); the pages, the API's clients and the CLI read them through this module alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from babel.support import Translations

from parley.domain.words import user_language
from parley.errors import ParleyError, Sentence, render

LOCALES = ("uk", "ru", "en")
DEFAULT = "en"
CATALOGS = Path(__file__).parent.parent / "web" / "locale"
DOMAIN = "messages"


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


def refusal(error: ParleyError, locale: str) -> str:
    """The one way a refusal is said in a language: the pages, the API's clients and the CLI
    all call this (its template through `locale`'s catalog, its fields filled, a nested error
    and a `Word` translated too); an unknown locale says it in English."""
    return render(error, translations(locale if locale in LOCALES else DEFAULT).gettext)


def user_locale() -> str:
    """The language of a user at a terminal: PARLEY_LANG, else the locale (LC_ALL,
    LC_MESSAGES, LANG); `en` when none of them names Ukrainian or Russian."""
    env = os.environ.get
    return user_language(env("PARLEY_LANG"), env("LC_ALL"), env("LC_MESSAGES"), env("LANG"))


def number_in(locale: str, value: int | float, spec: str) -> str:
    """A number as the locale writes it: by the locale's own format without a spec, else by the
    spec (`.2f`, `,`) with the locale's decimal and group symbols."""
    if not spec:
        return format_decimal(value, locale=locale)
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    return "".join(decimal if c == "." else group if c == "," else c for c in format(value, spec))


def moment_in(locale: str, text: str) -> str:
    """A time as written on the log or by a party (ISO 8601: `2019-09-02T14:00:00Z`, an offset
    or microseconds allowed) as the locale writes a date and a time, in UTC and saying so; a
    text that is no such time, as it is."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if "T" not in text and " " not in text:  # a date alone is no time
        return text
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    known = locale if locale in LOCALES else DEFAULT
    return f"{format_datetime(utc, format='medium', tzinfo=dt.UTC, locale=known)} UTC"


def day_in(locale: str, text: str) -> str:
    """A day (`2019-09-10`: a commitment's due date, the day a report observed) as the locale
    writes a date (`10 вер. 2019 р.`, `10 сент. 2019 г.`, `Sep 10, 2019`); a text that is no
    such day (a partial date, a time), as it is."""
    if len(text) != 10:
        return text
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return format_date(day, format="medium", locale=locale if locale in LOCALES else DEFAULT)


def line_in(sentence: Sentence, locale: str) -> str:
    """A line the CLI prints, in `locale`: its template through the catalog, a `Word` field
    translated, each number as the locale writes it (`2 800`, `0,97`); in English the numbers
    stay as Python writes them (`2800`, `0.97`), as the lines always were."""
    return said_in(sentence, locale)


def said_in(message: ParleyError | Sentence, locale: str) -> str:
    """Words with a template (a line, a match's explanation) in `locale`, as `line_in` says a
    line."""
    known = locale if locale in LOCALES else DEFAULT
    numbers = None if known == DEFAULT else (lambda v, spec: number_in(known, v, spec))
    error = message.as_refusal() if isinstance(message, Sentence) else message
    return render(error, translations(known).gettext, numbers)
