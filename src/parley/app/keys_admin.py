"""Key use cases: a party rotates its key; a key is revoked, and only its own party may name
a replacement (nobody installs a key in another's name: `parley.log.keys`)."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.log.entry import key_id
from parley.log.keys import REVOKED
from parley.store import Tx
from parley.store import keys as key_store


def rotate(ledger: Ledger, *, party_id: str) -> Appended:
    """A new key for the party, announced under its current key, which is then retired."""
    new = Ed25519PrivateKey.generate()
    public = new.public_key().public_bytes_raw()

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, party_id, authz.Action.KEY_ROTATE, owner=party_id)
        current = key_store.current_key(conn, party_id)
        if current is None:
            raise Conflict(
                f"{party_id} has no active key to rotate: a revoked key has no successor but one"
                f" {party_id} names itself under a key it still holds"
            )
        ledger.keys.stage(party_id, new)
        payload = ev.KeyRotated(party_id, public.hex(), key_id(public), current.key_id)
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
    """Revoke a key (by the mediator, or by its own party); signatures under it are then refused.
    A `replacement` is the party's own next key: only the party names it, never the mediator."""

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.KEY_REVOKE, owner=party_id)
        if replacement is not None:
            authz.require(conn, actor, authz.Action.KEY_REPLACE, owner=party_id)
        key = key_store.key_state(conn, revoked_key_id)
        if key is None or key.party != party_id:
            raise NotFound(f"{party_id} has no key {revoked_key_id}")
        if key.status == REVOKED:
            raise Conflict(f"key {revoked_key_id} is already revoked")
        payload = ev.KeyRevoked(party_id, revoked_key_id, reason)
        if replacement is not None:
            payload = ev.KeyRevoked(
                party_id, revoked_key_id, reason, replacement.hex(), key_id(replacement)
            )
        return [Event(actor, payload)]

    return ledger.execute(decide)
