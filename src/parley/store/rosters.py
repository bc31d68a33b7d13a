"""Rosters and persons: record revisions, roster versions and their members, and erasure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update

from parley.domain import events as ev
from parley.domain.rosters import roster_owner
from parley.store import tables as t
from parley.store.engine import Tx
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


_ERASE_INTERVIEWS = (
    update(t.handover_history)
    .where(by_key(t.handover_history, "party_id", "record_id"))
    .values(interview=None)
)


@projects(ev.PersonErased)
def _erased(idx: int, _a: str, _t: str, p: ev.PersonErased) -> list[Write]:
    data = erased_data(p.record_id)
    key = {"k_roster_id": p.roster_id, "k_record_id": p.record_id}
    writes: list[Write] = [(_ERASE_PERSON, {**key, "data": data, "erased_idx": idx})]
    for entry in p.entries:
        writes.append((_ERASE_REVISION, {**key, "k_revision": entry.revision, "data": data}))
    if p.interviews:  # every interview of the person goes with them
        person = {"k_party_id": roster_owner(p.roster_id), "k_record_id": p.record_id}
        writes.append((_ERASE_INTERVIEWS, person))
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


# --- reads ---


@dataclass(frozen=True)
class CurrentRecord:
    """A record as it stands now (an erased record keeps only its id in `data`)."""

    display_name: str
    erased: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class Revision:
    """One revision of a record and the log entry that recorded it."""

    revision: int
    log_idx: int
    time: str  # the entry's claimed time
    data: dict[str, Any]
    on_log: bool  # the entry still carries its payload (False once erased)


@dataclass(frozen=True)
class RecordOnVersion:
    """One version of a roster and the record's revision on it (None when it was not on it)."""

    version: int
    source: str
    revision: int | None


def current_version(tx: Tx, roster_id: str) -> int:
    """A roster's current version; 0 before its first import."""
    v = tx.execute(
        select(t.rosters.c.version).where(t.rosters.c.roster_id == roster_id)
    ).scalar_one_or_none()
    return 0 if v is None else int(v)


def current_members(tx: Tx, roster_id: str) -> set[str]:
    """The record ids on a roster's current version (none before its first import)."""
    m, r = t.roster_members.c, t.rosters.c
    return set(
        tx.execute(
            select(m.record_id)
            .join(t.rosters, (r.roster_id == m.roster_id) & (r.version == m.version))
            .where(m.roster_id == roster_id)
        ).scalars()
    )


def snapshot(tx: Tx, roster_id: str, version: int) -> dict[str, dict[str, Any]]:
    """Record id -> record fields, as the roster stood at a version."""
    m, r = t.roster_members.c, t.record_revisions.c
    rows = tx.execute(
        select(m.record_id, r.data)
        .join(
            t.record_revisions,
            (r.roster_id == m.roster_id)
            & (r.record_id == m.record_id)
            & (r.revision == m.revision),
        )
        .where(m.roster_id == roster_id, m.version == version)
    ).all()
    return {row.record_id: json.loads(row.data) for row in rows}


def latest_revisions(tx: Tx, roster_id: str) -> dict[str, int]:
    """Record id -> its latest revision, for every record the roster ever had."""
    pr = t.person_records.c
    rows = tx.execute(select(pr.record_id, pr.revision).where(pr.roster_id == roster_id)).all()
    return {row.record_id: int(row.revision) for row in rows}


def revision_data(tx: Tx, roster_id: str, record_id: str, revision: int) -> dict[str, Any]:
    """A record's fields at one of its revisions."""
    r = t.record_revisions.c
    data = tx.execute(
        select(r.data).where(
            r.roster_id == roster_id, r.record_id == record_id, r.revision == revision
        )
    ).scalar_one()
    value: dict[str, Any] = json.loads(data)
    return value


