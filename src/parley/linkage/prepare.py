"""A record's keys, computed once: the name's keys, the date as written, the other fields."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pandas as pd

from parley.linkage.fields import (
    WrittenDate,
    citizenship_key,
    identifier_key,
    parse_written_date,
    place_keys,
    rank_key,
    sex_key,
    unit_key,
)
from parley.linkage.records import LinkageRecord
from parley.names import NameKeys, normalise_person_name

Progress = Callable[[str, float], None]


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


def prepare(record: LinkageRecord, side: str = "") -> PreparedRecord:
    """Keys and warnings of one record; `side` names its list in the warnings."""
    return _prepared(record, record_name(record), side)


def _prepared(record: LinkageRecord, name: NameKeys, side: str) -> PreparedRecord:
    birth = parse_written_date(record.birth_date)
    warnings = []
    where = f"{side} record {record.record_id}" if side else f"record {record.record_id}"
    if birth is not None and birth.problem:
        warnings.append(f"{where}: birth date {birth.text!r} {birth.problem}; compared as written")
    if name.is_empty():
        warnings.append(f"{where}: no name; matched on the other fields only")
    return PreparedRecord(record, name, birth, tuple(warnings))


_PARALLEL_FROM = 40_000  # below this, starting worker processes costs more than it saves
_CHUNK = 20_000


def name_columns(n: NameKeys) -> dict[str, object]:
    """The columns of a name: skeletons, stems, phonetic codes, groups, and its words."""
    fam, giv, pat = n.family, n.given, n.patronymic
    fam_codes = fam.codes if fam is not None else ()
    fam_sk = fam.skeletons if fam is not None else ()
    return {
        "fam_skel": fam_sk[0] if fam_sk else None,
        "fam_skel2": fam_sk[1] if len(fam_sk) > 1 else (fam_sk[0] if fam_sk else None),
        "fam_stem": fam.stems[0] if fam is not None else None,
        "fam_code": fam_codes[0] if fam_codes else None,
        "fam_code2": fam_codes[1] if len(fam_codes) > 1 else (fam_codes[0] if fam_codes else None),
        "given_key": n.given_key() or None,
        "given_skel": giv.skeleton if giv is not None else None,
        "given_skel2": giv.skeletons[-1] if giv is not None else None,
        "given_code": giv.code if giv is not None else None,
        "given_code2": giv.codes[-1] if giv is not None else None,
        "given_known": bool(giv is not None and (giv.groups or giv.diminutive_of)),
        "given_initial": giv.skeleton[:1] if giv is not None else None,
        "patr_key": n.patronymic_key() or None,
        "patr_stem": pat.stems[0] if pat is not None else None,
        "name_sex": n.sex if not n.sex_from_ending else None,
        "fam_text": fam.text if fam is not None else None,
        "given_text": giv.text if giv is not None else None,
        "patr_text": pat.text if pat is not None else None,
        "order_certain": n.order_certain,
    }


def feature_row(p: PreparedRecord) -> dict[str, object]:
    """The columns Splink compares, all derived from Parley's keys."""
    r, b = p.record, p.birth
    place, place_code = place_keys(r.birth_place)
    names = name_columns(p.name)
    return {
        "record_id": r.record_id,
        **names,
        "birth_y": b.year if b else None,
        "birth_m": b.month if b else None,
        "birth_d": b.day if b else None,
        "bdate": b.iso() if b and b.day is not None else None,
        "place": place,
        "place_code": place_code,
        "citizenship": citizenship_key(r.citizenship),
        "rank": rank_key(r.rank),
        "unit": unit_key(r.unit),
        "service_number": identifier_key(r.service_number),
        "national_id": identifier_key(r.national_id),
        "sex": sex_key(r.sex) or names["name_sex"],
        "category": (r.category or "").strip().lower() or None,
        "address": place_keys(r.home_address)[0],
    }


_INTEGERS = ("birth_y", "birth_m", "birth_d")
_BOOLEANS = ("given_known", "order_certain")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """One Arrow type a column, whatever a chunk holds (an all-empty chunk stays string)."""
    types = {
        c: "int64[pyarrow]" if c in _INTEGERS else "bool[pyarrow]" if c in _BOOLEANS
        else "string[pyarrow]"
        for c in frame.columns
    }  # fmt: skip
    return frame.astype(types)


