"""A roster file handed to Parley: read whole (one bad row refuses it), then imported or compared."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from parley.app import rosters
from parley.app.ledger import Ledger
from parley.app.roster_rows import ImportMode, diff_from_json, diff_json, file_rows
from parley.domain.rosters import RosterDiff, RosterKind
from parley.io.rosters import Roster, read_roster, roster_from_rows

__all__ = [
    "FileImport",
    "diff_file",
    "diff_from_json",
    "diff_json",
    "diff_rows",
    "file_rows",
    "import_file",
    "import_rows",
    "remove_listed",
    "remove_rows",
]


@dataclass(frozen=True)
class FileImport:
    result: rosters.ImportResult
    unknown_columns: tuple[str, ...]  # kept as notes on each record
    derived_ids: bool = False  # the list had no ids: each person's was carried over or derived


def import_file(
    ledger: Ledger,
    *,
    path: Path,
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
    confirmed: bool = False,
    language: str | None = None,
) -> FileImport:
    """Import the file as a new version of the party's roster (nothing, if it changes nothing):
    the whole roster (REPLACE, asking first before removing most of it) or added to it (MERGE).
    `language` (`uk`, `ru`): the accepted words in it too when a word is refused."""
    roster = read_roster(path, language=language)
    labels = [roster.row_of(i) for i in range(len(roster.records))]
    return _import(ledger, roster, path.name, party_id, kind, actor, mode, confirmed, labels)


def _import(
    ledger: Ledger,
    roster: Roster,
    source: str,
    party_id: str,
    kind: RosterKind,
    actor: str | None,
    mode: ImportMode,
    confirmed: bool,
    labels: Sequence[str] = (),
) -> FileImport:
    result = rosters.import_roster(
        ledger,
        party_id=party_id,
        kind=kind,
        records=roster.records,
        source=source,
        source_sha256=roster.sha256,
        actor=actor,
        mode=mode,
        derive_ids=roster.derive_ids,
        fields=roster.fields,
        confirmed=confirmed,
        labels=labels,
    )
    return FileImport(result, tuple(roster.unknown_columns), roster.derive_ids)


def remove_listed(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    record_ids: Sequence[str] = (),
    path: Path | None = None,
    actor: str | None = None,
    confirmed: bool = False,
    language: str | None = None,
) -> rosters.ImportResult:
    """Take persons off the roster: by id, and every person of a removal list (a roster file;
    without ids, each row names the person its ids would be carried over to)."""
    listed = None if path is None else read_roster(path, language=language)
    source = "removal" if path is None else path.name
    return _remove(ledger, listed, source, party_id, kind, record_ids, actor, confirmed)


def remove_rows(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    record_ids: Sequence[str] = (),
    rows: Sequence[Mapping[str, str]] | None = None,
    source: str = "removal",
    actor: str | None = None,
    confirmed: bool = False,
) -> rosters.ImportResult:
    """`remove_listed` with the removal list sent as rows (column -> text), by a file's rules."""
    listed = None if rows is None else roster_from_rows(source, rows)
    return _remove(ledger, listed, source, party_id, kind, record_ids, actor, confirmed)


def _remove(
    ledger: Ledger,
    listed: Roster | None,
    source: str,
    party_id: str,
    kind: RosterKind,
    record_ids: Sequence[str],
    actor: str | None,
    confirmed: bool,
) -> rosters.ImportResult:
    ids = list(record_ids)
    # what the version came from: the removal list, or the ids named (their hash, one a line)
    sha = hashlib.sha256("".join(f"{i}\n" for i in sorted(ids)).encode()).hexdigest()
    if listed is not None:
        sha = listed.sha256
        if listed.derive_ids:
            labels = [listed.row_of(i) for i in range(len(listed.records))]
            ids += rosters.identify(
                ledger,
                party_id=party_id,
                kind=kind,
                records=listed.records,
                labels=labels,
                actor=actor,
            )
        else:
            ids += [r.record_id for r in listed.records]
    return rosters.remove_persons(
        ledger,
        party_id=party_id,
        kind=kind,
        record_ids=ids,
        source=source,
        source_sha256=sha,
        actor=actor,
        confirmed=confirmed,
    )


def import_rows(
    ledger: Ledger,
    *,
    rows: Sequence[Mapping[str, str]],
    source: str,
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
    confirmed: bool = False,
) -> FileImport:
    """Import records sent as JSON objects (a file's rows, column -> text), by a file's rules."""
    roster = roster_from_rows(source, rows)
    return _import(ledger, roster, source, party_id, kind, actor, mode, confirmed)


def diff_file(
    ledger: Ledger,
    *,
    path: Path,
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
    language: str | None = None,
) -> tuple[int, RosterDiff]:
    """What importing the file would change in the current version, without importing it."""
    return _diff(ledger, read_roster(path, language=language), party_id, kind, actor, mode)


def diff_rows(
    ledger: Ledger,
    *,
    rows: Sequence[Mapping[str, str]],
    party_id: str,
    kind: RosterKind,
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
) -> tuple[int, RosterDiff]:
    """What importing records sent as rows would change, without importing them."""
    return _diff(ledger, roster_from_rows("comparison", rows), party_id, kind, actor, mode)


def _diff(
    ledger: Ledger,
    roster: Roster,
    party_id: str,
    kind: RosterKind,
    actor: str | None,
    mode: ImportMode,
) -> tuple[int, RosterDiff]:
    return rosters.diff_file(
        ledger,
        party_id=party_id,
        kind=kind,
        records=roster.records,
        actor=actor,
        mode=mode,
        derive_ids=roster.derive_ids,
        fields=roster.fields,
    )
