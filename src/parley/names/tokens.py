"""The keys of one name part: skeletons, stems, phonetic codes and the table's groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from parley.names.folding import code_of, stem
from parley.names.lexicon import (
    diminutive_groups,
    given_groups,
    near_given_groups,
    patronymic_groups,
)
from parley.names.patronymics import father_stem

Role = Literal["family", "given", "patronymic"]
ROLES: tuple[Role, ...] = ("family", "given", "patronymic")


@dataclass(frozen=True, slots=True)
class TokenKeys:
    """The keys of one name part (a family name may be several words, joined)."""

    text: str
    skeletons: tuple[str, ...]
    stems: tuple[str, ...]
    codes: tuple[str, ...]
    groups: frozenset[str] = frozenset()
    diminutive_of: frozenset[str] = frozenset()
    initial: bool = False
    latin: bool = False  # written in Latin letters: its skeletons are decoded, not folded
    # A given name the table does not know: the names it is a keystroke from (`Ateksandr`).
    # Its key, not its groups: a typo is no evidence of a name for telling brothers apart.
    near: frozenset[str] = frozenset()

    @property
    def skeleton(self) -> str:
        """The primary skeleton."""
        return self.skeletons[0]

    @property
    def code(self) -> str:
        """The primary phonetic code (of the gender-neutral stem)."""
        return self.codes[0]


def unique(items: list[str]) -> tuple[str, ...]:
    """The items once each, in their first order."""
    return tuple(dict.fromkeys(items))


def joined(text: str) -> str:
    """A part's words as the one word its keys are read from."""
    return text.replace(" ", "").replace("-", "").replace("'", "")


def token_keys(text: str, role: Role, sks: tuple[str, ...], latin: bool) -> TokenKeys:
    """The keys of a part in a role, from the skeletons of its joined text and its script."""
    initial = len(joined(text)) == 1
    if len(sks) == 1:  # most parts: the same keys without building sets to merge
        return _one_skeleton(text, role, sks, latin, initial)
    stems = unique(
        [father_stem(s) for s in sks] if role == "patronymic" else [stem(s) for s in sks]
    )
    codes = unique([code_of(s) for s in stems])
    groups: frozenset[str] = frozenset()
    dims: frozenset[str] = frozenset()
    near: frozenset[str] = frozenset()
    if role == "given":
        groups = frozenset().union(*(given_groups(s) for s in sks))
        dims = frozenset().union(*(diminutive_groups(s) for s in sks))
        if not groups and not dims:
            near = frozenset().union(*(near_given_groups(s) for s in sks))
    elif role == "patronymic":
        groups = frozenset().union(*(patronymic_groups(s) for s in sks))
    return TokenKeys(text, sks, stems, codes, groups, dims, initial, latin, near)


def _one_skeleton(
    text: str, role: Role, sks: tuple[str, ...], latin: bool, initial: bool
) -> TokenKeys:
    (skeleton,) = sks
    if role == "patronymic":
        base = father_stem(skeleton)
        return TokenKeys(
            text, sks, (base,), (code_of(base),), patronymic_groups(skeleton),
            frozenset(), initial, latin,
        )  # fmt: skip
    base = stem(skeleton)
    if role == "given":
        groups, dims = given_groups(skeleton), diminutive_groups(skeleton)
        near = frozenset() if groups or dims else near_given_groups(skeleton)
        return TokenKeys(
            text, sks, (base,), (code_of(base),), groups, dims, initial, latin, near
        )  # fmt: skip
    return TokenKeys(text, sks, (base,), (code_of(base),), frozenset(), frozenset(), initial, latin)


def given_key(given: TokenKeys) -> str:
    """One key for a given name: its group in the table, else the name it is a keystroke
    from, else its primary skeleton."""
    if given.groups:
        return min(given.groups)
    if given.diminutive_of:
        return min(given.diminutive_of)
    if given.near:
        return min(given.near)
    return given.skeleton


def patronymic_key(patronymic: TokenKeys) -> str:
    """One key for a patronymic: the father's name group, else the primary stem."""
    if patronymic.groups:
        return min(patronymic.groups)
    return patronymic.stems[0]
