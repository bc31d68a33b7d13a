"""Lists held column by column: the same links as records, and files read that way."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.io.linkage_input import (
    _arrow_columns,
    linkage_columns,
    read_linkage_columns,
    read_linkage_records,
)
from parley.io.tables import RosterFileError, read_table
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


_HEADERS = ["ID", "Прізвище", "Ім'я", "Дата народження", "Notes", "", " ID ", "Фамилия"]
_CELLS = st.text(
    alphabet=st.sampled_from(list(',;\t"\n\r \xa0=+-@(!a\u0416\u04571.\x1f\x85\u202e\uff1d')),
    max_size=5,
)


@st.composite
def _csv_bytes(draw: st.DrawFn) -> bytes:
    width = draw(st.integers(1, 4))
    header = [draw(st.sampled_from(_HEADERS)) for _ in range(width)]
    rows = draw(st.lists(st.lists(_CELLS, min_size=width, max_size=width), max_size=5))
    if draw(st.booleans()):  # ids as lists mostly write them
        rows = [[f"p{i}", *row[1:]] for i, row in enumerate(rows)]
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):  # a ragged row, a blank line, a stray quote
        text += draw(st.sampled_from(["a;b;c;d;e\n", "\n\n", 'x"y;"z\n', ";;;\n"]))
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


def _read(read: Callable[[Path], LinkageColumns], path: Path) -> object:
    try:
        columns = read(path)
    except RosterFileError as e:
        return str(e)
    return {name: columns.column(name) for name in FIELDS}


@settings(max_examples=400, deadline=None)
@given(_csv_bytes())
def test_the_fast_csv_reader_reads_as_the_careful_one(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(data)
        careful = _read(lambda p: linkage_columns(read_table(p)), path)
        assert _read(read_linkage_columns, path) == careful


def test_the_fast_reader_takes_a_plain_list(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('ID,Прізвище,Notes\n1,"Шевченко, Т.",x\n\n2,Бондар,"a ""b"""\n', "utf-8")
    fast = _arrow_columns(path)
    assert fast is not None and fast.column("family_name") == ["Шевченко, Т.", "Бондар"]
    path.write_text("ID,Прізвище\n1,=SUM(A1)\n", "utf-8")
    assert _arrow_columns(path) is None  # the careful reader refuses the formula
    with pytest.raises(RosterFileError, match="formula"):
        read_linkage_columns(path)
