"""Interactive search of a roster by a name in any script, answering in milliseconds.

The index holds every record's name keys in memory: an inverted index from blocking keys
(stems, phonetic codes, family code with given name) to records, and the primary family
skeletons for a fuzzy pass with rapidfuzz. A query gathers candidates from both, ranks
them cheaply, and scores the best few hundred with the full name comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from parley.linkage.fields import WrittenDate, parse_written_date
from parley.linkage.prepare import PreparedRecord, prepare
from parley.linkage.records import LinkageRecord
from parley.names import (
    Language,
    NameComparison,
    NameKeys,
    Script,
    Standard,
    compare_names,
    detect_script,
    normalise_person_name,
    to_latin,
)

_FUZZY = 100  # nearest family skeletons taken from the whole roster per query spelling
_RERANK = 300  # candidates scored with the full comparison
_CROWDED = 5_000  # a key shared by more records than this finds nothing specific
_ROMAN = 20  # nearest standard romanisations taken from the whole roster per reading
# Weight of the second view: Jaro-Winkler between standard romanisations (tuned on the
# Wikidata tune file: top-10 0.947 -> 0.953).
_ROMAN_WEIGHT = 0.3


@dataclass(frozen=True)
class SearchHit:
    """One record found: its id, a score in [0, 1] and why."""

    record_id: str
    score: float
    explanation: str


def date_agreement(a: WrittenDate | None, b: WrittenDate | None) -> tuple[float, str] | None:
    """How far two written birth dates agree, in [0, 1], and in words; None if one is absent."""
    if a is None or b is None or a.year is None or b.year is None:
        return None
    if a.year == b.year:
        if a.month is None or b.month is None:
            return 0.8, "same year, month unknown on one side"
        if a.month == b.month:
            if a.day is None or b.day is None:
                return 0.9, "same year and month, day unknown on one side"
            if a.day == b.day:
                return 1.0, "same birth date"
            return 0.5, "same year and month, another day"
        if a.day is not None and (a.month, a.day) == (b.day, b.month):
            return 0.9, "day and month swapped"
        return 0.3, "same year, another month"
    if abs(a.year - b.year) == 1 and (a.month, a.day) == (b.month, b.day):
        return 0.6, "one year apart, same day"
    return 0.0, "different birth dates"


def _readings(text: str) -> tuple[str, str]:
    """Standard romanisations of a name: the Ukrainian and the Russian reading of Cyrillic."""
    if detect_script(text) is not Script.CYRILLIC:
        return text, text
    return (
        to_latin(text, Standard.KMU_2010, Language.UKRAINIAN).lower(),
        to_latin(text, Standard.PRESS_EN, Language.RUSSIAN).lower(),
    )


class _Distinct:
    """A column's distinct strings, each with the rows that hold it."""

    def __init__(self, column: list[str]) -> None:
        rows: dict[str, list[int]] = defaultdict(list)
        for i, value in enumerate(column):
            rows[value].append(i)
        self.values = list(rows)
        self.rows = list(rows.values())

    def nearest(self, text: str, limit: int, cutoff: float) -> list[int]:
        """Rows of the nearest distinct strings (Jaro-Winkler), best first, until `limit`
        rows are taken; rows tied on one string come too, up to three times `limit`."""
        out: list[int] = []
        for _, _, j in process.extract(
            text, self.values, scorer=JaroWinkler.normalized_similarity,
            limit=limit, score_cutoff=cutoff,
        ):  # fmt: skip
            out.extend(self.rows[j])
            if len(out) >= limit:
                break
        return out[: 3 * limit]  # a crowded spelling cannot flood the candidates


