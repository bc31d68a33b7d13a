"""Parley's training against Splink's own: u, the share of matches and the EM sessions."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import duckdb
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from splink import DuckDBAPI, Linker
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator
from splink.internals.em_training_session import EMTrainingSession

from parley.linkage import LinkageRecord, model, training
from parley.linkage.link import _RULES, _comparisons
from parley.linkage.prepare import feature_frames
from parley.names import Standard, to_latin
from tests.unit.linkage.cross_script import FAMILIES, GIVEN, cross_script_lists

_TABLES = ("keys_l", "keys_r")


def _registered(
    con: duckdb.DuckDBPyConnection, records: tuple[list[LinkageRecord], list[LinkageRecord]]
) -> tuple[tuple[model.Comparison, ...], tuple[int, int]]:
    """The lists' keys as link() gives them to training: row numbers for ids."""
    (frame_l, frame_r), _ = feature_frames(list(records), ["left", "right"])
    comparisons = _comparisons(frame_l, frame_r)
    words = {w for c in comparisons for w in c.words}
    for table, frame in zip(_TABLES, (frame_l, frame_r), strict=True):
        numbered = frame.assign(record_id=np.arange(len(frame), dtype=np.int64))
        con.register(table, numbered[[c for c in frame.columns if c not in words]])
    return comparisons, (len(frame_l), len(frame_r))


def _linker(con: duckdb.DuckDBPyConnection, settings: dict[str, Any]) -> Linker:
    db = DuckDBAPI(con)
    tables = [db.register(t, table_name=s) for t, s in zip(_TABLES, training.SOURCES, strict=True)]
    return Linker(tables, settings, log_level=None)


def _parameters(trained: dict[str, Any]) -> list[Any]:
    return [
        trained["probability_two_random_records_match"],
        *(
            lv[key]
            for c in trained["comparisons"]
            for lv in c["comparison_levels"]
            if not lv.get("is_null_level")
            for key in ("m_probability", "u_probability")
        ),
    ]


def _splinks(
    con: duckdb.DuckDBPyConnection, comparisons: tuple[model.Comparison, ...], n: int
) -> tuple[dict[str, Any], int]:
    """Splink's training as link() asked for it before Parley trained the model itself:
    the model, and how many steps failed."""
    present = {c for comparison in comparisons for c in comparison.columns}
    deterministic: list[Any] = [r for r in _RULES[1] if model.rule_columns(r) <= present]
    em_rules = [r for r in _RULES[2] if model.rule_columns(r) <= present]
    # Compound levels as macros, which Splink reads faster and computes the same
    # (tests/unit/linkage/test_scoring.py).
    linker = _linker(con, training.as_macros(model.settings(comparisons, 0.01), con))
    failed = 0
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    except Exception:
        failed += 1
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(training.U_PAIRS, n), seed=training.SEED, num_chunks=1
    )
    for rule in em_rules:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=training.EM_PAIRS
            )
        except Exception:
            failed += 1
            linker = _linker(con, before)
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    return trained, failed


def _ours(
    con: duckdb.DuckDBPyConnection,
    comparisons: tuple[model.Comparison, ...],
    sizes: tuple[int, int],
) -> tuple[dict[str, Any], list[str]]:
    present = {c for comparison in comparisons for c in comparison.columns}
    deterministic, em_rules = (
        tuple(r for r in group if model.rule_columns(r) <= present) for group in _RULES[1:]
    )
    warnings: list[str] = []
    trained = training.train(
        con,
        _TABLES,
        model.settings(comparisons, 0.01),
        comparisons,
        sizes,
        (deterministic, em_rules),
        warnings,
        None,
    )
    return trained, warnings


def _placed(records: list[LinkageRecord]) -> list[LinkageRecord]:
    """The records with a birth place of the number in their id (`U7`, `R7`), written
    in Latin letters on every third: a comparison both EM sessions train."""
    places = ["Київ", "Львів", "Одеса", "Харків", "Полтава", "Суми", "Ужгород"]
    placed = []
    for r in records:
        number = int("0" + "".join(ch for ch in r.record_id if ch.isdigit()))
        place = places[number % len(places)]
        placed.append(
            replace(r, birth_place=to_latin(place, Standard.KMU_2010) if number % 3 == 0 else place)
        )
    return placed


def _crowded(size: int) -> tuple[list[LinkageRecord], list[LinkageRecord]]:
    """Two lists of few names and dates: every EM rule brings tens of thousands of pairs."""
    rng = random.Random(3)

    def person(i: int) -> LinkageRecord:
        date = f"19{rng.randint(70, 72)}-0{rng.randint(1, 3)}-1{rng.randint(1, 3)}"
        return LinkageRecord(
            str(i), rng.choice(FAMILIES[:5]), rng.choice(GIVEN[:5]), None, None, date
        )

    return [person(i) for i in range(size)], [person(i) for i in range(size)]


@pytest.mark.parametrize("lists", ["cross-script", "with places", "crowded"])
def test_the_model_is_splinks(lists: str) -> None:
    """On the cross-script lists; with birth places, which both EM sessions train; and on
    lists whose EM rules bring more pairs than a session samples."""
    left, right = cross_script_lists() if lists != "crowded" else _crowded(1_500)
    if lists == "with places":
        left, right = _placed(left), _placed(right)
    con = duckdb.connect()
    comparisons, sizes = _registered(con, (left, right))
    theirs, failed = _splinks(con, comparisons, sizes[0] * sizes[1])
    ours, warnings = _ours(con, comparisons, sizes)
    assert failed == 0
    assert warnings == []
    # The same numbers but for the order a few sums are added in.
    assert _parameters(ours) == pytest.approx(_parameters(theirs), rel=1e-12, abs=0)
    # Not the priors: both EM sessions moved m, u was counted.
    assert _parameters(ours) != _parameters(model.settings(comparisons, 0.01))


