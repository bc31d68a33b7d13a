"""Batch linkage of two rosters: Parley's keys, then Splink's Fellegi-Sunter model on DuckDB."""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from parley.errors import N_, InvalidInput, Sentence
from parley.gcpause import gc_paused
from parley.linkage import ambiguity, explain, model, scoring, training
from parley.linkage.prepare import Progress, feature_frames
from parley.linkage.records import LinkageColumns, LinkageRecord

# Links at or above this probability are reported when no threshold is given (chosen on the
# FEBRL4 and cross-script benchmarks: benchmarks/linkage_*.py).
DEFAULT_THRESHOLD = 0.5
_DUCKDB_SHARE = 0.25  # of the machine's memory for DuckDB; beyond it, it spills to disk
_DUCKDB_MAX_GB = 2.0  # what joins need beyond it spills to disk: memory bounded at any size
_PRIOR_BITS = 3.0  # how far the scores may move the guessed share of matches (log2 odds)
# A pair that is the only candidate of both its records is an answer this far under the
# threshold: no namesake competes for either record.
_LONE_BITS = 2.0
# Rows of an Arrow chunk of the scored pairs: DuckDB explains a chunk a thread.
_SCORED_ROWS = 8_192
# Splink reports training details as warnings; Parley turns what matters into its own.
logging.getLogger("splink").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Link:
    """Two records taken for one human, how sure, and why in words."""

    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    explanation: str
    differing: tuple[str, ...] = ()  # identifiers both records carry that differ wholly
    # The group of candidates too close to tell apart that this pair belongs to: not a match
    # until a person chooses.
    ambiguous: str | None = None
    # The explanation with no value of either record quoted: what a match proposal keeps.
    basis: str = ""


@dataclass
class LinkResult:
    """The links at or above the threshold, pairs held back, and what to tell the user."""

    links: list[Link]
    warnings: list[str] = field(default_factory=list)
    # At or above the threshold with identifiers that differ: for a person to review. They are
    # in `links` too unless link() was asked to hold them back.
    held: list[Link] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    # Where the time went, for benchmarks/linkers.py; not part of the answer.
    _stats: dict[str, float] = field(default_factory=dict, repr=False, compare=False)


class LinkageError(InvalidInput, ValueError):
    """The lists cannot be linked as given (a repeated record id, an empty list)."""


def _connection(frames: list[pd.DataFrame], words: set[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to disk rather than take the machine's memory, the
    two lists' feature tables in it (`parley_l`, `parley_r`) and their keys without the
    words only explanations say (`parley_keys_l`, `parley_keys_r`)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    total = (
        os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    )
    if total:
        limit = max(1.0, min(_DUCKDB_MAX_GB, total * _DUCKDB_SHARE / 2**30))
        con.execute(f"SET memory_limit = '{limit:.1f}GB'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/parley-duckdb'")
    for side, frame in zip("lr", frames, strict=True):
        con.register(f"parley_{side}", frame)
        keys = ", ".join(f'"{c}"' for c in frame.columns if c not in words)
        con.execute(f"create view parley_keys_{side} as select {keys} from parley_{side}")
    return con


def _check_ids(frame: pd.DataFrame, side: str) -> None:
    repeated = frame["record_id"][frame["record_id"].duplicated()]
    if len(repeated):
        raise LinkageError(
            f"record_id {repeated.iloc[0]!r} appears twice in the {side} list; "
            "give every record its own id"
        )


def _present(frame: pd.DataFrame, column: str) -> bool:
    return bool(frame[column].notna().any())


def _comparisons(left: pd.DataFrame, right: pd.DataFrame) -> tuple[model.Comparison, ...]:
    """Only the comparisons both lists carry: a column empty on one side teaches EM nothing."""
    return tuple(
        c for c in model.ALL if _present(left, c.columns[0]) and _present(right, c.columns[0])
    )


_IDENTIFIERS = explain.IDENTIFIERS
# The rules Splink is given: to generate pairs, to count sure pairs, to train on.
_RULES = (model.PREDICTION_RULES, model.DETERMINISTIC_RULES, model.EM_RULES)


def _weight(probability: float) -> float:
    p = min(probability, 1 - 1e-12)
    return math.log2(p / (1 - p))


def _probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))


