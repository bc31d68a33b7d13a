"""Roster use cases: import a new version, compare versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.domain.errors import DomainError, NotFound
from parley.domain.events import Event
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterDiff, RosterKind, diff_snapshots, roster_id
from parley.store import Tx
from parley.store import rosters as roster_store


@dataclass(frozen=True)
class ImportResult:
    roster_id: str
    version: int | None  # None when the file changed nothing
    diff: RosterDiff
    record_count: int


def import_roster(
    ledger: Ledger,
    *,
    party_id: str,
    kind: RosterKind,
    records: Sequence[PersonRecord],
    source: str,
    source_sha256: str,
    actor: str | None = None,
) -> ImportResult:
    """Publish a new version of a party's roster: new and changed records, then the version."""
    rid = roster_id(party_id, kind)
    result: list[ImportResult] = []

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_IMPORT, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
        after = {r.record_id: r.to_dict() for r in records}
        diff = diff_snapshots(before, after)
        if version and diff.empty:
            result.append(ImportResult(rid, None, diff, len(records)))
            return []
        revisions = roster_store.latest_revisions(conn, rid)
        events: list[Event] = []
        members: dict[str, int] = {}
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
        result.append(ImportResult(rid, version + 1, diff, len(records)))
        return events

    ledger.execute(decide)
    return result[0]


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
            raise NotFound(f"{party_id} has no {kind.value} roster yet")
        to = latest if after is None else after
        frm = to - 1 if before is None else before
        for v in (frm, to):
            if not 0 <= v <= latest:
                raise DomainError(
                    f"roster {rid} has versions 1 to {latest}; there is no version {v}"
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
) -> tuple[int, RosterDiff]:
    """What importing these records would change, without importing them (for the owning
    side or the mediator)."""
    rid = roster_id(party_id, kind)
    with ledger.reading() as conn:
        authz.require(conn, actor or party_id, authz.Action.ROSTER_READ, owner=party_id)
        version = roster_store.current_version(conn, rid)
        before = roster_store.snapshot(conn, rid, version) if version else {}
    return version, diff_snapshots(before, {r.record_id: r.to_dict() for r in records})
