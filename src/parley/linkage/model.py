"""The Fellegi-Sunter model Splink trains: comparisons over Parley's keys, with labels.

Every level starts from a prior m and u probability, so a list too small or too odd for
expectation maximisation still gets a sensible model; training replaces the priors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Level:
    """One comparison level: its SQL condition, its words, and its prior m and u."""

    sql: str
    label: str
    m: float = 0.0
    u: float = 0.0
    tf: str | None = None
    fix_m: bool = False  # keep the prior m: EM would drive it to zero on clean lists
    names: str | None = None  # a column whose two values the explanation names (`Олег / Павел`)
    question: str | None = None  # who the other record may be (`a brother?`)

    def said(self, left: str | None = None, right: str | None = None) -> str:
        """The level in words, with the two records' values of `names` where both have one."""
        text = self.label
        if self.names is not None and left is not None and right is not None:
            text += f": {left} / {right}"
        return text + (f" — {self.question}" if self.question else "")


@dataclass(frozen=True)
class Comparison:
    """A named comparison: the columns it needs and its levels from best to worst."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """Columns only the explanations read."""
        return tuple(dict.fromkeys(lv.names for lv in self.levels if lv.names is not None))

    @property
    def column(self) -> str:
        """The name Splink gives its gamma_ and mw_ columns."""
        return self.name.replace(" ", "_")

    def null_sql(self) -> str:
        return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in self.columns[:1])

    def gamma_sql(self) -> str:
        """Splink's gamma of this comparison, from the same conditions in the same order."""
        n = len(self.levels)
        whens = " ".join(
            f"WHEN {lv.sql} THEN {n - 1 - i}"
            for i, lv in enumerate(self.levels)
            if lv.sql != "ELSE"
        )
        return f"CASE WHEN {self.null_sql()} THEN -1 {whens} ELSE 0 END"

    def label(self, gamma: int) -> str:
        """The words of a level from Splink's gamma (-1 null, then highest level first)."""
        if gamma < 0:
            return "missing on one side"
        return self.levels[len(self.levels) - 1 - gamma].label

    def settings(self) -> dict[str, Any]:
        levels: list[dict[str, Any]] = [
            {"sql_condition": self.null_sql(), "label_for_charts": "null", "is_null_level": True}
        ]
        for lv in self.levels:
            level: dict[str, Any] = {
                "sql_condition": lv.sql,
                "label_for_charts": lv.label,
                "m_probability": lv.m,
                "u_probability": lv.u,
            }
            if lv.fix_m:
                level["fix_m_probability"] = True
            if lv.tf:
                level["tf_adjustment_column"] = lv.tf
                level["tf_adjustment_weight"] = 1.0
            levels.append(level)
        return {"output_column_name": self.column, "comparison_levels": levels}


def _jw(col: str, at: float) -> str:
    return f"jaro_winkler_similarity({col}_l, {col}_r) >= {at}"


def _within(left: str, right: str, k: int) -> str:
    """`damerau_levenshtein(left, right) <= k`, the costly distance computed only where the
    plain Levenshtein distance (at least it, at most twice it) cannot tell."""
    plain = f"levenshtein({left}, {right})"
    return (
        f"({plain} <= {k} OR ({plain} <= {2 * k} AND damerau_levenshtein({left}, {right}) <= {k}))"
    )


def _beyond(left: str, right: str, k: int) -> str:
    """`damerau_levenshtein(left, right) > k`, computed as `_within` is."""
    plain = f"levenshtein({left}, {right})"
    return f"({plain} > {2 * k} OR ({plain} > {k} AND damerau_levenshtein({left}, {right}) > {k}))"


def _exact(name: str, col: str, same: str, m: float, u: float) -> Comparison:
    """Agree or not, with m fixed: these fields change or are mistyped at known rates."""
    return Comparison(
        name,
        (col,),
        (
            Level(f"{col}_l = {col}_r", same, m, u, fix_m=True),
            Level("ELSE", f"different {name}", 1 - m, 1 - u, fix_m=True),
        ),
    )