def _recalibrate(rows: pd.DataFrame, prior: float, n_left: int, n_right: int) -> float:
    """Move the prior to the share of matches the scores themselves imply; return the shift.

    The deterministic rules guess the share of matching pairs from a recall we assume;
    the scores tell how many records have their match: the sum, over each list, of each
    record's best probability. A few rounds reach the fixed point. The weights and
    probabilities in `rows` are updated in place.
    """
    if rows.empty:
        return 0.0
    base = rows["match_weight"].to_numpy(dtype=float)
    shift = 0.0
    for _ in range(10):
        rows["match_probability"] = 1.0 / (1.0 + 2.0 ** (-(base + shift)))
        best_l = rows.groupby("record_id_l")["match_probability"].max().sum()
        best_r = rows.groupby("record_id_r")["match_probability"].max().sum()
        share = min(max((best_l + best_r) / 2 / (n_left * n_right), 1e-12), 0.5)
        new = max(-_PRIOR_BITS, min(_PRIOR_BITS, _weight(share) - _weight(prior)))
        if abs(new - shift) < 0.01:
            shift = new
            break
        shift = new
    rows["match_weight"] = base + shift
    rows["match_probability"] = 1.0 / (1.0 + 2.0 ** (-(base + shift)))
    return shift


def _differing(identifiers: list[model.Comparison], code: int) -> tuple[tuple[str, ...], str]:
    """The names of the identifiers whose bits `code` sets, and what a link says of them."""
    named = tuple(c.name for bit, c in enumerate(identifiers) if code >> bit & 1)
    if not named:
        return named, ""
    verb = "differ" if len(named) > 1 else "differs"
    return named, f"{' and '.join(named)} {verb}: review before acting; "


def _one_to_one(links: list[Link]) -> list[Link]:
    """Each record in at most one link: the most probable first."""
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = []
    for lk in sorted(links, key=lambda x: (-x.match_probability, x.left_id, x.right_id)):
        if lk.left_id not in used_l and lk.right_id not in used_r:
            used_l.add(lk.left_id)
            used_r.add(lk.right_id)
            out.append(lk)
    return out


def link(
    left: Sequence[LinkageRecord] | LinkageColumns,
    right: Sequence[LinkageRecord] | LinkageColumns,
    *,
    threshold: float | None = None,
    one_to_one: bool = False,
    progress: Progress | None = None,
    hold_differing_ids: bool = False,
) -> LinkResult:
    """Link two rosters: each record's answer at or above `threshold`, explained.

    A roster lists each human once: a record's answer is its best candidate, and a candidate
    far below the best of either of its records (a relative, a namesake) is left out. Where
    a record's best candidates are too close to tell apart, every one of them is returned
    with the same `Link.ambiguous` group number and none is a link until a person chooses;
    `one_to_one=True` answers each record with one link instead, the most probable first.

    A service number or national id that differs wholly is evidence against a pair, weighed
    by the model like any field (records of one human carry a mistyped or reissued number
    at a rate training estimates), not a veto. A pair that reaches the threshold despite it
    says so in its explanation and `Link.differing`, and is listed in `held` for a person
    to review; `hold_differing_ids=True` also keeps such pairs out of `links`, as a
    mediator's proposals must. `progress(stage, fraction)` is called as the run goes.
    """
    threshold = _checked(DEFAULT_THRESHOLD if threshold is None else threshold)
    with gc_paused():
        return _link(left, right, threshold, one_to_one, progress, hold_differing_ids)


def _checked(threshold: float) -> float:
    if not 0.0 < threshold <= 1.0:
        raise LinkageError(f"threshold {threshold} is not a probability in (0, 1]")
    return threshold


