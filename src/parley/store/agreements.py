"""Agreements: versions and their text hashes, phases and commitments, signatures, commitment
ratings and monitors' reports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    CommitmentKind,
    ImplementationStatus,
    ReportKind,
    agreement_from_dict,
    agreement_to_dict,
)
from parley.store import tables as t
from parley.store.engine import Tx
from parley.store.projection import INSERT, Write, by_key, dumps, projects


def _terms(a: Agreement, statuses: Mapping[str, ev.CarriedStatus]) -> list[Write]:
    """Phase and commitment rows of an agreement version; statuses carried from the last one."""
    writes: list[Write] = []
    for ph in a.phases:
        phase = {
            "phase_id": ph.phase_id,
            "agreement_id": a.agreement_id,
            "ordinal": ph.ordinal,
            "title": ph.title,
        }
        writes.append((INSERT["phases"], phase))
        for c in ph.commitments:
            kept = statuses.get(c.commitment_id)
            row = {
                "commitment_id": c.commitment_id,
                "phase_id": ph.phase_id,
                "agreement_id": a.agreement_id,
                "kind": c.kind.value,
                "description": c.description,
                "place": c.place,
                "due_date": c.due_date.isoformat() if c.due_date else None,
                "mode": c.exchange.mode.value if c.exchange is not None else None,
                "status": int(kept.status) if kept else 0,
                "status_note": kept.note if kept else "",
                "status_idx": kept.idx if kept else None,
            }
            writes.append((INSERT["commitments"], row))
    return writes


def _version_row(idx: int, agreement_id: str, data: str, version: int, digest: str) -> Write:
    row = {
        "agreement_id": agreement_id,
        "version": version,
        "text_sha256": digest,
        "data": data,
        "log_idx": idx,
    }
    return (INSERT["agreement_versions"], row)


@projects(ev.AgreementDrafted)
def _drafted(idx: int, _a: str, _t: str, p: ev.AgreementDrafted) -> list[Write]:
    a = p.agreement
    data = dumps(agreement_to_dict(a))
    row = {
        "agreement_id": a.agreement_id,
        "title": a.title,
        "sides": ",".join(a.sides),
        "mediator": a.mediator,
        "text_sha256": p.text_sha256,
        "status": "draft",
        "data": data,
        "drafted_idx": idx,
        "version": 1,
    }
    return [
        (INSERT["agreements"], row),
        _version_row(idx, a.agreement_id, data, 1, p.text_sha256),
        *_terms(a, {}),
    ]


_AMEND = (
    update(t.agreements)
    .where(by_key(t.agreements, "agreement_id"))
    .values(
        title=bindparam("title"),
        text_sha256=bindparam("text_sha256"),
        status="draft",
        data=bindparam("data"),
        version=bindparam("version"),
    )
)
_DROP_PHASES = delete(t.phases).where(t.phases.c.agreement_id == bindparam("k_agreement_id"))
_DROP_COMMITMENTS = delete(t.commitments).where(
    t.commitments.c.agreement_id == bindparam("k_agreement_id")
)


@projects(ev.AgreementAmended)
def _amended(idx: int, _a: str, _t: str, p: ev.AgreementAmended) -> list[Write]:
    a, version = p.agreement, p.version
    data = dumps(agreement_to_dict(a))
    key = {"k_agreement_id": a.agreement_id}
    change = {"title": a.title, "text_sha256": p.text_sha256, "data": data, "version": version}
    return [
        (_AMEND, {**key, **change}),
        _version_row(idx, a.agreement_id, data, version, p.text_sha256),
        (_DROP_COMMITMENTS, key),
        (_DROP_PHASES, key),
        *_terms(a, p.carried_statuses),
    ]


_UPDATE_AGREEMENT_STATUS = (
    update(t.agreements)
    .where(by_key(t.agreements, "agreement_id"))
    .values(status=bindparam("status"))
)


@projects(ev.AgreementSigned)
def _signed(idx: int, actor: str, _t: str, p: ev.AgreementSigned) -> list[Write]:
    sig = {
        "agreement_id": p.agreement_id,
        "version": p.version,
        "party_id": actor,
        "text_sha256": p.text_sha256,
        "log_idx": idx,
    }
    return [
        (INSERT["agreement_signatures"], sig),
        (_UPDATE_AGREEMENT_STATUS, {"k_agreement_id": p.agreement_id, "status": p.status}),
    ]


_UPDATE_COMMITMENT = (
    update(t.commitments)
    .where(by_key(t.commitments, "commitment_id"))
    .values(
        status=bindparam("status"),
        status_note=bindparam("status_note"),
        status_idx=bindparam("status_idx"),
    )
)


@projects(ev.CommitmentStatusSet)
def _status(idx: int, _a: str, _t: str, p: ev.CommitmentStatusSet) -> list[Write]:
    params = {
        "k_commitment_id": p.commitment_id,
        "status": int(p.status),
        "status_note": p.note,
        "status_idx": idx,
    }
    return [(_UPDATE_COMMITMENT, params)]


@projects(ev.MonitorReported)
def _reported(idx: int, actor: str, _t: str, p: ev.MonitorReported) -> list[Write]:
    row = {
        "log_idx": idx,
        "commitment_id": p.commitment_id,
        "monitor": actor,
        "kind": p.kind.value,
        "place": p.place,
        "observed_on": p.observed_on.isoformat(),
        "text": p.text,
    }
    return [(INSERT["monitor_reports"], row)]


# --- reads ---


@dataclass(frozen=True)
class StoredAgreement:
    """An agreement's current version, its number and its status (draft, signed, witnessed)."""

    agreement: Agreement
    version: int
    status: str
    text_sha256: str  # the hash of its text, as recorded when this version was put on the log


