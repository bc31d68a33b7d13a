"""Transcription similarity: an edit distance whose costs know how scripts map sounds.

Writing a name of any origin in Cyrillic or in Latin letters changes it in regular ways
(Spanish `j` is Russian `х`, Japanese `chi` is `ти`, a soft vowel gains an `и`). The costs
below were learned from the Wikidata tune file by benchmarks/names_learn_costs.py; an edit
not listed costs 1, an equal letter 0. `_` stands for nothing (an insertion or deletion).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

Costs = dict[tuple[str, str], float]

_TABLE = """
_>Z:0.71 _>a:0.70 _>c:0.97 _>d:0.40 _>h:0.91 _>i:0.24 _>z:0.77 C>S:0.67
C>h:0.47 C>k:0.87 C>t:0.51 S>s:0.29 Z>z:0.98 a>e:0.86 c>_:0.64 c>t:0.94
e>_:0.52 h>_:0.53 h>Z:0.99 i>_:0.88 k>_:0.95 o>_:0.83 o>u:0.98 s>_:0.64
s>S:0.94 s>z:0.83 t>_:0.81 u>_:0.58 u>a:0.97 v>u:0.76 z>_:0.83 z>C:0.73
z>S:0.79 z>c:0.54 z>s:0.64
"""


def _parse(table: str) -> Costs:
    out: Costs = {}
    for cell in table.split():
        edit, _, cost = cell.partition(":")
        x, _, y = edit.partition(">")
        out[(x.replace("_", ""), y.replace("_", ""))] = float(cost)
    return out


COSTS: Costs = _parse(_TABLE)
# The cheapest single edit: every edit script of k non-free edits costs at least k times it.
MIN_COST: float = min(1.0, *COSTS.values())


def align(a: str, b: str, costs: Costs) -> tuple[float, list[tuple[str, str]]]:
    """The cheapest edit script from `a` to `b`: its cost and its edits, `""` for nothing."""
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        d[i][0] = d[i - 1][0] + costs.get((a[i - 1], ""), 1.0)
        back[i][0] = (i - 1, 0)
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + costs.get(("", b[j - 1]), 1.0)
        back[0][j] = (0, j - 1)
    for i in range(1, n + 1):
        x = a[i - 1]
        delete = costs.get((x, ""), 1.0)
        for j in range(1, m + 1):
            y = b[j - 1]
            options = (
                (d[i - 1][j - 1] + (0.0 if x == y else costs.get((x, y), 1.0)), (i - 1, j - 1)),
                (d[i - 1][j] + delete, (i - 1, j)),
                (d[i][j - 1] + costs.get(("", y), 1.0), (i, j - 1)),
            )
            d[i][j], back[i][j] = min(options)
    ops: list[tuple[str, str]] = []
    i, j = n, m
    while i or j:
        pi, pj = back[i][j]
        ops.append((a[pi] if pi < i else "", b[pj] if pj < j else ""))
        i, j = pi, pj
    return d[n][m], ops[::-1]


# Substitution costs by source letter, so that the inner loop reads one small dict.
_SUBSTITUTE: dict[str, dict[str, float]] = {}
for (_x, _y), _cost in COSTS.items():
    if _x and _y:
        _SUBSTITUTE.setdefault(_x, {})[_y] = _cost


@lru_cache(maxsize=262144)
def transcription_distance(a: str, b: str) -> float:
    """The weighted edit distance between two skeletons under the learned costs."""
    costs = COSTS
    insert = [costs.get(("", y), 1.0) for y in b]
    prev = [0.0]
    for cost in insert:
        prev.append(prev[-1] + cost)
    for x in a:
        delete = costs.get((x, ""), 1.0)
        row = _SUBSTITUTE.get(x, {})
        left = prev[0] + delete
        cur = [left]
        for j, y in enumerate(b):
            sub = prev[j] + (0.0 if x == y else row.get(y, 1.0))
            up = prev[j + 1] + delete
            side = left + insert[j]
            left = sub if sub < up else up
            if side < left:
                left = side
            cur.append(left)
        prev = cur
    return prev[-1]


def transcription_similarity(a: str, b: str) -> float:
    """1 minus the weighted edit distance over the longer length, in [0, 1]."""
    if not a or not b:
        return 0.0
    return max(0.0, 1.0 - transcription_distance(a, b) / max(len(a), len(b)))


def transcription_distance_bound(a: str, b: str) -> float:
    """A lower bound of transcription_distance, from rapidfuzz's C Levenshtein.

    Any edit script needs at least the Levenshtein distance's number of edits, none of
    which costs less than MIN_COST.
    """
    return Levenshtein.distance(a, b) * MIN_COST


def best_transcription_similarity(spellings: Iterable[str], b: str) -> float:
    """The highest transcription_similarity of `b` to any of `spellings`, 0 if none.

    Spellings whose bound shows they cannot beat the best so far skip the costly distance.
    """
    if not b:
        return 0.0
    ranked = sorted(
        (1.0 - transcription_distance_bound(a, b) / max(len(a), len(b)), a) for a in spellings if a
    )
    best = 0.0
    for ceiling, a in reversed(ranked):
        if ceiling <= best:
            break  # sorted: no later spelling can do better
        best = max(best, transcription_similarity(a, b))
    return best