def _link(
    left: Sequence[LinkageRecord] | LinkageColumns,
    right: Sequence[LinkageRecord] | LinkageColumns,
    threshold: float,
    one_to_one: bool,
    progress: Progress | None,
    hold_differing_ids: bool,
) -> LinkResult:
    t0 = time.perf_counter()
    frames, warnings = feature_frames([left, right], [N_("left"), N_("right")], progress)
    prepared = time.perf_counter() - t0
    # The frames go in a list that _link_frames empties: their unneeded columns are freed
    # before DuckDB starts.
    result = _link_frames(frames, threshold, one_to_one, progress, hold_differing_ids, warnings)
    result._stats["prepare_s"] = prepared + result._stats.get("prepare_s", 0.0)
    result._stats["total_s"] = time.perf_counter() - t0
    return result


def _link_features(
    frame_l: pd.DataFrame,
    frame_r: pd.DataFrame,
    threshold: float = DEFAULT_THRESHOLD,
    one_to_one: bool = False,
    progress: Progress | None = None,
    hold_differing_ids: bool = False,
    warnings: list[str] | None = None,
) -> LinkResult:
    """`link` on two lists' feature tables (`feature_frames`), for benchmarks/linkers.py:
    Splink's training and scoring, and the links explained. The frames are not changed."""
    with gc_paused():
        return _link_frames(
            [frame_l, frame_r],
            _checked(threshold),
            one_to_one,
            progress,
            hold_differing_ids,
            warnings,
        )


