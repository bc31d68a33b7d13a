"""A list keyed column by column, each distinct value once, gives every record the keys it
gets alone."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.app.language import refusal
from parley.domain.dates import parse_written_date, problem_of
from parley.errors import N_, Sentence
from parley.linkage.prepare import feature_frame, feature_frames, feature_row, prepare
from parley.linkage.records import LinkageRecord

# Words that make the parser choose: patronymics, given names it knows, Latin and mixed
# scripts, a stray initial, a Turkic marker, a clerk's mark, blanks and punctuation.
WORDS = [
    "Шевченко", "Вишинський", "Вышинский", "Vyshynskyi", "Wyschinski", "Кирило", "Кирилл",
    "Kyrylo", "Валерійович", "Валерьевич", "Valeriyovych", "Олена", "Іванівна", "Петро",
    "Аксенова", "Mar``yana", "Тарас", "огли", "Раміз", "А.", "ср", "Iванiвна", "  ", "-",
    "o'Brien", "Ковальчук-Бондар", "SHEVCHENKO", "Орхип", "Цвєтков", "Tsvietkov", "Orkhyp",
]  # fmt: skip
DATES = ["1967", "1967-02", "03.02.1967", "1961-02-30", "19670203", "02.1967", "next year",
         "  ", "1999-13-01", "01.02.85"]  # fmt: skip
PLACES = ["м. Київ", "Kyiv", "село Зелене", "Zolote district", "г.", "Мариуполь"]
OTHER = ["солдат", "старший сержант", "А1234", "в/ч А1234", "UA", "Україна", "ж", "male",
         "AB 123456", "АВ-123456", "civilian", " Military "]  # fmt: skip

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
maybe_words = st.none() | words
records = st.builds(
    LinkageRecord,
    record_id=st.uuids().map(str),
    family_name=maybe_words,
    given_name=maybe_words,
    patronymic=maybe_words,
    full_name=maybe_words,
    birth_date=st.none() | st.sampled_from(DATES),
    birth_place=st.none() | st.sampled_from(PLACES),
    citizenship=st.none() | st.sampled_from(OTHER),
    rank=st.none() | st.sampled_from(OTHER),
    service_number=st.none() | st.sampled_from(OTHER),
    unit=st.none() | st.sampled_from(OTHER),
    national_id=st.none() | st.sampled_from(OTHER),
    sex=st.none() | st.sampled_from(OTHER),
    category=st.none() | st.sampled_from(OTHER),
    home_address=st.none() | st.sampled_from(PLACES),
)


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _one_by_one(rs: list[LinkageRecord], side: str) -> tuple[list[dict[str, Any]], list[str]]:
    prepared = [prepare(r, side) for r in rs]
    return [feature_row(p) for p in prepared], [w for p in prepared for w in p.warnings]


@settings(max_examples=150, deadline=None)
@given(st.lists(records, min_size=1, max_size=12))
def test_keyed_by_column_equals_keyed_by_record(rs: list[LinkageRecord]) -> None:
    rs = rs + rs[:3]  # repeated values take the keys of their first occurrence
    frame, warnings = feature_frame(rs, "left")
    rows, expected = _one_by_one(rs, "left")
    assert _plain(frame) == rows
    assert warnings == expected


def test_types_are_one_arrow_type_a_column() -> None:
    empty = [LinkageRecord("1")]
    full = [LinkageRecord("2", "Шевченко", "Петро", birth_date="1967-02-03")]
    (a, b), _ = feature_frames([empty, full], oriented=False)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
    assert str(b["birth_y"].dtype) == "int64[pyarrow]"
    assert str(b["given_known"].dtype) == "bool[pyarrow]"
    assert str(b["fam_skel"].dtype) == "string[pyarrow]"


def test_warnings_name_the_side_of_each_list() -> None:
    left = [LinkageRecord("L1", "Шевченко", birth_date="1961-02-30")]
    right = [LinkageRecord("R1", birth_date="1961"), LinkageRecord("R2", "Шевченко")]
    _, warnings = feature_frames([left, right], ["left", "right"])
    assert warnings == [
        "left record L1: birth date '1961-02-30' day 30 does not exist in February 1961; "
        "compared as written",
        "right record R1: no name; matched on the other fields only",
    ]


def test_a_swapped_name_takes_the_sex_its_new_parts_tell() -> None:
    sure = [LinkageRecord(f"U{i}", "Аксенова", g) for i, g in enumerate(["Марія", "Олена"])]
    sure.append(LinkageRecord("U9", "Бондар", "Мар'яна"))
    unclear = [LinkageRecord("R0", full_name="Aksenova Maryana")]
    (_, right), _ = feature_frames([sure, unclear])
    assert right.at[0, "fam_text"] == "aksenova"
    assert str(right.at[0, "sex"]) == str(right.at[0, "name_sex"]) == "f"


def test_warnings_are_said_in_the_readers_language() -> None:
    """A warning reads in English as before and keeps its template, so a page says it in
    Ukrainian or Russian: the side, the date's problem and the words around them."""
    left = [LinkageRecord("L1", family_name="Шевченко", birth_date="1961-02-30")]
    right = [LinkageRecord("R1")]
    _, warnings = feature_frames([left, right], [N_("left"), N_("right")])
    assert warnings == [
        "left record L1: birth date '1961-02-30' day 30 does not exist in February 1961;"
        " compared as written",
        "right record R1: no name; matched on the other fields only",
    ]
    uk = [refusal(Sentence(N_("{note}"), note=w).as_refusal(), "uk") for w in warnings]
    assert uk == [
        "запис L1 (лівий список): дата народження '1961-02-30': "
        + refusal(problem_of(parse_written_date("1961-02-30")), "uk")  # type: ignore[arg-type]
        + "; порівнюється так, як записано",
        "запис R1 (правий список): немає імені; зіставлено лише за іншими полями",
    ]
    assert "30" in uk[0] and "лют" in uk[0]  # the date's own problem, in Ukrainian too
    ru = refusal(Sentence(N_("{note}"), note=warnings[1]).as_refusal(), "ru")
    assert ru == "запись R1 (правый список): нет имени; сопоставлено только по другим полям"
