"""Comparison keys of the fields besides the name: dates as written, identifiers, ranks,
units, places, citizenship."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from parley.domain.identifiers import identifier_key
from parley.names import normalise_text, phonetic_code, skeletons

_ISO = re.compile(r"^(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})$")
_MY = re.compile(r"^(\d{1,2})[-./](\d{4})$")
_COMPACT = re.compile(r"^(\d{8})$")


@dataclass(frozen=True)
class WrittenDate:
    """A date as a list wrote it: the numbers read, and what is wrong with them if anything."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    problem: str | None = None

    def iso(self) -> str | None:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as far as known, impossible values kept."""
        if self.year is None:
            return None
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


def _check(text: str, y: int, m: int | None, d: int | None) -> WrittenDate:
    problem = None
    if m is not None and not 1 <= m <= 12:
        problem = f"month {m} does not exist"
    elif m is not None and d is not None and not 1 <= d <= calendar.monthrange(y, m)[1]:
        problem = f"day {d} does not exist in {calendar.month_name[m]} {y}"
    elif not 1850 <= y <= 2100:
        problem = f"year {y} is out of range"
    return WrittenDate(text, y, m, d, problem)


@lru_cache(maxsize=65536)
def parse_written_date(text: str | None) -> WrittenDate | None:
    """Read `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `DD.MM.YYYY`, `MM.YYYY`, `YYYYMMDD`; never refuse.

    An impossible date (1961-02-30) keeps its numbers and names its problem; text that is
    no date keeps no numbers.
    """
    if text is None or not text.strip():
        return None
    s = text.strip()
    if m := _ISO.match(s):
        y, mo, d = m.groups()
        return _check(s, int(y), int(mo) if mo else None, int(d) if d else None)
    if m := _DMY.match(s):
        d, mo, y = m.groups()
        year = int(y) if len(y) == 4 else (1900 + int(y) if int(y) > 30 else 2000 + int(y))
        return _check(s, year, int(mo), int(d))
    if m := _MY.match(s):
        return _check(s, int(m.group(2)), int(m.group(1)), None)
    if m := _COMPACT.match(s):
        digits = m.group(1)
        if digits[:2] in ("18", "19", "20"):
            return _check(s, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return _check(s, int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    return WrittenDate(s, problem="is not a date")


_RANKS = """
private: солдат, рядовий, рядовой, private, pvt, soldier
senior_soldier: старший солдат, ефрейтор, lance corporal, private first class
sailor: матрос, seaman, sailor
senior_sailor: старший матрос
junior_sergeant: молодший сержант, младший сержант, corporal
sergeant: сержант, sergeant
senior_sergeant: старший сержант, senior sergeant, staff sergeant
chief_sergeant: головний сержант, старшина, master sergeant
staff_sergeant: штаб-сержант
warrant_officer: прапорщик, старший прапорщик, warrant officer
junior_lieutenant: молодший лейтенант, младший лейтенант, second lieutenant
lieutenant: лейтенант, lieutenant, first lieutenant
senior_lieutenant: старший лейтенант, senior lieutenant
captain: капітан, капитан, captain
major: майор, major
lieutenant_colonel: підполковник, подполковник, lieutenant colonel
colonel: полковник, colonel
general: генерал, генерал-майор, генерал-лейтенант, бригадний генерал, general
"""
_CITIZENSHIP = """
UA: україна, украина, ukraine, ua, ukr, громадянин україни, українець, українка
RU: росія, россия, russia, ru, rus, рф, російська федерація, российская федерация
BY: білорусь, беларусь, belarus, by, blr
MD: молдова, moldova, md
GE: грузія, грузия, georgia, ge
KZ: казахстан, kazakhstan, kz
"""
_PLACE_WORDS = frozenset(
    [
        "м",
        "мiсто",
        "місто",
        "город",
        "г",
        "с",
        "село",
        "смт",
        "пгт",
        "селище",
        "поселок",
        "пос",
        "р-н",
        "район",
        "обл",
        "область",
        "city",
        "town",
        "village",
        "region",
        "district",
        "oblast",
    ]
)


def _table(text: str) -> dict[str, str]:
    out = {}
    for line in text.strip().splitlines():
        code, _, forms = line.partition(":")
        for form in forms.split(","):
            out[_fold(form)] = code.strip()
    return out


def _fold(text: str) -> str:
    return "".join(skeletons(w)[0] for w in re.findall(r"[^\W\d_]+", normalise_text(text)))


@cache
def _rank_table() -> dict[str, str]:
    return _table(_RANKS)


@cache
def _citizenship_table() -> dict[str, str]:
    return _table(_CITIZENSHIP)


@lru_cache(maxsize=65536)
def rank_key(text: str | None) -> str | None:
    """The rank in the table's words (`старший сержант` = `senior_sergeant`), else folded."""
    if not text:
        return None
    folded = _fold(text)
    return _rank_table().get(folded, folded) or None


@lru_cache(maxsize=65536)
def citizenship_key(text: str | None) -> str | None:
    """A two-letter country code where the table knows the word, else the folded word."""
    if not text:
        return None
    folded = _fold(text)
    return _citizenship_table().get(folded, folded) or None


_UNIT_TOKEN = re.compile(r"[A-ZА-ЯІЇЄ]?\d+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def unit_key(text: str | None) -> str | None:
    """The numbers of a unit with a letter before them (`в/ч А1234` -> `A1234`, `72nd` -> `72`)."""
    if not text:
        return None
    tokens = {identifier_key(t) or "" for t in _UNIT_TOKEN.findall(text)}
    key = " ".join(sorted(t for t in tokens if t))
    return key or _fold(text) or None


@lru_cache(maxsize=65536)
def place_keys(text: str | None) -> tuple[str | None, str | None]:
    """The skeleton of a place name without `м.`, `село`, `district`, and its phonetic code."""
    if not text:
        return None, None
    words = [w for w in re.findall(r"[^\W\d_]+", normalise_text(text)) if w not in _PLACE_WORDS]
    if not words:
        return None, None
    folded = "".join(skeletons(w)[0] for w in words)
    return folded, phonetic_code(folded)


@lru_cache(maxsize=1024)
def sex_key(text: str | None) -> str | None:
    """`m` or `f` from the words lists use for sex, else None."""
    if not text:
        return None
    first = normalise_text(text)[:1]
    if first in ("m", "ч", "м"):
        return "m"
    if first in ("f", "ж", "w"):
        return "f"
    return None