def _link_frames(
    pair: list[pd.DataFrame],
    threshold: float,
    one_to_one: bool,
    progress: Progress | None,
    hold_differing_ids: bool,
    warnings: list[str] | None,
) -> LinkResult:
    t0 = time.perf_counter()
    warnings = list(warnings or [])
    frame_l, frame_r = pair
    pair.clear()
    if frame_l.empty or frame_r.empty:
        empty = Sentence(N_("one of the lists is empty"))
        return LinkResult([], [*warnings, empty], threshold=threshold)
    _check_ids(frame_l, "left")
    _check_ids(frame_r, "right")
    comparisons = _comparisons(frame_l, frame_r)
    # A rule on a column one list leaves empty brings no pair: Splink is not asked to run it.
    present = {c for c in frame_l.columns if _present(frame_l, c) and _present(frame_r, c)}
    rules = [tuple(r for r in group if model.rule_columns(r) <= present) for group in _RULES]
    needed = {col for c in comparisons for col in (*c.columns, *c.words)}
    needed |= {col for group in rules for r in group for col in model.rule_columns(r)}
    # Splink compares keys only, and joins pairs by row number rather than by the ids.
    ids = [frame["record_id"].to_numpy(dtype=object) for frame in (frame_l, frame_r)]
    frames = [
        frame[[c for c in frame.columns if c in needed]].assign(
            record_id=np.arange(len(frame), dtype=np.int64)
        )
        for frame in (frame_l, frame_r)
    ]
    del frame_l, frame_r
    t1 = time.perf_counter()
    # Training and scoring see the keys; the words only explanations say stay out of them.
    words = {w for c in comparisons for w in c.words}
    con = _connection(frames, words)
    keys = ("parley_keys_l", "parley_keys_r")
    n_l, n_r = map(len, frames)
    prior = 1.0 / max(n_l, n_r, 2)  # a prior of 1 (one record a side) is an infinite weight
    settings = model.settings(comparisons, prior, rules[0])
    trained = training.train(
        con, keys, settings, comparisons, (n_l, n_r), (rules[1], rules[2]), warnings, progress
    )
    t2 = time.perf_counter()
    if progress is not None:
        progress("scoring candidate pairs", 0.8)
    # Low enough to catch every pair the recalibrated prior may lift over the threshold.
    cut = _weight(threshold)
    floor = cut - _PRIOR_BITS
    # Splink's weights applied by Parley: the same weights as Splink's prediction, without
    # its string keys for every candidate pair (linkage/scoring.py).
    # A fresh database for the scoring: what DuckDB kept from training is given back.
    con.close()
    con = _connection(frames, words)
    # The pairs first: the joins that find them are done with before the pairs are compared.
    con.execute(f"create temp table parley_pairs as {scoring.pairs_sql(rules[0], *keys)}")
    scored = con.sql(
        scoring.scored_sql(trained, comparisons, "parley_pairs", *keys, floor)
    ).to_arrow_table()
    con.execute("drop table parley_pairs")
    # Kept in Arrow chunks, not a DuckDB table: DuckDB scans a table's rows in groups of
    # 122,880, one thread a group, and the explanations below would be written on one core.
    scored = pa.Table.from_batches(scored.to_batches(max_chunksize=_SCORED_ROWS), scored.schema)
    con.register("parley_scored", scored)
    rows = scored.select(["record_id_l", "record_id_r", "match_weight"]).to_pandas()
    shift = _recalibrate(rows, float(trained["probability_two_random_records_match"]), n_l, n_r)
    # Without one-to-one, each record's best candidate, or its group too close to call.
    chosen = None if one_to_one else ambiguity.answers(rows, cut, lone=cut - _LONE_BITS)
    del rows
    low = cut if chosen is None else floor
    found = con.execute(
        scoring.explained_sql("parley_scored", comparisons, "parley_l", "parley_r", shift, low)
    ).fetchnumpy()
    con.close()
    del frames, scored
    scored_pairs = len(found["weight"])
    group = np.full(scored_pairs, -1, dtype=np.int64)
    if chosen is not None:
        key = np.asarray(found["record_id_l"], dtype=np.int64) * n_r
        key += np.asarray(found["record_id_r"], dtype=np.int64)
        answer = pd.Series(chosen.group, index=chosen.left * n_r + chosen.right)
        keep = np.isin(key, answer.index.to_numpy())
        found = {k: v[keep] for k, v in found.items()}
        group = answer.reindex(key[keep]).to_numpy(dtype=np.int64)

    t3 = time.perf_counter()
    links: list[Link] = []
    held: list[Link] = []
    identifiers = [c for c in comparisons if c.name in _IDENTIFIERS]
    # The identifiers that differ, one bit each, and what each set of them says.
    differ = np.zeros(len(group), dtype=np.int64)
    for bit, c in enumerate(identifiers):
        differ |= np.asarray(found[f"differs_{c.column}"], dtype=np.int64) << bit
    says = {code: _differing(identifiers, code) for code in np.unique(differ).tolist()}
    for left_id, right_id, weight, text, basis, among, code in zip(
        ids[0][found["record_id_l"]].tolist(), ids[1][found["record_id_r"]].tolist(),
        found["weight"].tolist(), found["explanation"].tolist(), found["basis"].tolist(),
        group.tolist(), differ.tolist(), strict=True,
    ):  # fmt: skip
        named, prefix = says[code]
        tag = None
        if among >= 0:
            tag = str(among + 1)
            prefix = f"ambiguous (group {tag}): as likely as another candidate; {prefix}"
        lk = Link(
            str(left_id), str(right_id), _probability(weight), weight, prefix + text, named, tag,
            prefix + (text if basis is None else basis),
        )  # fmt: skip
        if named:
            held.append(lk)
        if not (named and hold_differing_ids):
            links.append(lk)
    del found
    if held:
        warnings.append(
            Sentence(
                N_(
                    "{held} pair(s) reach the threshold though their service numbers or "
                    "national ids differ: held back for review"
                )
                if hold_differing_ids
                else N_(
                    "{held} pair(s) reach the threshold though their service numbers or "
                    "national ids differ: linked, marked for review"
                ),
                held=len(held),
            )
        )
    if one_to_one:
        links = _one_to_one(links)
    groups = len({lk.ambiguous for lk in links if lk.ambiguous})
    if groups:
        warnings.append(
            Sentence(
                N_(
                    "{groups} record(s) have candidates too close to tell apart: each such "
                    "group is written with its number in `ambiguous`, none of it linked, for a "
                    "person to choose"
                ),
                groups=groups,
            )
        )
    links.sort(key=lambda x: (-x.match_probability, x.left_id, x.right_id))
    if progress is not None:
        progress("done", 1.0)
    stats = {
        "prepare_s": t1 - t0,
        "train_s": t2 - t1,
        "predict_s": t3 - t2,
        "total_s": time.perf_counter() - t0,
        "scored_pairs": float(scored_pairs),
        "prior_shift_bits": shift,
        "ambiguous_groups": float(groups),
        "dominated_pairs": float(chosen.dominated if chosen is not None else 0),
    }
    return LinkResult(links, warnings, held, threshold, stats)
