"""Reading a roster file as rows of text: CSV as Excel writes it, and XLSX."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from parley.errors import InvalidInput
from parley.gcpause import gc_paused
from parley.io.headers import canonical_column

MAX_REPORTED = 50
_FORMULA = re.compile(r"^(=|[+\-@].*[(!|])")
# A row where some cell may be a formula: one C-level search spares a check of every cell.
_MAYBE_FORMULA = re.compile(r"(?:^|\x1f)\s*[=+\-@]")


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where, and why."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


class RosterFileError(InvalidInput, ValueError):
    """A roster file that cannot be taken; nothing of it was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0])
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)


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


def _decode(name: str, data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise RosterFileError(
                [Problem(name, None, None, f"broken UTF-16 text: {e.reason}")]
            ) from e
    if b"\x00" in data:
        raise RosterFileError(
            [Problem(name, None, None, "this is not a text file (save it as CSV or XLSX)")]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError as e:
        raise RosterFileError(
            [Problem(name, None, None, "the text is neither UTF-8, UTF-16 nor Windows-1251")]
        ) from e
    return text


def sniff_dialect(text: str) -> csv.Dialect | type[csv.Dialect]:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


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


def read_table(path: Path) -> RawTable:
    """Read CSV or XLSX into text rows; formula cells and unreadable files are refused."""
    with gc_paused():
        return _read_table(path)


def _read_table(path: Path) -> RawTable:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RosterFileError([Problem(name, None, None, f"cannot be read: {e.strerror}")]) from e
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip(b" \r\n\t\xef\xbb\xbf\xff\xfe\x00"):
        raise RosterFileError([Problem(name, None, None, "the file is empty")])
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        grid, problems = _xlsx_rows(name, data)
    else:
        grid, problems = _csv_rows(name, data)
    if problems:
        raise RosterFileError(problems[:MAX_REPORTED])
    while grid and not "".join(grid[0][1]).strip():
        grid.pop(0)
    if not grid:
        raise RosterFileError([Problem(name, None, None, "the file is empty")])
    header_row, headers = grid[0]
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    columns = [canonical_column(h) for h in headers]
    table = RawTable(name, sha, headers, columns)
    width = len(headers)
    for number, cells in grid[1:]:
        if not "".join(cells).strip():
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            raise RosterFileError(
                [
                    Problem(
                        name,
                        number,
                        None,
                        f"has {len(cells)} cells but the header has {len(headers)}",
                    )
                ]
            )
        padded = list(map(str.strip, cells[:width]))
        if len(padded) < width:
            padded += [""] * (width - len(padded))
        table.rows.append((number, padded))
    if not table.rows:
        raise RosterFileError([Problem(name, None, None, "the file has a header but no persons")])
    del header_row
    return table


def _csv_rows(name: str, data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    text = _decode(name, data)
    reader = csv.reader(io.StringIO(text, newline=""), sniff_dialect(text))
    grid: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    header: list[str] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not grid:
                header = cells
            elif _MAYBE_FORMULA.search("\x1f".join(cells)):
                for pos, cell in enumerate(cells):
                    if _FORMULA.match(cell.strip()):
                        col = header[pos] if pos < len(header) else f"#{pos + 1}"
                        problems.append(
                            Problem(
                                name,
                                number,
                                col,
                                f"{cell.strip()[:40]!r} is a formula, not a value",
                            )
                        )
            grid.append((number, cells))
    except csv.Error as e:
        problems.append(Problem(name, reader.line_num, None, f"is not valid CSV: {e}"))
    return grid, problems


def _xlsx_rows(name: str, data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise RosterFileError(
            [Problem(name, None, None, f"is not a readable XLSX workbook ({e})")]
        ) from e
    sheet = book.worksheets[0]
    grid: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    header: list[str] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        cells = []
        for pos, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                col = header[pos] if pos < len(header) else f"#{pos + 1}"
                problems.append(
                    Problem(
                        name, number, col, f"{str(cell.value)[:40]!r} is a formula, not a value"
                    )
                )
            cells.append(_cell_text(cell.value))
        if not grid:
            header = cells
        grid.append((number, cells))
    book.close()
    return grid, problems
