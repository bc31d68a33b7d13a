"""Parley's u, counted over Splink's own random pairs, against Splink's estimate of it."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from splink import DuckDBAPI, Linker

from parley.linkage import LinkageRecord, model, training
from parley.linkage.link import _comparisons
from parley.linkage.prepare import feature_frames
from tests.unit.linkage.cross_script import FAMILIES, GIVEN, cross_script_lists

_SIDES = ("l", "r")
_TABLES = ("keys_l", "keys_r")


def _registered(
    con: duckdb.DuckDBPyConnection, frames: tuple[pd.DataFrame, pd.DataFrame]
) -> tuple[model.Comparison, ...]:
    """The lists' keys as link() gives them to Splink: row numbers for ids."""
    comparisons = _comparisons(*frames)
    words = {w for c in comparisons for w in c.words}
    for table, frame in zip(_TABLES, frames, strict=True):
        numbered = frame.assign(record_id=np.arange(len(frame), dtype=np.int64))
        con.register(table, numbered[[c for c in frame.columns if c not in words]])
    return comparisons


def _u(trained: dict[str, Any]) -> list[list[Any]]:
    return [
        [lv["u_probability"] for lv in c["comparison_levels"] if not lv.get("is_null_level")]
        for c in trained["comparisons"]
    ]


def _both(frames: tuple[pd.DataFrame, pd.DataFrame], pairs: int) -> tuple[list[Any], list[Any]]:
    """u as Splink estimates it and as Parley counts it, from the same priors."""
    con = duckdb.connect()
    comparisons = _registered(con, frames)
    sizes = (len(frames[0]), len(frames[1]))
    db = DuckDBAPI(con)
    tables = [db.register(t, table_name=s) for t, s in zip(_TABLES, _SIDES, strict=True)]
    settings = model.settings(comparisons, 0.01)
    linker = Linker(tables, model.settings(comparisons, 0.01), log_level=None)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=pairs, seed=training.SEED, num_chunks=1
    )
    found = training.chance_agreement(con, comparisons, _TABLES, _SIDES, sizes, pairs)
    ours = training.with_u(settings, found)
    return _u(linker.misc.save_model_to_json()), _u(ours)


@pytest.mark.parametrize("pairs", [5_000, 1_000_000])  # a sample of records; every pair
def test_u_is_splinks_from_the_same_random_pairs(pairs: int) -> None:
    frames, _ = feature_frames(list(cross_script_lists()), ["left", "right"])
    splinks, ours = _both((frames[0], frames[1]), pairs)
    assert ours == splinks  # bit for bit
    priors = _u(model.settings(_comparisons(frames[0], frames[1]), 0.01))
    levels = [pair for c in zip(ours, priors, strict=True) for pair in zip(*c, strict=True)]
    kept = sum(o == p for o, p in levels)
    assert 0 < kept < len(levels) // 2  # levels no pair reached keep their prior


def test_u_counts_the_pairs_both_records_have_the_column_for() -> None:
    left = [LinkageRecord("a", "Мельник", "Іван"), LinkageRecord("b", "Мороз", "Олег")]
    right = [
        LinkageRecord("x", "Мельник", "Петро", birth_date="1980-01-02"),
        LinkageRecord("y", "Лисенко", "Олег"),
        LinkageRecord("z", "Мороз", "Олег"),
    ]
    frames, _ = feature_frames([left, right], ["left", "right"])
    con = duckdb.connect()
    comparisons = _registered(con, (frames[0], frames[1]))
    u = training.chance_agreement(con, comparisons, _TABLES, _SIDES, (2, 3))
    family = u[comparisons.index(model.FAMILY)]
    assert family[0] == 2 / 6  # Мельник twice, Мороз twice of six pairs agree once written
    assert family[-1] == 4 / 6
    assert family[1:-1] == [None] * (len(model.FAMILY.levels) - 2)


_RECORD = st.builds(
    LinkageRecord,
    st.uuids().map(str),
    st.sampled_from(FAMILIES),
    st.sampled_from(GIVEN),
    birth_date=st.none() | st.dates().map(lambda d: f"{1950 + d.year % 50}-{d:%m-%d}"),
    service_number=st.none() | st.sampled_from(["А100", "А101", "А1O1"]),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_RECORD, min_size=1, max_size=40, unique_by=lambda r: r.record_id),
    st.lists(_RECORD, min_size=1, max_size=40, unique_by=lambda r: r.record_id),
    st.integers(1, 2_000),
)
def test_u_is_splinks_on_any_lists(
    left: list[LinkageRecord], right: list[LinkageRecord], pairs: int
) -> None:
    frames, _ = feature_frames([left, right], ["left", "right"])
    splinks, ours = _both((frames[0], frames[1]), pairs)
    assert ours == splinks
