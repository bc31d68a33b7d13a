"""Interactive search of a roster by a name in any script, answering while a user waits.

The index holds every record's name keys in memory: an inverted index from blocking keys
(stems, phonetic codes, family code with given name) to records, the primary family
skeletons for a fuzzy pass with rapidfuzz, and both standard romanisations of each name with
a trigram index. A query gathers candidates from all three, ranks them by an estimate of the
final score, and scores the best hundred or so with the full name comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from parley.domain.dates import WrittenDate, parse_written_date
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
from parley.names.respelling import russian_respellings

_FUZZY = 100  # nearest family skeletons taken from the whole roster per query spelling
# Candidates scored with the full comparison. The prerank estimates the final score, so the
# right record is rarely further down (benchmarks/linkage_search.py --rerank).
_RERANK = 80
_CROWDED = 5_000  # a key shared by more records than this finds nothing specific
_ROMAN = 40  # nearest standard romanisations (either standard) taken per reading
# Romanisations sharing the largest part of a reading's trigrams, then ranked by Jaro-Winkler:
# counting shared trigrams is far cheaper than scoring every name of a large roster.
_PRESELECT = 300
_COMMON_GRAM = 0.05  # a trigram in more than this share of the names ranks nothing (" ov", "ych")
# Weight of the second view: Jaro-Winkler between standard romanisations (tuned on the
# Wikidata tune file: benchmarks/names_vectors.py --file tune).
_ROMAN_WEIGHT = 0.3
# A Latin query against a roster's romanisations has its respellings to match them with: the
# spelling says more (tuned on the same file).
_LATIN_ROMAN_WEIGHT = 0.45
# A name read as a Russian list would have transcribed it scores a little below the same
# agreement as written.
_RESPELT = 0.97
_DATE_WEIGHT = 0.2  # of the score, where both sides have a birth date
# The given name against the family name in the prerank, as in the full comparison (0.3/0.5).
_GIVEN_WEIGHT = 0.6

# What makes a search's answer clear enough for batch reconciliation to take it as a candidate:
# the first hit's score, its lead over the second, and how far the birth dates must agree
# (`date_agreement`: 0.6 one year apart on the same day, 0.8 the same year).
CLEAR_SCORE = 0.7
CLEAR_LEAD = 0.05
CLEAR_DATES = 0.6

_Scores = npt.NDArray[np.float64]
_Rows = npt.NDArray[np.intp]
_Strings = Sequence[str] | npt.NDArray[np.object_]  # an object array holds str


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


def scored(
    names: NameComparison,
    spelt: float,
    when: WrittenDate | None,
    p: PreparedRecord,
    spelling: float = _ROMAN_WEIGHT,
) -> SearchHit:
    """A record's hit: the name comparison with the query, the romanised spelling score
    (weighed `spelling`) and, where both have one, the birth dates' agreement, in one score
    and in words."""
    score = (1 - spelling) * names.score + spelling * spelt
    why = f"{names.explain()}; romanised spelling {spelt:.2f}"
    dates = date_agreement(when, p.birth)
    if dates is not None:
        score = (1 - _DATE_WEIGHT) * score + _DATE_WEIGHT * dates[0]
        why += f"; birth date {p.birth.text if p.birth else ''}: {dates[1]}"
    return SearchHit(p.record.record_id, round(score, 4), why)


def _compare(
    a: NameKeys, b: NameKeys, compared: dict[tuple[NameKeys, NameKeys], NameComparison]
) -> NameComparison:
    found = compared.get((a, b))
    if found is None:
        found = compared[(a, b)] = compare_names(a, b)
    return found


def _readings(text: str) -> tuple[str, str]:
    """Standard romanisations of a name, lower-case: the Ukrainian and the Russian reading of
    Cyrillic, the text itself otherwise (`SHEVCHENKO` is compared as `shevchenko`)."""
    if detect_script(text) is not Script.CYRILLIC:
        return text.lower(), text.lower()
    # word by word: a roster repeats its family and given names, and each word's reading is
    # kept (`to_latin` is cached), so a large roster is romanised at the cost of its words
    words = text.split(" ")
    return (
        " ".join(to_latin(w, Standard.KMU_2010, Language.UKRAINIAN) for w in words).lower(),
        " ".join(to_latin(w, Standard.PRESS_EN, Language.RUSSIAN) for w in words).lower(),
    )


def _similarities(texts: Sequence[str], choices: _Strings) -> _Scores:
    """Jaro-Winkler of each text against each choice, one row a text (one pass for them all)."""
    scores: _Scores = process.cdist(
        texts, choices, scorer=JaroWinkler.normalized_similarity, dtype=np.float64
    )
    return scores


def _trigrams(text: str) -> set[str]:
    padded = f" {text} "  # the first and last letters count, as Jaro-Winkler's prefix does
    return {padded[k : k + 3] for k in range(len(padded) - 2)}


class _Distinct:
    """Columns' distinct strings, each with the rows that hold it in any column."""

    def __init__(self, *columns: list[str]) -> None:
        rows: dict[str, set[int]] = defaultdict(set)
        for column in columns:
            for i, value in enumerate(column):
                rows[value].add(i)
        self.values = list(rows)
        self.rows = [sorted(r) for r in rows.values()]

    def nearest(self, texts: Sequence[str], limit: int, cutoff: float) -> list[int]:
        """For each text, the rows of the nearest distinct strings (Jaro-Winkler, at least
        `cutoff`), best first, until `limit` rows are taken."""
        if not texts or not self.values:
            return []
        everyone = np.arange(len(self.values))
        out: list[int] = []
        for scores in _similarities(texts, self.values):
            out.extend(self.best_rows(scores, everyone, limit, cutoff))
        return out

    def best_rows(self, scores: _Scores, strings: _Rows, limit: int, cutoff: float) -> list[int]:
        """Rows of `strings` (indices into `values`, with their `scores`) best first, ties in
        roster order, until `limit` rows are taken; rows tied on one string come too, up to
        three times `limit`."""
        keep = scores >= cutoff
        scores, strings = scores[keep], strings[keep]
        out: list[int] = []
        for k in np.lexsort((strings, -scores))[:limit]:
            out.extend(self.rows[strings[k]])
            if len(out) >= limit:
                break
        return out[: 3 * limit]  # a crowded spelling cannot flood the candidates