# Family names whose sounds are one apart, each of three sounds or more.
_SOUND_APART = (
    "length(fam_code_l) >= 3 AND length(fam_code_r) >= 3 "
    f"AND {_within('fam_code_l', 'fam_code_r', 1)}"
)
FAMILY = Comparison(
    "family name",
    ("fam_skel", "fam_skel2", "fam_stem", "fam_code", "fam_code2", "given_skel"),
    (
        Level("fam_skel_l = fam_skel_r", "the same once transliterated", 0.7, 0.002, "fam_skel"),
        Level(
            "fam_skel2_l = fam_skel_r OR fam_skel_l = fam_skel2_r",
            "the same in another reading of its Latin letters", 0.05, 0.0005,
        ),
        # A stem of two letters (`ol` of Jolly and Joloy) is too short to say much.
        Level(
            "fam_stem_l = fam_stem_r AND length(fam_stem_l) >= 3",
            "the same but for a gendered ending", 0.04, 0.0005,
        ),
        Level(
            "fam_code_l = fam_code_r OR fam_code2_l = fam_code_r OR fam_code_l = fam_code2_r",
            "sound alike (machine translation or hearing)", 0.08, 0.002,
        ),
        Level(
            "fam_skel_l = given_skel_r AND given_skel_l = fam_skel_r",
            "swapped with the given name", 0.02, 0.0001,
        ),
        Level(
            "fam_skel_l = given_skel_r OR given_skel_l = fam_skel_r",
            "written as the given name on the other record", 0.01, 0.0005,
        ),
        Level(_jw("fam_skel", 0.92), "spelt alike (a typo)", 0.05, 0.004),
        # A machine translation or a hearing changes a sound or two (`Комар` / `Konal`); with
        # the letters still alike (`Федоров` / `Fndolow`) it is rarely a chance likeness.
        Level(
            f"{_SOUND_APART} AND {_jw('fam_skel', 0.8)}",
            "sound nearly alike and spelt somewhat alike", 0.03, 0.002,
        ),
        Level(_SOUND_APART, "sound nearly alike (one sound apart)", 0.02, 0.005),
        Level(_jw("fam_skel", 0.8), "spelt somewhat alike", 0.03, 0.04),
        Level("ELSE", "different", 0.03, 0.95),
    ),
)  # fmt: skip
# Two names the table knows, in no common group, more than a keystroke apart: not a typo,
# not a diminutive, not the name in another language, so another person (a brother, a twin).
_OTHER_GIVEN = (
    "given_known_l AND given_known_r AND given_key_l <> given_key_r "
    "AND given_key_l <> given_alt_r AND given_alt_l <> given_key_r AND given_alt_l <> given_alt_r "
    f"AND {_beyond('given_skel_l', 'given_skel_r', 1)}"
)
# Spelt wholly apart: neither the written forms nor their sounds alike, more than two
# keystrokes apart (`Микита` / `Nikata` sound alike, `Пилип` / `Fiipp` are two keystrokes), nor
# one sound apart (`Назар` / `Naial`, `Хома` / `Kohmy`: a machine translation garbles so).
_NEAR = (
    "jaro_winkler_similarity(given_code_l, given_code_r) >= 0.7 "
    "OR (length(given_code_l) > 1 AND length(given_code_r) > 1 "
    f"AND {_within('given_code_l', 'given_code_r', 1)}) "
    f"OR {_within('given_skel_l', 'given_skel_r', 2)} "
    "OR jaro_winkler_similarity(given_skel_l, given_skel_r) >= 0.7"
)
_APART = f"(NOT ({_NEAR}) AND length(given_skel_l) > 1 AND length(given_skel_r) > 1)"
# Given and family name written the other way round on one record: no other given name.
# Not where the family names agree (`Пилип Пилипенко` and his twin `Артём Пилипенко`).
_SWAP = (
    "coalesce((jaro_winkler_similarity(given_skel_l, fam_skel_r) >= 0.85 "
    "OR jaro_winkler_similarity(fam_skel_l, given_skel_r) >= 0.85) "
    "AND coalesce(jaro_winkler_similarity(fam_skel_l, fam_skel_r) < 0.92, true), false)"
)
# A brother or a twin does not carry one's national id or service number.
_SAME_ID = "coalesce(national_id_l = national_id_r OR service_number_l = service_number_r, false)"
# Given names that differ on records sharing an identifier are a clerk's error, not a brother.
_OTHER = f"({_OTHER_GIVEN}) AND NOT {_SWAP} AND NOT {_SAME_ID}"
_WHOLLY = f"{_APART} AND NOT {_SWAP} AND NOT {_SAME_ID}"
GIVEN = Comparison(
    "given name",
    ("given_key", "given_skel", "given_skel2", "given_known", "given_initial", "given_code",
     "given_code2", "given_alt", "patr_key", "bdate", "fam_skel",
     "national_id", "service_number"),
    (
        Level("given_key_l = given_key_r", "the same name in any language", 0.85, 0.02, "given_key"),
        Level(
            f"{_jw('given_skel', 0.88)} AND NOT (given_known_l AND given_known_r)",
            "spelt alike (a typo)", 0.07, 0.01,
        ),
        Level(
            "given_skel2_l = given_skel_r OR given_skel_l = given_skel2_r",
            "the same in another reading of its Latin letters", 0.02, 0.001,
        ),
        # Brothers share their father's name, twins their birthday too: one human's records
        # almost never differ so. m must undo the weight the shared fields bring on their own.
        Level(
            f"(patr_key_l = patr_key_r OR bdate_l = bdate_r) AND ({_OTHER} OR {_WHOLLY})",
            "different given names, the same father's name or birthday", 1e-9, 0.03, fix_m=True,
            names="given_text", question="a brother or a twin?",
        ),
        Level(
            _OTHER,
            "different given names, neither a form, a diminutive nor a typo of the other",
            0.0001, 0.8, fix_m=True, names="given_text", question="a brother?",
        ),
        Level(
            "given_code_l = given_code_r OR given_code2_l = given_code_r "
            "OR given_code_l = given_code2_r",
            "sound alike (machine translation)", 0.03, 0.005,
        ),
        # A name past the table's knowledge on one side (`Сеиен`, `Oskina`) near the other.
        Level(
            "NOT (given_known_l AND given_known_r) AND length(given_skel_l) > 1 "
            f"AND length(given_skel_r) > 1 AND ({_within('given_code_l', 'given_code_r', 1)} "
            f"OR {_within('given_skel_l', 'given_skel_r', 2)})",
            "garbled but near (a sound or two apart)", 0.03, 0.01,
        ),
        Level(
            "(length(given_skel_l) = 1 OR length(given_skel_r) = 1) "
            "AND given_initial_l = given_initial_r",
            "an initial that agrees", 0.03, 0.03,
        ),
        # Fixed: on lists with brothers and twins EM takes "different" for a usual mismatch.
        Level(
            _WHOLLY, "different given names, spelt wholly apart", 0.002, 0.85, fix_m=True,
            names="given_text", question="a brother?",
        ),
        Level("ELSE", "different", 0.004, 0.08, fix_m=True),
    ),
)  # fmt: skip
PATRONYMIC = Comparison(
    "patronymic",
    ("patr_key", "patr_stem", "patr_known", "given_key", "given_known"),
    (
        Level("patr_key_l = patr_key_r", "the same father's name", 0.85, 0.03),
        Level(_jw("patr_stem", 0.88), "spelt alike (a typo)", 0.08, 0.02),
        # A son bears a patronymic made from his father's given name, often his given name too.
        Level(
            "(given_known_r AND patr_key_l = given_key_r) "
            "OR (given_known_l AND given_key_l = patr_key_r)",
            "one's father's name is the other's given name", 0.0002, 0.003, fix_m=True,
            names="patr_text", question="father and son?",
        ),
        Level(
            "patr_known_l AND patr_known_r AND "
            + _beyond("patr_stem_l", "patr_stem_r", 1),
            "different fathers' names", 0.002, 0.9, fix_m=True, names="patr_text",
            question="a namesake?",
        ),
        Level("ELSE", "different", 0.07, 0.05),
    ),
)  # fmt: skip
# Years one digit apart, or with two neighbouring digits swapped (1968 / 1986), by arithmetic.
_YEAR_TYPO = (
    "(abs(birth_y_l - birth_y_r) < 10 OR (abs(birth_y_l - birth_y_r) % 10 = 0 "
    "AND abs(birth_y_l - birth_y_r) < 100) OR (abs(birth_y_l - birth_y_r) % 100 = 0 "
    "AND abs(birth_y_l - birth_y_r) < 1000) OR (abs(birth_y_l - birth_y_r) % 9 = 0 "
    "AND abs(birth_y_l - birth_y_r) < 90))"
)
BIRTH_DATE = Comparison(
    "birth date",
    ("birth_y", "birth_m", "birth_d"),
    (
        Level("birth_y_l = birth_y_r AND birth_m_l = birth_m_r AND birth_d_l = birth_d_r", "the same day", 0.8, 0.0002),
        Level("birth_y_l = birth_y_r AND birth_m_l = birth_d_r AND birth_d_l = birth_m_r", "day and month swapped", 0.03, 0.0001),
        Level(
            "birth_y_l = birth_y_r AND birth_m_l = birth_m_r AND (birth_d_l IS NULL OR birth_d_r IS NULL)",
            "the same year and month, the day written on one side only", 0.03, 0.001,
        ),
        Level(
            "birth_y_l = birth_y_r AND (birth_m_l IS NULL OR birth_m_r IS NULL)",
            "the same year, the rest written on one side only", 0.05, 0.01,
        ),
        Level(
            "(birth_y_l = birth_y_r AND (birth_m_l = birth_m_r OR birth_d_l = birth_d_r)) "
            f"OR (birth_m_l = birth_m_r AND birth_d_l = birth_d_r AND {_YEAR_TYPO})",
            "one number differs (a typo)", 0.05, 0.002,
        ),
        # A year mistyped on a date written in part (`1976-12-17` / `1975-12`, `1960` / `1959`).
        Level(
            "abs(birth_y_l - birth_y_r) = 1 AND coalesce(birth_m_l = birth_m_r, true) "
            "AND coalesce(birth_d_l = birth_d_r, true)",
            "a year apart, the rest agreeing where both have it", 0.02, 0.005,
        ),
        Level("birth_y_l = birth_y_r", "the same year only", 0.02, 0.01),
        # Fixed, as EM would learn from relatives that a generation apart is a usual mismatch.
        Level(
            "abs(birth_y_l - birth_y_r) >= 12", "born a generation apart", 0.004, 0.6,
            fix_m=True, question="a father, son or namesake?",
        ),
        Level(
            "abs(birth_y_l - birth_y_r) >= 3", "born years apart", 0.005, 0.3, fix_m=True,
            question="a brother, sister or namesake?",
        ),
        Level("ELSE", "different", 0.01, 0.08, fix_m=True),
    ),
)  # fmt: skip
PLACE = Comparison(
    "birth place",
    ("place", "place_code"),
    (
        Level("place_l = place_r", "the same place", 0.7, 0.01),
        Level("place_code_l = place_code_r", "places that sound alike", 0.1, 0.01),
        Level(_jw("place", 0.88), "places spelt alike", 0.05, 0.02),
        Level("ELSE", "different", 0.15, 0.96),
    ),
)
ADDRESS = Comparison(
    "home address",
    ("address",),
    (
        Level("address_l = address_r", "the same address", 0.6, 0.0005),
        Level(_jw("address", 0.9), "addresses spelt alike", 0.2, 0.002),
        Level(_jw("address", 0.75), "addresses somewhat alike", 0.1, 0.05),
        Level("ELSE", "different", 0.1, 0.95),
    ),
)


