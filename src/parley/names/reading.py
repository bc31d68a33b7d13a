"""Written names read into family name, given name and patronymic.

A `NameReader` keys each distinct word and name part once while it lives: a batch makes one
and drops it with the batch; single names share one whose tables are bounded. Columns of
names are read together by `parley.names.batch`, with the rules `NameReader.parts` applies
to one name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parley.names.folding import skeletons_of
from parley.names.lexicon import diminutive_groups, given_groups, patronymic_groups
from parley.names.patronymics import TURKIC_MARKERS, patronymic_sex
from parley.names.scripts import Script, clean_text, lowered, normalised, recleaned, script_of
from parley.names.tokens import ROLES, Role, TokenKeys, joined, token_keys

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
            plain = self._plain(text, self._writing)  # a part's words need not be placed
            words = plain[0] if plain is not None else self._written_words(text)
            found = self._parts[text] = " ".join(words) if words else None
        return found

    @staticmethod
    def _written_words(text: str) -> list[str]:
        return words_of(normalised(text))

    @staticmethod
    def _writing(written: str) -> tuple[int, str]:
        """What the writing of a word shows (0 unless plain): its script, its capitals, a
        Turkic marker; and the word lower-case."""
        flags, lower = 0, written.lower()
        script = script_of(written)
        if _PLAIN.fullmatch(written) and script in (Script.LATIN, Script.CYRILLIC):
            flags = _LATIN if script is Script.LATIN else _CYRILLIC
            flags |= _UPPER if len(written) > 1 and written.isupper() else 0
            flags |= _CAPITALS if written.isupper() else 0
            flags |= _MARKER if lower in TURKIC_MARKERS else 0
        return flags, lower

    def _word(self, written: str) -> tuple[int, str]:
        """What is known of a word as written (0 unless plain), and the word lower-case: its
        writing, and whether it is a given name, a patronymic, or ends as family names do."""
        found = self._written.get(written)
        if found is None:
            self._room(self._written)
            flags, lower = self._writing(written)
            if flags:
                flags |= _GIVEN if self.is_given(lower) else 0
                flags |= _PATRONYMIC if self.is_patronymic(lower) else 0
                sks = self._spelling(joined(lower))[0]
                flags |= _FAMILY if any(_FAMILY_ENDING.search(s) for s in sks) else 0
            found = self._written[written] = (flags, lower)
        return found

    def _plain(
        self, text: str, word: Callable[[str], tuple[int, str]] | None = None
    ) -> tuple[list[str], tuple[int, ...], bool] | None:
        """The words of a text written plainly (clean as it is, in one script, one space
        between words, none to drop or join), what `word` (`_word` unless given) knows of
        each, and whether in Latin letters; None for any other text, which is read the long
        way."""
        known = [(word or self._word)(w) for w in text.split(" ")]
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

    def _read_written(self, text: str) -> Reading:
        """A full name read the long way: cleaned, repaired, its words found by pattern."""
        clean = clean_text(text)
        again = recleaned(clean)  # what `normalised(clean)` cleans, kept for the raw words too
        words = words_of(lowered(again))
        script = script_of(" ".join(words))
        if not words:
            return Reading(clean, (), script, None, None, None, True)
        raw = words_of(again)
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
