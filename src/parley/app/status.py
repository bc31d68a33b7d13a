"""The instance at a glance: phases, counts per status, exceptions, parity, log size."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.agreements import ImplementationStatus
from parley.domain.handovers import FINAL, ORDER, HandoverState
from parley.store import tables as t

EXCEPTIONS = frozenset(FINAL | {HandoverState.DISPUTED}) - {HandoverState.RECEIVED}


def summary(ledger: Ledger, actor: str | None = None) -> dict[str, Any]:
    """A JSON-ready summary of the instance; with an actor, only what that party may see."""
    with ledger.reading() as conn:
        data = _summary(conn)
        if actor is not None:
            data = authz.visible_status(authz.require(conn, actor, authz.Action.STATUS_READ), data)
        return data


def _summary(conn: Connection) -> dict[str, Any]:
    inst = conn.execute(select(t.instance)).one_or_none()
    size = conn.execute(select(func.count()).select_from(t.log_entries)).scalar_one()
    head = conn.execute(
        select(t.log_entries.c.idx, t.log_entries.c.claimed_time)
        .order_by(t.log_entries.c.idx.desc())
        .limit(1)
    ).one_or_none()
    return {
        "instance": None
        if inst is None
        else {"id": inst.instance_id, "name": inst.name, "demo": inst.demo},
        "parties": [
            {"id": r.party_id, "name": r.name, "role": r.role, "key_id": r.key_id}
            for r in conn.execute(select(t.parties).order_by(t.parties.c.registered_idx))
        ],
        "rosters": [
            {
                "id": r.roster_id,
                "party": r.party_id,
                "kind": r.kind,
                "version": r.version,
                "records": r.record_count,
            }
            for r in conn.execute(select(t.rosters).order_by(t.rosters.c.roster_id))
        ],
        "agreements": _agreements(conn),
        "exceptions": _exceptions(conn),
        "log": {"size": int(size), "last_time": head.claimed_time if head else None},
    }


def _handover_counts(conn: Connection) -> dict[str, dict[str, Counter[str]]]:
    """commitment id -> releasing party -> handover state -> count."""
    h, b = t.handovers.c, t.batches.c
    confirmed = (h.confirmed_idx.isnot(None)).label("confirmed")
    rows = conn.execute(
        select(b.commitment_id, h.party_id, h.state, confirmed, func.count())
        .join(t.batches, b.batch_id == h.batch_id)
        .group_by(b.commitment_id, h.party_id, h.state, confirmed)
    ).all()
    out: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for commitment_id, party, state, is_confirmed, n in rows:
        out[commitment_id][party][state] += int(n)
        if is_confirmed:
            out[commitment_id][party][_CONFIRMED] += int(n)
    return out


_CONFIRMED = "confirmed by all three"


def _agreements(conn: Connection) -> list[dict[str, Any]]:
    counts = _handover_counts(conn)
    batch_rows = conn.execute(select(t.batches).order_by(t.batches.c.planned_idx)).all()
    out = []
    for a in conn.execute(select(t.agreements).order_by(t.agreements.c.drafted_idx)):
        sides = a.sides.split(",")
        signatures = sorted(
            conn.execute(
                select(t.agreement_signatures.c.party_id).where(
                    t.agreement_signatures.c.agreement_id == a.agreement_id,
                    t.agreement_signatures.c.version == a.version,
                )
            ).scalars()
        )
        phases = []
        for p in conn.execute(
            select(t.phases)
            .where(t.phases.c.agreement_id == a.agreement_id)
            .order_by(t.phases.c.ordinal)
        ):
            commitments = []
            for c in conn.execute(
                select(t.commitments)
                .where(t.commitments.c.phase_id == p.phase_id)
                .order_by(t.commitments.c.commitment_id)
            ):
                item: dict[str, Any] = {
                    "id": c.commitment_id,
                    "kind": c.kind,
                    "description": c.description,
                }
                if c.kind == "exchange":
                    item.update(_exchange(c.mode, sides, counts.get(c.commitment_id, {})))
                    item["batches"] = [
                        {
                            "id": b.batch_id,
                            "status": b.status,
                            "place": b.place,
                            "date": b.planned_date,
                        }
                        for b in batch_rows
                        if b.commitment_id == c.commitment_id
                    ]
                else:
                    status = ImplementationStatus(c.status)
                    r = t.monitor_reports.c
                    item["reports"] = [
                        {
                            "kind": x.kind,
                            "place": x.place,
                            "observed_on": x.observed_on,
                            "by": x.monitor,
                            "text": x.text,
                        }
                        for x in conn.execute(
                            select(t.monitor_reports)
                            .where(r.commitment_id == c.commitment_id)
                            .order_by(r.observed_on)
                        )
                    ]
                    item.update(
                        status=int(status),
                        status_label=status.name.lower().replace("_", " "),
                        note=c.status_note,
                        place=c.place,
                        due_date=c.due_date,
                    )
                commitments.append(item)
            phases.append(
                {
                    "id": p.phase_id,
                    "ordinal": p.ordinal,
                    "title": p.title,
                    "commitments": commitments,
                }
            )
        out.append(
            {
                "id": a.agreement_id,
                "title": a.title,
                "status": a.status,
                "version": a.version,
                "sides": sides,
                "signed_by": signatures,
                "phases": phases,
            }
        )
    return out


def _exchange(
    mode: str | None, sides: list[str], counts: dict[str, Counter[str]]
) -> dict[str, Any]:
    per_side: dict[str, dict[str, Any]] = {}
    for side in sides:
        c = Counter(counts.get(side, Counter()))
        confirmed_all = c.pop(_CONFIRMED, 0)
        total = sum(c.values())
        done = sum(n for s, n in c.items() if HandoverState(s) in FINAL)
        per_side[side] = {
            "planned": total,
            "released": c.get(HandoverState.RECEIVED.value, 0),
            "done": done,
            "in_progress": total - done,
            "confirmed": confirmed_all,
            "by_state": {s.value: c[s.value] for s in ORDER if s.value in c},
        }
    released = [int(per_side[s]["released"]) for s in sides]
    return {
        "mode": mode,
        "sides": per_side,
        "parity": {
            "released": dict(zip(sides, released, strict=True)),
            "balance": released[0] - released[1],
        },
    }


def _exceptions(conn: Connection) -> list[dict[str, Any]]:
    """Every person whose handover left the main path, with their name as the holder wrote it."""
    h, pr = t.handovers.c, t.person_records.c
    rows = conn.execute(
        select(
            h.batch_id,
            h.party_id,
            h.record_id,
            h.receiving_party,
            h.state,
            h.substitute,
            h.substitute_for,
            pr.display_name,
        )
        .outerjoin(
            t.person_records,
            (pr.roster_id == h.party_id + ":held") & (pr.record_id == h.record_id),
        )
        .where(h.state.in_([s.value for s in EXCEPTIONS]) | h.substitute_for.isnot(None))
        .order_by(h.batch_id, h.seq)
    ).all()
    return [
        {
            "batch": r.batch_id,
            "person": f"{r.party_id}/{r.record_id}",
            "name": r.display_name,
            "state": r.state,
            "receiving_party": r.receiving_party,
            "substitute": r.substitute,
            "substitute_for": r.substitute_for,
        }
        for r in rows
    ]
