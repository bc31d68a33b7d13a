"""Lists held column by column: the same links as records, and files read that way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.io.linkage_input import read_linkage_columns, read_linkage_records
from parley.io.tables import RosterFileError
from parley.linkage import LinkageColumns, LinkageRecord
from parley.linkage.prepare import feature_frames
from parley.linkage.records import FIELDS

_TEXT = st.one_of(st.none(), st.sampled_from(["Шевченко", "Taras", "1961-02-30", "03.02.1967",
                                               "Kyiv", "А123456", "Ivanova Maria", "m"]))  # fmt: skip


@st.composite
def _records(draw: st.DrawFn) -> list[LinkageRecord]:
    n = draw(st.integers(1, 6))
    return [
        LinkageRecord(f"r{i}", **{f: draw(_TEXT) for f in FIELDS if f != "record_id"})
        for i in range(n)
    ]


@settings(max_examples=40, deadline=None)
@given(_records(), _records())
def test_columns_and_records_give_the_same_features(
    left: list[LinkageRecord], right: list[LinkageRecord]
) -> None:
    as_records, said = feature_frames([left, right], ["left", "right"])
    columns = [LinkageColumns.of(left), LinkageColumns.of(right)]
    as_columns, said_too = feature_frames(columns, ["left", "right"])
    for a, b in zip(as_records, as_columns, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert said == said_too
    assert LinkageColumns.of(left).records() == left


def test_columns_are_checked() -> None:
    with pytest.raises(ValueError, match="needs a record_id"):
        LinkageColumns({"family_name": ["Шевченко"]})
    with pytest.raises(ValueError, match="not a field of a linkage record: shoe_size"):
        LinkageColumns({"record_id": ["1"], "shoe_size": ["44"]})
    with pytest.raises(ValueError, match="column family_name has 2 values, record_id has 1"):
        LinkageColumns({"record_id": ["1"], "family_name": ["a", "b"]})
    columns = LinkageColumns({"record_id": ["1", "2"], "family_name": ["Бондар", None]})
    assert columns.column("rank") == [None, None]
    assert len(LinkageColumns.concat([columns, columns])) == 4


def test_a_file_read_as_columns_keeps_empty_cells_empty(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "ID;Прізвище;Ім'я;Дата народження\n7;Шевченко;;1961-02-30\n8;;Тарас;\n", "utf-8"
    )
    columns = read_linkage_columns(path)
    assert columns.column("record_id") == ["7", "8"]
    assert columns.column("given_name") == [None, "Тарас"]
    assert columns.column("birth_date") == ["1961-02-30", None]
    assert read_linkage_records(path) == columns.records()
    path.write_text("ID;Прізвище\n7;Шевченко\n7;Бондар\n", "utf-8")
    with pytest.raises(RosterFileError, match=r"list.csv, row 3, column record_id: .*repeats"):
        read_linkage_columns(path)