def agreement(tx: Tx, agreement_id: str) -> StoredAgreement | None:
    a = t.agreements.c
    row = tx.execute(
        select(a.data, a.version, a.status, a.text_sha256).where(a.agreement_id == agreement_id)
    ).one_or_none()
    if row is None:
        return None
    found = agreement_from_dict(json.loads(row.data))
    return StoredAgreement(found, int(row.version), row.status, row.text_sha256)


def versions(tx: Tx, agreement_id: str, numbers: Iterable[int]) -> dict[int, Agreement]:
    """The texts of an agreement's versions by number; a version that does not exist is absent."""
    v = t.agreement_versions.c
    rows = tx.execute(
        select(v.version, v.data).where(
            v.agreement_id == agreement_id, v.version.in_(list(numbers))
        )
    )
    return {r.version: agreement_from_dict(json.loads(r.data)) for r in rows}


def signers(tx: Tx, agreement_id: str, version: int) -> set[str]:
    """The parties that signed (or witnessed) one version of an agreement."""
    s = t.agreement_signatures.c
    rows = tx.execute(
        select(s.party_id).where(s.agreement_id == agreement_id, s.version == version)
    )
    return set(rows.scalars())


def phase_ids(tx: Tx, *, other_than: str | None = None) -> set[str]:
    """Phase ids in use, by every agreement or by all but `other_than`."""
    query = select(t.phases.c.phase_id)
    if other_than is not None:
        query = query.where(t.phases.c.agreement_id != other_than)
    return set(tx.execute(query).scalars())


def commitment_ids(tx: Tx, *, other_than: str | None = None) -> set[str]:
    """Commitment ids in use, by every agreement or by all but `other_than`."""
    query = select(t.commitments.c.commitment_id)
    if other_than is not None:
        query = query.where(t.commitments.c.agreement_id != other_than)
    return set(tx.execute(query).scalars())


def carried_statuses(tx: Tx, agreement_id: str) -> dict[str, ev.CarriedStatus]:
    """The ratings an agreement's commitments were given, to carry into its next version."""
    c = t.commitments.c
    rows = tx.execute(
        select(c.commitment_id, c.status, c.status_note, c.status_idx).where(
            c.agreement_id == agreement_id, c.status_idx.isnot(None)
        )
    )
    return {
        r.commitment_id: ev.CarriedStatus(
            ImplementationStatus(r.status), r.status_note, r.status_idx
        )
        for r in rows
    }


