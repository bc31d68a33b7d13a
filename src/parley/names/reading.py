"""Written names read into family name, given name and patronymic, one or a batch at a time.

A `NameReader` keys each distinct word and name part once while it lives: a batch makes one
and drops it with the batch; single names share one whose tables are bounded. `read_names`
reads columns of names with the same rules `NameReader.parts` applies to one name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from parley.names.folding import skeletons_of
from parley.names.lexicon import diminutive_groups, given_groups, patronymic_groups
from parley.names.patronymics import TURKIC_MARKERS, patronymic_sex
from parley.names.scripts import Script, clean_text, cleaned, normalised, script_of
from parley.names.tokens import ROLES, Role, TokenKeys, joined, token_keys

Objects = npt.NDArray[np.object_]
Codes = npt.NDArray[np.intp]
Parts = tuple[str | None, str | None, str | None]

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def _plain_letters() -> str:
    """ASCII and Cyrillic letters that clean-up leaves alone, lower-case to one letter of the
    same kind, and never compose with a neighbour."""
    letters = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0x400, 0x500))]
    return "".join(
        c
        for c in letters
        if _WORD.fullmatch(c)
        and unicodedata.combining(c) == 0
        and unicodedata.normalize("NFC", c) == c
        and not {"\u0300", "\u0301"} & set(unicodedata.normalize("NFD", c))
        and len(c.lower()) == 1
        and script_of(c) in (Script.LATIN, Script.CYRILLIC)
    )


_LETTERS = re.escape(_plain_letters())
# A word of plain letters: its text is clean as written and its words are its tokens.
_PLAIN = re.compile(f"[{_LETTERS}]+(?:['-][{_LETTERS}]+)*")

# What a reader knows of a written word (its bits); 0 when the word is not plain.
_GIVEN, _PATRONYMIC, _UPPER, _CAPITALS = 1, 2, 4, 8
_LATIN, _CYRILLIC, _MARKER, _FAMILY = 16, 32, 64, 128
_PLACING = _GIVEN | _PATRONYMIC | _UPPER | _CAPITALS | _FAMILY
# Skeleton endings only family names have (-ов, -ев, -ський, -енко, -ук): `Андреев` is no
# given name, however like `Андрей` it is spelt.
_FAMILY_ENDING = re.compile(r"(?:.{4}[oe]v|[sc]ki|enko|uk)$")
Placement = tuple[int | None, int | None, int | None, bool]
# Names of more words than this are read one by one (`NameReader.read_parts`).
_MAX_BATCH_WORDS = 10


def _place(flags: tuple[int, ...], latin: bool) -> Placement:
    """Positions of family, given and patronymic among a name's words, and whether certain,
    from what is known of each word: a given name, a patronymic, written in capitals."""
    n = len(flags)
    if n == 1:
        return 0, None, None, False
    # Two words are a family and a given name: Arsenych and Fedynych are family names.
    patr = next((i for i in range(n - 1, 0, -1) if flags[i] & _PATRONYMIC), None) if n > 2 else None
    if n == 3 and patr == 2 and flags[1] & _PATRONYMIC and not flags[1] & _FAMILY:
        patr = 1  # Liza Glebovna Vermenich: the family name, not the middle word, ends in -ich
    known = [i for i in range(n) if i != patr and flags[i] & _GIVEN and not flags[i] & _FAMILY]
    if n > 2 and flags[0] & _GIVEN and flags[1] & _PATRONYMIC:
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
    upper = [i for i in range(n) if flags[i] & _UPPER]
    if len(upper) == 1 and not all(f & _CAPITALS for f in flags):
        family = upper[0]
        given = next(i for i in range(n) if i != family)
        return family, given, None, True
    if n == 2 and len(known) == 1:
        return 1 - known[0], known[0], None, True
    if latin:  # press and foreign lists put the given name first
        return n - 1, 0, None, False
    return 0, 1, None, False


def words_of(text: str) -> list[str]:
    """The words of a name, without a stray letter before it or a clerk's mark after it."""
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


@dataclass(frozen=True, slots=True)
class Reading:
    """A name read from one text: its clean text, its words, and where each part stands."""

    text: str
    words: tuple[str, ...]
    script: Script
    family: int | None
    given: int | None
    patronymic: int | None
    certain: bool

    def parts(self) -> Parts:
        """The texts of family name, given name and patronymic."""
        w = self.words
        return (
            w[self.family] if self.family is not None else None,
            w[self.given] if self.given is not None else None,
            w[self.patronymic] if self.patronymic is not None else None,
        )


