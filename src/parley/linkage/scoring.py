"""A trained model applied to the candidate pairs by Parley, in one DuckDB query.

Splink trains the model; scoring every candidate pair needs only its weights. The query
here computes the same weights as Splink's prediction from the same conditions, the same
numbers written the same way and summed in the same order, so each pair's match weight is
bit for bit Splink's (tests/unit/linkage/test_scoring.py). It joins the pairs by integer
row numbers and keeps only the columns it compares, where Splink's prediction builds
string keys for every candidate pair and keeps every intermediate table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from parley.linkage import explain, model

# Splink's floor for m and u before it takes a logarithm.
_CLAMP = 1e-300
# Splink's text for a level training never saw, and the probability it stands for.
_NOT_OBSERVED = "level not observed in training dataset"
_UNSEEN = 1e-6


def _float(value: float) -> str:
    """A number as Splink writes it in SQL: Python's shortest exact form, cast to double."""
    return f"cast({value} as float8)"


def _probability(level: dict[str, Any], key: str, prior: float) -> float:
    value = level.get(key, prior)
    if value == _NOT_OBSERVED:
        return _UNSEEN
    return float(value if value is not None else prior)


def _weight(m: float, u: float) -> float:
    return math.log2(max(m, _CLAMP) / max(u, _CLAMP))


def prior_weight(probability: float) -> float:
    """The weight of the share of matches among all pairs, as Splink computes it."""
    return math.log2(probability / (1 - probability))


def _trained_levels(
    trained: dict[str, Any], comparison: model.Comparison
) -> list[tuple[float, float]]:
    """The m and u of each of the comparison's levels, best first, from a trained model."""
    found = next(
        (c for c in trained["comparisons"] if c["output_column_name"] == comparison.column), None
    )
    if found is None:
        raise ValueError(f"the trained model has no comparison {comparison.name!r}")
    levels = [lv for lv in found["comparison_levels"] if not lv.get("is_null_level")]
    if len(levels) != len(comparison.levels):
        raise ValueError(f"the trained model's {comparison.name!r} has other levels")
    return [
        (_probability(lv, "m_probability", ours.m), _probability(lv, "u_probability", ours.u))
        for lv, ours in zip(levels, comparison.levels, strict=True)
    ]


def _exact_u(comparison: model.Comparison, column: str, mu: list[tuple[float, float]]) -> float:
    """u of the level where the column agrees exactly: what a term frequency replaces."""
    for level, (_, u) in zip(comparison.levels, mu, strict=True):
        if level.sql in (f"{column}_l = {column}_r", f"{column}_r = {column}_l"):
            return u
    raise ValueError(f"{comparison.name!r} has no level of {column} agreeing exactly")


def _weight_columns(
    comparison: model.Comparison, mu: list[tuple[float, float]]
) -> tuple[str, str | None]:
    """SQL of the comparison's weight and, if it has one, its term-frequency adjustment."""
    gamma = f"gamma_{comparison.column}"
    top = len(comparison.levels) - 1
    whens = [f"WHEN {gamma} = -1 THEN {_float(0.0)}"]
    whens += [
        f"WHEN {gamma} = {top - i} THEN {_float(_weight(m, u))}" for i, (m, u) in enumerate(mu)
    ]
    weight = f"CASE {' '.join(whens)} END"
    adjusted = [(i, lv.tf) for i, lv in enumerate(comparison.levels) if lv.tf]
    if not adjusted:
        return weight, None
    adjustments = []
    for i, column in adjusted:
        adjustments.append(
            f"WHEN {gamma} = {top - i} AND coalesce(tf_{column}_l, tf_{column}_r) IS NOT NULL "
            f"THEN {_tf_adjustment(comparison, column, mu)}"
        )
    return weight, f"CASE {' '.join(adjustments)} ELSE cast(0 as float8) END"


def pairs_sql(rules: Sequence[str], left: str, right: str) -> str:
    """Every pair some rule brings, once, by the two records' integer `record_id`. The pairs
    are told apart as one number each (a row number a side, below 2**31): half the table."""
    keyed = " UNION ".join(
        f"SELECT (l.record_id << 32) | r.record_id AS pair "
        f"FROM {left} AS l JOIN {right} AS r ON {rule}"
        for rule in rules
    )
    return f"SELECT pair >> 32 AS record_id_l, pair & {2**32 - 1} AS record_id_r FROM ({keyed})"


