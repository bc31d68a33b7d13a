"""Batch linkage on real Splink and DuckDB over small generated cross-script lists."""

from __future__ import annotations

import math
import random
from typing import Any

import duckdb
import pandas as pd
import pytest

from parley.linkage import Link, LinkageRecord, LinkResult, link, model
from parley.linkage.explain import explanation_sql
from parley.linkage.link import LinkageError, _link_features
from parley.linkage.prepare import feature_frame, feature_frames
from tests.unit.linkage.cross_script import cross_script_lists


@pytest.fixture(scope="module")
def result() -> LinkResult:
    left, right = cross_script_lists()
    return link(left, right)


def _truth(lk: Link) -> bool:
    return lk.left_id[1:] == lk.right_id[1:] and lk.right_id.startswith("R")


def test_cross_script_pairs_are_linked_and_namesakes_are_not(result: LinkResult) -> None:
    true = [lk for lk in result.links if _truth(lk)]
    false = [lk for lk in result.links if not _truth(lk)]
    assert len(true) >= 190  # of 200
    # Wrong links whose service numbers differ are marked for review; the rest are few.
    assert len([lk for lk in false if not lk.differing]) <= 2, false
    assert len(false) <= 4, false


def test_every_link_is_explained_in_words(result: LinkResult) -> None:
    for lk in result.links:
        assert lk.match_probability >= result.threshold
        assert "family name:" in lk.explanation
        assert "birth date:" in lk.explanation
    swapped = [lk for lk in result.links if "day and month swapped" in lk.explanation]
    assert swapped and all(_truth(lk) for lk in swapped)


def test_different_service_numbers_are_weighed_and_marked(result: LinkResult) -> None:
    # Names and date agree: the differing number lowers the score but does not veto it.
    sn = next(lk for lk in result.links if lk.right_id == "SN")
    assert sn.left_id == "U201" and sn.differing == ("service number",)
    assert sn.explanation.startswith("service number differs: review before acting;")
    assert "service number: different service number (-" in sn.explanation
    assert sn in result.held
    assert all(lk.differing for lk in result.held)
    assert not any(lk.differing for lk in result.links if lk not in result.held)
    assert any("marked for review" in w for w in result.warnings)


def test_impossible_date_is_a_warning(result: LinkResult) -> None:
    assert any("1961-02-30" in w and "compared as written" in w for w in result.warnings)


def test_one_to_one_and_progress() -> None:
    left, right = cross_script_lists()
    extra = LinkageRecord("R1b", full_name=right[1].full_name, birth_date=right[1].birth_date)
    stages: list[str] = []
    res = link(
        left,
        [*right, extra],
        one_to_one=True,
        progress=lambda s, f: stages.append(s),
        hold_differing_ids=True,
    )
    # Held back: listed for review, never among the links.
    assert any(lk.right_id == "SN" for lk in res.held)
    assert not any(lk.differing for lk in res.links)
    assert any("held back for review" in w for w in res.warnings)
    lefts = [lk.left_id for lk in res.links]
    rights = [lk.right_id for lk in res.links]
    assert len(lefts) == len(set(lefts)) and len(rights) == len(set(rights))
    assert stages[-1] == "done" and "training the model (expectation maximisation)" in stages


def test_linking_prepared_frames_gives_the_links_of_the_lists(result: LinkResult) -> None:
    left, right = cross_script_lists()
    (frame_l, frame_r), warnings = feature_frames([left, right], ["left", "right"])
    before = [frame_l.copy(), frame_r.copy()]
    again = _link_features(frame_l, frame_r, warnings=warnings)
    assert again.links == result.links and again.held == result.held
    assert again.warnings == result.warnings
    pd.testing.assert_frame_equal(frame_l, before[0])  # the caller's frames are left as they were
    pd.testing.assert_frame_equal(frame_r, before[1])
    with pytest.raises(LinkageError, match="threshold"):
        _link_features(frame_l, frame_r, threshold=0.0)


def test_bad_input_is_refused_in_one_sentence() -> None:
    one = [LinkageRecord("1", "Шевченко")]
    with pytest.raises(LinkageError, match="appears twice"):
        link(one * 2, one)
    with pytest.raises(LinkageError, match="threshold"):
        link(one, one, threshold=1.5)
    assert link([], one).links == []