def current_record(tx: Tx, roster_id: str, record_id: str) -> CurrentRecord | None:
    pr = t.person_records.c
    row = tx.execute(
        select(pr.display_name, pr.erased_idx, pr.data).where(
            pr.roster_id == roster_id, pr.record_id == record_id
        )
    ).one_or_none()
    if row is None:
        return None
    return CurrentRecord(row.display_name, row.erased_idx is not None, json.loads(row.data))


def revisions(tx: Tx, roster_id: str, record_id: str) -> list[Revision]:
    """Every revision of a record, oldest first (none for a record the roster never had)."""
    r, e = t.record_revisions.c, t.log_entries.c
    rows = tx.execute(
        select(r.revision, r.log_idx, r.data, e.claimed_time, e.payload.isnot(None).label("kept"))
        .join(t.log_entries, e.idx == r.log_idx)
        .where(r.roster_id == roster_id, r.record_id == record_id)
        .order_by(r.revision)
    ).all()
    return [
        Revision(int(x.revision), int(x.log_idx), x.claimed_time, json.loads(x.data), bool(x.kept))
        for x in rows
    ]


def versions_of_record(tx: Tx, roster_id: str, record_id: str) -> list[RecordOnVersion]:
    """Every version of the roster, oldest first, with the record's revision on each."""
    m, v = t.roster_members.c, t.roster_versions.c
    rows = tx.execute(
        select(v.version, v.source, m.revision)
        .join(
            t.roster_members,
            (m.roster_id == v.roster_id) & (m.version == v.version) & (m.record_id == record_id),
            isouter=True,
        )
        .where(v.roster_id == roster_id)
        .order_by(v.version)
    ).all()
    return [RecordOnVersion(row.version, row.source, row.revision) for row in rows]


def records(tx: Tx, roster_id: str, *, erased: bool = True) -> dict[str, CurrentRecord]:
    """Every record a roster ever had, as it stands now, by record id (ordered); without the
    erased ones when `erased` is False. Members of older versions are included."""
    pr = t.person_records.c
    query = select(pr.record_id, pr.display_name, pr.erased_idx, pr.data).where(
        pr.roster_id == roster_id
    )
    if not erased:
        query = query.where(pr.erased_idx.is_(None))
    rows = tx.execute(query.order_by(pr.record_id))
    return {
        r.record_id: CurrentRecord(r.display_name, r.erased_idx is not None, json.loads(r.data))
        for r in rows
    }


@dataclass(frozen=True)
class RecordFacts:
    """The fields of a record the projection keeps in columns, as written (ISO dates)."""

    record_id: str
    category: str
    sex: str
    health: str
    capture_date: str | None
    birth_date: str | None


def record_facts(tx: Tx, roster_id: str) -> list[RecordFacts]:
    """The column fields of every record a roster ever had (erased ones keep none)."""
    pr = t.person_records.c
    rows = tx.execute(
        select(pr.record_id, pr.category, pr.sex, pr.health, pr.capture_date, pr.birth_date).where(
            pr.roster_id == roster_id
        )
    )
    return [RecordFacts(*r) for r in rows]


@dataclass(frozen=True)
class RosterHeading:
    roster_id: str
    party_id: str
    kind: str
    version: int
    record_count: int


def roster_headings(tx: Tx) -> list[RosterHeading]:
    """Every roster by id, with its current version and number of records."""
    r = t.rosters.c
    rows = tx.execute(
        select(r.roster_id, r.party_id, r.kind, r.version, r.record_count).order_by(r.roster_id)
    )
    return [RosterHeading(*x) for x in rows]


def display_names(tx: Tx, roster_id: str) -> dict[str, str | None]:
    """Each record's name as the roster shows it, by record id; None for an erased record.
    Reads no record's fields: a board of thousands names them at the cost of one column."""
    pr = t.person_records.c
    rows = tx.execute(
        select(pr.record_id, pr.display_name, pr.erased_idx).where(pr.roster_id == roster_id)
    )
    return {r.record_id: None if r.erased_idx is not None else r.display_name for r in rows}
