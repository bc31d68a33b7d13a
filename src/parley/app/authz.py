"""Permissions: the one place that decides who may do what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState
from parley.domain.parties import Role
from parley.store import tables as t


class Forbidden(DomainError):
    """The acting party's role does not allow the command."""


M, S, W = Role.MEDIATOR, Role.SIDE, Role.MONITOR

ACTIONS: dict[str, frozenset[Role]] = {
    "party.register": frozenset({M}),
    "roster.import": frozenset({S}),
    "agreement.draft": frozenset({M}),
    "agreement.sign": frozenset({S, M}),
    "commitment.status": frozenset({M}),
    "monitor.report": frozenset({W}),
    "batch.plan": frozenset({M}),
    "batch.lists": frozenset({S}),
    "batch.close": frozenset({M}),
    "handover.substitute": frozenset({M}),
}

H = HandoverState
# Who may move a handover to a state: the mediator witnesses and interviews, the releasing
# side presents and transfers, the receiving side confirms receipt.
HANDOVER_MOVES: dict[HandoverState, frozenset[str]] = {
    H.LOCATED: frozenset({"mediator"}),
    H.AGREED: frozenset({"mediator"}),
    H.CLEARED: frozenset({"releasing"}),
    H.CONSENT_VERIFIED: frozenset({"mediator"}),
    H.DECLINED: frozenset({"mediator"}),
    H.RELEASED_TO_THIRD_STATE: frozenset({"mediator"}),
    H.TRANSFERRED: frozenset({"releasing"}),
    H.RECEIVED: frozenset({"receiving"}),
    H.NOT_DELIVERED: frozenset({"releasing", "mediator"}),
    H.DECEASED: frozenset({"releasing", "mediator"}),
    H.DISPUTED: frozenset({"releasing", "receiving", "mediator"}),
}
_RESUME_FROM_DISPUTE = frozenset({"mediator"})


def role_of(conn: Connection, party_id: str) -> Role:
    role = conn.execute(
        select(t.parties.c.role).where(t.parties.c.party_id == party_id)
    ).scalar_one_or_none()
    if role is None:
        raise Forbidden(f"{party_id} is not a registered party")
    return Role(role)


def require(conn: Connection, actor: str, action: str) -> Role:
    """The actor's role, if it may perform the action; otherwise Forbidden."""
    role = role_of(conn, actor)
    if role not in ACTIONS[action]:
        allowed = " or ".join(sorted(r.value for r in ACTIONS[action]))
        raise Forbidden(f"{actor} ({role.value}) may not {action}: only a {allowed} may")
    return role


def require_roster_access(conn: Connection, actor: str, owner: str, action: str) -> Role:
    """A roster is the owning side's and the mediator's: the other side never sees its raw
    records, a monitor sees none, and only the owner publishes a version of it."""
    role = role_of(conn, actor)
    if action == "roster.import":
        if actor != owner:
            raise Forbidden(f"{actor} may not import {owner}'s roster: only {owner} signs its own")
        return require(conn, actor, action)
    if role is Role.MEDIATOR or (role is Role.SIDE and actor == owner):
        return role
    raise Forbidden(
        f"{actor} ({role.value}) may not see {owner}'s roster: only {owner} and the mediator may"
    )


def require_handover_move(
    actor: str, role: Role, releasing: str, receiving: str, to: HandoverState, resuming: bool
) -> None:
    """Check the standing of an actor (whose role is already known) towards one person's move."""
    standing = {
        "mediator": role is Role.MEDIATOR,
        "releasing": actor == releasing,
        "receiving": actor == receiving,
    }
    allowed = _RESUME_FROM_DISPUTE if resuming else HANDOVER_MOVES.get(to, frozenset())
    if not any(standing[s] for s in allowed):
        who = " or ".join(sorted(allowed)) or "nobody"
        raise Forbidden(
            f"{actor} may not move a handover to {to.value}: that is for the {who} party"
        )


def visible_status(role: Role, actor: str, data: dict[str, Any]) -> dict[str, Any]:
    """The status summary as a party may see it.

    The mediator sees everything. A side sees its own rosters, the agreements it is party to,
    and the exceptions about persons it holds or receives, with names only from its own
    rosters. A monitor sees the roadmap: agreements' non-exchange commitments, no persons.
    """
    if role is Role.MEDIATOR:
        return data
    out = dict(data)
    if role is Role.MONITOR:
        out["rosters"] = []
        out["exceptions"] = []
        out["agreements"] = [
            {
                **a,
                "phases": [
                    {**ph, "commitments": [c for c in ph["commitments"] if c["kind"] != "exchange"]}
                    for ph in a["phases"]
                ],
            }
            for a in data["agreements"]
        ]
        return out
    out["rosters"] = [r for r in data["rosters"] if r["party"] == actor]
    out["agreements"] = [a for a in data["agreements"] if actor in a["sides"]]
    exceptions = []
    for e in data["exceptions"]:
        holder = e["person"].split("/", 1)[0]
        receiving = e.get("receiving_party")
        if holder != actor and receiving != actor:
            continue
        exceptions.append(e if holder == actor else {**e, "name": None})
    out["exceptions"] = exceptions
    return out
