"""Training the Fellegi-Sunter model: the share of matches, u by sampling, m by Splink's EM.

u, a level's share among random pairs, is counted here over the random pairs Splink would
draw itself, every comparison in one query; Splink counts each comparison in a query of its
own, each on one thread. The counts become u as Splink makes them, so the model is the one
Splink would have trained (tests/unit/linkage/test_training.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
from splink import Linker

from parley.errors import N_, Sentence
from parley.linkage import model
from parley.linkage.prepare import Progress

# Random pairs for the u probabilities: chance agreement is common enough to show in these,
# at any list size (benchmarks/linkage_synthetic.py --scale).
U_PAIRS = 300_000
SEED = 1  # the same lists give the same links
_EM_PAIRS = 50_000  # pairs sampled for each EM session: enough, and bounded at any size
# Splink's sample of records: those whose hashed id falls below a share of this modulus.
_SAMPLE_MODULUS = 1_000_000_000


def _sample_threshold(sizes: tuple[int, int], pairs: int) -> int | None:
    """The hash threshold of Splink's sample of records giving about `pairs` pairs across the
    two lists, or None where the lists have no more pairs than that: all are counted."""
    proportion: float = (pairs / (sizes[0] * sizes[1])) ** 0.5
    if proportion >= 1.0:
        return None
    return max(1, round(proportion * _SAMPLE_MODULUS))


def _sample_sql(table: str, source: str, threshold: int | None) -> str:
    """The records of one list in Splink's random sample: its hash of the list's name, the
    record's id and the seed, as Splink writes it."""
    if threshold is None:
        return f"SELECT * FROM {table}"
    key = f"(('{source}' || '-__-' || record_id) || '_{SEED}')"
    return f"SELECT * FROM {table} WHERE hash{key} % {_SAMPLE_MODULUS} < {threshold}"


def chance_agreement(
    con: duckdb.DuckDBPyConnection,
    comparisons: Sequence[model.Comparison],
    tables: tuple[str, str],
    sources: tuple[str, str],
    sizes: tuple[int, int],
    pairs: int = U_PAIRS,
) -> list[list[float | None]]:
    """Each comparison's u, level by level best first, from the pairs of Splink's random
    sample of about `pairs` pairs of the two lists' records (`tables`, which Splink knows
    as `sources`): a level's share of the pairs both records have the comparison's column
    for. None for a level no pair reached: Splink keeps its prior."""
    threshold = _sample_threshold(sizes, min(pairs, sizes[0] * sizes[1]))
    columns = sorted({col for c in comparisons for col in c.columns})
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    gammas = ", ".join(f"{c.gamma_sql()} AS g{i}" for i, c in enumerate(comparisons))
    names = ", ".join(f"g{i}" for i in range(len(comparisons)))
    left, right = (_sample_sql(t, s, threshold) for t, s in zip(tables, sources, strict=True))
    patterns = con.execute(
        f"SELECT {names}, count(*) FROM (SELECT {gammas} FROM (SELECT {sides} "
        f"FROM ({left}) AS l CROSS JOIN ({right}) AS r)) GROUP BY ALL"
    ).fetchall()
    found = []
    for i, comparison in enumerate(comparisons):
        counts = [0] * len(comparison.levels)
        top = len(comparison.levels) - 1
        for row in patterns:
            if row[i] >= 0:  # -1: a record without the column
                counts[top - row[i]] += row[-1]
        total = sum(counts)
        found.append([n / total if n else None for n in counts])
    return found


def with_u(settings: dict[str, Any], u: Sequence[Sequence[float | None]]) -> dict[str, Any]:
    """The settings with each level's u replaced by the one given, where one is."""
    for comparison, found in zip(settings["comparisons"], u, strict=True):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level, value in zip(levels, found, strict=True):
            if value is not None and not level.get("fix_u_probability"):
                level["u_probability"] = value
    return settings


