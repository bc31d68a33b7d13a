"""Splink tuned as a skilled user would for East Slavic lists (run by benchmarks/linkers.py).

Cyrillic is transliterated with translitua first (the Ukrainian passport table for Ukrainian
spellings, the Russian one for Russian spellings, the list's majority where a name shows
neither), full names split into family, given name and patronymic (by the patronymic's
ending and place, a word in capitals, or the script's habit), dates read into ISO with
partial dates kept. Given and family name are compared together (exact, swapped, several
Jaro-Winkler levels), patronymics and dates at several levels, identifiers exactly; u from
10^7 random pairs; pairs come from eight blocking keys.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")
_CYRILLIC = re.compile("[а-яА-ЯіїєґІЇЄҐёЁ]")
_NOT_LETTER = re.compile("[^a-z]")


def _latin(text: str, russian_list: bool) -> str:
    import translitua

    if not _CYRILLIC.search(text):
        return text
    russian = bool(_RUSSIAN.search(text)) or (russian_list and not _UKRAINIAN.search(text))
    table = translitua.RussianInternationalPassport if russian else translitua.UkrainianKMU
    return str(translitua.translit(text, table))


_PATRONYMIC = re.compile(r"(?:vich|vych|vitch|vna|ich|ych|ович|евич|ич|івна|овна|евна|ична)$", re.I)


def _split(full: str) -> tuple[str, str, str]:
    """Family, given name and patronymic of a full name, by the writer's habits: a word in
    capitals is the family name; of three words, the patronymic's place tells the order
    (family, given, patronymic or given, patronymic, family); Cyrillic lists write the family
    name first, Latin ones the given name."""
    words = full.split()
    if not words:
        return "", "", ""
    patronymic = ""
    if len(words) == 3:
        if _PATRONYMIC.search(words[1]):
            return words[2], words[0], words[1]
        if _PATRONYMIC.search(words[2]):
            return words[0], words[1], words[2]
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if capitals:
        family = capitals[0]
        rest = [w for w in words if w is not family]
    elif _CYRILLIC.search(full):
        family, rest = words[0], words[1:]
    else:
        family, rest = words[-1], words[:-1]
    patronymic = rest[1] if len(rest) > 1 else ""
    return family, rest[0] if rest else "", patronymic


def _date(text: str) -> str:
    if "." in text:
        parts = text.split(".")
        return "-".join(reversed(parts)) if len(parts) == 3 else ""
    return text


def _frame(path: Path) -> Any:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = frame["family_name"].str.cat(frame["full_name"])
    russian_list = (
        names.str.count(_RUSSIAN.pattern).sum() > names.str.count(_UKRAINIAN.pattern).sum()
    )
    split = frame["full_name"].map(_split)
    columns = {}
    for k, name in enumerate(("family_name", "given_name", "patronymic")):
        written = frame[name].where(frame[name] != "", split.str[k])
        cache: dict[str, str] = {}

        def clean(text: str, cache: dict[str, str] = cache) -> str:
            if text not in cache:
                plain = unicodedata.normalize("NFKD", _latin(text, russian_list).lower())
                cache[text] = _NOT_LETTER.sub("", plain)  # diacritics dropped: š -> s
            return cache[text]

        columns[name] = written.map(clean)
    date = frame["birth_date"].map(_date)
    out = pd.DataFrame(
        {
            "unique_id": frame["record_id"],
            **columns,
            "birth_date": date,
            "birth_year": date.str[:4],
            "service_number": frame["service_number"].str.replace(" ", ""),
            "national_id": frame["national_id"],
        }
    )
    return out.replace("", None)


def _date_comparison() -> Any:
    import splink.comparison_level_library as cll
    from splink import comparison_library as cl

    def level(sql: str, label: str) -> Any:
        return cll.CustomLevel(sql, label_for_charts=label)

    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            level("birth_date_l = birth_date_r AND length(birth_date_l) = 10", "same day"),
            level(
                "length(birth_date_l) = 10 AND length(birth_date_r) = 10 "
                "AND damerau_levenshtein(birth_date_l, birth_date_r) <= 1",
                "one digit off",
            ),
            level("substr(birth_date_l, 1, 7) = substr(birth_date_r, 1, 7)", "same month"),
            level("birth_year_l = birth_year_r", "same year"),
            level(
                "abs(try_cast(birth_year_l AS INTEGER) - try_cast(birth_year_r AS INTEGER)) <= 1",
                "a year apart",
            ),
            cll.ElseLevel(),
        ],
    )


def run_splink_tuned(
    folder: str, threshold: float, peak_mib: Callable[[], float]
) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    floor = peak_mib()
    start = time.perf_counter()
    left, right = (_frame(Path(folder) / n) for n in ("left.csv", "right.csv"))
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("family_name", "given_name"),
            block_on("family_name", "birth_year"),
            block_on("given_name", "birth_date"),
            block_on("substr(family_name, 1, 2)", "birth_date"),
            block_on("substr(family_name, 1, 3)", "substr(given_name, 1, 3)", "birth_year"),
            block_on("given_name", "patronymic", "substr(family_name, 1, 1)"),
            block_on("service_number"),
            block_on("national_id"),
        ],
        comparisons=[
            # Full names in either order: the forename-surname comparison sees them swapped.
            cl.ForenameSurnameComparison("given_name", "family_name"),
            cl.JaroWinklerAtThresholds("patronymic", [0.92, 0.8]),
            _date_comparison(),
            cl.ExactMatch("service_number"),
            cl.ExactMatch("national_id"),
        ],
    )
    db = DuckDBAPI()
    tables = [db.register(left), db.register(right)]
    try:
        linker = Linker(tables, settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("family_name", "given_name", "birth_date"), block_on("service_number")],
            recall=0.7,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7)  # as Splink advises
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("family_name", "given_name")
        )
        found = linker.inference.predict(threshold_match_probability=threshold)
        frame = found.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        pairs = list(zip(frame["unique_id_l"], frame["unique_id_r"], strict=True))
        error = None
    except Exception as e:  # what this set-up does with the data, reported
        pairs, error = [], f"{e.__class__.__name__}: {str(e).splitlines()[0][:120]}"
    return {"pairs": pairs, "seconds": time.perf_counter() - start, "peak_mib": peak_mib(),
            "floor_mib": floor, "error": error}  # fmt: skip
