"""Key use cases from the party's machine, against a server (`*_served`: the party's keys
never leave it): a rotation, a recovery, and the settling of a pending key either leaves. They
load no database, as every party command to a server (`parley.app.keys_admin` holds the same
use cases on one machine, and re-exports these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.client import Client, ServerRefused
from parley.app.keys import KeyRing, Settled, crash_point, recovery_file, write_private_key
from parley.errors import N_, InvalidInput, ParleyError
from parley.log.entry import EntrySigner, key_id

ROTATION_PATH = "/v1/keys/rotation"
REVOCATION_PATH = "/v1/keys/revocation"
RECOVERY_PATH = "/v1/keys/recovery"  # the one request a recovery key may sign
CURRENT_PATH = "/v1/keys/current"
T = TypeVar("T")
# what a call that announces a key may raise to say it was not logged (the staged key goes)
Refusals = type[BaseException] | tuple[type[BaseException], ...]


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


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


def rotation(
    ring: KeyRing, party_id: str, announce: Callable[[bytes], T], *, refused: Refusals
) -> T:
    """A rotation's steps around the call that announces the new key (`announce`, given its
    public key): the key made and staged; on `refused` (nothing logged) discarded, else promoted
    to the party's key. Any other failure leaves it pending, for `settle` to decide."""
    with ring.rotating(party_id):
        new = Ed25519PrivateKey.generate()
        crash_point("rotate.generated")
        ring.stage(party_id, new)
        crash_point("rotate.staged")
        try:
            done = announce(public_bytes(new))
        except refused:
            ring.discard_staged(party_id)
            raise
        crash_point("rotate.committed")
        ring.promote_staged(party_id)
        crash_point("rotate.promoted")
    return done


def recovery(
    ring: KeyRing,
    party_id: str,
    recovery_folder: Path,
    send: Callable[[bytes, bytes], object],
    *,
    refused: Refusals,
) -> Recovered:
    """A recovery's steps around the call that sends the new key and the next recovery key
    (`send`, given both public keys): both made, the next recovery key written to
    `recovery_folder` and the new key staged; on `refused` (nothing logged) the key discarded and
    the file removed, else the key promoted and the next recovery key kept as the party's."""
    new, next_recovery = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    public, new_recovery = public_bytes(new), public_bytes(next_recovery)
    out = recovery_file(recovery_folder, party_id, new_recovery)
    write_private_key(out, next_recovery)
    with ring.rotating(party_id):
        ring.stage(party_id, new)
        try:
            send(public, new_recovery)
        except refused:
            ring.discard_staged(party_id)
            out.unlink(missing_ok=True)
            raise
        ring.promote_staged(party_id)
    ring.keep_recovery_public(party_id, new_recovery)
    return Recovered(party_id, key_id(public), new_recovery, out)


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
        if _current_on(url, staged) == key_id(public_bytes(staged)):
            return ring.settle(party_id, public_bytes(staged))
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
    return ring.settle(
        party_id, public_bytes(current) if logged == key_id(public_bytes(current)) else None
    )


def rotate_served(url: str, ring: KeyRing, party_id: str) -> str:
    """The party's new key, made on its machine and announced to the server under its current
    key; the new key id."""
    settle_served(url, ring, party_id)
    signer = ring.signer(party_id)

    def announce(public: bytes) -> str:
        try:
            Client(url, signer).request("POST", ROTATION_PATH, {"public_key": public.hex()})
        except ServerRefused:  # refused: nothing was logged
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
        return key_id(public)

    return rotation(ring, party_id, announce, refused=ServerRefused)


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
    client = Client(url, EntrySigner(recovery_key))

    def send(public: bytes, new_recovery: bytes) -> None:
        client.request("POST", RECOVERY_PATH, recovery_body(public, new_recovery))

    return recovery(ring, party_id, recovery_folder, send, refused=ServerRefused)
