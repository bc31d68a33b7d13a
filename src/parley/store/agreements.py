"""Agreements: versions and their text hashes, phases and commitments, signatures, commitment
ratings and monitors' reports."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, delete, update

from parley.domain import events as ev
from parley.domain.agreements import Agreement, agreement_to_dict
from parley.store import tables as t
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
