"""Lookup of given names and patronymics by skeleton, built from the tables.

Building the index transliterates and folds every form of every name (a fifth of a second);
`lexicon_index.py` holds it as built, written by `python -m parley.names.lexicon`, and a test
holds the two equal.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parley.names.folding import code_of, skeletons, stem
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
    # A given-name skeleton (or diminutive) with one letter dropped -> the skeletons it is of.
    dropped: dict[str, frozenset[str]]


def _latin_forms(cyrillic: str, language: Language) -> set[str]:
    return {to_latin(cyrillic, s, language) for s in _INDEXED_STANDARDS}


def _add(index: dict[str, set[str]], word: str, group: str) -> None:
    for s in skeletons(word):
        if s:
            index[s].add(group)


@cache
def lexicon() -> Lexicon:
    """The index, as `build_lexicon` builds it, read on first use from `lexicon_index.py`."""
    from parley.names import lexicon_index as index

    def read(table: dict[str, str]) -> dict[str, frozenset[str]]:
        return {k: frozenset(v.split(" ")) for k, v in table.items()}

    given, dim = read(index.GIVEN), read(index.DIMINUTIVE)
    return Lexicon(
        given=given,
        diminutive=dim,
        patronymic=read(index.PATRONYMIC),
        sex={n.group: n.sex for n in GIVEN_NAMES},
        names={n.group: n for n in GIVEN_NAMES},
        dropped=_dropped(given, dim),
    )


def build_lexicon() -> Lexicon:
    """The index built from the tables of given names and patronymics."""
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
    frozen_given = {k: frozenset(v) for k, v in given.items()}
    frozen_dim = {k: frozenset(v) for k, v in dim.items()}
    return Lexicon(
        given=frozen_given,
        diminutive=frozen_dim,
        patronymic={k: frozenset(v) for k, v in patr.items()},
        sex={n.group: n.sex for n in GIVEN_NAMES},
        names={n.group: n for n in GIVEN_NAMES},
        dropped=_dropped(frozen_given, frozen_dim),
    )


def _dropped(
    given: dict[str, frozenset[str]], dim: dict[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """Each form of a known skeleton with a letter dropped -> the skeletons it is of."""
    dropped: dict[str, set[str]] = defaultdict(set)
    for known in (*given, *dim):
        if len(known) >= _NEAR_LENGTH:
            for variant in _one_dropped(known):
                dropped[variant].add(known)
    return {k: frozenset(v) for k, v in dropped.items()}


# The shortest skeleton, on either side, that a keystroke's distance may tie to a table name:
# among shorter ones (`ian`, `lev`, `dan`) a keystroke makes another name as often as a typo.
_NEAR_LENGTH = 4


def _one_dropped(skeleton: str) -> set[str]:
    """The skeleton itself and every form of it with one letter dropped."""
    return {skeleton, *(skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton)))}


def _one_keystroke(a: str, b: str) -> bool:
    """Whether two different skeletons are one keystroke apart: a letter dropped, added or
    replaced, or two neighbours swapped."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(long_) - len(short) > 1 or a == b:
        return False
    first = 0  # the first letter where they part
    while first < len(short) and short[first] == long_[first]:
        first += 1
    if len(long_) > len(short):  # a letter dropped: the rest agrees past it
        return short[first:] == long_[first + 1 :]
    last = len(a) - 1  # the last letter where they part
    while a[last] == b[last]:
        last -= 1
    return last == first or (last == first + 1 and a[first] == b[last] and a[last] == b[first])


def given_groups(skeleton: str) -> frozenset[str]:
    """The given names a skeleton is a form of (empty when the table does not know it)."""
    return lexicon().given.get(skeleton, frozenset())


def diminutive_groups(skeleton: str) -> frozenset[str]:
    """The given names a skeleton is an everyday form of (Sasha -> Oleksandr)."""
    return lexicon().diminutive.get(skeleton, frozenset())


def near_given_groups(skeleton: str) -> frozenset[str]:
    """The given names a skeleton the table does not know is one keystroke from (a typo's
    `Мхиаил`, a machine translation's `Wasiłaj`, `Ateksandr`): those whose sound is the same
    where there are several, and none for a skeleton the table knows or a short one."""
    table = lexicon()
    if len(skeleton) < _NEAR_LENGTH or skeleton in table.given or skeleton in table.diminutive:
        return frozenset()
    near = {
        known
        for variant in _one_dropped(skeleton)
        for known in table.dropped.get(variant, ())
        if _one_keystroke(skeleton, known)
    }
    if len(near) > 1:
        sound = code_of(stem(skeleton))
        near = {known for known in near if code_of(stem(known)) == sound} or near
    groups = [table.given.get(known) or table.diminutive[known] for known in near]
    return frozenset().union(*groups)


def patronymic_groups(skeleton: str) -> frozenset[str]:
    """The fathers' given names a patronymic skeleton comes from."""
    return lexicon().patronymic.get(skeleton, frozenset())


_INDEXED = (("GIVEN", "given"), ("DIMINUTIVE", "diminutive"), ("PATRONYMIC", "patronymic"))


def index_source(built: Lexicon) -> str:
    """The text of `lexicon_index.py` holding the index `built` (but its forms with a letter
    dropped, quickly made again): each skeleton's groups in one string, a space between
    them, by skeleton."""
    lines = [
        '"""The index of given names and patronymics by skeleton, as `build_lexicon` builds it.',
        "",
        "Written by `python -m parley.names.lexicon`; do not edit.",
        '"""',
        "",
    ]
    for name, field in _INDEXED:
        table: dict[str, frozenset[str]] = getattr(built, field)
        lines.append(f"{name} = {{")
        for key, groups in sorted(table.items()):
            if any(" " in g for g in groups):
                raise ValueError(f"a group with a space: {sorted(groups)}")
            text = " ".join(sorted(groups))
            lines.append(
                f"    {json.dumps(key, ensure_ascii=False)}: {json.dumps(text, ensure_ascii=False)},"
            )
        lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).with_name("lexicon_index.py")
    target.write_text(index_source(build_lexicon()), encoding="utf-8")
    sys.stdout.write(f"written: {target}\n")
