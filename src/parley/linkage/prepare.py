"""A record's keys, computed once: the name's keys, the date as written, the other fields.

Lists are keyed column by column: names, dates and places repeat heavily, so each distinct
written value is keyed once and its keys are taken back to the records by integer codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from parley.domain.dates import WrittenDate, parse_written_date, problem_of
from parley.domain.identifiers import identifier_key
from parley.errors import N_, Sentence, Word
from parley.linkage.fields import (
    citizenship_key,
    place_keys,
    rank_key,
    sex_key,
    unit_key,
)
from parley.linkage.records import LinkageColumns, LinkageRecord, as_columns
from parley.names import (
    NameKeys,
    NameReader,
    TokenKeys,
    given_key,
    normalise_person_name,
    part_sex,
    patronymic_key,
    sex_evidence,
)
from parley.names.batch import Column, NameParts, read_names
from parley.names.keys import agreed_sex
from parley.names.tokens import Role

Progress = Callable[[str, float], None]
Objects = npt.NDArray[np.object_]


@dataclass(frozen=True)
class PreparedRecord:
    """A record with its keys and the problems found in it."""

    record: LinkageRecord
    name: NameKeys
    birth: WrittenDate | None
    warnings: tuple[str, ...]


def record_name(record: LinkageRecord) -> NameKeys:
    """The keys of a record's name, from its name columns and its full name."""
    return normalise_person_name(
        record.full_name,
        family=record.family_name,
        given=record.given_name,
        patronymic=record.patronymic,
    )


def _where(record_id: str, side: str) -> Sentence:
    if side:
        return Sentence(N_("{side} record {record}"), side=Word(side), record=record_id)
    return Sentence(N_("record {record}"), record=record_id)


def _date_warning(where: Sentence, birth: WrittenDate) -> Sentence:
    return Sentence(
        N_("{where}: birth date {text!r} {problem}; compared as written"),
        where=where,
        text=birth.text,
        problem=problem_of(birth) or birth.problem,
    )


def _name_warning(where: Sentence) -> Sentence:
    return Sentence(N_("{where}: no name; matched on the other fields only"), where=where)


def prepare(record: LinkageRecord, side: str = "") -> PreparedRecord:
    """Keys and warnings of one record; `side` names its list in the warnings."""
    name = record_name(record)
    birth = parse_written_date(record.birth_date)
    warnings = []
    where = _where(record.record_id, side)
    if birth is not None and birth.problem:
        warnings.append(_date_warning(where, birth))
    if name.is_empty():
        warnings.append(_name_warning(where))
    return PreparedRecord(record, name, birth, tuple(warnings))


def _family_columns(fam: TokenKeys | None) -> dict[str, object]:
    codes = fam.codes if fam is not None else ()
    sks = fam.skeletons if fam is not None else ()
    return {
        "fam_skel": sks[0] if sks else None,
        "fam_skel2": sks[1] if len(sks) > 1 else (sks[0] if sks else None),
        "fam_stem": fam.stems[0] if fam is not None else None,
        "fam_code": codes[0] if codes else None,
        "fam_code2": codes[1] if len(codes) > 1 else (codes[0] if codes else None),
    }


def _given_columns(giv: TokenKeys | None) -> dict[str, object]:
    return {
        "given_key": (given_key(giv) or None) if giv is not None else None,
        "given_skel": giv.skeleton if giv is not None else None,
        "given_skel2": giv.skeletons[-1] if giv is not None else None,
        "given_code": giv.code if giv is not None else None,
        "given_code2": giv.codes[-1] if giv is not None else None,
        "given_alt": _given_alt(giv),
        "given_known": bool(giv is not None and (giv.groups or giv.diminutive_of)),
        "given_initial": giv.skeleton[:1] if giv is not None else None,
    }


def _given_alt(giv: TokenKeys | None) -> str | None:
    """The given name's other group where its spelling belongs to two (`Jan`: Іван and Ян)."""
    if giv is None:
        return None
    return max(giv.groups) if giv.groups else max(giv.diminutive_of, default=given_key(giv))


def _patronymic_columns(pat: TokenKeys | None) -> dict[str, object]:
    return {
        "patr_key": (patronymic_key(pat) or None) if pat is not None else None,
        "patr_stem": pat.stems[0] if pat is not None else None,
        "patr_known": bool(pat is not None and pat.groups),
    }


