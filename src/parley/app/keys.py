"""Signing keys of the parties this instance acts for, kept in the data directory: the local
implementation of the signing port (`app.signing.Signatures`)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.signing import NoSigningKey
from parley.domain.errors import DomainError
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
        """A new key for a party; an existing one is never overwritten."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
