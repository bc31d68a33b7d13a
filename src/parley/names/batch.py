"""Columns of written names read together: each distinct text and word read once.

`read_names` reads columns of names (arrays, a value a record) with the rules
`NameReader.parts` applies to one name; its results are those of each name alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from parley.names.reading import (
    _CYRILLIC,
    _FAMILY,
    _LATIN,
    _MARKER,
    NameReader,
    Placement,
)

Objects = npt.NDArray[np.object_]
Codes = npt.NDArray[np.intp]
Column: TypeAlias = Objects | pa.Array
# Names of more words than this are read one by one (`read_parts`).
_MAX_BATCH_WORDS = 10


def read_parts(reader: NameReader, texts: list[str]) -> Objects:
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
    known = [reader._word(w) for w in encoded.dictionary.to_pylist()]
    flags_of = np.array([f for f, _ in known], dtype=np.int64)
    lower_of = np.array([w for _, w in known], dtype=object)
    length_of = np.array([len(w) for _, w in known], dtype=np.int64)
    flags = flags_of[word]
    every = np.bitwise_or.reduceat(flags, starts)
    first, last = word[starts], word[starts + counts - 1]
    # The conditions of `_plain`, a name at a time: the names it refuses are read the long
    # way; a long name's placement key would not fit in 64 bits, and it is read alone.
    written = (
        (np.minimum.reduceat(flags, starts) == 0)
        | (every & _MARKER != 0)
        | ((every & _LATIN != 0) & (every & _CYRILLIC != 0))
        | ((counts > 2) & (length_of[first] == 1))
        | ((counts > 3) & (length_of[last] <= 2))
    )
    alone = written | (counts > _MAX_BATCH_WORDS)
    latin = every & _CYRILLIC == 0
    # What placement reads of each word (five bits), at its place in the name.
    placing = (flags & 15) | ((flags & _FAMILY) >> 3)
    place = np.arange(len(flags), dtype=np.int64) - np.repeat(starts, counts)
    key = np.add.reduceat(placing << (5 * np.minimum(place, _MAX_BATCH_WORDS)), starts)
    key |= (counts.astype(np.int64) << 55) | (latin.astype(np.int64) << 60)
    key[alone] = -1
    distinct, back = np.unique(key, return_inverse=True)
    placements = np.array(
        [_decoded(reader, int(k)) if k >= 0 else (None, None, None, False) for k in distinct],
        dtype=object,
    ).reshape(-1, 4)
    placed, found = placements[back], pd.notna(placements)[back]
    lower = lower_of[word]
    for j in range(3):
        at = placed[:, j]
        has = found[:, j] & ~alone
        out[:, j] = None
        out[has, j] = lower[starts[has] + at[has].astype(np.intp)]
    out[:, 3] = placed[:, 3]
    for i in np.flatnonzero(alone).tolist():
        text = texts[i]
        reading = reader._read_written(text) if written[i] else reader.read_once(text)
        out[i] = (*reading.parts(), reading.certain)
    return out


def _decoded(reader: NameReader, key: int) -> Placement:
    """The placement of the words a batch key stands for (`read_parts`)."""
    n = (key >> 55) & 31
    codes = [(key >> (5 * i)) & 31 for i in range(n)]
    return reader._placed(tuple((c & 15) | ((c & 16) << 3) for c in codes), bool(key >> 60))


@dataclass
class NameParts:
    """The texts of every name's parts, as `NameReader.parts` reads each, and whether the
    order of each name is certain."""

    family: Objects
    given: Objects
    patronymic: Objects
    certain: npt.NDArray[np.bool_]


def _by_value(values: Column, key: Callable[[Any], object]) -> tuple[Codes, Objects]:
    """The code of each value and `key` of each distinct value; code -1 (missing) takes None.

    Arrow tells the values apart (pandas' factorize takes `'\\x00A'` for `''`)."""
    if not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string(), from_pandas=True)
    encoded = values.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    distinct = encoded.dictionary.to_pylist()
    keyed = np.empty(len(distinct) + 1, dtype=object)
    keyed[:-1] = [key(v) for v in distinct]
    return codes, keyed


def read_names(
    full_name: Column,
    family: Column,
    given: Column,
    patronymic: Column,
    reader: NameReader,
) -> NameParts:
    """The parts of each name given as columns (Arrow strings, or objects with None where
    missing), each distinct value read once: what `NameReader.parts` gives each row alone."""
    fam_codes, fam_parts = _by_value(family, reader.part)
    giv_codes, giv_parts = _by_value(given, reader.part)
    pat_codes, pat_parts = _by_value(patronymic, reader.part)
    fam, giv, pat = fam_parts[fam_codes], giv_parts[giv_codes], pat_parts[pat_codes]
    # A given column that also holds the patronymic is split where the patronymic is missing.
    splits = np.array([reader.split_given(t) if t else None for t in giv_parts], dtype=object)
    split = np.flatnonzero(pd.notna(splits)[giv_codes] & pd.isna(pat))
    for i, (first, rest) in zip(split.tolist(), splits[giv_codes[split]].tolist(), strict=True):
        giv[i], pat[i] = first, rest
    certain = np.ones(len(fam), dtype=bool)
    # Where each part is missing, kept as the parts are filled in below.
    no_fam, no_giv, no_pat = pd.isna(fam), pd.isna(giv), pd.isna(pat)
    blank = no_fam & no_giv & no_pat
    # A full name is read when the columns are empty, or to fill the parts they leave empty.
    full_codes, full_texts = _by_value(full_name, lambda v: v)
    given_full = np.array([bool(t) for t in full_texts], dtype=bool)[full_codes]
    filled = ~blank & given_full & (no_fam | no_giv)
    rows = np.flatnonzero(blank | filled)
    read, codes = np.unique(full_codes[rows], return_inverse=True)
    parts = read_parts(reader, [full_texts[code] or "" for code in read.tolist()])[codes]
    for column, missing, j in ((fam, no_fam, 0), (giv, no_giv, 1), (pat, no_pat, 2)):
        column[rows] = np.where(missing[rows], parts[:, j], column[rows])
        missing[rows] = pd.isna(column[rows])
    certain[rows] = np.where(blank[rows], parts[:, 3].astype(bool), True)
    # A family column alone holding several words is read as a full name.
    alone = ~blank & ~no_fam & no_giv & no_pat
    for i in np.flatnonzero(alone).tolist():
        if " " in fam[i]:
            reading = reader.read(fam[i])
            fam[i], giv[i], pat[i] = reading.parts()
            certain[i] = reading.certain
    return NameParts(fam, giv, pat, certain)
