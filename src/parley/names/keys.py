"""Comparison and blocking keys of a person's name, from name columns or a full name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from parley.names.folding import phonetic_code, skeletons, stem
from parley.names.lexicon import diminutive_groups, given_groups, lexicon, patronymic_groups
from parley.names.patronymics import TURKIC_MARKERS, father_stem, patronymic_sex
from parley.names.scripts import Script, clean_text, detect_script, normalise_text

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_FEMALE_FAMILY = re.compile(r"(?:[sc]ka|[oe]va)$")
_MALE_FAMILY = re.compile(r"(?:[sc]ki|[oe]v|in)$")
_TURKIC_SEX = {"кизи": "f", "кызы": "f", "kyzy": "f", "огли": "m", "оглы": "m", "оглу": "m"}


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

    @property
    def skeleton(self) -> str:
        """The primary skeleton."""
        return self.skeletons[0]

    @property
    def code(self) -> str:
        """The primary phonetic code (of the gender-neutral stem)."""
        return self.codes[0]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@lru_cache(maxsize=262144)
def _token(text: str, role: str) -> TokenKeys:
    joined = text.replace(" ", "").replace("-", "").replace("'", "")
    sks = skeletons(joined)
    stems = _unique([father_stem(s) if role == "patronymic" else stem(s) for s in sks])
    codes = _unique([phonetic_code(s) for s in stems])
    groups: frozenset[str] = frozenset()
    dims: frozenset[str] = frozenset()
    if role == "given":
        groups = frozenset().union(*(given_groups(s) for s in sks))
        dims = frozenset().union(*(diminutive_groups(s) for s in sks))
    elif role == "patronymic":
        groups = frozenset().union(*(patronymic_groups(s) for s in sks))
    latin = detect_script(joined) is Script.LATIN
    return TokenKeys(text, sks, stems, codes, groups, dims, len(joined) == 1, latin)


def family_keys(text: str) -> TokenKeys:
    """Keys of a family name (several words are read as one)."""
    return _token(text, "family")


def given_keys(text: str) -> TokenKeys:
    """Keys of a given name, with the table's groups it belongs to."""
    return _token(text, "given")


def patronymic_keys(text: str) -> TokenKeys:
    """Keys of a patronymic, with the fathers' given names it comes from."""
    return _token(text, "patronymic")


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
        return _unique(keys)


def given_key(given: TokenKeys) -> str:
    """One key for a given name: its group in the table, else its primary skeleton."""
    if given.groups:
        return min(given.groups)
    if given.diminutive_of:
        return min(given.diminutive_of)
    return given.skeleton


def patronymic_key(patronymic: TokenKeys) -> str:
    """One key for a patronymic: the father's name group, else the primary stem."""
    if patronymic.groups:
        return min(patronymic.groups)
    return patronymic.stems[0]


@lru_cache(maxsize=131072)
def _is_patronymic(word: str) -> bool:
    if word.rpartition(" ")[2] in TURKIC_MARKERS:
        return True
    return any(patronymic_sex(s) for s in skeletons(word)) or bool(patronymic_keys(word).groups)


@lru_cache(maxsize=131072)
def _is_given(word: str) -> bool:
    keys = given_keys(word)
    return bool(keys.groups or keys.diminutive_of)


def _words(text: str) -> list[str]:
    words = _WORD.findall(text)
    while len(words) > 2 and len(words[0]) == 1:  # a stray letter before the name
        words = words[1:]
    while len(words) > 3 and len(words[-1]) <= 2:  # a clerk's mark after it (`ср`, `вн`)
        words = words[:-1]
    out: list[str] = []
    for w in words:
        if w in TURKIC_MARKERS and out:
            out[-1] = f"{out[-1]} {w}"  # `Раміз огли` is one patronymic
        else:
            out.append(w)
    return out


def _said(given: TokenKeys | None, patr: TokenKeys | None) -> set[str]:
    said: set[str] = set()
    if patr is not None:
        marker = patr.text.rpartition(" ")[2]
        if sex := _TURKIC_SEX.get(marker) or patronymic_sex(patr.skeleton):
            said.add(sex)
    if given is not None:
        sexes = {lexicon().sex[g] for g in given.groups | given.diminutive_of}
        if len(sexes) == 1:
            said |= sexes
    return said


def told_sex(given: TokenKeys | None, patronymic: TokenKeys | None) -> str | None:
    """The sex a given name and patronymic tell, None when they disagree or say nothing: the
    name's sex unless only a family name's ending tells it (`NameKeys.sex_from_ending`)."""
    said = _said(given, patronymic)
    return said.pop() if len(said) == 1 else None


