"""Rosters and persons: record revisions, roster versions and their members, and erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update

from parley.domain import events as ev
from parley.store import tables as t
from parley.store.projection import INSERT, Write, by_key, dumps, projects

_PERSON_COLUMNS = (
    "party_id",
    "kind",
    "revision",
    "display_name",
    "birth_date",
    "category",
    "health",
    "sex",
    "capture_date",
    "data",
    "recorded_idx",
)
_UPDATE_PERSON = (
    update(t.person_records)
    .where(by_key(t.person_records, "roster_id", "record_id"))
    .values({c: bindparam(c) for c in _PERSON_COLUMNS})
)


def _recorded(
    idx: int, roster_id: str, record_id: str, revision: int, row: dict[str, Any]
) -> list[Write]:
    """A record's revision: the current row (new, or updated) and the revision's own row."""
    party_id, kind = roster_id.split(":")
    row = {"party_id": party_id, "kind": kind, "revision": revision, **row, "recorded_idx": idx}
    key = {"roster_id": roster_id, "record_id": record_id}
    if revision == 1:
        current: Write = (INSERT["person_records"], {**key, **row})
    else:
        current = (_UPDATE_PERSON, {"k_roster_id": roster_id, "k_record_id": record_id, **row})
    revision_row = {**key, "revision": revision, "data": row["data"], "log_idx": idx}
    return [current, (INSERT["record_revisions"], revision_row)]


@projects(ev.PersonRecorded)
def _person(idx: int, _a: str, _t: str, p: ev.PersonRecorded) -> list[Write]:
    record = p.record
    row = {
        "display_name": record.display_name,
        "birth_date": record.birth_date.iso() if record.birth_date else None,
        "category": record.category.value,
        "health": record.health.value,
        "sex": record.sex.value,
        "capture_date": record.capture_date.iso() if record.capture_date else None,
        "data": dumps(record.to_dict()),
    }
    return _recorded(idx, p.roster_id, record.record_id, p.revision, row)


ERASED_NAME = "[erased]"
_ERASED_COLUMNS = {
    "display_name": ERASED_NAME,
    "birth_date": None,
    "category": "other",
    "health": "unknown",
    "sex": "unknown",
    "capture_date": None,
}
_ERASE_PERSON = (
    update(t.person_records)
    .where(by_key(t.person_records, "roster_id", "record_id"))
    .values(**_ERASED_COLUMNS, data=bindparam("data"), erased_idx=bindparam("erased_idx"))
)
_ERASE_REVISION = (
    update(t.record_revisions)
    .where(by_key(t.record_revisions, "roster_id", "record_id", "revision"))
    .values(data=bindparam("data"))
)


def erased_data(record_id: str) -> str:
    """What stays of an erased record: its id."""
    return dumps({"record_id": record_id, "erased": True})


def erased_person_recorded(
    idx: int, roster_id: str, record_id: str, revision: int, erased_idx: int
) -> list[Write]:
    """The projection of a `person.recorded` entry whose payload has been erased."""
    data = erased_data(record_id)
    writes = _recorded(idx, roster_id, record_id, revision, {**_ERASED_COLUMNS, "data": data})
    erase = {
        "k_roster_id": roster_id,
        "k_record_id": record_id,
        "data": data,
        "erased_idx": erased_idx,
    }
    return [writes[0], (_ERASE_PERSON, erase), writes[1]]


@projects(ev.PersonErased)
def _erased(idx: int, _a: str, _t: str, p: ev.PersonErased) -> list[Write]:
    data = erased_data(p.record_id)
    key = {"k_roster_id": p.roster_id, "k_record_id": p.record_id}
    writes: list[Write] = [(_ERASE_PERSON, {**key, "data": data, "erased_idx": idx})]
    for entry in p.entries:
        writes.append((_ERASE_REVISION, {**key, "k_revision": entry.revision, "data": data}))
    return writes


_UPDATE_ROSTER = (
    update(t.rosters)
    .where(by_key(t.rosters, "roster_id"))
    .values(version=bindparam("version"), record_count=bindparam("record_count"))
)


@projects(ev.RosterPublished)
def _roster(idx: int, _a: str, _t: str, p: ev.RosterPublished) -> list[Write]:
    roster_id, version, members = p.roster_id, p.version, p.members
    counts = {"version": version, "record_count": len(members)}
    writes: list[Write] = []
    if version == 1:
        row = {"roster_id": roster_id, "party_id": p.party_id, "kind": p.kind.value, **counts}
        writes.append((INSERT["rosters"], row))
    else:
        writes.append((_UPDATE_ROSTER, {"k_roster_id": roster_id, **counts}))
    version_row = {
        "roster_id": roster_id,
        "version": version,
        "source": p.source,
        "source_sha256": p.source_sha256,
        "record_count": len(members),
        "added": p.added,
        "removed": p.removed,
        "changed": p.changed,
        "log_idx": idx,
    }
    writes.append((INSERT["roster_versions"], version_row))
    writes.extend(
        (
            INSERT["roster_members"],
            {"roster_id": roster_id, "version": version, "record_id": r, "revision": v},
        )
        for r, v in members.items()
    )
    return writes
