"""The instance at a glance: phases, counts per status, exceptions, parity, log size."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.agreements import CommitmentKind, ImplementationStatus, PersonRef
from parley.domain.errors import NotFound
from parley.domain.handovers import FINAL, ORDER, HandoverState
from parley.domain.matches import MatchState, RecordRef
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_
from parley.store import Tx, keys, log, rosters
from parley.store import agreements as stored_agreements
from parley.store import batches as stored_batches
from parley.store import matches as stored_matches
from parley.store.agreements import StoredCommitment

EXCEPTIONS = frozenset(FINAL | {HandoverState.DISPUTED}) - {HandoverState.RECEIVED}


def summary(ledger: Ledger, actor: str | None = None) -> dict[str, Any]:
    """A JSON-ready summary of the instance; with an actor, only what that party may see.
    Commitments whose due date passed unfulfilled (by the ledger's clock) are `past_due`."""
    with ledger.reading() as tx:
        data = _summary(tx, ledger.clock().date())
        if actor is not None:
            data = authz.visible_status(authz.require(tx, actor, authz.Action.STATUS_READ), data)
        return data


def reports(
    ledger: Ledger, actor: str | None = None, commitment_id: str | None = None
) -> list[dict[str, Any]]:
    """The monitors' reports the party may see (the roadmap's), oldest observation first;
    a commitment the roadmap does not hold is refused, not answered with no reports."""
    commitments = [
        (a["id"], c)
        for a in summary(ledger, actor)["agreements"]
        for ph in a["phases"]
        for c in ph["commitments"]
    ]
    if commitment_id is not None and commitment_id not in {c["id"] for _, c in commitments}:
        raise NotFound(N_("there is no commitment {commitment_id}"), commitment_id=commitment_id)
    found = [
        {"agreement": agreement, "commitment": c["id"], **r}
        for agreement, c in commitments
        if commitment_id in (None, c["id"])
        for r in c.get("reports", ())
    ]
    return sorted(found, key=lambda r: (r["observed_on"], r.get("at") or ""))


def _summary(tx: Tx, today: dt.date) -> dict[str, Any]:
    inst = keys.instance(tx)
    return {
        "instance": None
        if inst is None
        else {"id": inst.instance_id, "name": inst.name, "demo": inst.demo},
        "parties": [
            {
                "id": p.party_id,
                "name": p.name,
                "role": p.role.value,
                "key_id": _key_id(tx, p.party_id),
            }
            for p in keys.parties(tx)
        ],
        "rosters": [
            {
                "id": r.roster_id,
                "party": r.party_id,
                "kind": r.kind,
                "version": r.version,
                "records": r.record_count,
            }
            for r in rosters.roster_headings(tx)
        ],
        "agreements": _agreements(tx, today),
        "exceptions": _exceptions(tx),
        "log": {"size": log.size(tx), "last_time": log.last_time(tx)},
    }


def _key_id(tx: Tx, party_id: str) -> str:
    key = keys.current_key(tx, party_id)
    return "" if key is None else key.key_id


def _handover_counts(tx: Tx) -> dict[str, dict[str, Counter[str]]]:
    """commitment id -> releasing party -> handover state -> count."""
    out: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for x in stored_batches.handover_tallies(tx):
        out[x.commitment_id][x.party_id][x.state.value] += x.count
        if x.confirmed:
            out[x.commitment_id][x.party_id][_CONFIRMED] += x.count
    return out


_CONFIRMED = "confirmed by all three"


def _agreements(tx: Tx, today: dt.date) -> list[dict[str, Any]]:
    counts = _handover_counts(tx)
    batches = stored_batches.batch_headings(tx)
    out = []
    for a in stored_agreements.agreement_headings(tx):
        phases = []
        for p in stored_agreements.phases_of(tx, a.agreement_id):
            commitments = []
            for c in stored_agreements.commitments_of(tx, p.phase_id):
                item: dict[str, Any] = {
                    "id": c.commitment_id,
                    "kind": c.kind.value,
                    "description": c.description,
                }
                if c.kind is CommitmentKind.EXCHANGE:
                    sides = list(a.sides)
                    item.update(_exchange(c.mode, sides, counts.get(c.commitment_id, {})))
                    item["batches"] = [
                        {
                            "id": b.batch_id,
                            "status": b.status,
                            "place": b.place,
                            "date": b.planned_date,
                        }
                        for b in batches
                        if b.commitment_id == c.commitment_id
                    ]
                    item["due_date"] = c.due_date
                    # done once a batch closed and none is open (a cancelled one does nothing)
                    states = {b["status"] for b in item["batches"]}
                    done = "closed" in states and states <= {"closed", "cancelled"}
                else:
                    item.update(_rated(tx, c))
                    done = c.status is ImplementationStatus.FULL
                item["past_due"] = (
                    bool(c.due_date) and str(c.due_date) < today.isoformat() and not done
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
                "sides": list(a.sides),
                "signed_by": sorted(stored_agreements.signers(tx, a.agreement_id, a.version)),
                "phases": phases,
            }
        )
    return out


def _rated(tx: Tx, c: StoredCommitment) -> dict[str, Any]:
    """A non-exchange commitment's rating and the monitors' reports on it."""
    reports = [
        {
            "kind": x.kind,
            "place": x.place,
            "observed_on": x.observed_on,
            "by": x.monitor,
            "text": x.text,
        }
        for x in stored_agreements.reports(tx, c.commitment_id)
    ]
    return {
        "reports": reports,
        "status": int(c.status),
        "status_label": c.status.name.lower().replace("_", " "),
        "note": c.status_note,
        "place": c.place,
        "due_date": c.due_date,
    }


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


def _exceptions(tx: Tx) -> list[dict[str, Any]]:
    """Every person whose handover left the main path, with their name as the holder wrote it
    and the sides that sought them (a confirmed match to their sought record)."""
    return [
        {
            "batch": x.batch_id,
            "person": str(x.person),
            "name": x.name,
            "state": x.state.value,
            "receiving_party": x.receiving_party,
            "substitute": x.substitute,
            "substitute_for": x.substitute_for,
            "batch_cancelled": x.batch_cancelled,
            "sought_by": sorted({r.party_id for r in sought_records(tx, x.person)}),
        }
        for x in stored_batches.handovers_off_path(tx, EXCEPTIONS)
    ]


def sought_records(tx: Tx, person: PersonRef) -> list[RecordRef]:
    """The sought records the process joined to a held person: confirmed matches."""
    held = RecordRef(roster_id(person.party_id, RosterKind.HELD), person.record_id)
    found = []
    for m in stored_matches.matches_about(tx, held):
        other = m.right if m.left == held else m.left
        if m.state is MatchState.CONFIRMED and other.kind == RosterKind.SOUGHT.value:
            found.append(other)
    return found
