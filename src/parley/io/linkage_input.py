"""Roster files as lists come, for linkage and search: text as written, nothing refused that
a person could still be matched by (an impossible date is compared as written)."""

from __future__ import annotations

from pathlib import Path

from parley.gcpause import gc_paused
from parley.io.tables import Problem, RawTable, RosterFileError, read_table
from parley.linkage import LinkageRecord
from parley.linkage.records import FIELDS, LinkageColumns


def linkage_columns(table: RawTable) -> LinkageColumns:
    """The table's fields column by column; a missing or repeated record id is the only
    refusal. The table's rows are emptied: the text is then held by the columns alone."""
    positions = {col: pos for pos, col in enumerate(table.columns) if col in FIELDS}
    if "record_id" not in positions:
        raise RosterFileError([Problem(table.file, 1, None, "missing column record_id (ID)")])
    at = positions["record_id"]
    ids = [cells[at] for _, cells in table.rows]
    if not all(ids) or len(set(ids)) < len(ids):
        seen: set[str] = set()
        for number, cells in table.rows:
            rid = cells[at]
            if not rid or rid in seen:
                why = "record_id is empty" if not rid else f"record_id {rid!r} repeats"
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
    with gc_paused():
        return linkage_columns(read_table(path))


def read_linkage_records(path: Path) -> list[LinkageRecord]:
    return linkage_records(read_table(path))