class SearchIndex:
    """An in-memory index over a roster's names and birth dates."""

    def __init__(self, records: Iterable[LinkageRecord], *, rerank: int = _RERANK) -> None:
        self._rerank = rerank  # candidates scored with the full comparison per query
        self._records: list[PreparedRecord] = [prepare(r) for r in records]
        self._keys: dict[str, list[int]] = defaultdict(list)
        self._family: list[str] = []
        self._given: list[str] = []
        readings = [_readings(p.name.text) for p in self._records]
        self._roman: tuple[list[str], list[str]] = (
            [r[0] for r in readings],
            [r[1] for r in readings],
        )
        # The fuzzy passes scan each distinct spelling once, not each record.
        self._roman_distinct = tuple(_Distinct(column) for column in self._roman)
        for i, p in enumerate(self._records):
            for key in p.name.blocking_keys():
                self._keys[key].append(i)
            parts = [p.name.family, *p.name.extra] if not p.name.order_certain else []
            fam = p.name.family or p.name.given
            self._family.append(fam.skeleton if fam is not None else "")
            other = p.name.given if fam is p.name.family else None
            self._given.append(other.skeleton if other is not None else "")
            for part in parts:
                if part is not None and part is not fam:
                    self._keys["s:" + part.stems[0]].append(i)
        self._family_distinct = _Distinct(self._family)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def warnings(self) -> list[str]:
        """Problems found in the roster's records (impossible dates, empty names)."""
        return [w for p in self._records for w in p.warnings]

    def _candidates(self, query: NameKeys, roman: tuple[str, str]) -> set[int]:
        found: set[int] = set()
        for reading in set(roman):
            for column in self._roman_distinct:
                found.update(column.nearest(reading, _ROMAN, 0.0))
        for key in query.blocking_keys():
            ids = self._keys.get(key, ())
            if len(ids) <= _CROWDED:
                found.update(ids)
        parts = [p for p in (query.family, query.given, *query.extra) if p is not None]
        for part in parts[:2]:
            for spelling in part.skeletons:
                found.update(self._family_distinct.nearest(spelling, _FUZZY, 0.7))
        return found

    def _prerank(self, query: NameKeys, ids: set[int]) -> list[int]:
        if len(ids) <= self._rerank:
            return list(ids)
        spellings = [p.skeleton for p in (query.family, query.given) if p is not None]
        jw = JaroWinkler.normalized_similarity
        seen: dict[str, float] = {}  # a crowded candidate set repeats its names

        def like(name: str) -> float:
            found = seen.get(name)
            if found is None:
                found = seen[name] = max(jw(s, name) for s in spellings)
            return found

        def near(i: int) -> float:
            # Family first, the given name to order namesakes; either order of the query.
            return like(self._family[i]) + 0.5 * like(self._given[i])

        order = sorted(ids, key=lambda i: (-near(i), i))
        return order[: self._rerank]

    def search(self, query: str, birth_date: str | None = None, top: int = 10) -> list[SearchHit]:
        """The `top` records most like `query` (a name in any script and order), best first.

        With a birth date, the score is 80% name and 20% date where the record has one.
        """
        keys = normalise_person_name(query)
        if keys.is_empty() or top <= 0:
            return []
        when = parse_written_date(birth_date)
        roman = _readings(keys.text)
        hits = []
        # Namesakes in the roster share one comparison.
        compared: dict[NameKeys, NameComparison] = {}
        for i in self._prerank(keys, self._candidates(keys, roman)):
            p = self._records[i]
            names = compared.get(p.name)
            if names is None:
                names = compared[p.name] = compare_names(keys, p.name)
            spelt = max(
                JaroWinkler.normalized_similarity(q, column[i])
                for q in set(roman)
                for column in self._roman
            )
            score = (1 - _ROMAN_WEIGHT) * names.score + _ROMAN_WEIGHT * spelt
            why = f"{names.explain()}; romanised spelling {spelt:.2f}"
            dates = date_agreement(when, p.birth)
            if dates is not None:
                score = 0.8 * score + 0.2 * dates[0]
                why += f"; birth date {p.birth.text if p.birth else ''}: {dates[1]}"
            hits.append(SearchHit(p.record.record_id, round(score, 4), why))
        hits.sort(key=lambda h: (-h.score, h.record_id))
        return hits[:top]
