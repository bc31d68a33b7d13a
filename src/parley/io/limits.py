"""What Parley reads from outside at most, in one place (documented in docs/rosters.md), and
what a cell may hold: the rules every reader and writer of CSV and XLSX shares."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from parley.errors import N_, ParleyError

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# A file on disk: roster, list, query file, agreement draft. A list of a million persons a side
# (the linkage benchmark's largest) is about 150 MB of CSV.
MAX_FILE_BYTES = 256 * 1024 * 1024
# An XLSX unpacked: every entry together, counted from the sizes its zip declares (which the
# zip reader holds each entry to) and again while the sheets stream.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# An XLSX's shared-strings table, unpacked: the one part a reader holds whole in memory (every
# distinct text of the workbook); a roster of a million persons stays far below it.
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
# How much bigger than its packed bytes an entry may unpack: office XML packs 5-20 times;
# a zip bomb packs hundreds of times.
MAX_UNPACK_RATIO = 100
# Entries this small are never judged by their ratio (an empty sheet packs very well).
RATIO_FLOOR_BYTES = 1024 * 1024
# Excel's own limits: rows in a sheet (header included), columns, characters in a cell.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
# A CSV line between line breaks (a quoted cell may hold line breaks; a row of a hundred
# cells at their longest is far below it); it bounds one row's work before it is parsed.
MAX_LINE_CHARS = 4 * 1024 * 1024
# A JSON document given to Parley (an agreement draft, terms): nesting depth.
MAX_JSON_DEPTH = 64

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: a
# terminal obeys them (ESC starts an escape sequence, BEL rings) and they break one-line ids.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder what is shown, so "ABC" may display as "CBA" (the marks U+200E/U+200F are allowed).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# In free text a line break is kept (Alt+Enter in a spreadsheet cell); still no other control.
_CONTROL_BUT_LINE_BREAK = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\r(?!\n)")
# A cell a spreadsheet may take for a formula (OWASP, CSV injection): it starts, once leading
# whitespace (tab and CR included) is set aside, with `=`, `@`, or a sign followed by anything
# beyond a plain number or phone number (`+380 67 123-45-67` and `-` alone are values);
# full-width forms count too.
_FORMULA = re.compile(r"\s*(?:[=@\uff1d\uff20]|[+\-\uff0b\uff0d](?![\d\s().,/+\-]*\Z))")
# Characters that make the writer prefix a cell: any formula start, even a harmless one.
_FORMULA_START = re.compile(r"[\t\r]|\s*[=@+\-\uff1d\uff20\uff0b\uff0d]")
# A row that may hold a bad cell, joined with U+001F: one search spares a check of each cell.
ROW_SEPARATOR = "\x1f"
_MAYBE_BAD_ROW = re.compile(
    "[\x00-\x1e\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
    r"|(?:^|\x1f)\s*[=@+\-\uff1d\uff20\uff0b\uff0d]"
)


def row_may_hold_bad_cell(cells: list[str]) -> bool:
    """False only when no cell of the row can fail `cell_problem` (a quick, C-level check)."""
    joined = ROW_SEPARATOR.join(cells)
    return (
        joined.count(ROW_SEPARATOR) != len(cells) - 1
        or len(joined) > MAX_CELL_CHARS
        or _MAYBE_BAD_ROW.search(joined) is not None
    )


def cell_problem(cell: str, free_text: bool = False) -> ParleyError | None:
    """Why a cell's text cannot be taken, naming no part of it (it may be personal data), or
    None. `free_text` (notes, addresses, relatives, columns Parley does not know) keeps line
    breaks."""
    if len(cell) > MAX_CELL_CHARS:
        return ParleyError(
            N_("holds {length} characters, more than the {most} a cell may"),
            length=f"{len(cell):,}",
            most=f"{MAX_CELL_CHARS:,}",
        )
    why = text_problem(cell, free_text)
    if why:
        return why
    if _FORMULA.match(cell):
        return ParleyError(
            N_(
                "starts like a spreadsheet formula (=, +, -, @): paste values, or write the text"
                " without that first character"
            )
        )
    return None


def text_problem(text: str, free_text: bool = False) -> ParleyError | None:
    """Why a text from outside cannot be taken (a control character, or a bidirectional
    override), naming no part of it, or None; `free_text` keeps line breaks. The reason is a
    refusal's part: its `str` is the English sentence."""
    control = (_CONTROL_BUT_LINE_BREAK if free_text else _CONTROL).search(text)
    if control:
        where = {"code": f"U+{ord(control.group()):04X}", "at": control.start() + 1}
        if control.group() in "\r\n\u2028\u2029":
            return ParleyError(
                N_("holds a line break ({code}) at character {at}; remove it"), **where
            )
        return ParleyError(
            N_("holds a control character ({code}) at character {at}; remove it"), **where
        )
    bidi = _BIDI.search(text)
    if bidi:
        return ParleyError(
            N_(
                "holds a bidirectional override ({code}) at character {at}, which reorders what"
                " is shown; remove it"
            ),
            code=f"U+{ord(bidi.group()):04X}",
            at=bidi.start() + 1,
        )
    return None


def neutralised(cell: str) -> str:
    """A cell as Parley writes it to CSV or XLSX: one that a spreadsheet could take for a
    formula gets a leading apostrophe, so it is shown as the text it is (OWASP)."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: Sequence[object]) -> list[object]:
    """A row for a write-only sheet in which text a spreadsheet could take for a formula is
    a text cell with Excel's quote prefix: shown as written, never evaluated, even on edit."""
    from openpyxl.cell import WriteOnlyCell

    row: list[object] = []
    for value in values:
        if isinstance(value, str) and _FORMULA_START.match(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row