def name_columns(n: NameKeys) -> dict[str, object]:
    """The columns of a name: skeletons, stems, phonetic codes, groups, and its words."""
    fam, giv, pat = n.family, n.given, n.patronymic
    return {
        **_family_columns(fam),
        **_given_columns(giv),
        **_patronymic_columns(pat),
        "name_sex": n.sex if not n.sex_from_ending else None,
        "fam_text": fam.text if fam is not None else None,
        "given_text": giv.text if giv is not None else None,
        "patr_text": pat.text if pat is not None else None,
        "order_certain": n.order_certain,
    }


def _birth_columns(b: WrittenDate | None) -> dict[str, object]:
    return {
        "birth_y": b.year if b else None,
        "birth_m": b.month if b else None,
        "birth_d": b.day if b else None,
        "bdate": b.iso() if b and b.day is not None else None,
    }


def _place_columns(text: str | None) -> dict[str, object]:
    place, code = place_keys(text)
    return {"place": place, "place_code": code}


def _category_key(text: str | None) -> str | None:
    return (text or "").strip().lower() or None


def _address_key(text: str | None) -> str | None:
    return place_keys(text)[0]


# Columns keyed one field at a time: the feature's name, the record's field, its key.
_SINGLE: tuple[tuple[str, str, Callable[[str | None], str | None]], ...] = (
    ("citizenship", "citizenship", citizenship_key),
    ("rank", "rank", rank_key),
    ("unit", "unit", unit_key),
    ("service_number", "service_number", identifier_key),
    ("national_id", "national_id", identifier_key),
    ("sex", "sex", sex_key),
    ("category", "category", _category_key),
    ("address", "home_address", _address_key),
)


def feature_row(p: PreparedRecord) -> dict[str, object]:
    """The columns Splink compares, all derived from Parley's keys."""
    r = p.record
    names = name_columns(p.name)
    row: dict[str, object] = {
        "record_id": r.record_id,
        **names,
        **_birth_columns(p.birth),
        **_place_columns(r.birth_place),
    }
    for column, source, key in _SINGLE:
        row[column] = key(getattr(r, source))
    n = p.name
    told = (part_sex(n.family, "family"), part_sex(n.given, "given"))
    written = sex_key(r.sex)
    row["sex"], row["sex_parts"] = sex_evidence(
        written, *told, part_sex(n.patronymic, "patronymic")
    )
    return row


_SEXES = (None, "m", "f")
# sex_evidence of every combination of (sex column, family, given name, patronymic), by code.
_EVIDENCE = [sex_evidence(*told) for told in product(_SEXES, repeat=4)]
# agreed_sex of every combination of (given name, patronymic), by code.
_AGREED = np.array([agreed_sex(*told) for told in product(_SEXES, repeat=2)], dtype=object)


def _sex_code(told: Objects) -> npt.NDArray[np.intp]:
    return np.where(told == "m", 1, np.where(told == "f", 2, 0))


_INTEGERS = ("birth_y", "birth_m", "birth_d", "sex_parts")
_BOOLEANS = ("given_known", "patr_known", "order_certain")


def _arrow_type(column: str) -> pa.DataType:
    return pa.int64() if column in _INTEGERS else pa.bool_() if column in _BOOLEANS else pa.string()


# Rows of a feature table's chunk: enough to share a list's work among a machine's cores.
_CHUNK_ROWS = 16_384


def _pandas_type(t: pa.DataType) -> Any:
    # Arrow-backed columns: a million rows of short strings in a tenth of the memory; Arrow's
    # own string type, which pandas' "string" would copy into large strings.
    return pd.ArrowDtype(t)


Coded: TypeAlias = tuple[npt.NDArray[np.intp], list[Any]]


def _factorize(values: Column) -> Coded:
    """The code of each value (-1 where missing) and the distinct values, in the order they
    first appear; an Arrow array gives only its distinct values to Python."""
    if isinstance(values, pa.Array):
        encoded = values.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        return codes, encoded.dictionary.to_pylist()
    codes, distinct = pd.factorize(values)
    return codes, list(distinct)


def _keyed(
    values: Column, key: Callable[[Any], dict[str, object]], coded: Coded | None = None
) -> dict[str, pa.Array]:
    """`key` of each distinct value, computed once, taken back to every row by its code;
    `coded` is `_factorize(values)` where already known, or its codes with what stands for
    each distinct value (a name part's keys, a date's reading)."""
    codes, distinct = coded or _factorize(values)  # a missing value has code -1
    rows = [key(v) for v in distinct]
    rows.append(key(None))
    take = pa.array(np.where(codes < 0, len(distinct), codes))
    return {
        column: pa.array([row[column] for row in rows], type=_arrow_type(column)).take(take)
        for column in rows[0]
    }