def both_sides(comparisons: Sequence[model.Comparison]) -> str:
    """SQL of the compared columns of a pair's two records (`l`, `r`), named as the
    comparisons' levels name them (`fam_skel_l`, `fam_skel_r`)."""
    columns = sorted({col for c in comparisons for col in c.columns})
    return ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)


def _costly(sql: str) -> bool:
    """Whether a level compares strings by their likeness: most of a pair's scoring."""
    return "jaro_winkler" in sql or "damerau_levenshtein" in sql


def _tf_adjustment(comparison: model.Comparison, column: str, mu: list[tuple[float, float]]) -> str:
    """SQL of what a term frequency of `column` adds at its level, as Splink computes it."""
    log_u = math.log2(_exact_u(comparison, column, mu))
    left, right = f"tf_{column}_l", f"tf_{column}_r"
    both = f"greatest(coalesce({left}, {right}), coalesce({right}, {left}), {_float(0.0)})"
    return f"{_float(1.0)} * ({_float(log_u)} - log2({both}))"


def _heaviest(comparison: model.Comparison, mu: list[tuple[float, float]]) -> str:
    """SQL of the most the comparison can weigh on a pair, without comparing strings by
    likeness: the weight of the level the pair reaches among the leading plain ones (those
    that ask for equal keys), else the heaviest of the levels after them."""
    whens = [f"WHEN {comparison.null_sql()} THEN {_float(0.0)}"]
    for i, (level, (m, u)) in enumerate(zip(comparison.levels, mu, strict=True)):
        if _costly(level.sql) or level.sql == "ELSE":
            rest = max(_weight(m_, u_) for m_, u_ in mu[i:])
            return f"CASE {' '.join(whens)} ELSE {_float(rest)} END"
        weight = _float(_weight(m, u))
        if level.tf:
            weight += f" + CASE WHEN coalesce(tf_{level.tf}_l, tf_{level.tf}_r) IS NOT NULL"
            weight += f" THEN {_tf_adjustment(comparison, level.tf, mu)} ELSE {_float(0.0)} END"
        whens.append(f"WHEN {level.sql} THEN {weight}")
    return f"CASE {' '.join(whens)} END"


# What the bound on a pair's weight may lose to rounding, summed in another order.
_ROUNDING = 1e-6


