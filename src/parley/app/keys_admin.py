"""Key use cases: a party rotates its key; a key is revoked, with or without a replacement."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.log.entry import key_id
from parley.store import tables as t


def rotate(ledger: Ledger, *, party_id: str) -> Appended:
    """A new key for the party, announced under its current key, which is then retired."""
    new = Ed25519PrivateKey.generate()
    public = new.public_key().public_bytes_raw()

    def decide(conn: Connection) -> Sequence[Event]:
        authz.require(conn, party_id, authz.Action.KEY_ROTATE, owner=party_id)
        current = conn.execute(
            select(t.parties.c.key_id).where(t.parties.c.party_id == party_id)
        ).scalar_one()
        if not current:
            raise Conflict(
                f"{party_id} has no active key to rotate; the mediator must revoke and replace"
            )
        ledger.keys.stage(party_id, new)
        payload = ev.KeyRotated(party_id, public.hex(), key_id(public), current)
        return [Event(party_id, payload)]

    try:
        appended = ledger.execute(decide)
    except BaseException:
        ledger.keys.discard_staged(party_id)
        raise
    ledger.keys.promote_staged(party_id)
    return appended


def revoke(
    ledger: Ledger,
    *,
    actor: str,
    party_id: str,
    revoked_key_id: str,
    reason: str,
    replacement: bytes | None = None,
) -> Appended:
    """Revoke a key (by the mediator, or by its own party); signatures under it are then refused."""

    def decide(conn: Connection) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.KEY_REVOKE, owner=party_id)
        row = conn.execute(
            select(t.party_keys.c.party_id, t.party_keys.c.status).where(
                t.party_keys.c.key_id == revoked_key_id
            )
        ).one_or_none()
        if row is None or row.party_id != party_id:
            raise NotFound(f"{party_id} has no key {revoked_key_id}")
        if row.status == "revoked":
            raise Conflict(f"key {revoked_key_id} is already revoked")
        payload = ev.KeyRevoked(party_id, revoked_key_id, reason)
        if replacement is not None:
            payload = ev.KeyRevoked(
                party_id, revoked_key_id, reason, replacement.hex(), key_id(replacement)
            )
        return [Event(actor, payload)]

    return ledger.execute(decide)
