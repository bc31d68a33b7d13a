"""Keys: the instance, the parties and their signing keys, as the log establishes them."""

from __future__ import annotations

from sqlalchemy import bindparam, update

from parley.domain import events as ev
from parley.store import tables as t
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
