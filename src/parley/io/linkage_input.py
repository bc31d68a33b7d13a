"""Roster files as lists come, for linkage and search: text as written, nothing refused that
a person could still be matched by (an impossible date is compared as written)."""

from __future__ import annotations

from pathlib import Path

from parley.io.tables import Problem, RawTable, RosterFileError, read_table
from parley.linkage import LinkageRecord

_FIELDS = frozenset(LinkageRecord.__dataclass_fields__) - {"record_id"}


def linkage_records(table: RawTable) -> list[LinkageRecord]:
    """One record a row; a missing or repeated record id is the only refusal."""
    positions = {col: pos for pos, col in enumerate(table.columns) if col}
    if "record_id" not in positions:
        raise RosterFileError([Problem(table.file, 1, None, "missing column record_id (ID)")])
    out, seen = [], set()
    for number, cells in table.rows:
        rid = cells[positions["record_id"]]
        if not rid or rid in seen:
            why = "record_id is empty" if not rid else f"record_id {rid!r} repeats"
            raise RosterFileError([Problem(table.file, number, "record_id", why)])
        seen.add(rid)
        values = {col: cells[pos] for col, pos in positions.items() if col in _FIELDS}
        out.append(LinkageRecord(record_id=rid, **values))
    return out


def read_linkage_records(path: Path) -> list[LinkageRecord]:
    return linkage_records(read_table(path))
