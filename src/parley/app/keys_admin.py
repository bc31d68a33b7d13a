"""Key use cases: a party rotates its key; a key is revoked, and only its own party may name
a replacement; a party that lost its key replaces it with the recovery key it kept offline
(nobody installs a key in another's name: `parley.log.keys`).

Each runs on one machine (the instance's key ring) or from the party's machine against a
server (`*_served`: the party's keys never leave it). A rotation stops safely at any step
(`app.keys.crash_point`); a pending key it leaves is settled against the log by `settle` (one
machine) or `settle_served`, which every later command runs first."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import authz
from parley.app.client import Client, ServerRefused
from parley.app.keys import KeyRing, Settled, crash_point, recovery_file, write_private_key
from parley.app.ledger import Appended, Ledger
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import Event
from parley.errors import N_, InvalidInput, ParleyError
from parley.log import command as signed_command
from parley.log.entry import EntrySigner, key_id
from parley.log.keys import REVOKED
from parley.store import Tx
from parley.store import keys as key_store

ROTATION_PATH = "/v1/keys/rotation"
REVOCATION_PATH = "/v1/keys/revocation"
RECOVERY_PATH = "/v1/keys/recovery"  # the one request a recovery key may sign
CURRENT_PATH = "/v1/keys/current"


def _public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


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
    with ring.rotating(party_id):
        new = Ed25519PrivateKey.generate()
        crash_point("rotate.generated")
        ring.stage(party_id, new)
        crash_point("rotate.staged")
        try:
            appended = rotate_to(ledger, party_id=party_id, public=_public(new))
        except BaseException:
            ring.discard_staged(party_id)
            raise
        crash_point("rotate.committed")
        ring.promote_staged(party_id)
        crash_point("rotate.promoted")
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


@dataclass(frozen=True)
class Recovered:
    """The party's new key, and the file of its next recovery key (to move offline)."""

    party_id: str
    key_id: str
    recovery: bytes
    recovery_file: Path


def recovery_body(public: bytes, new_recovery: bytes) -> dict[str, str]:
    """What the party signs with its recovery key: its new key and its next recovery key."""
    return {"public_key": public.hex(), "recovery_key": new_recovery.hex()}


def recover(
    ledger: Ledger, *, party_id: str, recovery_key: Ed25519PrivateKey, recovery_folder: Path
) -> Recovered:
    """One machine: replace the party's lost key under the recovery key it brings back; the new
    key goes into this instance's key ring, the next recovery key into `recovery_folder`."""
    ring = ledger.keys
    new, next_recovery = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    public, new_recovery = _public(new), _public(next_recovery)
    body = signed_command.command_body(recovery_body(public, new_recovery))
    signed = signed_command.sign_command(
        method="POST",
        path=RECOVERY_PATH,
        body=body,
        signing_key=EntrySigner(recovery_key),
        created=int(time.time()),
    )
    out = recovery_file(recovery_folder, party_id, new_recovery)
    write_private_key(out, next_recovery)
    with ring.rotating(party_id):
        ring.stage(party_id, new)
        try:
            with Ledger.commanded(Command(signed, body)):
                recover_to(ledger, party_id=party_id, public=public, new_recovery=new_recovery)
        except BaseException:
            ring.discard_staged(party_id)
            out.unlink(missing_ok=True)
            raise
        ring.promote_staged(party_id)
    ring.keep_recovery_public(party_id, new_recovery)
    return Recovered(party_id, key_id(public), new_recovery, out)


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


# --- from the party's machine, against a server ---


def _current_on(url: str, key: Ed25519PrivateKey) -> str:
    """The key id the server holds current for the key's party, asked under that key."""
    answer = Client(url, EntrySigner(key)).request("GET", CURRENT_PATH)
    return str(answer["key_id"])


def settle_served(url: str, ring: KeyRing, party_id: str) -> Settled | None:
    """A pending key the party's rotation or recovery left, settled against the server's log:
    the server accepts a request signed by it exactly when the log made it the party's key."""
    if party_id not in ring.pending() or ring.rotation_running(party_id):
        return None
    staged = ring.pending_key(party_id)
    try:
        if _current_on(url, staged) == key_id(_public(staged)):
            return ring.settle(party_id, _public(staged))
    except ServerRefused as e:
        if e.status != 401:
            raise
    if not ring.has(party_id):
        return ring.settle(party_id, None)  # a recovery that never reached the log
    current = ring.current_file_key(party_id)
    try:
        logged = _current_on(url, current)
    except ServerRefused as e:
        raise InvalidInput(
            N_(
                "the server accepts neither {party_id}'s pending key nor its current one ({e}):"
                " if {party_id}'s key was revoked, recover it (`parley key recover --as"
                " {party_id}`)"
            ),
            party_id=party_id,
            e=e,
        ) from e
    return ring.settle(party_id, _public(current) if logged == key_id(_public(current)) else None)


def rotate_served(url: str, ring: KeyRing, party_id: str) -> str:
    """The party's new key, made on its machine and announced to the server under its current
    key; the new key id."""
    settle_served(url, ring, party_id)
    signer = ring.signer(party_id)
    with ring.rotating(party_id):
        new = Ed25519PrivateKey.generate()
        crash_point("rotate.generated")
        ring.stage(party_id, new)
        crash_point("rotate.staged")
        try:
            Client(url, signer).request("POST", ROTATION_PATH, {"public_key": _public(new).hex()})
        except ServerRefused:  # refused: nothing was logged
            ring.discard_staged(party_id)
            raise
        except ParleyError as e:  # no answer: the server may or may not have logged it
            raise InvalidInput(
                N_(
                    "{e}; the new key is kept pending: run `parley key settle --as {party_id}` once"
                    " the server answers (any later command does it too)"
                ),
                e=e,
                party_id=party_id,
            ) from e
        crash_point("rotate.committed")
        ring.promote_staged(party_id)
        crash_point("rotate.promoted")
    return key_id(_public(new))


def recover_served(
    url: str,
    ring: KeyRing,
    party_id: str,
    *,
    recovery_key: Ed25519PrivateKey,
    recovery_folder: Path,
) -> Recovered:
    """From the party's (new) machine: its new key and next recovery key, sent to the server in
    a request signed by the recovery key it brought back."""
    settle_served(url, ring, party_id)
    new, next_recovery = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    public, new_recovery = _public(new), _public(next_recovery)
    out = recovery_file(recovery_folder, party_id, new_recovery)
    write_private_key(out, next_recovery)
    with ring.rotating(party_id):
        ring.stage(party_id, new)
        try:
            Client(url, EntrySigner(recovery_key)).request(
                "POST", RECOVERY_PATH, recovery_body(public, new_recovery)
            )
        except ServerRefused:
            ring.discard_staged(party_id)
            out.unlink(missing_ok=True)
            raise
        ring.promote_staged(party_id)
    ring.keep_recovery_public(party_id, new_recovery)
    return Recovered(party_id, key_id(public), new_recovery, out)