@pytest.mark.parametrize("rule", model.EM_RULES)
@pytest.mark.parametrize("pairs", [300, 10**6])  # a sample of Splink's; every pair
def test_comparison_vectors_are_splinks(rule: str, pairs: int) -> None:
    con = duckdb.connect()
    comparisons, _ = _registered(con, _crowded(1_500))
    linker = _linker(con, training.as_macros(model.settings(comparisons, 0.01), con))
    settings = linker._settings_obj
    session = EMTrainingSession(
        linker,
        db_api=linker._db_api,
        blocking_rule_for_training=to_blocking_rule_creator(rule).get_blocking_rule("duckdb"),
        core_model_settings=settings.core_model_settings,
        training_settings=settings.training_settings,
        unique_id_input_columns=settings.column_info_settings.unique_id_input_columns,
        max_pairs=pairs,
    )
    gammas = [f"gamma_{c.output_column_name}" for c in session.core_model_settings.comparisons]
    count = f"SELECT {', '.join(gammas)}, count(*) AS n FROM {{}} GROUP BY ALL ORDER BY ALL"
    theirs = con.execute(count.format(session._comparison_vectors().physical_name)).fetchall()
    trained = [c for c in comparisons if f"gamma_{c.column}" in gammas]
    ours_sql = training.comparison_vectors_sql(con, rule, trained, _TABLES, pairs)
    assert con.execute(count.format(f"({ours_sql})")).fetchall() == theirs
    found = sum(row[-1] for row in theirs)
    assert found < 1_000 if pairs == 300 else found > 50_000


def _u(trained: dict[str, Any]) -> list[list[Any]]:
    return [
        [lv["u_probability"] for lv in c["comparison_levels"] if not lv.get("is_null_level")]
        for c in trained["comparisons"]
    ]


@pytest.mark.parametrize("pairs", [5_000, 1_000_000])  # a sample of records; every pair
def test_u_is_splinks_from_the_same_random_pairs(pairs: int) -> None:
    con = duckdb.connect()
    comparisons, sizes = _registered(con, cross_script_lists())
    linker = _linker(con, model.settings(comparisons, 0.01))
    linker.training.estimate_u_using_random_sampling(
        max_pairs=pairs, seed=training.SEED, num_chunks=1
    )
    ours = training.chance_agreement(con, comparisons, _TABLES, training.SOURCES, sizes, pairs)
    priors = _u(model.settings(comparisons, 0.01))
    theirs = _u(linker.misc.save_model_to_json())
    # bit for bit; a level no pair reached keeps its prior in Splink's model
    assert [
        [p if o is None else o for o, p in zip(c_o, c_p, strict=True)]
        for c_o, c_p in zip(ours, priors, strict=True)
    ] == theirs
    unseen = sum(o is None for c in ours for o in c)
    assert 0 < unseen < sum(map(len, ours)) // 2


def test_u_counts_the_pairs_both_records_have_the_column_for() -> None:
    left = [LinkageRecord("a", "Мельник", "Іван"), LinkageRecord("b", "Мороз", "Олег")]
    right = [
        LinkageRecord("x", "Мельник", "Петро", birth_date="1980-01-02"),
        LinkageRecord("y", "Лисенко", "Олег"),
        LinkageRecord("z", "Мороз", "Олег"),
    ]
    con = duckdb.connect()
    comparisons, sizes = _registered(con, (left, right))
    u = training.chance_agreement(con, comparisons, _TABLES, training.SOURCES, sizes)
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
    birth_place=st.none() | st.sampled_from(["Київ", "Київ", "Львів", "Kyiv", "Lviv"]),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_RECORD, min_size=1, max_size=40, unique_by=lambda r: r.record_id),
    st.lists(_RECORD, min_size=1, max_size=40, unique_by=lambda r: r.record_id),
)
def test_the_model_is_splinks_on_any_lists(
    left: list[LinkageRecord], right: list[LinkageRecord]
) -> None:
    con = duckdb.connect()
    comparisons, sizes = _registered(con, (left, right))
    theirs, failed = _splinks(con, comparisons, sizes[0] * sizes[1])
    ours, warnings = _ours(con, comparisons, sizes)
    kept = any("prior" in w and "estimated as" in w for w in warnings)
    assert len(warnings) - kept == failed  # the same steps failed
    share = theirs["probability_two_random_records_match"]
    if not 0 < share < 0.5:  # Parley keeps the prior where Splink's share is unusable
        theirs["probability_two_random_records_match"] = 0.01
    assert _parameters(ours) == pytest.approx(_parameters(theirs), rel=1e-12, abs=0)


def test_a_session_without_pairs_keeps_the_estimates_before_it() -> None:
    left = [LinkageRecord(f"a{i}", "Мельник", "Іван", birth_date="1950-01-02") for i in range(9)]
    right = [LinkageRecord(f"b{i}", "Мороз", "Петро", birth_date="1951-03-04") for i in range(9)]
    con = duckdb.connect()
    comparisons, sizes = _registered(con, (left, right))
    ours, warnings = _ours(con, comparisons, sizes)
    assert warnings[:2] == [
        "too few pairs to train on those that agree on names; the earlier estimates kept",
        "too few pairs to train on those that agree on birth dates; the earlier estimates kept",
    ]
    m = [p for p in _parameters(ours)[1::2]]
    assert m == [lv.m for c in comparisons for lv in c.levels]
