"""A roster file handed to Parley: read whole (one bad row refuses it), then imported or compared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parley.app import rosters
from parley.app.ledger import Ledger
from parley.domain.rosters import FieldChange, RosterDiff, RosterKind
from parley.io.rosters import parse_roster, read_roster, roster_from_rows
from parley.io.tables import read_table


@dataclass(frozen=True)
class FileImport:
    result: rosters.ImportResult
    unknown_columns: tuple[str, ...]  # kept as notes on each record


def import_file(
    ledger: Ledger, *, path: Path, party_id: str, kind: RosterKind, actor: str | None = None
) -> FileImport:
    """Import the file as a new version of the party's roster (nothing, if it changes nothing)."""
    roster = read_roster(path)
    result = rosters.import_roster(
        ledger,
        party_id=party_id,
        kind=kind,
        records=roster.records,
        source=path.name,
        source_sha256=roster.sha256,
        actor=actor,
    )
    return FileImport(result, tuple(roster.unknown_columns))


def import_rows(
    ledger: Ledger,
    *,
    rows: Sequence[Mapping[str, str]],
    source: str,
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
) -> FileImport:
    """Import records sent as JSON objects (a file's rows, column -> text), by a file's rules."""
    roster = roster_from_rows(source, rows)
    result = rosters.import_roster(
        ledger,
        party_id=party_id,
        kind=kind,
        records=roster.records,
        source=source,
        source_sha256=roster.sha256,
        actor=actor,
    )
    return FileImport(result, tuple(roster.unknown_columns))


def file_rows(path: Path) -> list[dict[str, str]]:
    """The file read and checked here by an import's rules (one bad row refuses it), as the rows
    a server's import takes: column -> text, empty cells left out."""
    table = read_table(path)
    parse_roster(table)
    return [
        {h: cell for h, cell in zip(table.headers, cells, strict=True) if h and cell}
        for _, cells in table.rows
    ]


def diff_file(
    ledger: Ledger, *, path: Path, party_id: str, kind: RosterKind, actor: str | None = None
) -> tuple[int, RosterDiff]:
    """What importing the file would change in the current version, without importing it."""
    records = read_roster(path).records
    return rosters.diff_file(ledger, party_id=party_id, kind=kind, records=records, actor=actor)


def diff_rows(
    ledger: Ledger,
    *,
    rows: Sequence[Mapping[str, str]],
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
) -> tuple[int, RosterDiff]:
    """What importing records sent as rows would change, without importing them."""
    records = roster_from_rows("comparison", rows).records
    return rosters.diff_file(ledger, party_id=party_id, kind=kind, records=records, actor=actor)


def diff_json(d: RosterDiff) -> dict[str, Any]:
    """A roster diff as JSON, the same for the CLI's `--json` and the server's answer."""
    return {
        "added": list(d.added),
        "removed": list(d.removed),
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
    )
