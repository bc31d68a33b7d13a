"""Comparison and blocking keys of a person's name, from name columns or a full name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.names.lexicon import lexicon
from parley.names.patronymics import patronymic_sex
from parley.names.reading import NameReader, Reading
from parley.names.scripts import Script, detect_script
from parley.names.tokens import Role, TokenKeys, given_key, patronymic_key, unique

__all__ = [
    "NameKeys",
    "TokenKeys",
    "family_keys",
    "given_key",
    "given_keys",
    "normalise_person_name",
    "part_sex",
    "patronymic_key",
    "patronymic_keys",
    "sex_evidence",
    "told_sex",
]

# Skeleton endings (folding.py alphabet) of family names that change with sex: -ська/-ская,
# -цька, -ова/-ева, -іна/-ина for a woman; -ський/-ский, -ов/-ев, -ін/-ин for a man.
_FEMALE_FAMILY = re.compile(r"(?:[sc]ka|[oe]va|.{3}ina)$")
_MALE_FAMILY = re.compile(r"(?:[sc]ki|[oe]v|in)$")
_TURKIC_SEX = {"кизи": "f", "кызы": "f", "kyzy": "f", "огли": "m", "оглы": "m", "оглу": "m"}

# Single names (a search query, a record at a time) share one reader with bounded tables.
_SHARED = NameReader(limit=131072)


def family_keys(text: str) -> TokenKeys:
    """Keys of a family name (several words are read as one)."""
    return _SHARED.token(text, "family")


def given_keys(text: str) -> TokenKeys:
    """Keys of a given name, with the table's groups it belongs to."""
    return _SHARED.token(text, "given")


def patronymic_keys(text: str) -> TokenKeys:
    """Keys of a patronymic, with the fathers' given names it comes from."""
    return _SHARED.token(text, "patronymic")


@dataclass(frozen=True)
class NameKeys:
    """Everything Parley compares about a name; `order_certain` is False when the order of
    family and given name was guessed."""

    text: str
    family: TokenKeys | None
    given: TokenKeys | None
    patronymic: TokenKeys | None
    extra: tuple[TokenKeys, ...] = ()
    sex: str | None = None
    script: Script = Script.EMPTY
    order_certain: bool = True
    sex_from_ending: bool = False  # told only by a family-name ending: weak evidence

    def is_empty(self) -> bool:
        return self.family is None and self.given is None and self.patronymic is None

    def given_key(self) -> str:
        """One key for the given name: its group in the table, else its primary skeleton."""
        return given_key(self.given) if self.given is not None else ""

    def patronymic_key(self) -> str:
        """One key for the patronymic: the father's name group, else the primary stem."""
        return patronymic_key(self.patronymic) if self.patronymic is not None else ""

    def family_codes(self) -> tuple[str, ...]:
        """Phonetic codes of the family name's stems, primary first."""
        return self.family.codes if self.family is not None else ()

    def blocking_keys(self) -> tuple[str, ...]:
        """Keys under which a search index files this name; any shared key makes a candidate."""
        keys: list[str] = []
        parts = [p for p in (self.family, self.given) if p is not None]
        if not self.order_certain:
            parts += list(self.extra)
        for part in parts:
            keys += ["s:" + s for s in part.stems if len(s) > 1]
            keys += ["c:" + c for c in part.codes if len(c) > 1]
        if self.given is not None and self.family is not None:
            keys += [f"fg:{c}|{self.given_key()}" for c in self.family.codes]
        return unique(keys)


def _said(given: TokenKeys | None, patr: TokenKeys | None) -> set[str]:
    return {s for s in (part_sex(patr, "patronymic"), part_sex(given, "given")) if s}


def _family_sex(skeleton: str) -> str | None:
    if _FEMALE_FAMILY.search(skeleton):
        return "f"
    if _MALE_FAMILY.search(skeleton):
        return "m"
    return None


def part_sex(part: TokenKeys | None, role: Role) -> str | None:
    """The sex one part of a name tells, None if it tells none: a family name by its gendered
    ending, a given name by the table of names, a patronymic by its ending."""
    if part is None:
        return None
    if role == "family":
        return _family_sex(part.skeleton)
    if role == "given":
        sexes = {lexicon().sex[g] for g in part.groups | part.diminutive_of}
        return sexes.pop() if len(sexes) == 1 else None
    return _TURKIC_SEX.get(part.text.rpartition(" ")[2]) or patronymic_sex(part.skeleton)


def sex_evidence(*told: str | None) -> tuple[str | None, int]:
    """The sex several witnesses (a sex column, the parts of a name) tell and how many tell
    it; when they disagree, the first witness's word and 0: no certainty."""
    said = [s for s in told if s]
    if len(set(said)) > 1:
        return told[0], 0
    return (said[0], len(said)) if said else (None, 0)


def agreed_sex(*told: str | None) -> str | None:
    """The sex the witnesses that tell one agree on, None when they disagree or say nothing."""
    said = {s for s in told if s}
    return said.pop() if len(said) == 1 else None


def told_sex(given: TokenKeys | None, patronymic: TokenKeys | None) -> str | None:
    """The sex a given name and patronymic tell, None when they disagree or say nothing: the
    name's sex unless only a family name's ending tells it (`NameKeys.sex_from_ending`)."""
    return agreed_sex(part_sex(given, "given"), part_sex(patronymic, "patronymic"))


def _sex(
    family: TokenKeys | None, given: TokenKeys | None, patr: TokenKeys | None
) -> tuple[str | None, bool]:
    """The sex the name tells (None when its parts disagree or say nothing), and whether
    only the family name's ending told it."""
    said = _said(given, patr)
    if said:
        return (said.pop() if len(said) == 1 else None), False
    if family is not None and (sex := _family_sex(family.skeleton)):
        return sex, True
    return None, False


def _from_reading(reading: Reading, reader: NameReader) -> NameKeys:
    if not reading.words:
        return NameKeys(reading.text, None, None, None, script=reading.script)
    words, token = reading.words, reader.token
    fam_i, giv_i, pat_i = reading.family, reading.given, reading.patronymic
    family = token(words[fam_i], "family") if fam_i is not None else None
    given = token(words[giv_i], "given") if giv_i is not None else None
    patr = token(words[pat_i], "patronymic") if pat_i is not None else None
    used = {fam_i, giv_i, pat_i}
    extra = tuple(token(w, "family") for i, w in enumerate(words) if i not in used)
    sex, weak = _sex(family, given, patr)
    return NameKeys(
        reading.text, family, given, patr, extra, sex, reading.script, reading.certain, weak
    )


def normalise_person_name(
    full_name: str | None = None,
    *,
    family: str | None = None,
    given: str | None = None,
    patronymic: str | None = None,
) -> NameKeys:
    """The keys of a name given as columns, as one full name in any order, or both.

    Columns win where present; a full name fills what they leave empty. A given-name
    column that also holds the patronymic (`Кирило Валерійович`) is split.
    """
    resolved = _SHARED.resolve(full_name, family, given, patronymic)
    if isinstance(resolved, Reading):
        return _from_reading(resolved, _SHARED)
    fam, giv, pat = resolved
    f = _SHARED.token(fam, "family") if fam else None
    g = _SHARED.token(giv, "given") if giv else None
    p = _SHARED.token(pat, "patronymic") if pat else None
    text = " ".join(x for x in (fam, giv, pat) if x)
    sex, weak = _sex(f, g, p)
    return NameKeys(text, f, g, p, (), sex, detect_script(text), True, weak)
