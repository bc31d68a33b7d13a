"""Keys: the instance, the parties and their signing keys, as the log establishes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, select, update

from parley.domain import events as ev
from parley.domain.parties import Party, Role
from parley.log.keys import ACTIVE, RECOVERY, Key, KeyAdded, KeyChange, KeyEnded, key_changes
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
    return [(INSERT["parties"], row), *_key_writes(idx, key_changes(p))]


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
# a revocation leaves the party keyless only when it ends the party's current key
_CLEAR_KEY = (
    update(t.parties)
    .where(by_key(t.parties, "party_id", "key_id"))
    .values(key_id="", public_key=b"")
)


def _key_writes(idx: int, changes: tuple[KeyChange, ...]) -> list[Write]:
    """The key table after the timeline's changes (parley.log.keys) at entry `idx`."""
    writes: list[Write] = []
    for change in changes:
        if isinstance(change, KeyEnded):
            row = {"k_key_id": change.key_id, "status": change.status, "ended_idx": idx}
            writes.append((_END_KEY, {**row, "reason": change.reason}))
        else:
            row = {
                "key_id": change.key_id,
                "party_id": change.party_id,
                "public_key": change.public_key,
                "status": change.status,
                "registered_idx": idx,
                "ended_idx": None,
                "reason": change.reason,
            }
            writes.append((INSERT["party_keys"], row))
    return writes


def _current_key(party_id: str, changes: tuple[KeyChange, ...]) -> Write:
    """The party's key after a rotation, revocation or recovery: the one added; none if the
    current one ended (a retired or recovery key revoked leaves it as it is)."""
    added = [c for c in changes if isinstance(c, KeyAdded) and c.status == ACTIVE]
    if added:
        row = {
            "k_party_id": party_id,
            "key_id": added[-1].key_id,
            "public_key": added[-1].public_key,
        }
        return (_CURRENT_KEY, row)
    ended = [c.key_id for c in changes if isinstance(c, KeyEnded)]
    return (_CLEAR_KEY, {"k_party_id": party_id, "k_key_id": ended[-1] if ended else ""})


@projects(ev.KeyRotated)
def _rotated(idx: int, _a: str, _t: str, p: ev.KeyRotated) -> list[Write]:
    changes = key_changes(p)
    return [*_key_writes(idx, changes), _current_key(p.party_id, changes)]


@projects(ev.KeyRevoked)
def _revoked(idx: int, _a: str, _t: str, p: ev.KeyRevoked) -> list[Write]:
    changes = key_changes(p)
    return [*_key_writes(idx, changes), _current_key(p.party_id, changes)]


@projects(ev.KeyRecovered)
def _recovered(idx: int, _a: str, _t: str, p: ev.KeyRecovered) -> list[Write]:
    changes = key_changes(p)
    return [*_key_writes(idx, changes), _current_key(p.party_id, changes)]


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


def is_registered(tx: Tx, party_id: str) -> bool:
    return role_of(tx, party_id) is not None


# the roles read in the current write group (`roles_kept`): a registered party keeps its role
_ROLES: ContextVar[dict[str, Role] | None] = ContextVar("parley_roles", default=None)
_ROLE = select(t.parties.c.role).where(t.parties.c.party_id == bindparam("party_id"))


@contextmanager
def roles_kept(known: dict[str, Role] | None = None) -> Iterator[None]:
    """Within the block (one write group, one thread), a registered party's role is read once:
    no entry changes it. `known`: the roles already read (the dict is kept up to date)."""
    token = _ROLES.set({} if known is None else known)
    try:
        yield
    finally:
        _ROLES.reset(token)


def forget_roles() -> None:
    """Roles kept in this write group are read again (a command that may have registered a
    party was rolled back)."""
    kept = _ROLES.get()
    if kept is not None:
        kept.clear()


def role_of(tx: Tx, party_id: str) -> Role | None:
    """A party's role; None for a party that is not registered."""
    kept = _ROLES.get()
    if kept is not None and party_id in kept:
        return kept[party_id]
    found = tx.execute(_ROLE, {"party_id": party_id}).scalar_one_or_none()
    role = None if found is None else Role(found)
    if kept is not None and role is not None:
        kept[party_id] = role
    return role


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


# built once: the ledger asks it on every command, and building it costs more than running it
_KEY_STATE = select(
    t.party_keys.c.party_id,
    t.party_keys.c.public_key,
    t.party_keys.c.status,
    t.party_keys.c.ended_idx,
).where(t.party_keys.c.key_id == bindparam("key_id"))


def key_state(tx: Tx, key_id: str) -> Key | None:
    """Key `key_id` as the key timeline left it (whose, until which entry, its status); None for
    a key the log never registered."""
    row = tx.execute(_KEY_STATE, {"key_id": key_id}).one_or_none()
    if row is None:
        return None
    return Key(
        row.party_id, bytes(row.public_key), row.ended_idx, row.status, row.status == RECOVERY
    )


# a key as a signed request needs it: whose, its status, and its party's current key's id
SIGNING_KEY = (
    select(
        t.party_keys.c.party_id,
        t.party_keys.c.public_key,
        t.party_keys.c.status,
        t.party_keys.c.ended_idx,
        t.parties.c.key_id.label("current"),
    )
    .select_from(t.party_keys)
    .join(t.parties, t.parties.c.party_id == t.party_keys.c.party_id, isouter=True)
    .where(t.party_keys.c.key_id == bindparam("key_id"))
)


def signing_key(tx: Tx, key_id: str) -> tuple[Key, bool] | None:
    """Key `key_id` as `key_state` gives it, and whether it is its party's current key, in one
    query (a signed request asks both); None for a key the log never registered."""
    return signing_key_of(tx.execute(SIGNING_KEY, {"key_id": key_id}).one_or_none(), key_id)


def signing_key_of(row: Row[*tuple[Any, ...]] | None, key_id: str) -> tuple[Key, bool] | None:
    """`signing_key` from a row of SIGNING_KEY's columns (a statement may join more)."""
    if row is None:
        return None
    key = Key(
        row.party_id, bytes(row.public_key), row.ended_idx, row.status, row.status == RECOVERY
    )
    return key, row.current == key_id


def recovery_key(tx: Tx, party_id: str) -> PartyKey | None:
    """The party's live recovery key (kept offline by the party); None if it registered none."""
    k = t.party_keys.c
    row = tx.execute(
        select(k.key_id, k.public_key).where(k.party_id == party_id, k.status == RECOVERY)
    ).first()
    return None if row is None else PartyKey(party_id, row.key_id, bytes(row.public_key))


@dataclass(frozen=True)
class KeyRecord:
    """One key the log registered, with what became of it."""

    key_id: str
    party_id: str
    public_key: bytes
    status: str
    registered_idx: int
    ended_idx: int | None


def every_key(tx: Tx) -> list[KeyRecord]:
    """Every key any party ever had, in the order the log registered them."""
    k = t.party_keys.c
    rows = tx.execute(
        select(
            k.key_id, k.party_id, k.public_key, k.status, k.registered_idx, k.ended_idx
        ).order_by(k.registered_idx, k.key_id)
    ).all()
    return [
        KeyRecord(
            r.key_id,
            r.party_id,
            bytes(r.public_key),
            r.status,
            int(r.registered_idx),
            None if r.ended_idx is None else int(r.ended_idx),
        )
        for r in rows
    ]
