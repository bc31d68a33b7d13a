"""Which scored pairs are answers: a record's best candidate, or a group too close to call.

A roster lists each human once, so a record has at most one true partner on the other list.
A candidate far below the best candidate of either of its records is that record's relative
or namesake, not an answer. Where a record's best candidates are within `MARGIN` of each
other, the evidence cannot choose: they form one ambiguous group, every candidate in it is
reported with the group's id, and none of them is a link until a person chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

# Candidates of one record within this many bits of its best (odds of 6:1) cannot be told
# apart: a typo or a missing field moves a weight that much.
MARGIN = 2.6

_Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Answers:
    """The pairs to report, by row number on each side, and the ambiguous group of each."""

    left: _Ints
    right: _Ints
    group: _Ints  # -1 for a clear link, else the ambiguous group's number (0, 1, ...)
    dominated: int  # pairs over the threshold left out: another candidate was far better


def _components(left: _Ints, right: _Ints) -> _Ints:
    """Connected components of a bipartite graph given as edges, numbered from 0."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(x: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root((0, a)), root((1, b))
        if ra != rb:
            parent[ra] = rb
    numbers: dict[tuple[int, int], int] = {}
    out = [numbers.setdefault(root((0, a)), len(numbers)) for a in left.tolist()]
    return np.array(out, dtype=np.int64)


def _best(keys: _Ints, w: npt.NDArray[np.float64], among: npt.NDArray[np.bool_]) -> Floats:
    """The best weight of each pair's record among the pairs `among` (-inf if none)."""
    best = pd.Series(w[among]).groupby(keys[among]).max()
    return np.asarray(best.reindex(keys).fillna(-np.inf), dtype=np.float64)


def _undominated(left: _Ints, right: _Ints, w: Floats, margin: float) -> npt.NDArray[np.bool_]:
    """The pairs within `margin` of the best candidate of both their records, once the pairs
    far below a record's best are set aside (a record whose best candidate is another's
    relative still has its own answer)."""
    keep = np.ones(len(w), dtype=bool)
    for _ in range(20):
        close = keep & (w >= _best(left, w, keep) - margin) & (w >= _best(right, w, keep) - margin)
        beaten = (w < _best(left, w, close) - margin) | (w < _best(right, w, close) - margin)
        if not (keep & beaten).any():
            return close
        keep &= ~beaten
    return close


# A group of at most this many pairs is settled as a whole (below); a larger one stays a group.
_SETTLED_PAIRS = 12


def _settled(left: _Ints, right: _Ints, gain: Floats, margin: float) -> npt.NDArray[np.int8]:
    """Which pairs of one group the group as a whole settles: 1 for a pair every other way
    of pairing the group's records falls `margin` short of, -1 for a pair beside such a
    pair, 0 for the rest.

    Each record is one human at most once: a way of pairing the group takes each record once
    at most, and its worth is the sum of its pairs' `gain` (a pair's weight over the least a
    lone answer needs; leaving a record unpaired is worth nothing). A pair is settled when
    the best way with it beats the best way with any pair beside it (its records paired
    otherwise) by `margin`: a record whose second candidate is as likely another's is no
    longer in doubt (`Башполченко` with his own record, and a namesake's record that his
    namesake explains as well)."""
    n = len(gain)
    beside = [
        [j for j in range(n) if j != i and (left[j] == left[i] or right[j] == right[i])]
        for i in range(n)
    ]
    best: dict[int, float] = {}

    def most(free: int) -> float:
        """The worth of the best way of pairing with the pairs in the bitmask `free`."""
        if free == 0:
            return 0.0
        if free not in best:
            i = (free & -free).bit_length() - 1
            rest = free & ~(1 << i)
            found = most(rest)
            if gain[i] > 0:
                taken = rest
                for j in beside[i]:
                    taken &= ~(1 << j)
                found = max(found, float(gain[i]) + most(taken))
            best[free] = found
        return best[free]

    everything = (1 << n) - 1

    def worth(i: int) -> float:
        free = everything & ~(1 << i)
        for j in beside[i]:
            free &= ~(1 << j)
        return float(gain[i]) + most(free)

    with_pair = [worth(i) for i in range(n)]
    out = np.zeros(n, dtype=np.int8)
    for i in range(n):
        if beside[i] and with_pair[i] >= max(with_pair[j] for j in beside[i]) + margin:
            out[i] = 1
    for i in np.flatnonzero(out == 1).tolist():
        out[beside[i]] = -1
    return out


def answers(
    rows: pd.DataFrame, cut: float, *, margin: float = MARGIN, lone: float | None = None
) -> Answers:
    """The pairs of `rows` (record_id_l, record_id_r, match_weight) worth reporting at the
    weight `cut`: clear best candidates at or over it, and every candidate of an ambiguous
    group that has one at or over it; with `lone`, also a pair at or over that weight which
    is the only candidate of both its records once the candidates far below another's best
    are set aside (no namesake competes for either record), and every candidate of a group
    that has one at or over `lone` (each would be an answer alone: together, a person
    chooses)."""
    low = cut if lone is None else min(cut, lone)
    frame = rows.loc[rows["match_weight"].to_numpy(dtype=float) >= low - margin]
    # In the order of the records, whatever order the rows came in: the groups are numbered
    # by their first left record, the same each time the same lists are linked.
    frame = frame.sort_values(["record_id_l", "record_id_r"], kind="stable")
    left = frame["record_id_l"].to_numpy(dtype=np.int64)
    right = frame["record_id_r"].to_numpy(dtype=np.int64)
    w = frame["match_weight"].to_numpy(dtype=float)
    close = _undominated(left, right, w, margin)
    dominated = int(((w >= cut) & ~close).sum())
    left, right, w = left[close], right[close], w[close]
    shared = pd.Series(left).duplicated(keep=False).to_numpy()
    shared |= pd.Series(right).duplicated(keep=False).to_numpy()
    clear = ~shared & (w >= low)
    # Groups: the pairs of records with more than one close candidate, linked by records;
    # a small group settles what the pairing of all its records makes plain.
    many = np.flatnonzero(shared)
    component = _components(left[many], right[many])
    settled = np.zeros(len(many), dtype=np.int8)
    for members in pd.Series(np.arange(len(many))).groupby(component).indices.values():
        if len(members) <= _SETTLED_PAIRS:
            pick = many[members]
            settled[members] = _settled(left[pick], right[pick], w[pick] - low, margin)
    clear[many[settled == 1]] = w[many[settled == 1]] >= low
    dominated += int((w[many[settled == -1]] >= cut).sum())
    many = many[settled == 0]
    component = _components(left[many], right[many])
    over = pd.Series(w[many] >= low).groupby(component).transform("any").to_numpy(dtype=bool)
    kept = many[over]
    _, numbered = np.unique(component[over], return_inverse=True)
    group = np.full(len(left), -1, dtype=np.int64)
    group[kept] = numbered
    chosen = clear | (group >= 0)
    return Answers(left[chosen], right[chosen], group[chosen], dominated)