class _Romanised(_Distinct):
    """Both standard romanisations of every name, with the names that hold each trigram."""

    def __init__(self, *columns: list[str]) -> None:
        super().__init__(*columns)
        # One flat (trigram, name) pair array, grouped by trigram: a list and a set per name
        # would hold far more memory on a large roster (benchmarks/linkage_search.py).
        codes: dict[str, int] = {}
        pairs: list[int] = []
        owners: list[int] = []
        for j, value in enumerate(self.values):
            for gram in _trigrams(value):
                pairs.append(codes.setdefault(gram, len(codes)))
                owners.append(j)
        trigram = np.array(pairs, dtype=np.int32)
        owner = np.array(owners, dtype=np.int32)
        del pairs, owners
        held = np.bincount(trigram, minlength=len(codes))
        grouped = owner[np.argsort(trigram, kind="stable")]
        ends = np.cumsum(held)
        self._holders = {g: grouped[ends[k] - held[k] : ends[k]] for g, k in codes.items()}
        common = held > _COMMON_GRAM * len(self.values)
        self._common = {g for g, k in codes.items() if common[k]}
        n = len(self.values)
        self._sizes = np.bincount(owner, minlength=n).astype(np.float64)
        self._rare_sizes = np.bincount(owner, weights=~common[trigram], minlength=n)

    def nearest(self, texts: Sequence[str], limit: int, cutoff: float = 0.0) -> list[int]:
        """For each text, the rows of the nearest romanisations (Jaro-Winkler) among the
        `_PRESELECT` that share the largest part of its trigrams (Dice), best first, until
        `limit` rows are taken. Trigrams common to many names are left out of the count when
        the text shares others with the roster; an exact spelling shares all that count, so is
        never missed.
        """
        out: list[int] = []
        for text in texts:
            grams = {g for g in _trigrams(text) if g in self._holders}
            rare = grams - self._common
            grams, sizes = (rare, self._rare_sizes) if rare else (grams, self._sizes)
            if not grams:
                continue
            # the names holding any of the trigrams, and how many each holds: counted among
            # them alone, not over the whole roster's names
            strings, shared = np.unique(
                np.concatenate([self._holders[g] for g in grams]), return_counts=True
            )
            if len(strings) > _PRESELECT:
                dice = shared / (len(grams) + sizes[strings])
                strings = strings[np.argpartition(-dice, _PRESELECT)[:_PRESELECT]]
            scores = _similarities([text], [self.values[j] for j in strings.tolist()])[0]
            out.extend(self.best_rows(scores, strings, limit, cutoff))
        return out