# A level that only asks whether one column agrees on both records: what Splink reads itself.
_EXACT = re.compile(r"(\w+)_l = \1_r(?: AND (\w+)_l = \2_r)*")
_SIDE_COLUMN = re.compile(r"\b\w+_[lr]\b")


def as_macros(settings: dict[str, Any], con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The settings with each compound level's condition held by a DuckDB macro of the same
    text, which Splink is given as a call on the level's columns (`parley_level_1_4(bdate_l,
    bdate_r, ...)`). DuckDB expands the macro where it is called: the same condition computed
    the same way. Splink, which reads every level's SQL into a normal form before each
    training session to find the levels of exact agreement, reads a call in no time, where
    our compound conditions took it a second a session."""
    for i, comparison in enumerate(settings["comparisons"]):
        for j, level in enumerate(comparison["comparison_levels"]):
            sql = level["sql_condition"]
            if level.get("is_null_level") or sql == "ELSE" or _EXACT.fullmatch(sql):
                continue
            columns = ", ".join(dict.fromkeys(_SIDE_COLUMN.findall(sql)))
            name = f"parley_level_{i}_{j}"
            con.execute(f"CREATE OR REPLACE TEMP MACRO {name}({columns}) AS ({sql})")
            level["sql_condition"] = f"{name}({columns})"
    return settings


def train(
    con: duckdb.DuckDBPyConnection,
    tables: list[Any],
    settings: dict[str, Any],
    comparisons: Sequence[model.Comparison],
    sizes: tuple[int, int],
    rules: tuple[tuple[str, ...], tuple[str, ...]],
    warnings: list[str],
    progress: Progress | None,
) -> dict[str, Any]:
    """The trained model: the share of matches, u by sampling, m by EM, as Splink's model
    JSON. The lists are Splink's `tables` on `con`; `rules` are the deterministic rules
    that estimate the share of matches and the EM sessions' blocking rules. A failed step
    keeps the priors."""

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    prior = float(settings["probability_two_random_records_match"])
    deterministic, em_rules = rules
    step("estimating chance agreement (u)", 0.0)
    # Splink's left list is the one whose name sorts first.
    (source_l, table_l), (source_r, table_r) = sorted(
        (t.dataset_display_name, t.physical_name) for t in tables
    )
    u = chance_agreement(con, comparisons, (table_l, table_r), (source_l, source_r), sizes)
    settings = as_macros(with_u(settings, u), con)
    linker = Linker(tables, settings, log_level=None)
    step("estimating how many pairs match", 0.2)
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(deterministic), recall=0.8
        )
    except Exception:  # Splink raises when no pair is sure enough ("math domain error")
        # its own words name its internals, never the lists: the user reads what it means
        warnings.append(
            Sentence(N_("too few sure pairs to estimate the share of matches; the prior kept"))
        )
    for i, rule in enumerate(em_rules):
        step("training the model (expectation maximisation)", 0.4 + 0.2 * i)
        trained = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=_EM_PAIRS
            )
        except Exception:  # too few pairs, or a level EM emptied: keep what we had
            dated = any(c.startswith("birth") for c in model.rule_columns(rule))
            warnings.append(
                Sentence(
                    N_(
                        "too few pairs to train on those that agree on birth dates;"
                        " the earlier estimates kept"
                    )
                    if dated
                    else N_(
                        "too few pairs to train on those that agree on names;"
                        " the earlier estimates kept"
                    )
                )
            )
            # A failed session leaves Splink's model without the comparisons it had set
            # aside; start again from the model as it was before the session.
            linker = Linker(tables, trained, log_level=None)
    model_now: dict[str, Any] = linker.misc.save_model_to_json()
    share = float(model_now["probability_two_random_records_match"])
    if not 0.0 < share < 0.5:  # tiny lists: every sure pair a match; Splink's log would fail
        model_now["probability_two_random_records_match"] = prior
        warnings.append(
            Sentence(
                N_("share of matches estimated as {share:.3g}; the prior {prior:.3g} kept"),
                share=share,
                prior=prior,
            )
        )
    return model_now
