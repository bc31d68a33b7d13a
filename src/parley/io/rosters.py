"""Roster files to person records: strict for `roster import`, every problem named."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.domain.dates import parse_partial_date, refuse_future
from parley.domain.errors import InvalidRecord
from parley.domain.persons import (
    PersonRecord,
    parse_category,
    parse_health,
    parse_sex,
    read_evidence,
)
from parley.domain.record_ids import identity_key, same_key_rows
from parley.errors import N_, ParleyError
from parley.io import pfif
from parley.io.headers import canonical_column
from parley.io.tables import (
    MAX_REPORTED,
    Problem,
    RawTable,
    RosterFileError,
    check_table,
    reason,
)

_NAME_COLUMNS = ("family_name", "full_name")


# A cell an office fills with a dash to say "none" (no father's name, no evidence): empty.
_NOTHING = frozenset({"-", "--", "—", "–", "‒", "−"})


@dataclass
class Roster:
    """The records of one roster file, ready for an import command."""

    file: str
    sha256: str
    records: list[PersonRecord]
    unknown_columns: list[str] = field(default_factory=list)
    # A list without an id column: each record holds `row N` until the roster gives it its id
    # (parley.domain.record_ids); the list's own number (`№`) is kept as the row's number.
    derive_ids: bool = False
    rows: list[int] = field(default_factory=list)  # each record's row in the file
    numbers: list[str] = field(default_factory=list)  # each record's `№`, "" when none
    # The record fields the file has columns for (`extra` when it has columns Parley does not
    # know): a merge keeps the others as they are on the roster.
    fields: frozenset[str] = frozenset()

    def row_of(self, position: int) -> str:
        """How a report names a record's row: `row 5, № 4`."""
        number = self.numbers[position] if position < len(self.numbers) else ""
        return f"row {self.rows[position]}" + (f", № {number}" if number else "")


def _check_columns(table: RawTable) -> None:
    present = {c for c in table.columns if c}
    if not present & set(_NAME_COLUMNS):
        missing = "family_name or full_name (Прізвище / Фамилия, ПІБ / ФИО)"
        why = reason(N_("missing column {missing}"), missing=missing)
        if not present:
            why = reason(
                N_(
                    "missing column {missing}; no column was recognised: is the first row the"
                    " header, and is the file UTF-8, UTF-16 or Windows-1251?"
                ),
                missing=missing,
            )
        raise RosterFileError([Problem(table.file, 1, None, why)])
    seen: dict[str, int] = {}
    for pos, col in enumerate(table.columns):
        if col is None:
            continue
        if col in seen:
            first = table.headers[seen[col]]
            raise RosterFileError(
                [
                    Problem(
                        table.file,
                        1,
                        table.headers[pos],
                        reason(
                            N_("repeats column {column} (already {first!r})"),
                            column=col,
                            first=first,
                        ),
                    )
                ]
            )
        seen[col] = pos


def _record(
    values: dict[str, str],
    extra: dict[str, str],
    headers: Mapping[str, str],
    language: str | None,
    today: dt.date,
) -> PersonRecord:
    kwargs: dict[str, Any] = {k: v for k, v in values.items() if v}
    kwargs.pop("row_number", None)  # the list's numbering, never part of the person
    for name in ("birth_date", "capture_date"):
        if name in kwargs:
            kwargs[name] = parse_partial_date(name, kwargs[name])
            refuse_future(name, kwargs[name], today)
    if "category" in kwargs:
        kwargs["category"] = parse_category(kwargs["category"], language)
    if "health" in kwargs:
        kwargs["health"] = parse_health(kwargs["health"], language)
    if "sex" in kwargs:
        kwargs["sex"] = parse_sex(kwargs["sex"], language)
    if "evidence" in kwargs:
        evidence = read_evidence(kwargs["evidence"])
        if evidence is None:  # free words: kept as written under the column's own header
            extra = {**extra, headers["evidence"]: kwargs.pop("evidence")}
        else:
            kwargs["evidence"] = evidence
    if "aliases" in kwargs:
        parts = kwargs["aliases"].replace("|", ";").split(";")
        kwargs["aliases"] = tuple(p.strip() for p in parts if p.strip())
    kwargs["extra"] = tuple(sorted((k, v) for k, v in extra.items() if v))
    kwargs["record_id"] = values.get("record_id", "")  # an empty id is refused by the record
    return PersonRecord(**kwargs)


def _row_refusals(
    first: InvalidRecord,
    values: dict[str, str],
    extra: dict[str, str],
    headers: Mapping[str, str],
    language: str | None,
    today: dt.date,
) -> list[InvalidRecord]:
    """Every field of a bad row the record refuses, not only the first: each refused field is
    set aside (emptied, or a stand-in where the record needs a value) and the row read again,
    so an office sees all of a row's problems at once."""
    found = [first]
    trial = dict(values)
    tries: dict[str, int] = {}
    e = first
    while True:
        tries[e.field] = tries.get(e.field, 0) + 1
        if e.field not in trial or tries[e.field] > 2:
            return found
        trial[e.field] = "" if tries[e.field] == 1 else "x"
        try:
            _record(trial, extra, headers, language, today)
        except InvalidRecord as again:
            if again.field not in tries:
                found.append(again)
            e = again
            continue
        return found