def _sex(
    family: TokenKeys | None, given: TokenKeys | None, patr: TokenKeys | None
) -> tuple[str | None, bool]:
    """The sex the name tells (None when its parts disagree or say nothing), and whether
    only the family name's ending told it."""
    said = _said(given, patr)
    if said:
        return (said.pop() if len(said) == 1 else None), False
    if family is not None:
        if _FEMALE_FAMILY.search(family.skeleton):
            return "f", True
        if _MALE_FAMILY.search(family.skeleton):
            return "m", True
    return None, False


def _split(
    words: list[str], raw: list[str], script: Script
) -> tuple[int | None, int | None, int | None, bool]:
    """Positions of family, given and patronymic among the words, and whether certain."""
    n = len(words)
    if n == 1:
        return 0, None, None, False
    # Two words are a family and a given name: Arsenych and Fedynych are family names.
    patr = (
        next((i for i in range(n - 1, 0, -1) if _is_patronymic(words[i])), None) if n > 2 else None
    )
    known = [i for i in range(n) if i != patr and _is_given(words[i])]
    if n > 2 and _is_given(words[0]) and _is_patronymic(words[1]):
        return 2, 0, 1, True  # Maryana Yeremiyivna Andriyevych: given, patronymic, family
    if patr is not None:
        # The given name stands before its patronymic, unless the table knows another word.
        before = patr - 1
        given = before if before in known or not known else known[-1]
        rest = [i for i in range(n) if i not in (given, patr)]
        family = rest[0] if rest else None
        # Family-given-patronymic and given-patronymic-family are how lists write names.
        usual = given == patr - 1 and family in (None, 0, n - 1)
        return family, given, patr, given in known or usual
    upper = [i for i, w in enumerate(raw) if len(w) > 1 and w.isupper()]
    if len(upper) == 1 and not all(w.isupper() for w in raw):
        family = upper[0]
        given = next(i for i in range(n) if i != family)
        return family, given, None, True
    if n == 2 and len(known) == 1:
        return 1 - known[0], known[0], None, True
    if script is Script.LATIN:  # press and foreign lists put the given name first
        return n - 1, 0, None, False
    return 0, 1, None, False


@lru_cache(maxsize=131072)
def _from_full_name(text: str) -> NameKeys:
    cleaned = clean_text(text)
    raw = _words(cleaned)
    words = _words(normalise_text(cleaned))
    if len(raw) != len(words):
        raw = words
    script = detect_script(" ".join(words))
    if not words:
        return NameKeys(cleaned, None, None, None, script=script)
    fam_i, giv_i, pat_i, certain = _split(words, raw, script)
    used = {i for i in (fam_i, giv_i, pat_i) if i is not None}
    family = family_keys(words[fam_i]) if fam_i is not None else None
    given = given_keys(words[giv_i]) if giv_i is not None else None
    patr = patronymic_keys(words[pat_i]) if pat_i is not None else None
    extra = tuple(family_keys(w) for i, w in enumerate(words) if i not in used)
    sex, weak = _sex(family, given, patr)
    return NameKeys(cleaned, family, given, patr, extra, sex, script, certain, weak)


@lru_cache(maxsize=262144)
def _part(text: str | None) -> str | None:
    if text is None:
        return None
    words = _words(normalise_text(text))
    return " ".join(words) if words else None


def _columns(
    family: str | None, given: str | None, patronymic: str | None
) -> tuple[str | None, str | None, str | None]:
    fam, giv, pat = _part(family), _part(given), _part(patronymic)
    if giv and pat is None and " " in giv:
        first, _, rest = giv.partition(" ")
        if _is_patronymic(rest):
            giv, pat = first, rest
    return fam, giv, pat


def column_parts(
    full_name: str | None, family: str | None, given: str | None, patronymic: str | None
) -> tuple[str | None, str | None, str | None] | None:
    """The texts `normalise_person_name` keys as family, given name and patronymic when the
    name columns alone give them, in the order certain; None when a full name must be read."""
    fam, giv, pat = _columns(family, given, patronymic)
    if fam is None and giv is None and pat is None:
        return None
    if full_name and (fam is None or giv is None):
        return None
    if fam is not None and giv is None and pat is None and " " in fam:
        return None
    return fam, giv, pat


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
    fam, giv, pat = _columns(family, given, patronymic)
    if fam is None and giv is None and pat is None:
        return _from_full_name(full_name or "")
    if full_name and (fam is None or giv is None):
        parsed = _from_full_name(full_name)
        fam = fam or (parsed.family.text if parsed.family else None)
        giv = giv or (parsed.given.text if parsed.given else None)
        pat = pat or (parsed.patronymic.text if parsed.patronymic else None)
    if fam is not None and giv is None and pat is None and " " in fam:
        return _from_full_name(fam)
    f = family_keys(fam) if fam else None
    g = given_keys(giv) if giv else None
    p = patronymic_keys(pat) if pat else None
    text = " ".join(x for x in (fam, giv, pat) if x)
    sex, weak = _sex(f, g, p)
    return NameKeys(text, f, g, p, (), sex, detect_script(text), True, weak)
