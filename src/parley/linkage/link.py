"""Batch linkage of two rosters: Parley's keys, then Splink's Fellegi-Sunter model on DuckDB."""

from __future__ import annotations

import logging
import math
import os
import tempfile
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from parley.linkage import model
from parley.linkage.prepare import Progress, feature_frames
from parley.linkage.records import LinkageRecord

# Links at or above this probability are reported when no threshold is given (chosen on the
# FEBRL4 and cross-script benchmarks: benchmarks/linkage_*.py).
DEFAULT_THRESHOLD = 0.5
_U_PAIRS = 2_000_000  # random pairs for the u probabilities
_SEED = 1  # the same lists give the same links
_DUCKDB_SHARE = 0.25  # of the machine's memory for DuckDB; beyond it, it spills to disk
_DUCKDB_MAX_GB = 4
_EM_PAIRS = 2_000_000  # pairs sampled for each EM session: enough, and bounded at any size
_PRIOR_BITS = 3.0  # how far the scores may move the guessed share of matches (log2 odds)
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


@dataclass
class LinkResult:
    """The links at or above the threshold, pairs held back, and what to tell the user."""

    links: list[Link]
    warnings: list[str] = field(default_factory=list)
    # At or above the threshold with identifiers that differ: for a person to review. They are
    # in `links` too unless link() was asked to hold them back.
    held: list[Link] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    stats: dict[str, float] = field(default_factory=dict)


class LinkageError(ValueError):
    """The lists cannot be linked as given (a repeated record id, an empty list)."""


def _connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to disk rather than take the machine's memory."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    total = (
        os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    )
    if total:
        limit = max(1, min(_DUCKDB_MAX_GB, int(total * _DUCKDB_SHARE) >> 30))
        con.execute(f"SET memory_limit = '{limit}GB'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/parley-duckdb'")
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


def _train(
    linker: Linker,
    tables: list[Any],
    n: int,
    prior: float,
    warnings: list[str],
    progress: Progress | None,
) -> Linker:
    """Estimate the share of matches, u by sampling, m by EM; a failed step keeps the priors."""

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    step("estimating how many pairs match", 0.0)
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(model.DETERMINISTIC_RULES), recall=0.8
        )
    except Exception as e:  # Splink raises when no pair is sure enough
        warnings.append(f"kept the prior share of matches ({e.__class__.__name__}: {e})")
    step("estimating chance agreement (u)", 0.2)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(_U_PAIRS, n), seed=_SEED)
    for i, rule in enumerate(model.EM_RULES):
        step("training the model (expectation maximisation)", 0.4 + 0.2 * i)
        trained = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=_EM_PAIRS
            )
        except Exception as e:  # too few pairs, or a level EM emptied: keep what we had
            first = str(e).splitlines()[0]
            warnings.append(f"model not trained on {rule!r}, earlier estimates kept ({first})")
            # A failed session leaves Splink's model without the comparisons it had set
            # aside; start again from the model as it was before the session.
            linker = Linker(tables, trained, log_level=None)
    model_now = linker.misc.save_model_to_json()
    share = float(model_now["probability_two_random_records_match"])
    if not 0.0 < share < 0.5:  # tiny lists: every sure pair a match; Splink's log would fail
        model_now["probability_two_random_records_match"] = prior
        warnings.append(f"share of matches estimated as {share:.3g}; the prior {prior:.3g} kept")
        linker = Linker(tables, model_now, log_level=None)
    return linker


def _explain(
    row: Mapping[Hashable, Any], comparisons: tuple[model.Comparison, ...]
) -> tuple[str, float]:
    said = []
    missing = []
    for c in comparisons:
        gamma = int(row[f"gamma_{c.column}"])
        if gamma < 0:
            missing.append(c.name)
            continue
        weight = float(row[f"mw_{c.column}"])
        tf = row.get(f"mw_tf_adj_{c.column}")
        if tf is not None and not pd.isna(tf):
            weight += float(tf)
        said.append((abs(weight), f"{c.name}: {c.label(gamma)} ({weight:+.1f})"))
    said.sort(key=lambda x: -x[0])
    text = "; ".join(s for _, s in said)
    if missing:
        text += f"; not on both records: {', '.join(missing)}"
    return text, float(row["match_weight"])


_IDENTIFIERS = ("service number", "national id")


def _weight(probability: float) -> float:
    p = min(probability, 1 - 1e-12)
    return math.log2(p / (1 - p))


def _probability(weight: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-weight)))


def _recalibrate(rows: pd.DataFrame, linker: Linker, n_left: int, n_right: int) -> float:
    """Move the prior to the share of matches the scores themselves imply; return the shift.

    The deterministic rules guess the share of matching pairs from a recall we assume;
    the scores tell how many records have their match: the sum, over each list, of each
    record's best probability. A few rounds reach the fixed point. The weights and
    probabilities in `rows` are updated in place.
    """
    if rows.empty:
        return 0.0
    prior = float(linker.misc.save_model_to_json()["probability_two_random_records_match"])
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


