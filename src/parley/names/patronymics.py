"""Patronymics: the father's given name they come from, in Ukrainian and Russian forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from parley.names.given_names import GivenName

# Skeleton endings of a patronymic (folding.py alphabet): -ович/-евич/-ич, -івна/-овна, -ична.
_MALE = re.compile(r"(?:[oe]vi?C|iC)$")
_FEMALE = re.compile(r"(?:[oei]vna|iCna|inCna)$")
# Azerbaijani and Turkish lists write the patronymic as a second word: `Раміз огли`.
TURKIC_MARKERS = frozenset(
    {"огли", "оглы", "оглу", "огльі", "кизи", "кызы", "ogli", "oglu", "kyzy"}
)
_VOWELS = "аеєиіїоуюяё"
# The і of a closed last syllable turns back into о (Федір -> Федорович, Яків -> Якович).
_UK_ALTERNATION = re.compile(r"і(?=[бвгдзклмнпрстф]$)")


_SUFFIX = re.compile(r"(?:[oe]?vi?C|iC|[oei]?vna|(?:in)?iCna)$")


def father_stem(skeleton: str) -> str:
    """The father's name inside a patronymic skeleton (`valerioviC` -> `valeri`)."""
    return _SUFFIX.sub("", skeleton) or skeleton


@lru_cache(maxsize=262144)
def patronymic_sex(skeleton: str) -> str | None:
    """ "m" or "f" when the skeleton ends as a patronymic does, else None."""
    if len(skeleton) < 5:
        return None
    if _FEMALE.search(skeleton):
        return "f"
    if _MALE.search(skeleton):
        return "m"
    return None


def _ukrainian(word: str) -> Iterator[str]:
    w = word.lower()
    if w == "микола":  # the only -а name whose patronymic keeps the old -ай stem
        yield from ("миколайович", "миколаївна")
        return
    bases = {w, _UK_ALTERNATION.sub("о", w)}
    for b in bases:
        if b.endswith("й"):
            yield b + "ович"
            yield b[:-1] + "ївна"
        elif b.endswith("ь"):
            yield b + "ович"
            yield b[:-1] + "івна"
        elif b.endswith(("о", "а", "я")):
            yield b[:-1] + "ович"
            yield b[:-1] + "івна"
            yield b[:-1] + "ич"
            if b.endswith("я"):
                yield b[:-1] + "іч"
                yield b[:-1] + "івна"
        elif b[-1] not in _VOWELS:
            yield b + "ович"
            yield b + "евич"
            yield b + "івна"


def _russian(word: str) -> Iterator[str]:
    w = word.lower().replace("ё", "е")
    special = {"павел": "павл", "лев": "льв", "петр": "петр"}
    if w in special:
        yield special[w] + "ович"
        yield special[w] + "овна"
        return
    if w.endswith("ий"):
        for b in (w[:-2] + "ь", w[:-1]):
            yield b + "евич"
            yield b + "евна"
    elif w.endswith(("ей", "ай", "ой", "ь")):
        yield w[:-1] + "евич"
        yield w[:-1] + "евна"
    elif w.endswith(("а", "я")):
        b = w[:-1]
        yield b + "ич"
        yield b + "ична"
        yield b + "инична"
    elif w[-1] not in _VOWELS:
        yield w + "ович"
        yield w + "овна"
        yield w + "евич"


def patronymic_forms(name: GivenName) -> set[str]:
    """Every Cyrillic patronymic a child of a man so named may carry, in both languages."""
    if name.sex != "m":
        return set()
    out: set[str] = set()
    for form in name.ukrainian:
        out.update(_ukrainian(form))
    for form in name.russian:
        out.update(_russian(form))
    return out