def parse_roster(
    table: RawTable, *, language: str | None = None, today: dt.date | None = None
) -> Roster:
    """Every row to a record; any bad row refuses the whole file, naming row, column, reason.

    Without an id column (or with one empty in every row) each record holds `row N` for an
    id, to be given its own by the roster it is imported into; `language` (`uk`, `ru`) adds
    the accepted words in it to a refusal; dates after `today` (by default today in UTC) are
    refused."""
    _check_columns(table)
    today = today or dt.datetime.now(dt.UTC).date()
    records: list[PersonRecord] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    positions = {col: pos for pos, col in enumerate(table.columns) if col}
    headers = {col: table.headers[pos] for col, pos in positions.items()}
    # an id column left empty in every row (a template's) is no id column
    if "record_id" in positions and not any(c[positions["record_id"]] for _, c in table.rows):
        del positions["record_id"]
    derive = "record_id" not in positions
    rows: list[int] = []
    numbers: list[str] = []
    for number, cells in table.rows:
        values = {
            col: "" if col != "record_id" and cells[pos].strip() in _NOTHING else cells[pos]
            for col, pos in positions.items()
        }
        if derive:
            values["record_id"] = f"row {number}"
        extra = {
            table.headers[pos]: cells[pos] for pos, col in enumerate(table.columns) if col is None
        }
        try:
            record = _record(values, extra, headers, language, today)
        except InvalidRecord as e:
            for bad in _row_refusals(e, values, extra, headers, language, today):
                label = (
                    table.column_label(positions[bad.field])
                    if bad.field in positions
                    else bad.field
                )
                problems.append(Problem(table.file, number, label, bad.why))
            continue
        if record.record_id in first_row:
            problems.append(
                Problem(
                    table.file,
                    number,
                    table.column_label(positions["record_id"]),
                    reason(
                        N_("record_id {record!r} repeats row {first}"),
                        record=record.record_id,
                        first=first_row[record.record_id],
                    ),
                )
            )
            continue
        first_row[record.record_id] = number
        records.append(record)
        rows.append(number)
        numbers.append(values.get("row_number", ""))
        if len(problems) >= MAX_REPORTED:
            break
    if derive and not problems:
        problems = _same_persons(table.file, records, rows, numbers)
    if problems:
        raise RosterFileError(problems[:MAX_REPORTED])
    unknown = [h for h, c in zip(table.headers, table.columns, strict=True) if c is None and h]
    present = frozenset(positions) | ({"extra"} if unknown else frozenset())
    return Roster(table.file, table.sha256, records, unknown, derive, rows, numbers, present)


def _same_persons(
    file: str, records: Sequence[PersonRecord], rows: Sequence[int], numbers: Sequence[str]
) -> list[Problem]:
    """Rows of a list without ids that describe one person the same way: reported, not merged."""
    keys = [identity_key(r.to_dict()) for r in records]

    def listed(pos: int) -> str:
        return f"(№ {numbers[pos]})" if numbers[pos] else ""

    def same(first: int, later: int) -> ParleyError:
        return reason(
            N_(
                "{this}is the same person as row {row}{that} (the same names, birth date and"
                " service number) and the list has no ids to tell them apart: remove one, or add"
                " what differs (a birth date, a service number) or an ID column"
            ),
            this=f"{listed(later)} " if listed(later) else "",
            row=rows[first],
            that=f" {listed(first)}" if listed(first) else "",
        )

    return [
        Problem(file, rows[later], None, same(first, later)) for first, later in same_key_rows(keys)
    ]


def read_roster(path: Path, *, language: str | None = None) -> Roster:
    """Read and validate a roster file (CSV, XLSX, or PFIF 1.4 named `.xml`/`.pfif`)."""
    return parse_roster(pfif.roster_table(path), language=language)


def roster_from_rows(
    name: str, rows: Sequence[Mapping[str, str]], *, language: str | None = None
) -> Roster:
    """Records given as JSON objects (column -> text), checked by the same rules as a file; the
    hash is that of their canonical JSON."""
    if not rows:
        raise RosterFileError([Problem(name, None, None, reason(N_("the roster has no persons")))])
    headers = list(dict.fromkeys(key.strip() for row in rows for key in row))
    sha = hashlib.sha256(
        json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    table = RawTable(name, sha, headers, [canonical_column(h) for h in headers])
    for number, row in enumerate(rows, start=2):  # as a spreadsheet numbers them after its header
        cells = {key.strip(): str(value).strip() for key, value in row.items()}
        table.rows.append((number, [cells.get(h, "") for h in headers]))
    check_table(table)  # the cells and caps a file's are held to (control characters, formulas)
    return parse_roster(table, language=language)
