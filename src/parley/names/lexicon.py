"""Lookup of given names and patronymics by skeleton, built once from the tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from parley.names.folding import skeletons
from parley.names.given_names import GIVEN_NAMES, GivenName
from parley.names.patronymics import patronymic_forms
from parley.names.scripts import Language
from parley.names.transliterate import Standard, to_latin

# The standards whose Latin forms of a table name are indexed too: the ones lists use.
_INDEXED_STANDARDS = (
    Standard.KMU_2010,
    Standard.BGN_PCGN,
    Standard.ICAO_9303,
    Standard.PRESS_EN,
    Standard.PRESS_DE,
    Standard.PRESS_FR,
    Standard.PRESS_PL,
    Standard.ISO_9,
)


@dataclass(frozen=True)
class Lexicon:
    """Skeleton -> groups, for given names, their diminutives and patronymics."""

    given: dict[str, frozenset[str]]
    diminutive: dict[str, frozenset[str]]
    patronymic: dict[str, frozenset[str]]
    sex: dict[str, str]  # group -> "m" / "f"
    names: dict[str, GivenName]


def _latin_forms(cyrillic: str, language: Language) -> set[str]:
    return {to_latin(cyrillic, s, language) for s in _INDEXED_STANDARDS}


def _add(index: dict[str, set[str]], word: str, group: str) -> None:
    for s in skeletons(word):
        if s:
            index[s].add(group)


@cache
def lexicon() -> Lexicon:
    """The index, built on first use (a fraction of a second)."""
    given: dict[str, set[str]] = defaultdict(set)
    dim: dict[str, set[str]] = defaultdict(set)
    patr: dict[str, set[str]] = defaultdict(set)
    for name in GIVEN_NAMES:
        forms: set[str] = set(name.other)
        for form in name.ukrainian:
            forms.add(form)
            forms.update(_latin_forms(form, Language.UKRAINIAN))
        for form in name.russian:
            forms.add(form)
            forms.update(_latin_forms(form, Language.RUSSIAN))
        for form in forms:
            _add(given, form, name.group)
        for form in name.diminutives:
            _add(dim, form, name.group)
        for form in patronymic_forms(name):
            _add(patr, form, name.group)
            for language in Language:
                for latin in _latin_forms(form, language):
                    _add(patr, latin, name.group)
    return Lexicon(
        given={k: frozenset(v) for k, v in given.items()},
        diminutive={k: frozenset(v) for k, v in dim.items()},
        patronymic={k: frozenset(v) for k, v in patr.items()},
        sex={n.group: n.sex for n in GIVEN_NAMES},
        names={n.group: n for n in GIVEN_NAMES},
    )


def given_groups(skeleton: str) -> frozenset[str]:
    """The given names a skeleton is a form of (empty when the table does not know it)."""
    return lexicon().given.get(skeleton, frozenset())


def diminutive_groups(skeleton: str) -> frozenset[str]:
    """The given names a skeleton is an everyday form of (Sasha -> Oleksandr)."""
    return lexicon().diminutive.get(skeleton, frozenset())


def patronymic_groups(skeleton: str) -> frozenset[str]:
    """The fathers' given names a patronymic skeleton comes from."""
    return lexicon().patronymic.get(skeleton, frozenset())
