"""Languages of the pages: Babel catalogs in `locale/` (uk, ru, en; loaded by app/language.py,
which the CLI shares), the reader's choice from a cookie or the browser's, and dates and
numbers written as the locale writes them."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from starlette.requests import Request

from parley.app.language import CATALOGS as CATALOGS
from parley.app.language import DEFAULT as DEFAULT
from parley.app.language import DOMAIN as DOMAIN
from parley.app.language import LOCALES as LOCALES
from parley.app.language import number_in as number_in
from parley.app.language import refusal as refusal
from parley.app.language import translations as translations
from parley.errors import N_ as N_  # the marker, for the pages
from parley.errors import ParleyError, Sentence, render

COOKIE = "parley_lang"
# what the language switcher shows: each language in its own words
NATIVE = {"uk": "Українська", "ru": "Русский", "en": "English"}


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


def said(message: ParleyError | Sentence, locale: str) -> str:
    """An explanation (a planner's reason, a match's words, a note) in `locale`: as `refusal`
    says it, its numbers written as the rest of the page writes them (`2 800`, `0,97`)."""
    return render(
        message.as_refusal() if isinstance(message, Sentence) else message,
        translations(locale if locale in LOCALES else DEFAULT).gettext,
        lambda value, spec: number_in(locale, value, spec),
    )


def percent_text(value: float, locale: str) -> str:
    return format_percent(value, format="#,##0.#%", locale=locale)