def scored_sql(
    trained: dict[str, Any],
    comparisons: Sequence[model.Comparison],
    pairs: str,
    left: str,
    right: str,
    floor: float,
) -> str:
    """The pairs (a table of `record_id_l`, `record_id_r`, as `pairs_sql` gives them) whose
    match weight reaches `floor`, with each comparison's level (`gamma_<comparison>`) and
    weight (`mw_<comparison>`, `mw_tf_adj_<comparison>`) as Splink names them.

    `left` and `right` are tables with an integer `record_id` and the compared columns;
    `trained` is the model as Splink saves it (`save_model_to_json`). Strings are weighed
    by their likeness only for the pairs the other comparisons leave able to reach `floor`
    (those at their heaviest): the same pairs and weights for a fraction of the work.
    """
    tf_columns = sorted({lv.tf for c in comparisons for lv in c.levels if lv.tf})
    sides = both_sides(comparisons)
    frequencies = ""
    joins = ""
    for i, column in enumerate(tf_columns):
        both = f"(SELECT {column} FROM {left} UNION ALL SELECT {column} FROM {right})"
        frequencies += (
            f"{', ' if frequencies else 'WITH '}tf_{i} AS (SELECT {column}, "
            f"cast(count(*) AS float8) / (SELECT count({column}) FROM {both}) AS tf "
            f"FROM {both} WHERE {column} IS NOT NULL GROUP BY {column})"
        )
        sides += f", tl_{i}.tf AS tf_{column}_l, tr_{i}.tf AS tf_{column}_r"
        joins += (
            f" LEFT JOIN tf_{i} AS tl_{i} ON tl_{i}.{column} = l.{column}"
            f" LEFT JOIN tf_{i} AS tr_{i} ON tr_{i}.{column} = r.{column}"
        )
    compared = (
        f"SELECT p.record_id_l, p.record_id_r, {sides} FROM {pairs} AS p "
        f"JOIN {left} AS l ON l.record_id = p.record_id_l "
        f"JOIN {right} AS r ON r.record_id = p.record_id_r{joins}"
    )
    prior = _float(prior_weight(float(trained["probability_two_random_records_match"])))
    # Each comparison's level, then its weights (a term frequency adjusts some), then the
    # most it may weigh before its strings are compared.
    gammas, weights, heaviest, terms = [], [], [], []
    for c in comparisons:
        mu = _trained_levels(trained, c)
        weight, tf = _weight_columns(c, mu)
        gammas.append(f"{c.gamma_sql()} AS gamma_{c.column}")
        weights.append([f"{weight} AS mw_{c.column}"])
        mine = [f"mw_{c.column}"]
        if tf is not None:
            weights[-1].append(f"{tf} AS mw_tf_adj_{c.column}")
            mine.append(f"mw_tf_adj_{c.column}")
        terms.append(mine)
        heaviest.append(_heaviest(c, mu))
    # The comparisons without strings compared by likeness first, all at once; then those
    # one by one, each for the pairs still able to reach the floor.
    costly = [any("jaro_winkler" in lv.sql for lv in c.levels) for c in comparisons]
    stages = [[i for i, x in enumerate(costly) if not x]] + [[i] for i, x in enumerate(costly) if x]
    inner, done = compared, set()
    for stage in stages:
        if not stage:
            continue
        inner = f"SELECT *, {', '.join(gammas[i] for i in stage)} FROM ({inner})"
        inner = f"SELECT *, {', '.join(w for i in stage for w in weights[i])} FROM ({inner})"
        done |= set(stage)
        if len(done) == len(comparisons):
            break
        bound = [prior]
        for i in range(len(comparisons)):
            bound += terms[i] if i in done else [heaviest[i]]
        inner = f"SELECT * FROM ({inner}) WHERE {' + '.join(bound)} + {_ROUNDING!r} >= {floor!r}"
    levels = [f"gamma_{c.column}" for c in comparisons]
    total = f"{prior} + {' + '.join(t for mine in terms for t in mine)}"
    columns = [t for mine in terms for t in mine] + levels
    return (
        f"{frequencies} SELECT record_id_l, record_id_r, {total} AS match_weight, "
        f"{', '.join(columns)} FROM ({inner}) WHERE ({total}) >= {floor!r}"
    )


def explained_sql(
    scored: str,
    comparisons: Sequence[model.Comparison],
    left: str,
    right: str,
    shift: float,
    cut: float,
) -> str:
    """The scored pairs (`scored_sql`) whose weight moved by `shift` reaches `cut`, with
    their explanation, basis and differing identifiers (as `explain.linked_sql` gives them),
    from the levels the scoring kept: only the words explanations quote are joined. The
    basis is null where it is the explanation: no level of the pair quotes a record."""
    weight = f"s.match_weight + {float(shift)!r}"
    words = sorted({w for c in comparisons for w in c.words})
    sides = "".join(f", l.{w} AS {w}_l, r.{w} AS {w}_r" for w in words)
    differing = "".join(
        f", gamma_{c.column} = 0 AS differs_{c.column}"
        for c in comparisons
        if c.name in explain.IDENTIFIERS
    )
    said = explain.explanation_sql(tuple(comparisons))
    basis = explain.explanation_sql(tuple(comparisons), quote=False)
    quoting = " OR ".join(
        f"gamma_{c.column} = {len(c.levels) - 1 - i}"
        for c in comparisons
        for i, level in enumerate(c.levels)
        if level.names is not None
    )
    basis = f"CASE WHEN {quoting} THEN {basis} END" if quoting else "CAST(NULL AS VARCHAR)"
    return (
        f"SELECT record_id_l, record_id_r, weight, {said} AS explanation, {basis} AS basis"
        f"{differing} FROM (SELECT s.*, {weight} AS weight{sides} FROM {scored} AS s "
        f"JOIN {left} AS l ON l.record_id = s.record_id_l "
        f"JOIN {right} AS r ON r.record_id = s.record_id_r WHERE {weight} >= {cut!r})"
    )
