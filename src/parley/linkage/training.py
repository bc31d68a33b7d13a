"""Training the Fellegi-Sunter model: the share of matches, u by sampling, m by Splink's EM.

What Splink counts, Parley counts in DuckDB over the same pairs and hands to Splink: the
pairs the deterministic rules bring (the share of matches), every comparison's levels over
Splink's random pairs in one query (u; Splink counts each comparison in a query of its own,
each on one thread), and each EM session's comparison vectors over Splink's sample of the
rule's pairs by row number (Splink joins them by string keys). Splink's EM does the rest;
the model is the one Splink trains by itself (tests/unit/linkage/test_training.py).

Splink's public methods cannot be handed these counts, so its internals are used, with its
version pinned in pyproject.toml: `EMTrainingSession` (built as its public method builds it,
then `_train` on the vectors), `to_blocking_rule_creator`, the database API's
`table_to_splink_dataframe`, and the linker's `_settings_obj`, `_em_training_sessions` and
`_populate_m_u_from_trained_values`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator
from splink.internals.em_training_session import EMTrainingSession

from parley.errors import N_, Sentence
from parley.linkage import model, scoring
from parley.linkage.prepare import Progress

# Random pairs for the u probabilities: chance agreement is common enough to show in these,
# at any list size (benchmarks/linkage_synthetic.py --scale).
U_PAIRS = 300_000
SEED = 1  # the same lists give the same links
EM_PAIRS = 50_000  # pairs sampled for each EM session: enough, and bounded at any size
# The names Splink knows the two lists by, which its random samples hash with record ids.
SOURCES = ("l", "r")
# Splink's sample of records: those whose hashed id falls below a share of this modulus.
_SAMPLE_MODULUS = 1_000_000_000
# Splink's probe of an EM rule's pairs: records whose hashed id falls below 100 of 10,000.
_PROBE_MODULUS = 10_000
_PROBE_THRESHOLD = 100
_RECALL = 0.8  # the share of matches the deterministic rules are taken to find


def _sample_threshold(sizes: tuple[int, int], pairs: int) -> int | None:
    """The hash threshold of Splink's sample of records giving about `pairs` pairs across the
    two lists, or None where the lists have no more pairs than that: all are counted."""
    proportion: float = (pairs / (sizes[0] * sizes[1])) ** 0.5
    if proportion >= 1.0:
        return None
    return max(1, round(proportion * _SAMPLE_MODULUS))


def _sampled(
    table: str, source: str, modulus: int, threshold: int | None, seed: int | None = None
) -> str:
    """The records of one list (`table`, which Splink knows as `source`) in one of Splink's
    random samples: its hash of the list's name and the record's id, and of the seed if it
    has one, below a threshold, as Splink writes it. None: every record."""
    if threshold is None or threshold >= modulus:
        return table
    key = f"'{source}' || '-__-' || record_id"
    if seed is not None:
        key = f"({key}) || '_{seed}'"
    return f"(SELECT * FROM {table} WHERE hash({key}) % {modulus} < {threshold})"


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
    sides = scoring.both_sides(comparisons)
    gammas = ", ".join(f"{c.gamma_sql()} AS g{i}" for i, c in enumerate(comparisons))
    names = ", ".join(f"g{i}" for i in range(len(comparisons)))
    left, right = (
        _sampled(t, s, _SAMPLE_MODULUS, threshold, SEED)
        for t, s in zip(tables, sources, strict=True)
    )
    patterns = con.execute(
        f"SELECT {names}, count(*) FROM (SELECT {gammas} FROM (SELECT {sides} "
        f"FROM {left} AS l CROSS JOIN {right} AS r)) GROUP BY ALL"
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


def match_share(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[str],
    tables: tuple[str, str],
    sizes: tuple[int, int],
) -> float:
    """Splink's estimate of the share of matches among all pairs: the pairs the
    deterministic rules bring, over the recall taken for them. Raises ValueError where no
    rule applies or the rules bring more pairs than the recall allows, as Splink does."""
    if not rules:
        raise ValueError("no deterministic rule applies to these lists")
    row = con.execute(f"SELECT count(*) FROM ({scoring.pairs_sql(rules, *tables)})").fetchone()
    found = int(row[0]) if row else 0
    total = sizes[0] * sizes[1]
    if found > total * _RECALL:
        raise ValueError(f"{found} sure pairs of {total}: more than the recall allows")
    return found / _RECALL / total


def _em_threshold(
    con: duckdb.DuckDBPyConnection, rule: str, tables: tuple[str, str], pairs: int
) -> int | None:
    """The hash threshold of Splink's sample of about `pairs` of a rule's pairs, from the
    pairs of its probe of one record in a hundred a side; None where all are kept."""
    left, right = (
        _sampled(t, s, _PROBE_MODULUS, _PROBE_THRESHOLD)
        for t, s in zip(tables, SOURCES, strict=True)
    )
    row = con.execute(f"SELECT count(*) FROM {left} AS l JOIN {right} AS r ON {rule}").fetchone()
    probe = int(row[0]) if row else 0
    estimated = probe / (_PROBE_THRESHOLD / _PROBE_MODULUS) ** 2
    if probe == 0 or estimated <= pairs:
        return None
    share: float = min(max((pairs / estimated) ** 0.5, 0.0), 1.0)
    return max(1, round(share * _SAMPLE_MODULUS))


def comparison_vectors_sql(
    con: duckdb.DuckDBPyConnection,
    rule: str,
    comparisons: Sequence[model.Comparison],
    tables: tuple[str, str],
    pairs: int = EM_PAIRS,
) -> str:
    """The comparison vectors (`gamma_family_name`, ...) of Splink's sample of about `pairs`
    of the pairs an EM rule brings, the pairs joined by row number."""
    threshold = _em_threshold(con, rule, tables, pairs)
    left, right = (
        _sampled(t, s, _SAMPLE_MODULUS, threshold) for t, s in zip(tables, SOURCES, strict=True)
    )
    sides = scoring.both_sides(comparisons)
    gammas = ", ".join(f"{c.gamma_sql()} AS gamma_{c.column}" for c in comparisons)
    return f"SELECT {gammas} FROM (SELECT {sides} FROM {left} AS l JOIN {right} AS r ON {rule})"


def _em_session(
    linker: Linker,
    con: duckdb.DuckDBPyConnection,
    rule: str,
    comparisons: Sequence[model.Comparison],
    tables: tuple[str, str],
) -> None:
    """Splink's EM session on a rule (`estimate_parameters_using_expectation_maximisation`,
    without term frequencies, u fixed) on comparison vectors Parley counts."""
    # What Splink's public method does, but for the vectors: it has no way to be given them.
    settings = linker._settings_obj
    session = EMTrainingSession(
        linker,
        db_api=linker._db_api,
        blocking_rule_for_training=to_blocking_rule_creator(rule).get_blocking_rule("duckdb"),
        core_model_settings=settings.core_model_settings,
        training_settings=settings.training_settings,
        unique_id_input_columns=settings.column_info_settings.unique_id_input_columns,
        fix_u_probabilities=True,
        estimate_without_term_frequencies=True,
    )
    # The comparisons the rule leaves informative, as the session found them.
    trained = {c.output_column_name for c in session.core_model_settings.comparisons}
    sql = comparison_vectors_sql(con, rule, [c for c in comparisons if c.column in trained], tables)
    con.execute(f"CREATE OR REPLACE TABLE parley_em_vectors AS {sql}")
    try:
        vectors = linker._db_api.table_to_splink_dataframe(
            "__splink__df_comparison_vectors", "parley_em_vectors"
        )
        settings.core_model_settings = session._train(vectors)
    finally:
        con.execute("DROP TABLE parley_em_vectors")
    linker._em_training_sessions.append(session)
    linker._populate_m_u_from_trained_values()  # type: ignore[no-untyped-call]


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
    tables: tuple[str, str],
    settings: dict[str, Any],
    comparisons: Sequence[model.Comparison],
    sizes: tuple[int, int],
    rules: tuple[tuple[str, ...], tuple[str, ...]],
    warnings: list[str],
    progress: Progress | None,
) -> dict[str, Any]:
    """The model Splink trains on the two lists' keys (`tables` on `con`): the share of
    matches from the deterministic rules, u by sampling, m by an EM session a blocking rule
    (`rules`), as Splink's model JSON. A failed step keeps the priors."""

    def step(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    prior = float(settings["probability_two_random_records_match"])
    deterministic, em_rules = rules
    step("estimating how many pairs match", 0.0)
    share = prior
    try:
        share = match_share(con, deterministic, tables, sizes)
    except ValueError:
        warnings.append(
            Sentence(N_("too few sure pairs to estimate the share of matches; the prior kept"))
        )
    step("estimating chance agreement (u)", 0.2)
    u = chance_agreement(con, comparisons, tables, SOURCES, sizes)
    settings = as_macros(with_u(settings, u), con)
    db = DuckDBAPI(con)
    lists = [db.register(t, table_name=s) for t, s in zip(tables, SOURCES, strict=True)]
    linker = Linker(lists, settings, log_level=None, validate_settings=False)
    # Where Splink's own estimate puts it: the settings may not hold a share of 0.
    linker._settings_obj._probability_two_random_records_match = share
    for i, rule in enumerate(em_rules):
        step("training the model (expectation maximisation)", 0.4 + 0.2 * i)
        before = linker.misc.save_model_to_json()
        try:
            _em_session(linker, con, rule, comparisons, tables)
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
            linker = Linker(lists, before, log_level=None, validate_settings=False)
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    share = float(trained["probability_two_random_records_match"])
    if not 0.0 < share < 0.5:  # tiny lists: every sure pair a match; Splink's log would fail
        trained["probability_two_random_records_match"] = prior
        warnings.append(
            Sentence(
                N_("share of matches estimated as {share:.3g}; the prior {prior:.3g} kept"),
                share=share,
                prior=prior,
            )
        )
    return trained
