"""Signing keys of the parties this instance acts for, kept in the data directory: the local
implementation of the signing port (`app.signing.Signatures`), and `init_party_key`, which makes
a party's key on the party's own machine."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.signing import NoSigningKey
from parley.domain.errors import DomainError
from parley.domain.parties import check_party_id
from parley.errors import InvalidInput
from parley.log import command
from parley.log.command import SignedCommand
from parley.log.entry import Entry, EntrySigner, sign_run


class KeyRing:
    """Ed25519 private keys, one PEM file a party, readable by the owner only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, Ed25519PrivateKey] = {}
        self._signers: dict[str, tuple[Ed25519PrivateKey, EntrySigner]] = {}

    def _path(self, party_id: str) -> Path:
        return self.folder / f"{party_id}.ed25519.pem"

    def has(self, party_id: str) -> bool:
        return party_id in self._cache or self._path(party_id).exists()

    def create(self, party_id: str) -> Ed25519PrivateKey:
        """A new key for a party; an existing one is never overwritten (FileExistsError)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder.chmod(
            0o700
        )  # mkdir's mode passes through the umask and spares a folder made before
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(self._path(party_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        self._cache[party_id] = key
        return key

    def _write(self, path: Path, key: Ed25519PrivateKey) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())

    def stage(self, party_id: str, key: Ed25519PrivateKey) -> None:
        """Keep a rotation's new key on disk before the rotation commits."""
        self._write(self.folder / f"{party_id}.ed25519.pending.pem", key)

    def discard_staged(self, party_id: str) -> None:
        (self.folder / f"{party_id}.ed25519.pending.pem").unlink(missing_ok=True)

    def promote_staged(self, party_id: str) -> None:
        """After the rotation committed: the new key becomes current, the old one is archived."""
        pending = self.folder / f"{party_id}.ed25519.pending.pem"
        current = self._path(party_id)
        if current.exists():
            old = self.get(party_id).public_key().public_bytes_raw()
            current.replace(
                self.folder
                / f"{party_id}.ed25519.{hashlib.sha256(old).hexdigest()[:16]}.retired.pem"
            )
        pending.replace(current)
        self._cache.pop(party_id, None)
        self._signers.pop(party_id, None)

    def get(self, party_id: str) -> Ed25519PrivateKey:
        if party_id not in self._cache:
            path = self._path(party_id)
            if not path.exists():
                raise NoSigningKey(party_id)
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise DomainError(f"{path} is not an Ed25519 private key")
            self._cache[party_id] = key
        return self._cache[party_id]

    def signer(self, party_id: str) -> EntrySigner:
        """The party's current key, ready to sign log entries."""
        key = self.get(party_id)
        made = self._signers.get(party_id)
        if made is None or made[0] is not key:  # made for a key since replaced
            made = self._signers[party_id] = (key, EntrySigner(key))
        return made[1]

    def key_id_for(self, party_id: str) -> str:
        return self.signer(party_id).key_id

    def sign_run(self, run: Sequence[Entry], party_id: str) -> list[Entry]:
        return sign_run(run, self.signer(party_id))

    def public_bytes(self, party_id: str) -> bytes:
        return self.signer(party_id).public

    def sign_command(self, party_id: str, method: str, path: str, body: bytes) -> SignedCommand:
        return command.sign_command(
            method=method,
            path=path,
            body=body,
            signing_key=self.signer(party_id),
            created=int(time.time()),
        )


def parse_verifier_key(text: str) -> bytes:
    """A verifier key as `key init` prints it: the raw 32-byte Ed25519 public key in hex."""
    try:
        public = bytes.fromhex(text.strip())
    except ValueError as e:
        raise InvalidInput(f"not a verifier key written in hex ({e})") from e
    if len(public) != 32:
        raise InvalidInput(f"a verifier key is 64 hex digits (32 bytes), not {len(public)} bytes")
    return public


def read_verifier_key(path: Path) -> bytes:
    """A verifier key written in a file, as `parse_verifier_key` reads it."""
    try:
        return parse_verifier_key(path.read_text(encoding="ascii", errors="replace"))
    except InvalidInput as e:
        raise InvalidInput(f"{path.name}: {e}") from e
    except OSError as e:
        raise InvalidInput(f"{path}: cannot read it ({e.strerror})") from e


def fingerprint(public: bytes) -> str:
    """What the party and the mediator read to each other over the phone: the first 16 bytes of
    SHA-256 of the raw public key, in eight groups of four hex digits (the first four groups are
    the key id the log names it by)."""
    digits = hashlib.sha256(public).hexdigest()[:32]
    return " ".join(digits[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class PartyKey:
    """A party's key as `key init` leaves it: its verifier key, and whether it was made now."""

    party_id: str
    public: bytes
    created: bool  # False: a key was already there, and was kept

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)


def init_party_key(ring: KeyRing, party_id: str) -> PartyKey:
    """Make the party's key in this data directory's key ring, unless it holds one already (which
    is never overwritten): the party runs this on its own machine, then gives the mediator the
    verifier key and reads the fingerprint out to it."""
    check_party_id(party_id)
    created = False
    if not ring.has(party_id):
        try:
            ring.create(party_id)
            created = True
        except FileExistsError:  # made meanwhile by another run: kept
            pass
    return PartyKey(party_id, ring.public_bytes(party_id), created)
