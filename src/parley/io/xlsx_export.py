"""A side's own view as an XLSX workbook: one sheet a roster (the columns `roster import`
reads, so a sheet can be imported again), its sought persons with their outcome, and the
handovers it releases or receives. Every text cell a spreadsheet could take for a formula is
written as inert text (`limits.xlsx_row`, the writer every face uses).

In Ukrainian or Russian the sheets, the column headers and the words of the process (states,
statuses, a category or a health) are in that language, headed as Parley's pages name each
column (a header `roster import` reads as that column again); in English as the column names
and the codes. A full date is a date cell, shown as the language writes a date."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from parley.domain.batches import STATUS_LABELS, BatchStatus
from parley.domain.handovers import STATE_LABELS, HandoverState
from parley.domain.persons import (
    CATEGORY_WORDS,
    EVIDENCE_WORDS,
    FIELD_LABELS,
    HEALTH_WORDS,
    SEX_WORDS,
    PersonRecord,
)
from parley.domain.words import Words, word_key
from parley.errors import N_
from parley.io.headers import canonical_column
from parley.io.limits import xlsx_row


@dataclass(frozen=True)
class SoughtLine:
    record_id: str
    name: str
    birth_date: str
    status: str
    found_as: str
    found_name: str
    batch: str
    state: str
    closed: bool


@dataclass(frozen=True)
class BatchLine:
    batch_id: str
    place: str
    planned_date: str
    batch_status: str
    direction: str  # releases, receives
    person: str
    name: str
    other_side: str
    state: str


@dataclass(frozen=True)
class SideView:
    party: str
    rosters: Mapping[str, Sequence[Mapping[str, Any]]]  # kind -> records (PersonRecord.to_dict)
    sought: Sequence[SoughtLine]
    batches: Sequence[BatchLine]


@dataclass(frozen=True)
class Reader:
    """Whose language the workbook speaks: `locale` (uk, ru) and its catalog's gettext."""

    locale: str
    gettext: Callable[[str], str]


_RECORD_COLUMNS = tuple(f.name for f in fields(PersonRecord) if f.name != "extra")
_DATES = frozenset({"birth_date", "capture_date", "planned_date"})
# how a date cell is shown: as each language writes a date
_DATE_FORMAT = {"uk": "DD.MM.YYYY", "ru": "DD.MM.YYYY"}
_ISO_DATE = "YYYY-MM-DD"
# the controlled columns whose recorded value (a code) is written as the reader's word for it
_VOCABULARY: dict[str, Words[Any]] = {
    "category": CATEGORY_WORDS,
    "health": HEALTH_WORDS,
    "sex": SEX_WORDS,
    "evidence": EVIDENCE_WORDS,
}
_KINDS = {"held": N_("held"), "sought": N_("sought")}
_SHEETS = {"outcomes": N_("outcomes"), "batches": N_("batches")}
_OUTCOME_COLUMNS = {
    "record_id": FIELD_LABELS["record_id"],
    "name": N_("Name"),
    "birth_date": FIELD_LABELS["birth_date"],
    "status": N_("Where the person stands"),
    "found_as": N_("Found as (held record)"),
    "found_name": N_("Name as the holding side writes it"),
    "batch": N_("Batch"),
    "state": N_("Handover"),
    "closed": N_("Closed"),
}
_BATCH_COLUMNS = {
    "batch_id": N_("Batch"),
    "place": N_("Place"),
    "planned_date": N_("Planned date"),
    "batch_status": N_("Batch status"),
    "direction": N_("Direction"),
    "person": N_("Person"),
    "name": N_("Name"),
    "other_side": N_("Other side"),
    "state": N_("Handover"),
}
# where a sought person stands (pfif.STATUSES), beside the handover states it borrows
_STANDING = {
    "sought": N_("still sought"),
    "located": N_("located"),
    "in_batch": N_("in a batch"),
}
_DIRECTIONS = {"releases": N_("we release"), "receives": N_("we receive")}


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def roster_rows(
    records: Sequence[Mapping[str, Any]],
) -> tuple[list[str], dict[str, str], list[list[str]]]:
    """A roster's records as columns and rows: the record's fields in their order, then each
    column it kept verbatim (`extra`); a column no record fills is left out. A column kept
    verbatim that `roster import` reads as one of the fields (an evidence in free words, kept
    under the office's header) shares that field's column, headed as the office headed it:
    two columns of one field would refuse the sheet. Returns the columns, those headers (field
    -> the office's header) and the rows."""
    used = {k for r in records for k in r if k != "extra"}
    columns = [c for c in _RECORD_COLUMNS if c in used]
    extra = list(dict.fromkeys(k for r in records for k in dict(r.get("extra") or {})))
    shared: dict[str, str] = {}
    for k in extra:
        field = canonical_column(k)
        if field in columns and field not in shared:
            shared[field] = k
    extra = [k for k in extra if k not in shared.values()]
    rows = []
    for r in records:
        kept = dict(r.get("extra") or {})
        rows.append(
            [_cell(r.get(c)) or _cell(kept.get(shared.get(c, ""))) for c in columns]
            + [_cell(kept.get(k)) for k in extra]
        )
    return columns + extra, shared, rows