class SearchIndex:
    """An in-memory index over a roster's names and birth dates."""

    def __init__(self, records: Iterable[LinkageRecord]) -> None:
        self._rerank = _RERANK  # a benchmark may set it: candidates fully scored per query
        self._records: list[PreparedRecord] = [prepare(r) for r in records]
        self._rows: dict[str, int] | None = None
        self._keys: dict[str, list[int]] = defaultdict(list)
        family: list[str] = []
        given: list[str] = []
        readings = [_readings(p.name.text) for p in self._records]
        self._roman: tuple[list[str], list[str]] = (
            [r[0] for r in readings],
            [r[1] for r in readings],
        )
        # The fuzzy passes scan each distinct spelling once, not each record.
        self._romanised = _Romanised(*self._roman)
        # Arrays, so that a query takes its candidates' spellings and dates in one step.
        self._roman_arrays = tuple(np.array(column, dtype=object) for column in self._roman)
        self._births = np.array([p.birth for p in self._records], dtype=object)
        for i, p in enumerate(self._records):
            for key in p.name.blocking_keys():
                self._keys[key].append(i)
            parts = [p.name.family, *p.name.extra] if not p.name.order_certain else []
            fam = p.name.family or p.name.given
            family.append(fam.skeleton if fam is not None else "")
            other = p.name.given if fam is p.name.family else None
            given.append(other.skeleton if other is not None else "")
            for part in parts:
                if part is not None and part is not fam:
                    self._keys["s:" + part.stems[0]].append(i)
        self._family_distinct = _Distinct(family)
        # Each record's family and given skeleton as a number, for the prerank's table lookup.
        codes: dict[str, int] = {}
        self._family = np.array([codes.setdefault(x, len(codes)) for x in family], dtype=np.intp)
        self._given = np.array([codes.setdefault(x, len(codes)) for x in given], dtype=np.intp)
        self._skeletons = list(codes)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def warnings(self) -> list[str]:
        """Problems found in the roster's records (impossible dates, empty names)."""
        return [w for p in self._records for w in p.warnings]

    def _candidates(self, query: NameKeys, roman: Sequence[str]) -> set[int]:
        found = set(self._romanised.nearest(roman, _ROMAN))
        for key in query.blocking_keys():
            ids = self._keys.get(key, ())
            if len(ids) <= _CROWDED:
                found.update(ids)
        parts = [p for p in (query.family, query.given, *query.extra) if p is not None]
        spellings = list(dict.fromkeys(s for part in parts[:2] for s in part.skeletons))
        found.update(self._family_distinct.nearest(spellings, _FUZZY, 0.7))
        return found

    def _spelt(self, roman: Sequence[str], ids: _Rows) -> tuple[_Scores, _Rows]:
        """Each candidate's best Jaro-Winkler between a reading and a standard romanisation,
        and which reading gave it."""
        scores = np.concatenate([_similarities(roman, c[ids]) for c in self._roman_arrays])
        which = scores.argmax(axis=0)
        best: _Scores = scores[which, np.arange(len(ids))]
        return best, which % len(roman)

    def _named(self, queries: Sequence[NameKeys], ids: _Rows) -> _Scores:
        """A cheap estimate of the name comparison: family skeleton first, the given name to
        order namesakes; either order of the query, the best of its spellings."""
        spellings = list(
            dict.fromkeys(p.skeleton for q in queries for p in (q.family, q.given) if p is not None)
        )
        if not spellings:
            return np.zeros(len(ids))
        family, given = self._family[ids], self._given[ids]
        seen = np.unique(np.concatenate((family, given)))  # a crowded candidate set repeats names
        like = np.zeros(len(self._skeletons))
        names = [self._skeletons[k] for k in seen.tolist()]
        like[seen] = _similarities(spellings, names).max(axis=0)
        estimate: _Scores = (like[family] + _GIVEN_WEIGHT * like[given]) / (1 + _GIVEN_WEIGHT)
        return estimate

    def _prerank(
        self,
        queries: Sequence[NameKeys],
        roman: Sequence[str],
        when: WrittenDate | None,
        found: set[int],
    ) -> list[tuple[int, float, int]]:
        """The candidates most likely to score best, each with its romanised spelling score
        and the reading that gave it.

        The estimate is the final score with the name comparison replaced by `_named` over
        the query and its respellings.
        """
        ids = np.fromiter(found, dtype=np.intp, count=len(found))
        estimate, spelt, which = self._estimates(queries, roman, when, ids)
        order = np.lexsort((ids, -estimate))[: self._rerank]
        return list(
            zip(ids[order].tolist(), spelt[order].tolist(), which[order].tolist(), strict=True)
        )

    def _estimates(
        self,
        queries: Sequence[NameKeys],
        roman: Sequence[str],
        when: WrittenDate | None,
        ids: _Rows,
    ) -> tuple[_Scores, _Scores, _Rows]:
        """Each candidate's estimated final score, its romanised spelling score and the
        reading that gave it."""
        spelt, which = self._spelt(roman, ids)
        w = _LATIN_ROMAN_WEIGHT if len(queries) > 1 else _ROMAN_WEIGHT  # respelt: Latin
        estimate = (1 - w) * self._named(queries, ids) + w * spelt
        if when is not None:
            agree = [date_agreement(when, birth) for birth in self._births[ids]]
            dated = np.array([a is not None for a in agree])
            dates = np.array([a[0] if a is not None else 0.0 for a in agree])
            estimate = np.where(
                dated, (1 - _DATE_WEIGHT) * estimate + _DATE_WEIGHT * dates, estimate
            )
        return estimate, spelt, which

    def _hit(
        self,
        query: NameKeys,
        when: WrittenDate | None,
        row: int,
        spelt: float,
        compared: dict[tuple[NameKeys, NameKeys], NameComparison],
        respelt: NameKeys | None = None,
        latin: bool = False,
    ) -> SearchHit:
        """The record at `row` scored against the query with the full name comparison, and
        against `respelt` (the query as a Russian list would have written it) when that
        spelling is the one the record's romanisation is nearest; namesakes share one
        comparison through `compared`."""
        p = self._records[row]
        names = _compare(query, p.name, compared)
        if respelt is not None and names.score < _RESPELT:  # else the respelling cannot win
            alt = _compare(respelt, p.name, compared)
            if alt.score * _RESPELT > names.score:
                names = NameComparison(
                    alt.score * _RESPELT,
                    alt.parts,
                    (*alt.notes, f"read as a Russian list writes it: {respelt.text}"),
                )
        return scored(names, spelt, when, p, _LATIN_ROMAN_WEIGHT if latin else _ROMAN_WEIGHT)

    def clear_first(self, query: str, birth_date: str | None) -> SearchHit | None:
        """The record the search ranks first, if clearly: at `CLEAR_SCORE` or more, ahead of
        the second by `CLEAR_LEAD`, born when the query says (`CLEAR_DATES`)."""
        hits = self.search(query, birth_date, top=2)
        if not hits or hits[0].score < CLEAR_SCORE:
            return None
        if len(hits) > 1 and hits[0].score - hits[1].score < CLEAR_LEAD:
            return None
        born = self._records[self._row(hits[0].record_id)].birth
        agree = date_agreement(parse_written_date(birth_date), born)
        return hits[0] if agree is not None and agree[0] >= CLEAR_DATES else None

    def _row(self, record_id: str) -> int:
        if self._rows is None:  # built on first need: most searches never ask
            self._rows = {p.record.record_id: i for i, p in enumerate(self._records)}
        return self._rows[record_id]

    def search(self, query: str, birth_date: str | None = None, top: int = 10) -> list[SearchHit]:
        """The `top` records most like `query` (a name in any script and order), best first.

        With a birth date, the score is 80% name and 20% date where the record has one.
        """
        keys = normalise_person_name(query)
        if keys.is_empty() or top <= 0:
            return []
        when = parse_written_date(birth_date)
        # A Latin query is read as written and as a Russian list would have transcribed it.
        readings = set(_readings(keys.text))
        respellings: list[str] = []
        if keys.patronymic is None:  # a name with a father's name is East Slavic, not foreign
            # as typed too: the clean text has lost marks that tell a convention (`Panić`)
            typed = {*russian_respellings(keys.text), *russian_respellings(" ".join(query.split()))}
            respellings = sorted(typed - readings)
        roman = sorted(readings | set(respellings))
        respelt = {r: normalise_person_name(r) for r in respellings}
        found = self._candidates(keys, roman)
        if not found:
            return []
        # The query as each convention's Russian writing, to compare with the record whose
        # romanisation one of them is nearest.
        by_reading = [respelt.get(r) for r in roman]
        compared: dict[tuple[NameKeys, NameKeys], NameComparison] = {}  # namesakes share one
        hits = [
            self._hit(keys, when, i, spelt, compared, by_reading[k], bool(respelt))
            for i, spelt, k in self._prerank([keys, *respelt.values()], roman, when, found)
        ]
        hits.sort(key=lambda h: (-h.score, h.record_id))
        return hits[:top]
