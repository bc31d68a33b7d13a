"""Roster use cases: import a new version (replacing or merging), remove persons, compare."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.app import authz
from parley.app.ledger import Ledger
from parley.app.roster_rows import ImportMode as ImportMode  # re-exported: the API names it here
from parley.app.roster_rows import RemovalNeedsConfirmation
from parley.domain import events as ev
from parley.domain.errors import DomainError, NotFound
from parley.domain.events import Event
from parley.domain.persons import PersonRecord
from parley.domain.record_ids import assign_ids
from parley.domain.rosters import RosterDiff, RosterKind, diff_snapshots, display_name, roster_id
from parley.errors import N_, Word
from parley.store import Tx
from parley.store import rosters as roster_store

# A replacement that would take more than this share of a roster's persons off it, and more
# than REMOVAL_FLOOR of them, asks first (a few removals the import's listing shows plainly).
REMOVAL_SHARE = 0.5
REMOVAL_FLOOR = 5


@dataclass(frozen=True)
class ImportResult:
    roster_id: str
    version: int | None  # None when the file changed nothing
    diff: RosterDiff
    record_count: int  # persons on the roster after the import
    # where the file has each record it imported (`row 7, № 6`), when the import was told
    places: Mapping[str, str] = dataclasses.field(default_factory=dict)


def _with_ids(
    conn: Tx, rid: str, records: Sequence[PersonRecord], before: Mapping[str, Mapping[str, Any]]
) -> list[PersonRecord]:
    """The records of a list without ids, each given its id on this roster
    (parley.domain.record_ids: carried over from `before`, or from a person removed earlier
    and not erased, else the roster's next number)."""
    ever = roster_store.records(conn, rid)
    earlier = {i: r.data for i, r in ever.items() if i not in before and not r.erased}
    ids = assign_ids([r.to_dict() for r in records], before, earlier, used=ever)
    return [dataclasses.replace(r, record_id=i) for r, i in zip(records, ids, strict=True)]


def _filled(
    given: Sequence[PersonRecord],
    before: Mapping[str, Mapping[str, Any]],
    fields: Collection[str] | None,
) -> list[PersonRecord]:
    """Records merged into a roster: a person already on it keeps each field the file has no
    column for (a file correcting one column blanks none of the others)."""
    if fields is None:
        return list(given)
    out = []
    for record in given:
        old = before.get(record.record_id)
        if old is None:
            out.append(record)
            continue
        kept = {k: v for k, v in old.items() if k not in fields}
        new = {k: v for k, v in record.to_dict().items() if k in fields or k == "record_id"}
        out.append(PersonRecord.from_dict({**kept, **new}))
    return out


def import_roster(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    records: Sequence[PersonRecord],
    source: str,
    source_sha256: str,
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
    derive_ids: bool = False,
    confirmed: bool = False,
    labels: Sequence[str] = (),
    fields: Collection[str] | None = None,
) -> ImportResult:
    """Publish a new version of a party's roster: new and changed records, then the version.

    REPLACE makes the records the whole roster; one that would remove more than half of it
    (and more than REMOVAL_FLOOR persons) raises RemovalNeedsConfirmation unless `confirmed`.
    MERGE adds and corrects, removing nobody. `derive_ids`: the records come from a list
    without ids and are given theirs here. `labels`: where the file has each record, for the
    result's `places`. `fields`: the record fields the file has columns for; on a MERGE a
    person already on the roster keeps what the file has no column for."""
    rid = roster_id(party_id, kind)
    result: list[ImportResult] = []
    ids: list[str] = []

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_IMPORT, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
        given = _with_ids(conn, rid, records, before) if derive_ids else list(records)
        ids[:] = [r.record_id for r in given]
        if mode is ImportMode.MERGE:
            given = _filled(given, before, fields)
            listed = {r.record_id for r in given}
            kept = {i: data for i, data in before.items() if i not in listed}
        else:
            kept = {}
        return _publish(conn, rid, party_id, kind, version, before, given, kept,
                        source, source_sha256, confirmed or mode is ImportMode.MERGE, result)  # fmt: skip

    ledger.execute(decide)
    if not labels:
        return result[0]
    return dataclasses.replace(result[0], places=dict(zip(ids, labels, strict=True)))


def remove_persons(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    record_ids: Collection[str],
    source: str,
    source_sha256: str = "",
    actor: str | None = None,
    confirmed: bool = False,
) -> ImportResult:
    """A new version of the roster without these persons (every one must be on it); removing
    more than half of the roster (and more than REMOVAL_FLOOR persons) raises
    RemovalNeedsConfirmation unless `confirmed`."""
    rid = roster_id(party_id, kind)
    result: list[ImportResult] = []

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_IMPORT, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
        unknown = sorted(set(record_ids) - set(before))
        if unknown:
            shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            raise NotFound(
                N_("not on {rid} (current version {version}): {shown}"),
                rid=rid,
                version=version,
                shown=shown,
            )
        removed = set(record_ids)
        kept = {i: data for i, data in before.items() if i not in removed}
        return _publish(conn, rid, party_id, kind, version, before, [], kept,
                        source, source_sha256, confirmed, result)  # fmt: skip

    ledger.execute(decide)
    return result[0]


def identify(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    records: Sequence[PersonRecord],
    labels: Sequence[str],
    actor: str | None = None,
) -> list[str]:
    """The ids on the current roster of the persons of a list without ids, found as an import
    would carry them over; a row that names nobody on the roster is refused, with its label."""
    rid = roster_id(party_id, kind)
    with ledger.reading() as conn:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_READ, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
        ids = [r.record_id for r in _with_ids(conn, rid, records, before)]
    missing = [label for label, i in zip(labels, ids, strict=True) if i not in before]
    if missing:
        shown = "; ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise NotFound(
            N_("the removal list names persons not on {rid}, nobody removed: {shown}"),
            rid=rid,
            shown=shown,
        )
    return ids


