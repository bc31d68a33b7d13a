"""Key use cases: a party rotates its key; a key is revoked, and only its own party may name
a replacement; a party that lost its key replaces it with the recovery key it kept offline
(nobody installs a key in another's name: `parley.log.keys`).

Each runs on one machine (the instance's key ring) or from the party's machine against a
server (`*_served`, in parley.app.keys_served, which loads no database; re-exported here: the
party's keys never leave it). A rotation stops safely at any step
(`app.keys.crash_point`); a pending key it leaves is settled against the log by `settle` (one
machine) or `settle_served`, which every later command runs first."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import authz
from parley.app.keys import Settled
from parley.app.keys_served import (
    CURRENT_PATH,
    RECOVERY_PATH,
    REVOCATION_PATH,
    ROTATION_PATH,
    Recovered,
    recover_served,
    recovery,
    recovery_body,
    rotate_served,
    rotation,
    settle_served,
)
from parley.app.ledger import Appended, Ledger
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.errors import N_, InvalidInput
from parley.log import command as signed_command
from parley.log.entry import EntrySigner, key_id
from parley.log.keys import REVOKED
from parley.store import Tx
from parley.store import keys as key_store

__all__ = [
    "CURRENT_PATH",
    "RECOVERY_PATH",
    "REVOCATION_PATH",
    "ROTATION_PATH",
    "Recovered",
    "recover",
    "recover_served",
    "recover_to",
    "recovery_body",
    "revoke",
    "rotate",
    "rotate_served",
    "rotate_to",
    "settle",
    "settle_all",
    "settle_served",
]


def rotate_to(ledger: Ledger, *, party_id: str, public: bytes) -> Appended:
    """The log announces the party's new key (made on its machine) under its current key, which
    is then retired."""

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, party_id, authz.Action.KEY_ROTATE, owner=party_id)
        current = key_store.current_key(conn, party_id)
        if current is None:
            raise Conflict(
                N_(
                    "{party_id} has no active key to rotate: a revoked key has no successor but one"
                    " {party_id} names itself under a key it still holds, or its recovery key"
                    " (`parley key recover --as {party_id}`)"
                ),
                party_id=party_id,
            )
        if key_store.key_state(conn, key_id(public)) is not None:
            raise Conflict(
                N_("key {key_id} is already registered: make a new one"), key_id=key_id(public)
            )
        payload = ev.KeyRotated(party_id, public.hex(), key_id(public), current.key_id)
        return [Event(party_id, payload)]

    return ledger.execute(decide)


def rotate(ledger: Ledger, *, party_id: str) -> Appended:
    """A new key for the party, made in this instance's key ring and announced under its current
    key, which is then retired (and kept, so that what was sealed to it stays readable)."""
    ring = ledger.keys
    with ledger.reading() as conn:  # refused before anything is written
        authz.require(conn, party_id, authz.Action.KEY_ROTATE, owner=party_id)
    settle(ledger, party_id)
    ring.get(party_id)  # the party's key is here, or nothing is staged
    # one transaction: whatever stops it, nothing was logged
    return rotation(
        ring,
        party_id,
        lambda public: rotate_to(ledger, party_id=party_id, public=public),
        refused=BaseException,
    )


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
            raise NotFound(
                N_("{party_id} has no key {revoked_key_id}"),
                party_id=party_id,
                revoked_key_id=revoked_key_id,
            )
        if key.status == REVOKED:
            raise Conflict(
                N_("key {revoked_key_id} is already revoked"), revoked_key_id=revoked_key_id
            )
        payload = ev.KeyRevoked(party_id, revoked_key_id, reason)
        if replacement is not None:
            payload = ev.KeyRevoked(
                party_id, revoked_key_id, reason, replacement.hex(), key_id(replacement)
            )
        return [Event(actor, payload)]

    return ledger.execute(decide)


def recover_to(ledger: Ledger, *, party_id: str, public: bytes, new_recovery: bytes) -> Appended:
    """The party's new key and next recovery key, in a `key.recovered` the party signs with its
    recovery key (the request's command): the recovery key retires, a key still active is
    revoked as lost."""

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, party_id, authz.Action.KEY_ROTATE, owner=party_id)
        recovery = key_store.recovery_key(conn, party_id)
        if recovery is None:
            raise Conflict(
                N_(
                    "{party_id} has no recovery key registered: it was registered without one (or it"
                    " was revoked), so its key cannot be recovered"
                ),
                party_id=party_id,
            )
        if public == new_recovery:
            raise InvalidInput(N_("the new key and the next recovery key must differ"))
        for key in (public, new_recovery):
            if key_store.key_state(conn, key_id(key)) is not None:
                raise Conflict(
                    N_("key {key_id} is already registered: make a new one"), key_id=key_id(key)
                )
        current = key_store.current_key(conn, party_id)
        payload = ev.KeyRecovered(
            party_id,
            public.hex(),
            key_id(public),
            recovery.key_id,
            new_recovery.hex(),
            key_id(new_recovery),
            None if current is None else current.key_id,
        )
        return [Event(party_id, payload)]

    return ledger.execute(decide)


def recover(
    ledger: Ledger, *, party_id: str, recovery_key: Ed25519PrivateKey, recovery_folder: Path
) -> Recovered:
    """One machine: replace the party's lost key under the recovery key it brings back; the new
    key goes into this instance's key ring, the next recovery key into `recovery_folder`."""

    def send(public: bytes, new_recovery: bytes) -> None:
        """The recovery as the party's request would carry it, signed by its recovery key."""
        body = signed_command.command_body(recovery_body(public, new_recovery))
        signed = signed_command.sign_command(
            method="POST",
            path=RECOVERY_PATH,
            body=body,
            signing_key=EntrySigner(recovery_key),
            created=int(time.time()),
        )
        with Ledger.commanded(Command(signed, body)):
            recover_to(ledger, party_id=party_id, public=public, new_recovery=new_recovery)

    # one transaction: whatever stops it, nothing was logged
    return recovery(ledger.keys, party_id, recovery_folder, send, refused=BaseException)


def settle(ledger: Ledger, party_id: str) -> Settled | None:
    """One machine: a pending key the party's rotation left, settled against the log."""
    ring = ledger.keys
    if party_id not in ring.pending():
        return None
    with ledger.reading() as conn:
        current = key_store.current_key(conn, party_id)
    return ring.settle(party_id, None if current is None else current.public_key)


def settle_all(ledger: Ledger) -> list[tuple[str, Settled]]:
    """Every pending key in this instance's key ring, settled against the log."""
    done = [(party, settle(ledger, party)) for party in ledger.keys.pending()]
    return [(party, s) for party, s in done if s is not None]