def _each_text(values: Column, key: Callable[[Any], str | None]) -> pa.Array:
    """`key` of each distinct value as text, taken back to every row by Arrow."""
    codes, distinct = _factorize(values)
    keyed = pa.array([*(key(v) for v in distinct), key(None)], type=pa.string())
    return keyed.take(pa.array(np.where(codes < 0, len(distinct), codes)))


def _name_parts(records: LinkageColumns, reader: NameReader) -> NameParts:
    full, family, given, patronymic = (
        records.array(f) for f in ("full_name", "family_name", "given_name", "patronymic")
    )
    return read_names(full, family, given, patronymic, reader)


def _orient(names: NameParts, reader: NameReader) -> None:
    """Settle, in place, the order of names written without a clue to it (`Orhyp Tsvatkov`).

    The lists themselves tell which words are family names: those whose sound stands as a
    family name where the order is certain, and likewise for given names. A name whose two
    words read better the other way round is swapped.
    """
    numbers: dict[str, int] = {}  # a number for each sound (phonetic code) met

    def sounds(values: Objects, role: Role) -> npt.NDArray[np.intp]:
        """The number of the sound of each row's part in `role`, -1 where it has none."""
        codes, distinct = _factorize(values)
        found = [
            numbers.setdefault(reader.token(t, role).code, len(numbers)) if t else -1
            for t in distinct
        ]
        return np.array([*found, -1], dtype=np.intp)[codes]  # code -1 (missing) takes the last

    fam_sound, giv_sound = sounds(names.family, "family"), sounds(names.given, "given")
    sure = names.certain & (fam_sound >= 0) & (giv_sound >= 0)
    families = np.bincount(fam_sound[sure], minlength=len(numbers))
    givens = np.bincount(giv_sound[sure], minlength=len(numbers))
    unsure = ~names.certain & pd.notna(names.family) & pd.notna(names.given)
    if not unsure.any():
        return

    def count(sound: npt.NDArray[np.intp], table: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        heard = sound[unsure]
        counts = np.zeros(len(heard))
        counts[heard >= 0] = table[heard[heard >= 0]]
        out: npt.NDArray[np.float64] = np.log1p(counts)
        return out

    as_is = count(fam_sound, families) + count(giv_sound, givens)
    swapped = count(giv_sound, families) + count(fam_sound, givens)
    rows = np.flatnonzero(unsure)[swapped > as_is]
    read: dict[tuple[str, str, str | None], list[int]] = {}
    for i in rows.tolist():
        read.setdefault((names.given[i], names.family[i], names.patronymic[i]), []).append(i)
    for (family, given, patronymic), same in read.items():
        parts = reader.parts(None, family, given, patronymic)
        for i in same:
            names.family[i], names.given[i], names.patronymic[i] = parts[:3]
            names.certain[i] = False


def _part_keys(values: Objects, role: Role, reader: NameReader) -> Coded:
    """The code of each text of a part and the keys of each distinct text in its role."""
    codes, distinct = _factorize(values)
    return codes, [reader.token(text, role) for text in distinct]


def _sex_told(role: Role, keys: Coded) -> npt.NDArray[np.intp]:
    """What each row's part alone tells of the sex, as a code (0 nothing, 1 a man, 2 a woman),
    from the codes and keys of a part's texts (`_part_keys`)."""
    codes, parts = keys
    told = _sex_code(np.array([*(part_sex(k, role) for k in parts), None], dtype=object))
    out: npt.NDArray[np.intp] = told[np.where(codes < 0, len(parts), codes)]
    return out


def _texts(keys: Coded) -> pa.Array:
    """The text of each row's part, from the codes and keys of a part's texts."""
    codes, parts = keys
    texts = pa.array([*(k.text for k in parts), None], type=pa.string())
    return texts.take(pa.array(np.where(codes < 0, len(parts), codes)))


def _name_table(names: NameParts, reader: NameReader) -> dict[str, pa.Array]:
    # Each column's distinct texts keyed once for all the columns below.
    family = _part_keys(names.family, "family", reader)
    given = _part_keys(names.given, "given", reader)
    patronymic = _part_keys(names.patronymic, "patronymic", reader)
    fam = _keyed(names.family, _family_columns, family)
    giv = _keyed(names.given, _given_columns, given)
    pat = _keyed(names.patronymic, _patronymic_columns, patronymic)
    fam_told, giv_told = _sex_told("family", family), _sex_told("given", given)
    pat_told = _sex_told("patronymic", patronymic)
    # The sex a name tells: what its given name and patronymic agree on (`told_sex`).
    sex = _AGREED[giv_told * 3 + pat_told]
    return {
        "sex_told": pa.array(fam_told * 9 + giv_told * 3 + pat_told),
        **fam,
        **giv,
        **pat,
        "name_sex": pa.array(sex, type=pa.string()),
        "fam_text": _texts(family),
        "given_text": _texts(given),
        "patr_text": _texts(patronymic),
        "order_certain": pa.array(names.certain, type=pa.bool_()),
    }


def _warnings(
    records: LinkageColumns, sides: Objects, names: NameParts, births: Coded
) -> list[str]:
    """The problems of each record, in the order of the records; `births` are the codes of
    the birth dates and the reading of each distinct one."""
    nameless = pd.isna(names.family) & pd.isna(names.given) & pd.isna(names.patronymic)
    codes, dates = births
    wrong = np.array([b is not None and bool(b.problem) for b in dates] + [False])
    problem = wrong[np.where(codes < 0, len(dates), codes)]
    rows = np.flatnonzero(nameless | problem)
    ids = records.array("record_id").take(pa.array(rows)).to_pylist()
    out: list[str] = []
    for i, record_id in zip(rows.tolist(), ids, strict=True):
        where = _where(str(record_id), sides[i])
        if problem[i]:
            out.append(_date_warning(where, dates[codes[i]]))
        if nameless[i]:
            out.append(_name_warning(where))
    return out


def feature_frames(
    lists: Sequence[Sequence[LinkageRecord] | LinkageColumns],
    sides: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    oriented: bool = True,
) -> tuple[list[pd.DataFrame], list[str]]:
    """The feature table of each list and their warnings; names whose order is unclear are
    settled by all the lists together unless `oriented` is False."""
    sides = list(sides) if sides is not None else [""] * len(lists)
    records = LinkageColumns.concat([as_columns(part) for part in lists])
    side_of = np.repeat(np.array(sides, dtype=object), [len(part) for part in lists])

    def step(fraction: float) -> None:
        if progress is not None:
            progress("reading the lists", fraction)

    reader = NameReader()  # dropped with this call: a batch's keys are not kept
    names = _name_parts(records, reader)
    step(0.4)
    if oriented:
        _orient(names, reader)
    columns: dict[str, pa.Array] = {"record_id": records.array("record_id")}
    columns |= _name_table(names, reader)
    del reader
    step(0.7)
    written = records.array("birth_date")
    codes, dates = _factorize(written)
    births = codes, [parse_written_date(text) for text in dates]  # each distinct date read once
    columns |= _keyed(written, _birth_columns, births)
    columns |= _keyed(records.array("birth_place"), _place_columns)
    for column, source, key in _SINGLE:
        columns[column] = _each_text(records.array(source), key)
    told = _sex_code(columns["sex"].to_numpy(zero_copy_only=False)) * 27
    told += columns.pop("sex_told").to_numpy()
    distinct, back = np.unique(told, return_inverse=True)
    evidence = [_EVIDENCE[k] for k in distinct.tolist()]
    columns["sex"] = pa.array([e[0] for e in evidence], type=pa.string()).take(pa.array(back))
    columns["sex_parts"] = pa.array([e[1] for e in evidence], type=pa.int64()).take(pa.array(back))
    warnings = _warnings(records, side_of, names, births)
    table = pa.table(columns)
    frames, start = [], 0
    for part in lists:
        piece = table.slice(start, len(part))
        # In pieces: DuckDB scans an Arrow chunk a thread, and one chunk would keep every
        # join and comparison of this list's pairs on one core.
        batches = piece.to_batches(max_chunksize=_CHUNK_ROWS)
        piece = pa.Table.from_batches(batches, schema=piece.schema)
        frames.append(piece.to_pandas(types_mapper=_pandas_type))
        start += len(part)
    del table, columns, records, names, births
    # Arrow keeps what it freed for its next allocation: given back, as DuckDB comes next.
    pa.default_memory_pool().release_unused()
    step(1.0)
    return frames, warnings


def feature_frame(
    records: Sequence[LinkageRecord] | LinkageColumns,
    side: str = "",
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The feature table of one list and its warnings, names in the order they were read."""
    frames, warnings = feature_frames([records], [side], progress, oriented=False)
    return frames[0], warnings