@dataclass(frozen=True)
class StoredCommitment:
    """A commitment of an agreement's current version, with the mediator's rating."""

    commitment_id: str
    agreement_id: str
    phase_id: str
    kind: CommitmentKind
    description: str
    place: str
    due_date: str | None  # ISO date as drafted
    mode: str | None  # an exchange's mode
    status: ImplementationStatus
    status_note: str


_COMMITMENT_COLUMNS = (
    t.commitments.c.commitment_id,
    t.commitments.c.agreement_id,
    t.commitments.c.phase_id,
    t.commitments.c.kind,
    t.commitments.c.description,
    t.commitments.c.place,
    t.commitments.c.due_date,
    t.commitments.c.mode,
    t.commitments.c.status,
    t.commitments.c.status_note,
)


def _commitment(r: Any) -> StoredCommitment:
    return StoredCommitment(
        commitment_id=r.commitment_id,
        agreement_id=r.agreement_id,
        phase_id=r.phase_id,
        kind=CommitmentKind(r.kind),
        description=r.description,
        place=r.place,
        due_date=r.due_date,
        mode=r.mode,
        status=ImplementationStatus(r.status),
        status_note=r.status_note,
    )


def commitment(tx: Tx, commitment_id: str) -> StoredCommitment | None:
    query = select(*_COMMITMENT_COLUMNS).where(t.commitments.c.commitment_id == commitment_id)
    row = tx.execute(query).one_or_none()
    return None if row is None else _commitment(row)


def violations(tx: Tx, commitment_id: str) -> list[tuple[dt.date, str]]:
    """Violations monitors reported on a commitment: when observed, and by whom."""
    r = t.monitor_reports.c
    rows = tx.execute(
        select(r.observed_on, r.monitor).where(
            r.commitment_id == commitment_id, r.kind == ReportKind.VIOLATION.value
        )
    )
    return [(dt.date.fromisoformat(row.observed_on), row.monitor) for row in rows]


# The overview the status command shows: every agreement, phase by phase.


@dataclass(frozen=True)
class AgreementHeading:
    agreement_id: str
    title: str
    status: str
    version: int
    sides: tuple[str, ...]


@dataclass(frozen=True)
class PhaseHeading:
    phase_id: str
    ordinal: int
    title: str


@dataclass(frozen=True)
class StoredReport:
    """A monitor's report as recorded."""

    kind: str
    place: str
    observed_on: str  # ISO date
    monitor: str
    text: str


def agreement_headings(tx: Tx) -> list[AgreementHeading]:
    """Every agreement, in the order drafted."""
    a = t.agreements.c
    rows = tx.execute(
        select(a.agreement_id, a.title, a.status, a.version, a.sides).order_by(a.drafted_idx)
    )
    return [
        AgreementHeading(r.agreement_id, r.title, r.status, r.version, tuple(r.sides.split(",")))
        for r in rows
    ]


def phases_of(tx: Tx, agreement_id: str) -> list[PhaseHeading]:
    p = t.phases.c
    rows = tx.execute(
        select(p.phase_id, p.ordinal, p.title)
        .where(p.agreement_id == agreement_id)
        .order_by(p.ordinal)
    )
    return [PhaseHeading(r.phase_id, r.ordinal, r.title) for r in rows]


def commitments_of(tx: Tx, phase_id: str) -> list[StoredCommitment]:
    """A phase's commitments by id."""
    c = t.commitments.c
    rows = tx.execute(
        select(*_COMMITMENT_COLUMNS).where(c.phase_id == phase_id).order_by(c.commitment_id)
    )
    return [_commitment(r) for r in rows]


def reports(tx: Tx, commitment_id: str) -> list[StoredReport]:
    """Monitors' reports on a commitment, in the order observed."""
    r = t.monitor_reports.c
    rows = tx.execute(
        select(r.kind, r.place, r.observed_on, r.monitor, r.text)
        .where(r.commitment_id == commitment_id)
        .order_by(r.observed_on)
    )
    return [StoredReport(x.kind, x.place, x.observed_on, x.monitor, x.text) for x in rows]
