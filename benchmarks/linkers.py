"""One linker on two CSV files in a fresh interpreter: Parley or Splink, its time and memory.

    python benchmarks/linkers.py parley|splink|splink-tuned|parley-frames|parley-model FOLDER
        THRESHOLD OUT.pkl

FOLDER holds left.csv and right.csv; OUT.pkl receives the pairs and the figures. Only
what the chosen system needs is imported (benchmarks/linkage_synthetic.py runs this).
`parley-frames` keeps Parley's feature tables in FOLDER; `parley-model` then runs only
Parley's Splink stages on them.
"""

from __future__ import annotations

import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    """This program's peak resident memory. Not ru_maxrss: Linux carries that over from the
    parent this process was forked from, before it became a new program."""
    if Path("/proc/self/status").exists():
        return _status_mib("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_parley(folder: str, threshold: float | None) -> dict[str, Any]:
    """What `parley link left.csv right.csv` does, short of writing OUT.csv."""
    from parley.io.linkage_input import read_linkage_columns
    from parley.linkage import link

    floor = _peak_mib()  # the interpreter and the libraries, before any file is read
    start = time.perf_counter()
    left, right = (read_linkage_columns(Path(folder) / n) for n in ("left.csv", "right.csv"))
    result = link(left, right, threshold=threshold)
    seconds = time.perf_counter() - start
    # A pair in an ambiguous group is not a link: the mediator chooses.
    pairs = [(lk.left_id, lk.right_id) for lk in result.links if not lk.ambiguous]
    held = [(lk.left_id, lk.right_id) for lk in result.held]
    groups = {lk.ambiguous for lk in result.links if lk.ambiguous}
    return {"pairs": pairs, "held": held, "seconds": seconds,
            "peak_mib": _peak_mib(), "floor_mib": floor, "threshold": result.threshold,
            "stats": dict(result._stats), "ambiguous_groups": len(groups),
            "ambiguous_pairs": len(result.links) - len(pairs)}  # fmt: skip


def save_frames(folder: str) -> dict[str, Any]:
    """Parley's feature tables of the two lists, kept in FOLDER for `run_parley_model`."""
    from parley.io.linkage_input import read_linkage_columns
    from parley.linkage.prepare import feature_frames

    start = time.perf_counter()
    lists = [read_linkage_columns(Path(folder) / n) for n in ("left.csv", "right.csv")]
    frames, warnings = feature_frames(lists, ["left", "right"])
    seconds = time.perf_counter() - start
    (Path(folder) / "frames.pkl").write_bytes(pickle.dumps((frames, warnings)))
    return {"pairs": [], "seconds": seconds, "peak_mib": _peak_mib()}


def run_parley_model(folder: str, threshold: float | None) -> dict[str, Any]:
    """Only what Parley asks of Splink and DuckDB (training, scoring, explaining), on feature
    tables prepared beforehand: the floor of Parley's time and memory while Splink is its
    model, whatever reading and keying the lists may come to cost."""
    from parley.linkage.link import DEFAULT_THRESHOLD, _link_features

    floor = _peak_mib()
    (frame_l, frame_r), warnings = pickle.loads((Path(folder) / "frames.pkl").read_bytes())
    held = _status_mib("VmRSS")  # the tables, without what unpickling them took for a moment
    start = time.perf_counter()
    result = _link_features(frame_l, frame_r, threshold or DEFAULT_THRESHOLD, warnings=warnings)
    # A pair in an ambiguous group is not a link, as in `run_parley`.
    pairs = [(lk.left_id, lk.right_id) for lk in result.links if not lk.ambiguous]
    return {"pairs": pairs, "seconds": time.perf_counter() - start, "peak_mib": _peak_mib(),
            "floor_mib": floor, "frames_mib": held - floor, "stats": dict(result._stats)}  # fmt: skip


def _splink_frame(path: Path) -> Any:
    """The cleaning Splink's documentation asks for: lower case, ISO dates, null for blanks."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    words = frame["full_name"].str.split()
    first, last = words.str[0].fillna(""), words.str[-1].fillna("")
    latin = first.map(str.isascii)  # Latin lists put the given name first
    no_columns = (frame["family_name"] == "") & (frame["full_name"] != "")
    family = frame["family_name"].where(~no_columns, last.where(latin, first))
    given = frame["given_name"].where(~no_columns, first.where(latin, words.str[1].fillna("")))
    date = frame["birth_date"]
    dotted = date.str.split(".")
    date = date.where(~date.str.contains(".", regex=False),
                      dotted.str[2] + "-" + dotted.str[1] + "-" + dotted.str[0])  # fmt: skip
    out = pd.DataFrame({
        "unique_id": frame["record_id"],
        "family_name": family.str.lower(),
        "given_name": given.str.lower(),
        "birth_date": date.where(date.str.len() == 10, ""),
        "service_number": frame["service_number"].str.replace(" ", ""),
        "national_id": frame["national_id"],
    })  # fmt: skip
    return out.replace("", None)


def run_splink(folder: str, threshold: float) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    floor = _peak_mib()
    start = time.perf_counter()
    left, right = (_splink_frame(Path(folder) / n) for n in ("left.csv", "right.csv"))
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"), block_on("birth_date"),
            block_on("service_number"), block_on("national_id"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=True, invalid_dates_as_null=True),
            cl.ExactMatch("service_number"), cl.ExactMatch("national_id"),
        ],
    )  # fmt: skip
    db = DuckDBAPI()
    tables = [db.register(left), db.register(right)]
    try:
        linker = Linker(tables, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_name", "family_name", "birth_date"), block_on("service_number")],
            recall=0.7,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("given_name", "family_name")
        )
        found = linker.inference.predict(threshold_match_probability=threshold)
        frame = found.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        pairs = list(zip(frame["unique_id_l"], frame["unique_id_r"], strict=True))
        error = None
    except Exception as e:  # what the documented set-up does with this data
        pairs, error = [], f"{e.__class__.__name__}: {str(e).splitlines()[0][:120]}"
    return {"pairs": pairs, "seconds": time.perf_counter() - start, "peak_mib": _peak_mib(),
            "floor_mib": floor, "error": error}  # fmt: skip


def main() -> None:
    system, folder, threshold, result = sys.argv[1:5]
    chosen = None if threshold == "None" else float(threshold)
    if system == "splink-tuned":
        import importlib

        tuned = importlib.import_module("linkers_splink")  # beside this script
        out = tuned.run_splink_tuned(folder, chosen or 0.5, _peak_mib)
    elif system == "parley":
        out = run_parley(folder, chosen)
    elif system == "parley-frames":
        out = save_frames(folder)
    elif system == "parley-model":
        out = run_parley_model(folder, chosen)
    else:
        out = run_splink(folder, float(threshold))
    Path(result).write_bytes(pickle.dumps(out))


if __name__ == "__main__":
    main()