class NameReader:
    """The keys of the words and name parts it has read, each computed once.

    `limit` bounds each of its tables for a reader that outlives a batch: a full table is
    emptied and filled again.
    """

    def __init__(self, limit: int | None = None) -> None:
        self._limit = limit
        self._spellings: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._tokens: dict[Role, dict[str, TokenKeys]] = {role: {} for role in ROLES}
        self._given: dict[str, bool] = {}
        self._patronymic: dict[str, bool] = {}
        self._parts: dict[str, str | None] = {}
        self._readings: dict[str, Reading] = {}
        self._written: dict[str, tuple[int, str]] = {}
        self._placements: dict[tuple[tuple[int, ...], bool], Placement] = {}

    def _room(self, table: dict[Any, Any]) -> None:
        if self._limit is not None and len(table) >= self._limit:
            table.clear()

    def _spelling(self, word: str) -> tuple[tuple[str, ...], bool]:
        """The skeletons of a word and whether it is written in Latin letters."""
        found = self._spellings.get(word)
        if found is None:
            self._room(self._spellings)
            found = self._spellings[word] = (skeletons_of(word), script_of(word) is Script.LATIN)
        return found

    def token(self, text: str, role: Role) -> TokenKeys:
        """The keys of a name part in its role."""
        table = self._tokens[role]
        found = table.get(text)
        if found is None:
            self._room(table)
            sks, latin = self._spelling(joined(text))
            found = table[text] = token_keys(text, role, sks, latin)
        return found

    def is_given(self, word: str) -> bool:
        """Whether the table knows the word as a given name or an everyday form of one."""
        found = self._given.get(word)
        if found is None:
            self._room(self._given)
            sks = self._spelling(joined(word))[0]
            found = any(given_groups(s) or diminutive_groups(s) for s in sks)
            self._given[word] = found
        return found

    def is_patronymic(self, word: str) -> bool:
        """Whether the word ends as a patronymic, or the table knows whose it is."""
        found = self._patronymic.get(word)
        if found is None:
            self._room(self._patronymic)
            found = (
                word.rpartition(" ")[2] in TURKIC_MARKERS
                or any(patronymic_sex(s) for s in self._spelling(word)[0])
                or any(patronymic_groups(s) for s in self._spelling(joined(word))[0])
            )
            self._patronymic[word] = found
        return found

    def part(self, text: str | None) -> str | None:
        """A column's text as a name part: its words, lower-case, one space apart."""
        if text is None:
            return None
        found = self._parts.get(text, "")
        if found == "":
            self._room(self._parts)
            plain = self._plain(text)
            words = plain[0] if plain is not None else self._written_words(text)
            found = self._parts[text] = " ".join(words) if words else None
        return found

    @staticmethod
    def _written_words(text: str) -> list[str]:
        return words_of(normalised(text))

    def _word(self, written: str) -> tuple[int, str]:
        """What is known of a word as written (0 unless plain), and the word lower-case."""
        found = self._written.get(written)
        if found is None:
            self._room(self._written)
            flags, lower = 0, written.lower()
            script = script_of(written)
            if _PLAIN.fullmatch(written) and script in (Script.LATIN, Script.CYRILLIC):
                flags = _LATIN if script is Script.LATIN else _CYRILLIC
                flags |= _GIVEN if self.is_given(lower) else 0
                flags |= _PATRONYMIC if self.is_patronymic(lower) else 0
                flags |= _UPPER if len(written) > 1 and written.isupper() else 0
                flags |= _CAPITALS if written.isupper() else 0
                flags |= _MARKER if lower in TURKIC_MARKERS else 0
                sks = self._spelling(joined(lower))[0]
                flags |= _FAMILY if any(_FAMILY_ENDING.search(s) for s in sks) else 0
            found = self._written[written] = (flags, lower)
        return found

    def _plain(self, text: str) -> tuple[list[str], tuple[int, ...], bool] | None:
        """The words of a text written plainly (clean as it is, in one script, one space
        between words, none to drop or join), what is known of each, and whether in Latin
        letters; None for any other text, which is read the long way."""
        known = [self._word(w) for w in text.split(" ")]
        flags = tuple(f for f, _ in known)
        every = 0
        for f in flags:
            if not f:
                return None
            every |= f
        n = len(known)
        if (
            every & _MARKER
            or (every & _LATIN and every & _CYRILLIC)
            or (n > 2 and len(known[0][1]) == 1)
            or (n > 3 and len(known[-1][1]) <= 2)
        ):
            return None
        return [w for _, w in known], flags, not every & _CYRILLIC

    def _placed(self, flags: tuple[int, ...], latin: bool) -> Placement:
        key = (tuple(f & _PLACING for f in flags), latin)
        found = self._placements.get(key)
        if found is None:
            self._room(self._placements)
            found = self._placements[key] = _place(*key)
        return found

    def split_given(self, text: str) -> tuple[str, str] | None:
        """A given-name part that also holds the patronymic (`кирило валерійович`), split."""
        if " " not in text:
            return None
        first, _, rest = text.partition(" ")
        return (first, rest) if self.is_patronymic(rest) else None

    def columns(self, family: str | None, given: str | None, patronymic: str | None) -> Parts:
        """The parts the name columns give; a given name that holds the patronymic is split."""
        fam, giv, pat = self.part(family), self.part(given), self.part(patronymic)
        if giv and pat is None and (split := self.split_given(giv)):
            giv, pat = split
        return fam, giv, pat

    def read(self, text: str) -> Reading:
        """A full name in any order, read into its parts (kept for the next time it is read)."""
        found = self._readings.get(text)
        if found is None:
            self._room(self._readings)
            found = self._readings[text] = self.read_once(text)
        return found

    def read_once(self, text: str) -> Reading:
        """A full name read into its parts, not kept: a batch reads each distinct name once."""
        plain = self._plain(text)
        if plain is not None:
            words, flags, latin = plain
            script = Script.LATIN if latin else Script.CYRILLIC
            return Reading(text, tuple(words), script, *self._placed(flags, latin))
        return self._read_written(text)

    def read_parts(self, texts: list[str]) -> Objects:
        """`read_once(text).parts()` and `.certain` of each text, one row each (four
        columns): plainly written names are read together, array by array, each distinct
        word and each distinct placement of words once; any other name the long way."""
        out = np.empty((len(texts), 4), dtype=object)
        if not texts:
            return out
        split = pc.split_pattern(pa.array(texts, type=pa.string()), " ")
        starts = split.offsets.to_numpy()
        counts = np.diff(starts)
        starts = starts[:-1]
        encoded = split.flatten().dictionary_encode()
        word = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        known = [self._word(w) for w in encoded.dictionary.to_pylist()]
        flags_of = np.array([f for f, _ in known], dtype=np.int64)
        lower_of = np.array([w for _, w in known], dtype=object)
        length_of = np.array([len(w) for _, w in known], dtype=np.int64)
        flags = flags_of[word]
        every = np.bitwise_or.reduceat(flags, starts)
        first, last = word[starts], word[starts + counts - 1]
        # The conditions of `_plain`, a name at a time; a long name's placement key would
        # not fit in 64 bits, and it is read alone.
        alone = (
            (np.minimum.reduceat(flags, starts) == 0)
            | (every & _MARKER != 0)
            | ((every & _LATIN != 0) & (every & _CYRILLIC != 0))
            | ((counts > 2) & (length_of[first] == 1))
            | ((counts > 3) & (length_of[last] <= 2))
            | (counts > _MAX_BATCH_WORDS)
        )
        latin = every & _CYRILLIC == 0
        # What placement reads of each word (five bits), at its place in the name.
        placing = (flags & 15) | ((flags & _FAMILY) >> 3)
        place = np.arange(len(flags), dtype=np.int64) - np.repeat(starts, counts)
        key = np.add.reduceat(placing << (5 * np.minimum(place, _MAX_BATCH_WORDS)), starts)
        key |= (counts.astype(np.int64) << 55) | (latin.astype(np.int64) << 60)
        key[alone] = -1
        distinct, back = np.unique(key, return_inverse=True)
        placed = np.array(
            [self._decoded(int(k)) if k >= 0 else (None, None, None, False) for k in distinct],
            dtype=object,
        ).reshape(-1, 4)[back]
        lower = lower_of[word]
        for j in range(3):
            at = placed[:, j]
            has = pd.notna(at) & ~alone
            out[:, j] = None
            out[has, j] = lower[starts[has] + at[has].astype(np.intp)]
        out[:, 3] = placed[:, 3]
        for i in np.flatnonzero(alone).tolist():
            reading = self.read_once(texts[i])
            out[i] = (*reading.parts(), reading.certain)
        return out

    def _decoded(self, key: int) -> Placement:
        """The placement of the words a batch key stands for (`read_parts`)."""
        n = (key >> 55) & 31
        codes = [(key >> (5 * i)) & 31 for i in range(n)]
        return self._placed(tuple((c & 15) | ((c & 16) << 3) for c in codes), bool(key >> 60))

    def _read_written(self, text: str) -> Reading:
        """A full name read the long way: cleaned, repaired, its words found by pattern."""
        clean = clean_text(text)
        words = words_of(normalised(clean))
        script = script_of(" ".join(words))
        if not words:
            return Reading(clean, (), script, None, None, None, True)
        raw = words_of(cleaned(clean))
        if len(raw) != len(words):
            raw = words
        flags = tuple(
            (_GIVEN if self.is_given(w) else 0)
            | (_PATRONYMIC if self.is_patronymic(w) else 0)
            | (_UPPER if len(r) > 1 and r.isupper() else 0)
            | (_CAPITALS if r.isupper() else 0)
            for w, r in zip(words, raw, strict=True)
        )
        return Reading(clean, tuple(words), script, *self._placed(flags, script is Script.LATIN))

    def resolve(
        self,
        full_name: str | None,
        family: str | None,
        given: str | None,
        patronymic: str | None,
    ) -> Reading | Parts:
        """What a name's columns and full name come to: the columns' parts, a full name's
        parts filling what they leave empty, or a text read whole."""
        fam, giv, pat = self.columns(family, given, patronymic)
        if fam is None and giv is None and pat is None:
            return self.read(full_name or "")
        if full_name and (fam is None or giv is None):
            f, g, p = self.read(full_name).parts()
            fam, giv, pat = fam or f, giv or g, pat or p
        if fam is not None and giv is None and pat is None and " " in fam:
            return self.read(fam)
        return fam, giv, pat

    def parts(
        self,
        full_name: str | None,
        family: str | None,
        given: str | None,
        patronymic: str | None,
    ) -> tuple[str | None, str | None, str | None, bool]:
        """The texts of family name, given name and patronymic, and whether the order is sure."""
        resolved = self.resolve(full_name, family, given, patronymic)
        if isinstance(resolved, Reading):
            return (*resolved.parts(), resolved.certain)
        return (*resolved, True)


