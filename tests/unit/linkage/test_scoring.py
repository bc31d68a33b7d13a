"""Parley's scoring of a trained model against Splink's own prediction, pair by pair."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from parley.linkage import explain, model, scoring
from parley.linkage.link import _comparisons
from parley.linkage.prepare import feature_frames
from parley.linkage.training import as_macros
from tests.unit.linkage.cross_script import cross_script_lists


def _tables(con: duckdb.DuckDBPyConnection) -> tuple[tuple[model.Comparison, ...], list[str]]:
    """The cross-script lists keyed as link() keys them, with row numbers for ids."""
    (frame_l, frame_r), _ = feature_frames(list(cross_script_lists()), ["left", "right"])
    comparisons = _comparisons(frame_l, frame_r)
    words = {w for c in comparisons for w in c.words}
    for side, frame in (("l", frame_l), ("r", frame_r)):
        numbered = frame.assign(record_id=np.arange(len(frame)))
        con.register(f"frame_{side}", numbered)
        con.register(f"keys_{side}", numbered[[c for c in frame.columns if c not in words]])
    present = {c for c in frame_l.columns if frame_l[c].notna().any() and frame_r[c].notna().any()}
    rules = [r for r in model.PREDICTION_RULES if model.rule_columns(r) <= present]
    return comparisons, rules


def _trained(linker: Linker) -> dict[str, Any]:
    linker.training.estimate_u_using_random_sampling(max_pairs=20_000, seed=1)
    for rule in model.EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    return trained


@pytest.mark.parametrize("floor", [-3.0, -40.0])
def test_weights_are_splinks_bit_for_bit(floor: float) -> None:
    con = duckdb.connect()
    comparisons, rules = _tables(con)
    db = DuckDBAPI(con)
    tables = [db.register("keys_l", table_name="l"), db.register("keys_r", table_name="r")]
    settings = model.settings(comparisons, 0.005, tuple(rules))
    linker = Linker(tables, settings, log_level=None)
    trained = _trained(linker)
    splink = linker.inference.predict(threshold_match_weight=floor)
    theirs = con.execute(
        f"select * from {splink.physical_name} order by record_id_l, record_id_r"
    ).df()
    con.execute(f"create table pairs as {scoring.pairs_sql(rules, 'keys_l', 'keys_r')}")
    sql = scoring.scored_sql(trained, comparisons, "pairs", "keys_l", "keys_r", floor)
    ours = con.execute(f"select * from ({sql}) order by record_id_l, record_id_r").df()
    assert len(ours) > 200
    pd.testing.assert_frame_equal(
        ours[["record_id_l", "record_id_r"]], theirs[["record_id_l", "record_id_r"]]
    )
    weights = [c for c in ours.columns if c == "match_weight" or c.startswith("mw_")]
    assert len(weights) > len(comparisons)  # each comparison, its term frequencies, the sum
    for column in weights:
        assert ours[column].to_numpy().tobytes() == theirs[column].to_numpy().tobytes(), column
    # Not a trivial agreement: the weights span links and non-links, term frequencies count.
    assert ours["match_weight"].min() < 0 < ours["match_weight"].max()
    assert ours["mw_tf_adj_family_name"].abs().max() > 0
    # The explanations from the levels kept are those computed again from the records.
    con.execute(f"create table scored as {sql}")
    for side in "lr":
        con.execute(f"create view words_{side} as select * from frame_{side}")
    mine = scoring.explained_sql("scored", comparisons, "words_l", "words_r", 0.25, floor)
    again = (
        explain.linked_sql("scored", comparisons, 0.25, floor)
        .replace("parley_l", "words_l")
        .replace("parley_r", "words_r")
    )
    order = " order by record_id_l, record_id_r"
    # A null basis is the explanation: no level of the pair quotes a record.
    rows = [
        (*row[:4], row[3] if row[4] is None else row[4], *row[5:])
        for row in con.execute(mine + order).fetchall()
    ]
    assert rows == con.execute(again + order).fetchall()
    assert None in [row[4] for row in con.execute(mine).fetchall()]


def test_a_model_without_a_comparison_is_refused() -> None:
    trained: dict[str, Any] = {"comparisons": [], "probability_two_random_records_match": 0.1}
    with pytest.raises(ValueError, match="no comparison 'family name'"):
        scoring.scored_sql(trained, (model.FAMILY,), "pairs", "l", "r", 0.0)


def _values(trained: dict[str, Any]) -> list[Any]:
    return [
        lv.get(key)
        for c in trained["comparisons"]
        for lv in c["comparison_levels"]
        for key in ("m_probability", "u_probability")
        if key in lv
    ]


def test_levels_handed_to_splink_as_macros_train_the_same_model() -> None:
    con = duckdb.connect()
    comparisons, rules = _tables(con)
    db = DuckDBAPI(con)
    tables = [db.register("keys_l", table_name="l"), db.register("keys_r", table_name="r")]
    plain = model.settings(comparisons, 0.005, tuple(rules))
    macros = as_macros(model.settings(comparisons, 0.005, tuple(rules)), con)
    calls = [lv["sql_condition"] for c in macros["comparisons"] for lv in c["comparison_levels"]]
    assert any(sql.startswith("parley_level_") for sql in calls)
    assert "fam_skel_l = fam_skel_r" in calls  # exact agreement is left for Splink to see
    trained = [_trained(Linker(tables, s, log_level=None)) for s in (plain, macros)]
    assert _values(trained[0]) == pytest.approx(_values(trained[1]), rel=1e-12)
