"""A roster file and its comparison as they cross between a party's machine and a server: the
rows a file holds (read and checked here by an import's rules), how an import treats the
roster, a replacement that asks first, and a diff as JSON. Nothing here reads the database, so
a party's command to a server loads none of it (parley.app.rosters and roster_files use these)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from parley.domain.errors import DomainError
from parley.domain.rosters import FieldChange, RosterDiff
from parley.errors import N_
from parley.io import pfif
from parley.io.rosters import parse_roster


class ImportMode(enum.StrEnum):
    REPLACE = "replace"  # the file is the whole roster: who is not on it is removed
    MERGE = "merge"  # the file adds and corrects persons; nobody is removed


class RemovalNeedsConfirmation(DomainError):
    """A replacement would remove most of a roster: the user says so first; nothing written."""

    SAYS = "this would remove "  # how its sentence starts, also in a server's refusal

    def __init__(self, roster: str, removed: Sequence[str], of: int) -> None:
        self.roster, self.removed, self.of = roster, tuple(removed), of
        super().__init__(
            N_(
                "this would remove {count} of the {of} persons of {roster} (more than half of"
                " them); confirm the replacement (--yes), or add to the roster without removing"
                " anyone (--merge)"
            ),
            count=len(removed),
            of=of,
            roster=roster,
        )


def file_rows(path: Path, *, language: str | None = None) -> list[dict[str, str]]:
    """The file read and checked here by an import's rules (one bad row refuses it), as the rows
    a server's import takes: column -> text, empty cells left out."""
    table = pfif.roster_table(path)  # CSV, XLSX or PFIF 1.4
    parse_roster(table, language=language)
    return [
        {h: cell for h, cell in zip(table.headers, cells, strict=True) if h and cell}
        for _, cells in table.rows
    ]


def diff_json(d: RosterDiff) -> dict[str, Any]:
    """A roster diff as JSON, the same for the CLI's `--json` and the server's answer."""
    return {
        "added": list(d.added),
        "removed": list(d.removed),
        "names": dict(d.names),
        "changed": [
            {
                "record_id": rid,
                "fields": [{"field": c.field, "before": c.before, "after": c.after} for c in ch],
            }
            for rid, ch in d.changed
        ],
    }


def diff_from_json(data: Mapping[str, Any]) -> RosterDiff:
    """The diff `diff_json` wrote."""
    return RosterDiff(
        tuple(data["added"]),
        tuple(data["removed"]),
        tuple(
            (
                c["record_id"],
                tuple(FieldChange(f["field"], f["before"], f["after"]) for f in c["fields"]),
            )
            for c in data["changed"]
        ),
        tuple(dict(data.get("names", {})).items()),
    )


# what an erasure cannot reach, said after every erasure, on one machine or from a server
NEVER_JOINED = N_(
    "records of this person on rosters the process never joined to these (another list, a record"
    " never matched) cannot be found by Parley: each side must name them"
)
