"""Roster files as lists come, for linkage and search: text as written, nothing refused that
a person could still be matched by (an impossible date is compared as written)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from pyarrow import csv as pa_csv

from parley.errors import N_
from parley.gcpause import gc_paused
from parley.io import limits
from parley.io.headers import canonical_column
from parley.io.tables import (
    Problem,
    RawTable,
    RosterFileError,
    read_bounded,
    read_table,
    reason,
    sniff_dialect,
)
from parley.linkage import LinkageRecord
from parley.linkage.records import FIELDS, LinkageColumns


def linkage_columns(table: RawTable) -> LinkageColumns:
    """The table's fields column by column; a repeated or empty record id is the only
    refusal. A list without an id column names each record by its row (`row 12`), as a
    report about it would. The table's rows are emptied: the text is then held by the
    columns alone."""
    positions = {col: pos for pos, col in enumerate(table.columns) if col in FIELDS}
    if "record_id" not in positions:
        table.headers.append("record_id")
        table.columns.append("record_id")
        table.rows = [(number, [*cells, f"row {number}"]) for number, cells in table.rows]
        positions["record_id"] = len(table.columns) - 1
    at = positions["record_id"]
    ids = [cells[at] for _, cells in table.rows]
    if not all(ids) or len(set(ids)) < len(ids):
        seen: set[str] = set()
        for number, cells in table.rows:
            rid = cells[at]
            if not rid or rid in seen:
                why = (
                    reason(N_("record_id is empty"))
                    if not rid
                    else reason(N_("record_id {record!r} repeats"), record=rid)
                )
                raise RosterFileError([Problem(table.file, number, "record_id", why)])
            seen.add(rid)
    columns: dict[str, list[str | None]] = {
        col: [cells[pos] or None for _, cells in table.rows] for col, pos in positions.items()
    }
    table.rows = []
    return LinkageColumns(columns)


def linkage_records(table: RawTable) -> list[LinkageRecord]:
    """One record a row; a missing or repeated record id is the only refusal."""
    return linkage_columns(table).records()


def read_linkage_columns(path: Path) -> LinkageColumns:
    """A list file column by column: CSV in UTF-8 parsed by Arrow when nothing in it needs
    the careful reader, which takes every other file and says what is wrong with it."""
    with gc_paused():
        fast = _arrow_columns(path) if path.suffix.lower() not in _WORKBOOKS else None
        # The file's text and the columns' drafts, freed, are given back rather than kept by
        # Arrow for its next allocation.
        pa.default_memory_pool().release_unused()
        return fast if fast is not None else linkage_columns(read_table(path))


_WORKBOOKS = frozenset({".xlsx", ".xlsm"})
# What starts a formula, and the control characters other than C0 (line breaks, bidirectional
# overrides): the careful reader says where, or keeps a line break in free text.
_FORMULA_SIGN = r"[=+\-@\x{ff1d}\x{ff20}\x{ff0b}\x{ff0d}]"
_C1_AND_BIDI = r"\x7f-\x{9f}\x{2028}\x{2029}\x{202a}-\x{202e}\x{2066}-\x{2069}"
# A cell that may be a formula once stripped: only non-alphanumerics before the sign
# (whitespace is neither a letter nor a digit). The careful reader judges such a file.
_MAYBE_FORMULA = rf"^[^\p{{L}}\p{{N}}]*{_FORMULA_SIGN}"
_MAYBE_CONTROL = rf"[\x00-\x1f{_C1_AND_BIDI}]"
_MAYBE_EITHER = f"(?:{_MAYBE_FORMULA})|{_MAYBE_CONTROL}"  # one pass over a column for both


def _text_may_hold_either(data: bytes, delimiter: str) -> bool:
    """Whether some cell of the file (`data`, UTF-8 already checked) may hold a formula or a
    control character, asked of the whole text in one pass rather than of every cell: a cell
    starts at the text's start, after a line break or after a delimiter, so a cell that
    would match puts a match in the text (a false alarm costs only the check cell by cell).
    Line breaks, and tabs where they are the delimiter, are not looked for here but in the
    cells (`_between_cells`)."""
    sep = r"\t" if delimiter == "\t" else delimiter  # one of `,;\t`, said plainly to RE2
    c0 = r"\x00-\x08\x0b\x0c\x0e-\x1f" + ("" if delimiter == "\t" else r"\x09")
    formula = rf"(?:^|[{sep}\n\r])[^\p{{L}}\p{{N}}{sep}\n\r]*{_FORMULA_SIGN}"
    # The file's UTF-8 bytes as one Arrow string, not copied.
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))
    found = pc.match_substring_regex(text, f"(?m){formula}|[{c0}{_C1_AND_BIDI}]")
    return bool(found[0].as_py())


def _between_cells(delimiter: str) -> tuple[str, ...]:
    """The control characters `_text_may_hold_either` leaves to be looked for in the cells."""
    return ("\n", "\r", "\t") if delimiter == "\t" else ("\n", "\r")


def _arrow_columns(path: Path) -> LinkageColumns | None:
    """The columns as `linkage_columns(read_table(path))` gives them, or None when the file
    is not plain UTF-8 CSV, may hold a formula, or has any problem to report."""
    try:
        data = read_bounded(path)
    except RosterFileError:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if b"\x00" in data or not data.strip():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    dialect = sniff_dialect(text)
    if (
        dialect.quotechar != '"'
        or not (dialect.doublequote or b'"' not in data)  # quoting as Arrow reads it
        or dialect.escapechar is not None
        or dialect.skipinitialspace
        or dialect.delimiter not in ",;\t"
    ):
        return None
    first = next((row for row in csv.reader(io.StringIO(text, newline=""), dialect) if row), [])
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=dialect.delimiter, newlines_in_values=True, ignore_empty_lines=True
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(first))},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError, csv.Error):
        return None
    if table.num_rows >= limits.MAX_ROWS or table.num_columns > limits.MAX_COLUMNS:
        return None
    suspect = _text_may_hold_either(data, dialect.delimiter)
    # A line break or a tab is a cell's own only inside quotes.
    inside = _between_cells(dialect.delimiter) if b'"' in data else ()
    for column in table.columns:
        if column.type != pa.string():  # read otherwise than the first row foretold
            return None
        if suspect and pc.any(pc.match_substring_regex(column, _MAYBE_EITHER)).as_py():
            return None
        if any(pc.any(pc.match_substring(column, c)).as_py() for c in inside):
            return None
        if (pc.max(pc.utf8_length(column)).as_py() or 0) > limits.MAX_CELL_CHARS:
            return None
    # Cells trimmed as str.strip() trims (Arrow's whitespace is Python's), kept in Arrow.
    cells = [pc.utf8_trim_whitespace(column.combine_chunks()) for column in table.columns]
    del table
    filled = [pc.greater(pc.utf8_length(column), 0) for column in cells]
    anything = filled[0]
    for more in filled[1:]:
        anything = pc.or_(anything, more)
    nonblank = np.flatnonzero(anything.to_numpy(zero_copy_only=False))
    if len(nonblank) < 2:
        return None  # no header or no person: the careful reader says which
    top = int(nonblank[0])
    headers = [column[top].as_py() for column in cells]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    if any(pc.any(column).as_py() for column in filled[width:]):
        return None  # a row longer than the header
    positions: dict[str, int] = {}
    for pos, header in enumerate(headers):
        canonical = canonical_column(header)
        if canonical in FIELDS:
            positions[canonical] = pos
    if "record_id" not in positions:
        return None
    rows = nonblank[1:]
    contiguous = int(rows[-1]) - int(rows[0]) + 1 == len(rows)
    empty = pa.scalar(None, pa.string())

    def kept(pos: int) -> pa.Array:
        values = pc.if_else(filled[pos], cells[pos], empty)
        return values.slice(int(rows[0]), len(rows)) if contiguous else values.take(rows)

    columns = {col: kept(pos) for col, pos in positions.items()}
    ids = columns["record_id"]
    if ids.null_count or pc.count_distinct(ids).as_py() < len(ids):
        return None
    return LinkageColumns(columns)


def read_linkage_records(path: Path) -> list[LinkageRecord]:
    return linkage_records(read_table(path))
