"""Reading a roster file as rows of text: CSV as Excel writes it, and XLSX. Every row is read
or the file is refused; the caps of io/limits.py hold while the file streams."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parley.errors import N_, InvalidInput, ParleyError
from parley.gcpause import gc_paused
from parley.io import limits
from parley.io.headers import canonical_column

MAX_REPORTED = 50
# Columns whose text may run over lines (a spreadsheet's Alt+Enter); columns Parley does not
# know are taken as free text too.
FREE_TEXT = frozenset({"notes", "home_address", "next_of_kin"})
_WORKBOOKS = frozenset({".xlsx", ".xlsm"})


def reason(message: str, /, **params: object) -> ParleyError:
    """Why a file, a row or a cell is refused, as a part of the refusal: an English template
    with its fields (`parley.errors`), said in the reader's language where it is shown."""
    return ParleyError(message, **params)


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where, and why (`why`: a sentence or a refusal's part a
    face says in the reader's language; `reason` is it in English)."""

    file: str
    row: int | None
    column: str | None
    why: str | ParleyError

    @property
    def reason(self) -> str:
        return str(self.why)

    def refusal(self) -> ParleyError:
        """The problem as one refusal: `file, row 5, column sex: ...`."""
        why = self.why if isinstance(self.why, ParleyError) else ParleyError(self.why)
        if self.row is not None and self.column is not None:
            return InvalidInput(
                N_("{file}, row {row}, column {column}: {reason}"),
                file=self.file,
                row=self.row,
                column=self.column,
                reason=why,
            )
        if self.row is not None:
            return InvalidInput(
                N_("{file}, row {row}: {reason}"), file=self.file, row=self.row, reason=why
            )
        if self.column is not None:
            return InvalidInput(
                N_("{file}, column {column}: {reason}"),
                file=self.file,
                column=self.column,
                reason=why,
            )
        return InvalidInput(N_("{file}: {reason}"), file=self.file, reason=why)

    def __str__(self) -> str:
        return str(self.refusal())


class RosterFileError(InvalidInput, ValueError):
    """A roster file that cannot be taken; nothing of it was written. Said in the reader's
    language, it is its first problem and how many more there are; each problem is said by
    its own `refusal()`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0].refusal()
        if len(problems) > 1:
            super().__init__(
                N_("{problem} (and {more} more problems)"), problem=first, more=len(problems) - 1
            )
        else:
            super().__init__(first.template, **first.params)


def _refuse(name: str, why: ParleyError, row: int | None = None) -> RosterFileError:
    return RosterFileError([Problem(name, row, None, why)])


@dataclass
class RawTable:
    """A file's header and rows of text, with spreadsheet row numbers (header = row 1)."""

    file: str
    sha256: str
    headers: list[str]
    columns: list[str | None]  # the canonical column of each header, None when unknown
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column_label(self, position: int) -> str:
        canonical, header = self.columns[position], self.headers[position]
        if canonical is None or canonical == header:
            return header
        return f"{canonical} ({header})"


def read_bounded(path: Path) -> bytes:
    """A file's bytes, refused (`RosterFileError`, named by the file's name) when it cannot be
    read or holds more than `limits.MAX_FILE_BYTES`; a pipe or device is read no further."""
    name = path.name or str(path)
    cap = limits.MAX_FILE_BYTES
    try:
        with path.open("rb") as f:
            data = f.read(cap + 1)
    except OSError as e:
        raise _refuse(
            name, reason(N_("cannot be read: {cause}"), cause=e.strerror or type(e).__name__)
        ) from e
    if len(data) > cap:
        raise _refuse(
            name, reason(N_("is larger than the {mib} MiB Parley reads"), mib=cap // 2**20)
        )
    return data


def _decode(name: str, data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise _refuse(name, reason(N_("broken UTF-16 text: {cause}"), cause=e.reason)) from e
    if b"\x00" in data:
        raise _refuse(name, reason(N_("this is not a text file (save it as CSV or XLSX)")))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError as e:
        raise _refuse(name, reason(N_("the text is neither UTF-8, UTF-16 nor Windows-1251"))) from e
    return text


def sniff_dialect(text: str) -> type[csv.Dialect]:
    """The delimiter (`,` `;` or tab) guessed from the first lines; quoting as Excel writes it
    (`"`, doubled inside a quoted cell)."""
    lines = text[:65536].splitlines()[:20]  # the first lines, not a list of them all
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:  # rows of unequal length: the header's most frequent candidate
        header = next((line for line in lines if line.strip()), "")
        delimiter = max(",;\t", key=header.count)
    if delimiter == ",":
        return csv.excel
    return csv.excel_tab if delimiter == "\t" else _ExcelSemicolon


class _ExcelSemicolon(csv.excel):
    delimiter = ";"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_MAX_TITLE_ROWS = 5


def _title_rows(grid: list[tuple[int, list[str]]]) -> int:
    """How many lines of a title stand above the header: an office's sheet often opens with
    its list's name and date, merged across the columns (one cell each, or empty lines), then
    the column names. Such lines count only when the row after them names two known columns."""
    title = 0
    while title + 1 < len(grid) and title < _MAX_TITLE_ROWS:
        cells = [c for c in grid[title][1] if c.strip()]
        if len(cells) > 1 or any(canonical_column(c) for c in cells):
            break
        title += 1
    if title and sum(1 for c in grid[title][1] if canonical_column(c)) >= 2:
        return title
    return 0


def read_table(path: Path) -> RawTable:
    """Read CSV or XLSX into text rows; formula cells and unreadable files are refused."""
    with gc_paused():
        return _read_table(path)


def _read_table(path: Path) -> RawTable:
    name = path.name
    data = read_bounded(path)
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip(b" \r\n\t\xef\xbb\xbf\xff\xfe\x00"):
        raise _refuse(name, reason(N_("the file is empty")))
    workbook = path.suffix.lower() in _WORKBOOKS
    grid, problems = _xlsx_rows(name, data) if workbook else _csv_rows(name, data)
    del data
    while grid and not "".join(grid[0][1]).strip():
        grid.pop(0)
    if not grid and not problems:
        raise _refuse(name, reason(N_("the file is empty")))
    del grid[: _title_rows(grid)]
    header_row, headers = grid[0] if grid else (1, [])
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    columns = [canonical_column(h) for h in headers]
    table = RawTable(name, sha, headers, columns)
    problems += _header_problems(table, header_row)
    free = _free_text(table)
    width = len(headers)
    for number, cells in grid[1:]:
        if len(problems) >= MAX_REPORTED:
            break
        if not "".join(cells).strip():
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            why = reason(
                N_("has {cells} cells but the header has {width}"), cells=len(cells), width=width
            )
            problems.append(Problem(name, number, None, why))
            continue
        if len(cells) < width and not workbook:  # a spreadsheet leaves trailing empties out
            why = reason(
                N_("has {cells} cells but the header has {width} (a delimiter missing?)"),
                cells=len(cells),
                width=width,
            )
            problems.append(Problem(name, number, None, why))
            continue
        padded = list(map(str.strip, cells[:width]))
        if len(padded) < width:
            padded += [""] * (width - len(padded))
        if limits.row_may_hold_bad_cell(padded):
            problems += _row_problems(table, number, padded, free)
        table.rows.append((number, padded))
    if problems:
        raise RosterFileError(problems[:MAX_REPORTED])
    if not table.rows:
        raise _refuse(name, reason(N_("the file has a header but no persons")))
    return table


def check_table(table: RawTable) -> None:
    """A table built from other rows than a file's (a roster sent as JSON) checked by the same
    rules as a file's cells and caps; RosterFileError names row and column."""
    if len(table.rows) >= limits.MAX_ROWS or len(table.headers) > limits.MAX_COLUMNS:
        why = reason(
            N_("more than {rows} rows or {columns} columns"),
            rows=f"{limits.MAX_ROWS:,}",
            columns=f"{limits.MAX_COLUMNS:,}",
        )
        raise _refuse(table.file, why)
    problems = _header_problems(table, 1)
    free = _free_text(table)
    for number, cells in table.rows:
        if len(problems) >= MAX_REPORTED:
            break
        if limits.row_may_hold_bad_cell(cells):
            problems += _row_problems(table, number, cells, free)
    if problems:
        raise RosterFileError(problems[:MAX_REPORTED])


def _free_text(table: RawTable) -> list[bool]:
    return [c is None or c in FREE_TEXT for c in table.columns]


def _header_problems(table: RawTable, row: int) -> list[Problem]:
    if not limits.row_may_hold_bad_cell(table.headers):
        return []
    return [
        Problem(table.file, row, f"#{pos + 1} (the header)", why)
        for pos, header in enumerate(table.headers)
        if (why := limits.cell_problem(header))
    ]


def _row_problems(table: RawTable, row: int, cells: list[str], free: list[bool]) -> list[Problem]:
    return [
        Problem(table.file, row, table.column_label(pos), why)
        for pos, cell in enumerate(cells)
        if (why := limits.cell_problem(cell, free[pos]))
    ]


Grid = list[tuple[int, list[str]]]
_LONG_LINE = re.compile(f"(?:^|[\r\n])[^\r\n]{{{limits.MAX_LINE_CHARS}}}")


def _csv_rows(name: str, data: bytes) -> tuple[Grid, list[Problem]]:
    """Each record with its row as a spreadsheet opening the file numbers it (a blank line
    is a row); a quote never closed, or text after a closing quote, refuses the file."""
    text = _decode(name, data)
    long_line = _LONG_LINE.search(text)
    if long_line:
        line = text.count("\n", 0, long_line.start() + 1) + 1
        why = reason(
            N_("line {line} is longer than {most} characters"),
            line=line,
            most=f"{limits.MAX_LINE_CHARS:,}",
        )
        raise _refuse(name, why)
    dialect = sniff_dialect(text)
    if text.count("\n") >= limits.MAX_ROWS or text.count("\r") >= limits.MAX_ROWS:
        _count_records(name, text, dialect)  # without keeping them
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    grid: Grid = []
    problems: list[Problem] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > limits.MAX_COLUMNS:
                why = reason(
                    N_("has {cells} cells, more than the {most} allowed"),
                    cells=f"{len(cells):,}",
                    most=f"{limits.MAX_COLUMNS:,}",
                )
                raise _refuse(name, why, number)
            grid.append((number, cells))
    except csv.Error as e:
        opened = (grid[-1][0] if grid else 0) + 1
        cause: str | ParleyError = str(e)
        if str(e).startswith("unexpected end of data"):
            cause = reason(
                N_('a quoted cell is never closed (a " missing?); it runs to the end of the file')
            )
        elif str(e).startswith("field larger"):
            cause = reason(
                N_("a cell holds more than {most} characters"), most=f"{limits.MAX_CELL_CHARS:,}"
            )
        why = reason(N_("is not valid CSV: {cause}"), cause=cause)
        problems.append(Problem(name, opened, None, why))
    return grid, problems


def _count_records(name: str, text: str, dialect: type[csv.Dialect]) -> None:
    count = 0
    try:
        for count, _ in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            if count > limits.MAX_ROWS:
                break
    except csv.Error:
        return  # the reading that keeps the rows names the row
    if count > limits.MAX_ROWS:
        raise _refuse(
            name,
            reason(
                N_("has more than {most} rows, the most Parley reads"), most=f"{limits.MAX_ROWS:,}"
            ),
        )


# A row element of a sheet, with or without a namespace prefix (`<row `, `<x:row>`).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s>/]")
_CHUNK = 1 << 20


def _check_archive(name: str, book: zipfile.ZipFile) -> None:
    """Refuse a workbook that unpacks to more than the caps allow, by the sizes its zip
    declares and again by the bytes each entry yields while it streams, and a sheet of more
    rows than the cap, counted on the stream without parsing it."""
    entries = book.infolist()
    declared = sum(e.file_size for e in entries)
    if declared > limits.MAX_UNPACKED_BYTES:
        raise _refuse(name, _too_big(declared))
    for entry in entries:
        if _shared_strings(entry) and entry.file_size > limits.MAX_SHARED_STRINGS_BYTES:
            raise _refuse(name, _too_many_strings())
        if (
            entry.file_size > limits.RATIO_FLOOR_BYTES
            and entry.file_size > limits.MAX_UNPACK_RATIO * max(entry.compress_size, 1)
        ):
            why = reason(
                N_(
                    "{entry} unpacks to {ratio} times its packed size (at most {most} allowed):"
                    " is it a zip bomb?"
                ),
                entry=entry.filename,
                ratio=f"{entry.file_size / max(entry.compress_size, 1):,.0f}",
                most=limits.MAX_UNPACK_RATIO,
            )
            raise _refuse(name, why)
    unpacked = 0
    for entry in entries:
        if entry.is_dir():
            continue
        rows = 0
        tail = b""
        shared = _shared_strings(entry)
        entry_bytes = 0
        with book.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                unpacked += len(chunk)
                entry_bytes += len(chunk)
                if unpacked > limits.MAX_UNPACKED_BYTES:
                    raise _refuse(name, _too_big(unpacked))
                if shared and entry_bytes > limits.MAX_SHARED_STRINGS_BYTES:
                    raise _refuse(name, _too_many_strings())
                buffer = tail + chunk
                cut = buffer.rfind(b"<")
                cut = len(buffer) if cut < 0 else cut
                rows += len(_ROW_TAG.findall(buffer, 0, cut))
                tail = buffer[cut:]
                if rows > limits.MAX_ROWS:
                    raise _refuse(name, _too_many_rows())
            rows += len(_ROW_TAG.findall(tail))
        if rows > limits.MAX_ROWS:
            raise _refuse(name, _too_many_rows())


def _shared_strings(entry: zipfile.ZipInfo) -> bool:
    return entry.filename.lower().endswith("sharedstrings.xml")


def _too_many_rows() -> ParleyError:
    return reason(
        N_("a sheet has more than {most} rows, the most Excel holds"), most=f"{limits.MAX_ROWS:,}"
    )


def _too_many_strings() -> ParleyError:
    return reason(
        N_(
            "its table of texts unpacks to more than {mib} MiB, more than Parley holds in memory:"
            " split the workbook"
        ),
        mib=limits.MAX_SHARED_STRINGS_BYTES // 2**20,
    )


def _too_big(size: int) -> ParleyError:
    return reason(
        N_("unpacks to more than {mib} MiB (at least {size} MiB), more than Parley reads"),
        mib=limits.MAX_UNPACKED_BYTES // 2**20,
        size=size // 2**20,
    )


def _unreadable(cause: object) -> ParleyError:
    return reason(N_("is not a readable XLSX workbook ({cause})"), cause=str(cause))


def _xlsx_rows(name: str, data: bytes) -> tuple[Grid, list[Problem]]:
    """Every row of the first sheet, whatever its `<dimension>` claims; another sheet that
    holds anything refuses the file (Parley reads one sheet and would drop the rest)."""
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(name, archive)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except RosterFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ParseError, EOFError) as e:
        raise _refuse(name, _unreadable(e)) from e
    except Exception as e:  # a hostile file can break the library anywhere; say no more of it
        raise _refuse(name, _unreadable(type(e).__name__)) from e
    try:
        if not book.worksheets:
            raise _refuse(name, reason(N_("the workbook has no sheet")))
        grid = _sheet_rows(name, book.worksheets[0])
        problems: list[Problem] = []
        for other in book.worksheets[1:]:
            if _sheet_has_data(other):
                problems.append(
                    Problem(
                        name,
                        None,
                        None,
                        reason(
                            N_(
                                "sheet {sheet!r} holds data too: Parley reads the first sheet"
                                " only; put the roster on one sheet"
                            ),
                            sheet=other.title,
                        ),
                    )
                )
    except RosterFileError:
        raise
    except (ParseError, zipfile.BadZipFile, KeyError, EOFError) as e:
        raise _refuse(name, _unreadable(e)) from e
    except Exception as e:
        raise _refuse(name, _unreadable(type(e).__name__)) from e
    finally:
        book.close()
    return grid, problems


def _rows_of(sheet: object) -> Iterator[tuple[object, ...]]:
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()  # a stale <dimension> would cut rows and columns off
    rows: Iterator[tuple[object, ...]] = sheet.iter_rows()  # type: ignore[attr-defined]
    return rows


def _sheet_rows(name: str, sheet: object) -> Grid:
    grid: Grid = []
    for number, row in enumerate(_rows_of(sheet), start=1):
        if number > limits.MAX_ROWS:
            why = reason(N_("the sheet has more than {most} rows"), most=f"{limits.MAX_ROWS:,}")
            raise _refuse(name, why)
        if len(row) > limits.MAX_COLUMNS:
            why = reason(
                N_("has {cells} cells, more than the {most} allowed"),
                cells=f"{len(row):,}",
                most=f"{limits.MAX_COLUMNS:,}",
            )
            raise _refuse(name, why, number)
        cells = []
        for cell in row:
            text = _cell_text(getattr(cell, "value", None))
            if getattr(cell, "data_type", None) == "f" and not text.startswith("="):
                text = "=" + text  # refused below as any cell that starts like a formula
            cells.append(text)
        grid.append((number, cells))
    return grid


def _sheet_has_data(sheet: object) -> bool:
    for number, row in enumerate(_rows_of(sheet), start=1):
        if number > limits.MAX_ROWS:
            return True
        if any(_cell_text(getattr(cell, "value", None)) for cell in row):
            return True
    return False