def _identifier(name: str, col: str) -> Comparison:
    """An identifier agrees, is one keystroke off (a typo: held only if the rest is strong),
    or differs (never linked: link() holds such pairs for review)."""
    return Comparison(
        name,
        (col,),
        (
            Level(f"{col}_l = {col}_r", f"the same {name}", 0.9, 0.0001, fix_m=True),
            Level(
                _within(f"{col}_l", f"{col}_r", 1),
                f"{name}s one character apart (a typo?)",
                0.05,
                0.0005,
                fix_m=True,
            ),
            Level("ELSE", f"different {name}", 0.05, 0.9994, fix_m=True),
        ),
    )


SERVICE_NUMBER = _identifier("service number", "service_number")
NATIONAL_ID = _identifier("national id", "national_id")
RANK = _exact("rank", "rank", "the same rank", 0.7, 0.15)
UNIT = _exact("unit", "unit", "the same unit", 0.7, 0.05)
CITIZENSHIP = _exact("citizenship", "citizenship", "the same citizenship", 0.95, 0.5)
SEX = Comparison(
    "sex",
    ("sex", "sex_parts"),
    (
        Level("sex_l = sex_r", "the same sex", 0.98, 0.5, fix_m=True),
        # A man and a woman, each told by at least two of the sex column, the family name's
        # ending, the given name and the patronymic: a relative, not a typo.
        Level(
            "sex_parts_l >= 2 AND sex_parts_r >= 2",
            "a man and a woman, each named so twice over",
            0.00001,
            0.3,
            fix_m=True,
            question="a wife, sister, mother or brother?",
        ),
        Level("ELSE", "another sex, told by one part of a name only", 0.02, 0.2, fix_m=True),
    ),
)