def _differing(
    row: Mapping[Hashable, Any], comparisons: tuple[model.Comparison, ...]
) -> tuple[str, ...]:
    """The identifiers that differ wholly on a pair: its lowest level, not a one-keystroke typo."""
    return tuple(
        c.name for c in comparisons if c.name in _IDENTIFIERS and int(row[f"gamma_{c.column}"]) == 0
    )


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
    left: Sequence[LinkageRecord],
    right: Sequence[LinkageRecord],
    *,
    threshold: float | None = None,
    one_to_one: bool = False,
    progress: Progress | None = None,
    hold_differing_ids: bool = False,
) -> LinkResult:
    """Link two rosters: every pair at or above `threshold` that is one human, explained.

    A service number or national id that differs wholly is evidence against a pair, weighed
    by the model like any field (records of one human carry a mistyped or reissued number
    at a rate training estimates), not a veto. A pair that reaches the threshold despite it
    says so in its explanation and `Link.differing`, and is listed in `held` for a person
    to review; `hold_differing_ids=True` also keeps such pairs out of `links`, as a
    mediator's proposals must. `progress(stage, fraction)` is called as the run goes.
    """
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    if not 0.0 < threshold <= 1.0:
        raise LinkageError(f"threshold {threshold} is not a probability in (0, 1]")
    t0 = time.perf_counter()
    (frame_l, frame_r), warnings = feature_frames([left, right], ["left", "right"], progress)
    if frame_l.empty or frame_r.empty:
        return LinkResult([], [*warnings, "one of the lists is empty"], threshold=threshold)
    _check_ids(frame_l, "left")
    _check_ids(frame_r, "right")
    # Splink compares keys only; the words were needed to settle name order.
    frame_l = frame_l.drop(columns=["fam_text", "given_text", "patr_text", "order_certain"])
    frame_r = frame_r.drop(columns=["fam_text", "given_text", "patr_text", "order_certain"])
    comparisons = _comparisons(frame_l, frame_r)
    t1 = time.perf_counter()
    db = DuckDBAPI(_connection())
    tables = [
        db.register(frame_l, table_name="parley_left"),
        db.register(frame_r, table_name="parley_right"),
    ]
    prior = 1.0 / max(len(frame_l), len(frame_r))
    linker = Linker(tables, model.settings(comparisons, prior), log_level=None)
    linker = _train(linker, tables, len(frame_l) * len(frame_r), prior, warnings, progress)
    t2 = time.perf_counter()
    if progress is not None:
        progress("scoring candidate pairs", 0.8)
    # Low enough to catch every pair the recalibrated prior may lift over the threshold.
    cut = _weight(threshold)
    floor = cut - _PRIOR_BITS
    scored = linker.inference.predict(threshold_match_weight=floor)
    wanted = ["record_id_l", "record_id_r", "match_weight", "match_probability"]
    for c in comparisons:
        wanted += [f"gamma_{c.column}", f"mw_{c.column}"]
        if any(lv.tf for lv in c.levels):
            wanted.append(f"mw_tf_adj_{c.column}")
    # Only the columns the explanations need: the matching columns would double the memory.
    narrow = scored.query_sql(f"select {', '.join(wanted)} from {{this}}")
    rows: pd.DataFrame = narrow.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    shift = _recalibrate(rows, linker, len(frame_l), len(frame_r))

    t3 = time.perf_counter()
    rows = rows[rows["match_weight"] >= cut]
    links: list[Link] = []
    held: list[Link] = []
    for row in rows.to_dict("records"):
        text, weight = _explain(row, comparisons)
        differing = _differing(row, comparisons)
        if differing:
            verb = "differ" if len(differing) > 1 else "differs"
            text = f"{' and '.join(differing)} {verb}: review before acting; {text}"
        lk = Link(
            str(row["record_id_l"]),
            str(row["record_id_r"]),
            _probability(weight),
            weight,
            text,
            differing,
        )
        if differing:
            held.append(lk)
        if not (differing and hold_differing_ids):
            links.append(lk)
    if held:
        warnings.append(
            f"{len(held)} pair(s) reach the threshold though their service numbers or national "
            "ids differ: "
            + ("held back for review" if hold_differing_ids else "linked, marked for review")
        )
    if one_to_one:
        links = _one_to_one(links)
    links.sort(key=lambda x: (-x.match_probability, x.left_id, x.right_id))
    if progress is not None:
        progress("done", 1.0)
    stats = {
        "prepare_s": t1 - t0,
        "train_s": t2 - t1,
        "predict_s": t3 - t2,
        "total_s": time.perf_counter() - t0,
        "scored_pairs": float(len(rows)),
        "prior_shift_bits": shift,
    }
    return LinkResult(links, warnings, held, threshold, stats)
