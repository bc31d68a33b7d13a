"""Records of one list that may be one human written twice.

Each record is compared with every other born the same year (one without a birth year with
every record) the way a search of one by the other would score it (`search.scored`), but in
bulk: the cheap views of the search's prerank — spelling of the family and given names and
both standard romanisations — come for all pairs of a year at once as Jaro-Winkler matrices,
and only pairs whose estimate comes within `_MARGIN` of the threshold are compared in full.
A list written in one hand shares its years among few records, so this costs about what the
linkage of two lists does (benchmarks/reconcile_rosters.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from parley.linkage.prepare import PreparedRecord, prepare
from parley.linkage.records import LinkageRecord
from parley.linkage.search import (
    _DATE_WEIGHT,
    _GIVEN_WEIGHT,
    _ROMAN_WEIGHT,
    SearchHit,
    _readings,
    _similarities,
    date_agreement,
    scored,
)
from parley.names import compare_names

# How far below the threshold a pair's estimate may be and still be compared in full: on the
# demo's lists with a few hundred injected misspellings, no pair at 0.92 or more had an
# estimate more than 0.04 below it.
_MARGIN = 0.1
_CHUNK = 256  # records compared with all the others at once, to bound the matrices' memory

_Scores = npt.NDArray[np.float32]
_Rows = npt.NDArray[np.intp]


class _Names:
    """The records' family and given skeletons as codes into one list, and both romanisations."""

    def __init__(self, prepared: Sequence[PreparedRecord]) -> None:
        codes: dict[str, int] = {"": 0}
        family, given = [], []
        for p in prepared:
            fam = p.name.family or p.name.given
            giv = p.name.given if fam is p.name.family else None
            family.append(codes.setdefault(fam.skeleton if fam is not None else "", len(codes)))
            given.append(codes.setdefault(giv.skeleton if giv is not None else "", len(codes)))
        self.family = np.array(family, dtype=np.intp)
        self.given = np.array(given, dtype=np.intp)
        self.skeletons = list(codes)
        readings = [_readings(p.name.text) for p in prepared]
        self.roman = [x for r in readings for x in r]  # two a record: Ukrainian, Russian reading

    def estimates(self, rows: _Rows, others: _Rows) -> tuple[_Scores, _Scores]:
        """For each of `rows` against each of `others`: the estimate of the name part of the
        search's score (before birth dates), and the romanised spelling score."""
        used = np.unique(np.concatenate((self.family[rows], self.given[rows])))
        seen = np.unique(np.concatenate((self.family[others], self.given[others])))
        like = _similarities(
            [self.skeletons[k] for k in used.tolist()], [self.skeletons[k] for k in seen.tolist()]
        ).astype(np.float32)
        like[used == 0, :] = 0.0  # a part missing from the query is not compared,
        like[:, seen == 0] = 0.0  # and one missing from the record agrees with nothing
        fam_q = np.searchsorted(used, self.family[rows])[:, None]
        giv_q = np.searchsorted(used, self.given[rows])[:, None]
        fam_o = np.searchsorted(seen, self.family[others])[None, :]
        giv_o = np.searchsorted(seen, self.given[others])[None, :]
        on_family = np.maximum(like[fam_q, fam_o], like[giv_q, fam_o])
        on_given = np.maximum(like[fam_q, giv_o], like[giv_q, giv_o])
        named = (on_family + _GIVEN_WEIGHT * on_given) / (1 + _GIVEN_WEIGHT)
        spelling = _similarities(
            [self.roman[2 * i + k] for i in rows.tolist() for k in (0, 1)],
            [self.roman[2 * j + k] for j in others.tolist() for k in (0, 1)],
        ).reshape(len(rows), 2, len(others), 2)
        spelt = spelling.max(axis=(1, 3)).astype(np.float32)
        return ((1 - _ROMAN_WEIGHT) * named + _ROMAN_WEIGHT * spelt).astype(np.float32), spelt


def _year(p: PreparedRecord) -> int | None:
    return p.birth.year if p.birth is not None else None


def written_twice(
    records: Iterable[LinkageRecord],
    threshold: float,
    progress: Callable[[float], None] | None = None,
) -> list[tuple[str, SearchHit]]:
    """Pairs of records that a search of one by the other (its name and birth date) scores at
    `threshold` or more, each pair once: the first record's id and the hit on the second.
    Records born in different years are never paired."""
    prepared = [prepare(r) for r in records]
    names = _Names(prepared)
    years: dict[int | None, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        years[_year(p)].append(i)
    everyone = np.arange(len(prepared), dtype=np.intp)
    out: list[tuple[str, SearchHit]] = []
    done = 0
    for year, members in years.items():
        rows = np.array(members, dtype=np.intp)
        others = rows if year is not None else everyone
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            out += _pairs(prepared, names, chunk, others, threshold, year is None)
            done += len(chunk)
            if progress is not None:
                progress(done / len(prepared))
    return out


def _pairs(
    prepared: Sequence[PreparedRecord],
    names: _Names,
    rows: _Rows,
    others: _Rows,
    threshold: float,
    undated: bool,
) -> list[tuple[str, SearchHit]]:
    estimate, spelt = names.estimates(rows, others)
    # A birth date can add at most its share: a pair below this bound cannot reach the floor.
    floor = threshold - _MARGIN
    near = np.argwhere(estimate >= min(floor, (floor - _DATE_WEIGHT) / (1 - _DATE_WEIGHT)))
    out = []
    for a, b in near.tolist():
        i, j = int(rows[a]), int(others[b])
        # each pair once: the later record of a year, or any record but an earlier undated one
        if j == i or (j < i and (not undated or _year(prepared[j]) is None)):
            continue
        p, q = prepared[i], prepared[j]
        if p.name.is_empty() or q.name.is_empty():
            continue
        est = float(estimate[a, b])
        dates = date_agreement(p.birth, q.birth)
        if dates is not None:
            est = (1 - _DATE_WEIGHT) * est + _DATE_WEIGHT * dates[0]
        if est < floor:
            continue
        hit = scored(compare_names(p.name, q.name), float(spelt[a, b]), p.birth, q)
        if hit.score >= threshold:
            out.append((p.record.record_id, hit))
    return out