def _chunk_columns(
    records: list[LinkageRecord], side: str
) -> tuple[dict[str, list[object]], list[str]]:
    """Feature columns of a chunk of records, as lists: cheap to send between processes."""
    columns: dict[str, list[object]] = {}
    warnings: list[str] = []
    # Name tables repeat heavily: each distinct name is keyed once a chunk.
    names: dict[tuple[str | None, ...], NameKeys] = {}
    for r in records:
        written = (r.full_name, r.family_name, r.given_name, r.patronymic)
        name = names.get(written)
        if name is None:
            name = names[written] = record_name(r)
        p = _prepared(r, name, side)
        warnings += p.warnings
        for key, value in feature_row(p).items():
            columns.setdefault(key, []).append(value)
    return columns, warnings


def feature_frame(
    records: Sequence[LinkageRecord], side: str = "", progress: Progress | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The feature table of a list and its warnings, in worker processes for long lists."""
    chunks = [list(records[i : i + _CHUNK]) for i in range(0, len(records), _CHUNK)]
    workers = min(os.cpu_count() or 1, 4)
    # Forking is safe only while this process runs no other thread (DuckDB's, a server's).
    alone = (
        threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon  # a pool's worker has no children
    )
    frames: list[pd.DataFrame] = []
    warnings: list[str] = []

    def keep(done: tuple[dict[str, list[object]], list[str]]) -> None:
        # Arrow-backed columns: a million rows of short strings in a tenth of the memory.
        frames.append(_typed(pd.DataFrame(done[0])))
        warnings.extend(done[1])

    def report(i: int) -> None:
        if progress is not None:
            progress(f"reading the {side or 'records'} list", (i + 1) / len(chunks))

    if len(records) < _PARALLEL_FROM or workers < 2 or not alone:
        for i, chunk in enumerate(chunks):
            keep(_chunk_columns(chunk, side))
            report(i)
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for i, done in enumerate(pool.map(_chunk_columns, chunks, [side] * len(chunks))):
                keep(done)
                report(i)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return frame, warnings


def orient(frames: list[pd.DataFrame]) -> None:
    """Settle, in place, the order of names written without a clue to it (`Orhyp Tsvatkov`).

    The lists themselves tell which words are family names: those whose sound stands as a
    family name where the order is certain, and likewise for given names. A name whose two
    words read better the other way round is swapped.
    """
    families: Counter[str] = Counter()
    givens: Counter[str] = Counter()
    for f in frames:
        sure = f[f["order_certain"] & f["fam_code"].notna() & f["given_code"].notna()]
        families.update(sure["fam_code"].tolist())
        givens.update(sure["given_code"].tolist())
    for f in frames:
        unsure = f[~f["order_certain"] & f["fam_text"].notna() & f["given_text"].notna()]
        swapped_rows: dict[int, dict[str, object]] = {}
        for i, fam_code, giv_code, fam, giv, patr in zip(
            unsure.index, unsure["fam_code"], unsure["given_code"], unsure["fam_text"],
            unsure["given_text"], unsure["patr_text"], strict=True,
        ):  # fmt: skip
            as_is = math.log1p(families[fam_code]) + math.log1p(givens[giv_code])
            swapped = math.log1p(families[giv_code]) + math.log1p(givens[fam_code])
            if swapped > as_is:
                patronymic = None if pd.isna(patr) else str(patr)
                keys = normalise_person_name(family=str(giv), given=str(fam), patronymic=patronymic)
                swapped_rows[int(i)] = name_columns(replace(keys, order_certain=False))
        if swapped_rows:  # one assignment a column: Arrow columns are rewritten whole
            index = list(swapped_rows)
            for col in next(iter(swapped_rows.values())):
                values = pd.Series([row[col] for row in swapped_rows.values()], index=index)
                kept = f[col].astype(object).where(~f.index.isin(index), values)
                f[col] = kept.astype(f[col].dtype)
