"""Keys: the instance, the parties and their signing keys, as the log establishes them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from parley.domain import events as ev
from parley.domain.parties import Party, Role
from parley.store import tables as t
from parley.store.engine import Tx
from parley.store.projection import INSERT, Write, by_key, projects


@projects(ev.InstanceCreated)
def _instance(idx: int, _a: str, _t: str, p: ev.InstanceCreated) -> list[Write]:
    row = {"instance_id": p.instance_id, "name": p.name, "demo": p.demo, "created_idx": idx}
    return [(INSERT["instance"], row)]


@projects(ev.PartyRegistered)
def _party(idx: int, _a: str, _t: str, p: ev.PartyRegistered) -> list[Write]:
    row = {
        "party_id": p.party_id,
        "name": p.name,
        "role": p.role.value,
        "key_id": p.key_id,
        "public_key": bytes.fromhex(p.public_key),
        "registered_idx": idx,
    }
    key = {
        "key_id": p.key_id,
        "party_id": p.party_id,
        "public_key": bytes.fromhex(p.public_key),
        "status": "active",
        "registered_idx": idx,
        "ended_idx": None,
        "reason": "registered",
    }
    return [(INSERT["parties"], row), (INSERT["party_keys"], key)]


_END_KEY = (
    update(t.party_keys)
    .where(by_key(t.party_keys, "key_id"))
    .values(
        status=bindparam("status"), ended_idx=bindparam("ended_idx"), reason=bindparam("reason")
    )
)
_CURRENT_KEY = (
    update(t.parties)
    .where(by_key(t.parties, "party_id"))
    .values(key_id=bindparam("key_id"), public_key=bindparam("public_key"))
)


def _new_key(idx: int, party_id: str, public_hex: str, key_id: str, reason: str) -> list[Write]:
    public = bytes.fromhex(public_hex)
    row = {
        "key_id": key_id,
        "party_id": party_id,
        "public_key": public,
        "status": "active",
        "registered_idx": idx,
        "ended_idx": None,
        "reason": reason,
    }
    return [
        (INSERT["party_keys"], row),
        (_CURRENT_KEY, {"k_party_id": party_id, "key_id": key_id, "public_key": public}),
    ]


@projects(ev.KeyRotated)
def _rotated(idx: int, _a: str, _t: str, p: ev.KeyRotated) -> list[Write]:
    end = {
        "k_key_id": p.previous_key_id,
        "status": "retired",
        "ended_idx": idx,
        "reason": "rotated",
    }
    return [(_END_KEY, end), *_new_key(idx, p.party_id, p.public_key, p.key_id, "rotation")]


@projects(ev.KeyRevoked)
def _revoked(idx: int, _a: str, _t: str, p: ev.KeyRevoked) -> list[Write]:
    end = {"k_key_id": p.key_id, "status": "revoked", "ended_idx": idx, "reason": p.reason}
    writes: list[Write] = [(_END_KEY, end)]
    if p.new_public_key and p.new_key_id is not None:
        writes += _new_key(idx, p.party_id, p.new_public_key, p.new_key_id, "replacement")
    else:
        writes.append((_CURRENT_KEY, {"k_party_id": p.party_id, "key_id": "", "public_key": b""}))
    return writes


# --- reads ---


@dataclass(frozen=True)
class Instance:
    instance_id: str
    name: str
    demo: bool


@dataclass(frozen=True)
class PartyKey:
    """A party's current key (both empty after a revocation without replacement)."""

    party_id: str
    key_id: str
    public_key: bytes


@dataclass(frozen=True)
class KeyState:
    """Whose key it is and whether it is active, retired or revoked."""

    party_id: str
    status: str


def instance(tx: Tx) -> Instance | None:
    """The instance, or None before `parley init`."""
    row = tx.execute(select(t.instance.c.instance_id, t.instance.c.name, t.instance.c.demo)).first()
    return None if row is None else Instance(row.instance_id, row.name, bool(row.demo))


def is_initialised(tx: Tx) -> bool:
    return instance(tx) is not None


def parties(tx: Tx) -> list[Party]:
    """Every registered party, in the order they were registered."""
    p = t.parties.c
    rows = tx.execute(select(p.party_id, p.name, p.role).order_by(p.registered_idx)).all()
    return [Party(r.party_id, r.name, Role(r.role)) for r in rows]


def role_of(tx: Tx, party_id: str) -> Role | None:
    """A party's role; None for a party that is not registered."""
    role = tx.execute(
        select(t.parties.c.role).where(t.parties.c.party_id == party_id)
    ).scalar_one_or_none()
    return None if role is None else Role(role)


_PARTY_KEY = select(t.parties.c.party_id, t.parties.c.key_id, t.parties.c.public_key)


def current_key(tx: Tx, party_id: str) -> PartyKey | None:
    """A party's current key; None for an unknown party or one left without an active key."""
    row = tx.execute(_PARTY_KEY.where(t.parties.c.party_id == party_id)).one_or_none()
    if row is None or not row.key_id:
        return None
    return PartyKey(row.party_id, row.key_id, bytes(row.public_key))


def mediator_key(tx: Tx) -> PartyKey:
    """The mediator and its current key (empty after a revocation without replacement)."""
    row = tx.execute(_PARTY_KEY.where(t.parties.c.role == Role.MEDIATOR.value)).one()
    return PartyKey(row.party_id, row.key_id, bytes(row.public_key))


def key_state(tx: Tx, key_id: str) -> KeyState | None:
    """Whose key `key_id` is and its status; None for a key the log never registered."""
    k = t.party_keys.c
    row = tx.execute(select(k.party_id, k.status).where(k.key_id == key_id)).one_or_none()
    return None if row is None else KeyState(row.party_id, row.status)