def _publish(
    conn: Tx,
    rid: str,
    party_id: str,
    kind: RosterKind,
    version: int,
    before: Mapping[str, Mapping[str, Any]],
    records: Sequence[PersonRecord],
    kept: Mapping[str, Mapping[str, Any]],
    source: str,
    source_sha256: str,
    confirmed: bool,
    result: list[ImportResult],
) -> list[Event]:
    """The events of a new version holding `records` (recorded anew when new or changed)
    and the persons `kept` as they are; nothing when it changes nothing."""
    after = {**kept, **{r.record_id: r.to_dict() for r in records}}
    diff = diff_snapshots(before, after)
    if version and diff.empty:
        result.append(ImportResult(rid, None, diff, len(after)))
        return []
    removing = len(diff.removed)
    if not confirmed and removing > max(REMOVAL_SHARE * len(before), REMOVAL_FLOOR):
        names = [f"{display_name(before[i])} ({i})" for i in diff.removed]
        raise RemovalNeedsConfirmation(rid, names, len(before))
    revisions = roster_store.latest_revisions(conn, rid)
    events: list[Event] = []
    members: dict[str, int] = {i: revisions[i] for i in kept}
    for record in records:
        data = after[record.record_id]
        known = revisions.get(record.record_id, 0)
        latest = before.get(record.record_id) if known else None
        if known and latest is None:
            # back on the roster after a removal: compare with its last revision
            latest = roster_store.revision_data(conn, rid, record.record_id, known)
        if known and latest == data:
            members[record.record_id] = known
            continue
        members[record.record_id] = known + 1
        events.append(Event(party_id, ev.PersonRecorded(rid, known + 1, record)))
    published = ev.RosterPublished(
        roster_id=rid,
        party_id=party_id,
        kind=kind,
        version=version + 1,
        source=source,
        source_sha256=source_sha256,
        members=members,
        added=len(diff.added),
        removed=len(diff.removed),
        changed=len(diff.changed),
    )
    events.append(Event(party_id, published))
    result.append(ImportResult(rid, version + 1, diff, len(after)))
    return events


def diff_versions(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    before: int | None = None,
    after: int | None = None,
    actor: str | None = None,
) -> tuple[int, int, RosterDiff]:
    """Compare two versions of a roster; by default the latest with the one before it.

    `actor` (by default the owner) must be the owning side or the mediator."""
    rid = roster_id(party_id, kind)
    with ledger.reading() as conn:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_READ, owner=party_id)
        latest = roster_store.current_version(conn, rid)
        if latest == 0:
            raise NotFound(
                N_("{party_id} has no {kind} roster yet"), party_id=party_id, kind=Word(kind.value)
            )
        to = latest if after is None else after
        frm = to - 1 if before is None else before
        for v in (frm, to):
            if not 0 <= v <= latest:
                raise DomainError(
                    N_("roster {rid} has versions 1 to {latest}; there is no version {v}"),
                    rid=rid,
                    latest=latest,
                    v=v,
                )
        old = roster_store.snapshot(conn, rid, frm) if frm else {}
        return frm, to, diff_snapshots(old, roster_store.snapshot(conn, rid, to))


def diff_file(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    records: Sequence[PersonRecord],
    actor: str | None = None,
    mode: ImportMode = ImportMode.REPLACE,
    derive_ids: bool = False,
    fields: Collection[str] | None = None,
) -> tuple[int, RosterDiff]:
    """What importing these records would change, without importing them (for the owning
    side or the mediator); ids of a list without them are given as the import would."""
    rid = roster_id(party_id, kind)
    with ledger.reading() as conn:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_READ, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
        given = _with_ids(conn, rid, records, before) if derive_ids else list(records)
    if mode is ImportMode.MERGE:
        given = _filled(given, before, fields)
    after = {r.record_id: r.to_dict() for r in given}
    if mode is ImportMode.MERGE:
        after = {**before, **after}
    return version, diff_snapshots(before, after)
