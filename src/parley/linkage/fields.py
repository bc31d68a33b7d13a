"""Comparison keys of the fields besides the name: ranks, units, places, citizenship.

Dates are read by `parley.domain.dates`, identifiers keyed by `parley.domain.identifiers`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from parley.domain.identifiers import identifier_key
from parley.names import normalise_text, phonetic_code, skeletons

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