def _label(column: str, reader: Reader | None) -> str:
    """A roster column's header: its name in English, else the pages' label for it."""
    if reader is None or column not in FIELD_LABELS:
        return column
    return reader.gettext(FIELD_LABELS[column])


def _process_word(column: str, value: str, reader: Reader) -> str:
    """A value of the outcomes' or the batches' sheet in the reader's words."""
    if column == "status":
        known = _STANDING.get(value)
        if known is None and value in STATE_LABELS:
            known = STATE_LABELS[HandoverState(value)]
        return reader.gettext(known) if known else value
    if column == "state" and value in STATE_LABELS:
        return reader.gettext(STATE_LABELS[HandoverState(value)])
    if column == "batch_status" and value in STATUS_LABELS:
        return reader.gettext(STATUS_LABELS[BatchStatus(value)])
    if column == "direction" and value in _DIRECTIONS:
        return reader.gettext(_DIRECTIONS[value])
    return value


def _recorded_word(column: str, value: str, reader: Reader) -> str:
    """A controlled column's code (`military`) as the reader's first word for it, which
    `roster import` reads as the same value; anything else as recorded."""
    vocabulary = _VOCABULARY.get(column)
    if vocabulary is None:
        return value
    known = vocabulary.lookup.get(word_key(value))
    if known is None or known.value != value:
        return value
    return (vocabulary.values[known].get(reader.locale) or (value,))[0]


class _Sheet:
    """A write-only sheet whose dates are date cells and whose columns fit their text."""

    def __init__(self, book: Workbook, title: str, reader: Reader | None) -> None:
        self.sheet: WriteOnlyWorksheet = book.create_sheet(title[:31])
        self.date_format = _DATE_FORMAT.get(reader.locale, _ISO_DATE) if reader else _ISO_DATE
        self.rows: list[list[object]] = []
        self.widths: list[int] = []

    def add(self, values: Sequence[str], columns: Sequence[str] = ()) -> None:
        row: list[object] = []
        for at, value in enumerate(values):
            column = columns[at] if at < len(columns) else ""
            day = _a_date(value) if column in _DATES else None
            if day is None:
                row.append(value)
            else:
                cell = WriteOnlyCell(self.sheet, value=day)
                cell.number_format = self.date_format
                row.append(cell)
            width = len(self.date_format) if day else len(value)
            if at == len(self.widths):
                self.widths.append(0)
            self.widths[at] = max(self.widths[at], width)
        self.rows.append(row)

    def write(self) -> None:
        for at, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(at)].width = min(max(width, 8), 48) + 2
        self.sheet.freeze_panes = "A2"
        for row in self.rows:
            self.sheet.append(xlsx_row(self.sheet, row))


def _a_date(value: str) -> dt.date | None:
    """A full date (YYYY-MM-DD) as a date; a partial one (`1987`, `1987-05`) stays text."""
    if len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def workbook(view: SideView, reader: Reader | None = None) -> bytes:
    """The view as XLSX bytes, in the reader's language (None: English, as the codes)."""
    book = Workbook(write_only=True)
    say = reader.gettext if reader else (lambda text: text)
    for kind, records in view.rosters.items():
        sheet = _Sheet(book, f"{view.party} {say(_KINDS.get(kind, kind))}", reader)
        columns, shared, rows = roster_rows(records)
        columns = columns or ["record_id"]
        sheet.add([shared.get(c) or _label(c, reader) for c in columns])
        for row in rows:
            if reader is not None:
                row = [_recorded_word(c, v, reader) for c, v in zip(columns, row, strict=False)]
            sheet.add(row, columns)
        sheet.write()
    lines: tuple[tuple[str, dict[str, str], Sequence[SoughtLine | BatchLine]], ...] = (
        ("outcomes", _OUTCOME_COLUMNS, view.sought),
        ("batches", _BATCH_COLUMNS, view.batches),
    )
    for name, labels, items in lines:
        sheet = _Sheet(book, say(_SHEETS[name]), reader)
        columns = list(labels)
        sheet.add([say(labels[c]) if reader else c for c in columns])
        for item in items:
            row = [_value(getattr(item, c), reader) for c in columns]
            if reader is not None:
                row = [_process_word(c, v, reader) for c, v in zip(columns, row, strict=True)]
            sheet.add(row, columns)
        sheet.write()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(value: object, reader: Reader | None) -> str:
    """A cell of the outcomes' or the batches' sheet; a yes or no in the reader's words."""
    if isinstance(value, bool) and reader is not None:
        return reader.gettext(N_("yes") if value else N_("no"))
    return _cell(value)