def test_name_order_is_settled_by_the_lists() -> None:
    # "Iziaslav Tsvietkov" gives no clue to its order; the other records show which is which.
    sure = [
        LinkageRecord(f"U{i}", f, g)
        for i, (f, g) in enumerate(
            [("Цвєтков", "Ізяслав"), ("Цвєтков", "Петро"), ("Бондар", "Ізяслав")]
        )
    ]
    unclear = [LinkageRecord("R0", full_name="Tsvietkov Iziaslav")]
    read, _ = feature_frame(unclear)
    assert not read.at[0, "order_certain"]
    assert read.at[0, "given_text"] == "tsvietkov"  # Latin lists put the given name first
    (left, right), _ = feature_frames([sure, unclear])
    assert not right.at[0, "order_certain"]
    assert right.at[0, "fam_text"] == "tsvietkov"
    assert str(right.at[0, "fam_code"]) == str(left.at[0, "fam_code"])
    assert str(right.at[0, "given_key"]) == str(left.at[0, "given_key"])


def _explained_in_python(row: dict[str, Any], comparisons: tuple[model.Comparison, ...]) -> str:
    """The explanation as words: every level and weight, heaviest first, then what is missing."""
    said, missing = [], []
    for c in comparisons:
        gamma = int(row[f"gamma_{c.column}"])
        if gamma < 0:
            missing.append(c.name)
            continue
        weight = row[f"mw_{c.column}"]
        tf = row.get(f"mw_tf_adj_{c.column}")
        if tf is not None and not math.isnan(tf):
            weight += tf
        level = c.levels[len(c.levels) - 1 - gamma]
        words = (row.get(f"{level.names}_l"), row.get(f"{level.names}_r"))
        said.append((abs(weight), f"{c.name}: {level.said(*words)} ({weight:+.1f})"))
    said.sort(key=lambda x: -x[0])
    text = "; ".join(s for _, s in said)
    return text + (f"; not on both records: {', '.join(missing)}" if missing else "")


def test_explanations_written_by_duckdb_read_as_in_words() -> None:
    rng = random.Random(3)
    comparisons = model.ALL
    rows = []
    for _ in range(300):
        row: dict[str, float | None] = {}
        for c in comparisons:
            row[f"gamma_{c.column}"] = rng.randint(-1, len(c.levels) - 1)
            row[f"mw_{c.column}"] = rng.choice([rng.uniform(-12, 12), 0.05, -0.25, 2.0, -2.0])
            if any(lv.tf for lv in c.levels):
                row[f"mw_tf_adj_{c.column}"] = rng.choice([None, math.nan, rng.uniform(-2, 2)])
            for word in c.words:  # the names a level says, on both records or not
                row[f"{word}_l"] = rng.choice([None, "Олег", "Oleh"])  # type: ignore[assignment]
                row[f"{word}_r"] = rng.choice([None, "Павел"])  # type: ignore[assignment]
        rows.append(row)
    con = duckdb.connect()
    frame = pd.DataFrame(rows)
    con.register("pairs", frame)
    got = con.execute(f"select {explanation_sql(comparisons)} from pairs").fetchall()
    assert [g for (g,) in got] == [_explained_in_python(r, comparisons) for r in rows]


def test_levels_computed_again_for_explanations_are_splinks_own() -> None:
    # link() asks Splink for weights only and computes the levels of the pairs it explains
    # from the same conditions: they must be the levels Splink scored.
    from splink import DuckDBAPI, Linker

    (frame_l, frame_r), _ = feature_frames(list(cross_script_lists()), ["left", "right"])
    comparisons = model.ALL
    settings = model.settings(comparisons, 0.01) | {"retain_matching_columns": True}
    db = DuckDBAPI(duckdb.connect())
    tables = [db.register(frame_l, table_name="l"), db.register(frame_r, table_name="r")]
    scored = Linker(tables, settings, log_level=None).inference.predict(warning_mode="never")
    gammas = ", ".join(
        f"gamma_{c.column} as splink_{c.column}, {c.gamma_sql()} as ours_{c.column}"
        for c in comparisons
    )
    pairs = scored.query_sql(f"select {gammas} from {{this}}")
    pairs = pairs.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    assert len(pairs) > 200
    for c in comparisons:
        assert pairs[f"ours_{c.column}"].tolist() == pairs[f"splink_{c.column}"].tolist(), c.name
    # Not a trivial agreement: these lists reach many levels of the names and dates.
    for c, levels in ((model.FAMILY, 3), (model.BIRTH_DATE, 3), (model.GIVEN, 2)):
        assert pairs[f"ours_{c.column}"].nunique() >= levels, c.name