@dataclass
class NameParts:
    """The texts of every name's parts, as `NameReader.parts` reads each, and whether the
    order of each name is certain."""

    family: Objects
    given: Objects
    patronymic: Objects
    certain: npt.NDArray[np.bool_]


def _by_value(values: Objects, key: Callable[[Any], object]) -> tuple[Codes, Objects]:
    """The code of each value and `key` of each distinct value; code -1 (missing) takes None.

    Arrow tells the values apart (pandas' factorize takes `'\\x00A'` for `''`)."""
    encoded = pa.array(values, type=pa.string(), from_pandas=True).dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    distinct = encoded.dictionary.to_pylist()
    keyed = np.empty(len(distinct) + 1, dtype=object)
    keyed[:-1] = [key(v) for v in distinct]
    return codes, keyed


def read_names(
    full_name: Objects, family: Objects, given: Objects, patronymic: Objects, reader: NameReader
) -> NameParts:
    """The parts of each name given as columns (objects, None where missing), each distinct
    value read once: what `NameReader.parts` gives each row alone."""
    fam_codes, fam_parts = _by_value(family, reader.part)
    giv_codes, giv_parts = _by_value(given, reader.part)
    pat_codes, pat_parts = _by_value(patronymic, reader.part)
    fam, giv, pat = fam_parts[fam_codes], giv_parts[giv_codes], pat_parts[pat_codes]
    # A given column that also holds the patronymic is split where the patronymic is missing.
    splits = np.array([reader.split_given(t) if t else None for t in giv_parts], dtype=object)
    split = np.flatnonzero(pd.notna(splits[giv_codes]) & pd.isna(pat))
    for i, (first, rest) in zip(split.tolist(), splits[giv_codes[split]].tolist(), strict=True):
        giv[i], pat[i] = first, rest
    certain = np.ones(len(fam), dtype=bool)
    blank = pd.isna(fam) & pd.isna(giv) & pd.isna(pat)
    # A full name is read when the columns are empty, or to fill the parts they leave empty.
    full_codes, full_texts = _by_value(full_name, lambda v: v)
    given_full = np.array([bool(t) for t in full_texts], dtype=bool)[full_codes]
    filled = ~blank & given_full & (pd.isna(fam) | pd.isna(giv))
    rows = np.flatnonzero(blank | filled)
    read, codes = np.unique(full_codes[rows], return_inverse=True)
    parts = reader.read_parts([full_texts[code] or "" for code in read.tolist()])[codes]
    for column, j in ((fam, 0), (giv, 1), (pat, 2)):
        column[rows] = np.where(pd.isna(column[rows]), parts[:, j], column[rows])
    certain[rows] = np.where(blank[rows], parts[:, 3].astype(bool), True)
    # A family column alone holding several words is read as a full name.
    alone = ~blank & pd.notna(fam) & pd.isna(giv) & pd.isna(pat)
    for i in np.flatnonzero(alone).tolist():
        if " " in fam[i]:
            reading = reader.read(fam[i])
            fam[i], giv[i], pat[i] = reading.parts()
            certain[i] = reading.certain
    return NameParts(fam, giv, pat, certain)