ALL = (
    FAMILY, GIVEN, PATRONYMIC, BIRTH_DATE, PLACE, ADDRESS, SERVICE_NUMBER, NATIONAL_ID, RANK,
    UNIT, CITIZENSHIP, SEX,
)  # fmt: skip

# Pairs worth comparing: any rule true. Each needs an equal key, so cost grows near-linearly.
PREDICTION_RULES = (
    "l.fam_code = r.fam_code AND l.given_key = r.given_key",
    # A second reading brings only the pairs its first does not: where the two differ.
    "l.fam_code2 = r.fam_code AND l.given_key = r.given_key AND l.fam_code2 <> l.fam_code",
    "l.fam_code = r.fam_code2 AND l.given_key = r.given_key AND r.fam_code2 <> r.fam_code",
    # A family name's sound and the birth year alone bring a third of all pairs, nearly all
    # namesakes: the given name's initial must agree too.
    "l.fam_code = r.fam_code AND l.birth_y = r.birth_y AND l.given_initial = r.given_initial",
    "l.fam_code = r.fam_code AND l.given_code = r.given_code",
    "l.fam_code = r.fam_code2 AND l.given_code = r.given_code AND r.fam_code2 <> r.fam_code",
    "l.fam_code2 = r.fam_code AND l.given_code = r.given_code AND l.fam_code2 <> l.fam_code",
    "l.fam_code = r.fam_code AND l.patr_key = r.patr_key",
    "l.given_code = r.given_code AND l.patr_key = r.patr_key "
    "AND substr(l.fam_skel, 1, 1) = substr(r.fam_skel, 1, 1)",
    "l.given_key = r.given_key AND l.birth_y = r.birth_y "
    "AND substr(l.fam_skel, 1, 2) = substr(r.fam_skel, 1, 2)",
    "l.given_key = r.given_key AND l.bdate = r.bdate",
    "l.fam_code = r.given_code AND l.given_code = r.fam_code",
    # One name written in the other's column, the other mistyped or replaced.
    "l.bdate = r.bdate AND l.fam_code = r.given_code",
    "l.bdate = r.bdate AND l.given_code = r.fam_code",
    # Born the same day in the same place: the anchor when a name is past recognition.
    "l.bdate = r.bdate AND l.place = r.place",
    "l.service_number = r.service_number",
    "l.national_id = r.national_id",
    "l.bdate = r.bdate AND l.given_initial = r.given_initial",
    "l.bdate = r.bdate AND substr(l.fam_skel, 1, 1) = substr(r.fam_skel, 1, 1)",
    "l.place = r.place AND l.fam_code = r.fam_code",
    "l.place = r.place AND l.given_key = r.given_key",
    "l.address = r.address",
    # An address mistyped past its street (`Bilpin` / `Bilpiw`), names or numbers changed.
    "substr(l.address, 1, 10) = substr(r.address, 1, 10) AND l.given_initial = r.given_initial",
    "substr(l.address, 1, 10) = substr(r.address, 1, 10) AND l.birth_y = r.birth_y",
    # The family name's sound lost to a typo or a machine translation (`Бабич` / `Babrch`),
    # the given name's too or the date missing: the unit, or the given name's sound and the
    # birth year, with the first letters.
    "l.unit = r.unit AND l.given_initial = r.given_initial",
    "l.given_code = r.given_code AND l.birth_y = r.birth_y "
    "AND substr(l.fam_skel, 1, 1) = substr(r.fam_skel, 1, 1)",
    # Both names mistyped or garbled past their keys, what is left agreeing: the family
    # name's sound with the date but for its year, or the father's name with the birth year.
    "l.bdate = r.bdate AND l.fam_code = r.fam_code",
    "l.bdate = r.bdate AND l.fam_code = r.fam_code2 AND r.fam_code2 <> r.fam_code",
    "l.bdate = r.bdate AND l.fam_code2 = r.fam_code AND l.fam_code2 <> l.fam_code",
    "l.fam_code = r.fam_code AND l.birth_m = r.birth_m AND l.birth_d = r.birth_d",
    "l.patr_key = r.patr_key AND l.birth_y = r.birth_y "
    "AND substr(l.fam_skel, 1, 2) = substr(r.fam_skel, 1, 2)",
    "l.given_key = r.given_key AND l.patr_key = r.patr_key AND l.birth_y = r.birth_y",
    "l.fam_code = r.fam_code AND l.birth_y = r.birth_y AND l.birth_m = r.birth_m",
)
# Pairs sure enough to estimate how many matches there are.
DETERMINISTIC_RULES = (
    "l.fam_skel = r.fam_skel AND l.given_key = r.given_key AND l.bdate = r.bdate",
    "l.service_number = r.service_number",
    "l.national_id = r.national_id",
)
# Expectation maximisation: one session blocks on names (trains the rest), one on the
# birth date (trains the names).
# A rule must name the columns of the comparisons it makes uninformative, so that Splink
# sets those aside for the session (blocking on `bdate` would leave the date comparison
# in, agreeing on every pair, and EM would take every pair for a match).
EM_RULES = (
    "l.fam_code = r.fam_code AND l.given_key = r.given_key",
    "l.birth_y = r.birth_y AND l.birth_m = r.birth_m AND l.birth_d = r.birth_d",
)


_RULE_COLUMN = re.compile(r"\b[lr]\.(\w+)")


def rule_columns(rule: str) -> frozenset[str]:
    """The feature columns a blocking rule reads."""
    return frozenset(_RULE_COLUMN.findall(rule))


def settings(
    comparisons: tuple[Comparison, ...],
    prior_match: float,
    rules: tuple[str, ...] = PREDICTION_RULES,
) -> dict[str, Any]:
    """Splink settings for linking two lists with these comparisons and blocking rules."""
    return {
        "link_type": "link_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": prior_match,
        "comparisons": [c.settings() for c in comparisons],
        "blocking_rules_to_generate_predictions": list(rules),
        # Weights but not the compared columns: only the pairs over the threshold need their
        # levels, computed again from the same conditions (`Comparison.gamma_sql`).
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": False,
        "em_convergence": 0.001,
        "max_iterations": 20,
    }
