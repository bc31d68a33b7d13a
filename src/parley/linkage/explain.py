"""Every linked pair explained in words, written by DuckDB: each comparison's level and
weight, heaviest first, then the fields one record lacks."""

from __future__ import annotations

from parley.linkage import model

# Comparisons whose "different" level marks a pair for review.
IDENTIFIERS = ("service number", "national id")


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _said(c: model.Comparison, gamma: int, quote: bool) -> str:
    """SQL of `Level.said`: the label, the two records' values it names (if `quote`), its
    question."""
    level = c.levels[len(c.levels) - 1 - gamma]
    if level.names is None or not quote:
        return _text(level.said())
    both = f"': ' || {level.names}_l || ' / ' || {level.names}_r"
    question = f" — {level.question}" if level.question else ""
    return f"{_text(level.label)} || coalesce({both}, '') || {_text(question)}"


def explanation_sql(comparisons: tuple[model.Comparison, ...], *, quote: bool = True) -> str:
    """SQL for each pair's explanation: every comparison's level and weight, the heaviest
    first, then the fields one record lacks (`family name: the same ... (+9.1); ...`).
    Without `quote`, the words name no value of either record (a match proposal's basis,
    which the log keeps: the values are quoted when shown, parley.app.explanations)."""
    said, missing = [], []
    for i, c in enumerate(comparisons):
        gamma = f"gamma_{c.column}"
        weight = f"mw_{c.column}"
        if any(lv.tf for lv in c.levels):
            tf = f"mw_tf_adj_{c.column}"
            weight = f"({weight} + CASE WHEN isnan({tf}) THEN 0 ELSE coalesce({tf}, 0) END)"
        labels = " ".join(f"WHEN {g} THEN {_said(c, g, quote)}" for g in range(len(c.levels)))
        text = (
            f"{_text(c.name + ': ')} || CASE {gamma} {labels} END || printf(' (%+.1f)', {weight})"
        )
        said.append(
            f"CASE WHEN {gamma} >= 0 THEN struct_pack(k := -abs({weight}), i := {i}, t := {text}) END"
        )
        missing.append(f"CASE WHEN {gamma} < 0 THEN {_text(c.name)} END")
    ordered = f"list_sort(list_filter([{', '.join(said)}], lambda x: x IS NOT NULL))"
    lacking = f"array_to_string(list_filter([{', '.join(missing)}], lambda x: x IS NOT NULL), ', ')"
    return (
        f"array_to_string(list_transform({ordered}, lambda x: x.t), '; ') || "
        f"CASE WHEN {lacking} = '' THEN '' ELSE '; not on both records: ' || {lacking} END"
    )


def linked_sql(
    scored: str, comparisons: tuple[model.Comparison, ...], shift: float, cut: float
) -> str:
    """The pairs over the threshold with their weight, explanation and differing identifiers:
    each comparison's level is computed again from the compared columns of just these pairs."""
    weight = f"s.match_weight + {float(shift)!r}"
    columns = sorted({col for c in comparisons for col in (*c.columns, *c.words)})
    sides = ", ".join(f"l.{c} as {c}_l, r.{c} as {c}_r" for c in columns)
    pairs = (
        f"select s.*, {weight} as weight, {sides} from {scored} s "
        "join parley_l l on s.record_id_l = l.record_id "
        f"join parley_r r on s.record_id_r = r.record_id where {weight} >= {cut!r}"
    )
    gammas = ", ".join(f"{c.gamma_sql()} as gamma_{c.column}" for c in comparisons)
    differing = "".join(
        f", gamma_{c.column} = 0 as differs_{c.column}"
        for c in comparisons
        if c.name in IDENTIFIERS
    )
    return (
        f"select record_id_l, record_id_r, weight, {explanation_sql(comparisons)} as explanation, "
        f"{explanation_sql(comparisons, quote=False)} as basis{differing} from (select *, {gammas} from ({pairs}))"
    )
