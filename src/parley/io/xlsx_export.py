"""A side's own view as an XLSX workbook: one sheet a roster (the columns `roster import`
reads, so a sheet can be imported again), its sought persons with their outcome, and the
handovers it releases or receives. Every text cell a spreadsheet could take for a formula is
written as inert text (`limits.xlsx_row`, the writer every face uses)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from openpyxl import Workbook

from parley.domain.persons import PersonRecord
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


_RECORD_COLUMNS = tuple(f.name for f in fields(PersonRecord) if f.name != "extra")


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def roster_rows(records: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """A roster's records as a header and rows: the record's fields in their order, then each
    column it kept verbatim (`extra`); a column no record fills is left out."""
    used = {k for r in records for k in r if k != "extra"}
    headers = [c for c in _RECORD_COLUMNS if c in used]
    extra = list(dict.fromkeys(k for r in records for k in dict(r.get("extra") or {})))
    rows = [
        [_cell(r.get(c)) for c in headers]
        + [_cell(dict(r.get("extra") or {}).get(k)) for k in extra]
        for r in records
    ]
    return headers + extra, rows


def workbook(view: SideView) -> bytes:
    """The view as XLSX bytes."""
    book = Workbook(write_only=True)
    for kind, records in view.rosters.items():
        sheet = book.create_sheet(f"{view.party} {kind}"[:31])
        headers, rows = roster_rows(records)
        sheet.append(xlsx_row(sheet, headers or ["record_id"]))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    sheet = book.create_sheet("outcomes")
    sheet.append(xlsx_row(sheet, [f.name for f in fields(SoughtLine)]))
    for line in view.sought:
        sheet.append(xlsx_row(sheet, [_cell(getattr(line, f.name)) for f in fields(line)]))
    sheet = book.create_sheet("batches")
    sheet.append(xlsx_row(sheet, [f.name for f in fields(BatchLine)]))
    for b in view.batches:
        sheet.append(xlsx_row(sheet, [_cell(getattr(b, f.name)) for f in fields(b)]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
