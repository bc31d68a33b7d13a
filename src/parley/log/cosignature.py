"""C2SP tlog-cosignature v1 (Ed25519, signature type 0x04): a witness's timestamped signature.

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
Format in docs/log-format.md, section 7.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parley.errors import N_
from parley.log.encoding import MAX_UINT63, is_valid_key_name
from parley.log.errors import KeyFormatError
from parley.log.note import (
    NoteSignature,
    decode_verifier_key,
    encode_verifier_key,
    key_id,
)

COSIGNATURE_V1 = 0x04  # signed-note signature type of a timestamped Ed25519 cosignature
TIMESTAMP_SIZE = 8
ED25519_SIGNATURE_SIZE = 64


def cosignature_message(checkpoint_text: bytes, timestamp: int) -> bytes:
    """What the witness's Ed25519 key signs: header line, time line, the whole checkpoint text."""
    return b"cosignature/v1\ntime " + str(timestamp).encode("ascii") + b"\n" + checkpoint_text


def cosignature_timestamp(signature: NoteSignature) -> int:
    """The POSIX time a cosignature claims; its first eight bytes, big-endian."""
    return int.from_bytes(signature.signature[:TIMESTAMP_SIZE], "big")


def _check_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise KeyFormatError(
            N_("witness name {name!r} must be non-empty, without spaces or '+'"), name=name
        )


class CosignatureVerifier:
    """Checks one witness's cosignatures; usable wherever a note Verifier is expected."""

    def __init__(self, name: str, public_key: bytes) -> None:
        _check_name(name)
        if len(public_key) != 32:
            raise KeyFormatError(
                N_("an Ed25519 public key has 32 bytes, not {count}"), count=len(public_key)
            )
        self._name = name
        self.public_key = public_key
        self._public = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, COSIGNATURE_V1, public_key)

    @classmethod
    def from_verifier_key(cls, text: str) -> CosignatureVerifier:
        key = decode_verifier_key(text)
        if key.signature_type != COSIGNATURE_V1:
            raise KeyFormatError(
                N_("verifier key for {key!r} is not a cosignature/v1 key"), key=key.name
            )
        return cls(key.name, key.public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def verifier_key(self) -> str:
        return encode_verifier_key(self._name, COSIGNATURE_V1, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:TIMESTAMP_SIZE], "big")
        if timestamp > MAX_UINT63:
            return False
        try:
            self._public.verify(signature[TIMESTAMP_SIZE:], cosignature_message(text, timestamp))
        except InvalidSignature:
            return False
        return True


class CosignatureSigner:
    """A witness's key; also a note Signer that stamps the current time."""

    def __init__(
        self,
        name: str,
        private_key: Ed25519PrivateKey,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check_name(name)
        self._name = name
        self._private = private_key
        self._clock = clock
        self.public_key = private_key.public_key().public_bytes_raw()
        self._key_id = key_id(name, COSIGNATURE_V1, self.public_key)

    @classmethod
    def generate(cls, name: str, clock: Callable[[], float] = time.time) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.generate(), clock)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def sign(self, text: bytes) -> bytes:
        return self.cosign(text, int(self._clock())).signature

    def cosign(self, checkpoint_text: bytes, timestamp: int) -> NoteSignature:
        """The cosignature line's content for a checkpoint text at a given POSIX time."""
        if not 0 <= timestamp <= MAX_UINT63:
            raise ValueError(f"cosignature timestamp {timestamp} is outside 0..2^63-1")
        signed = self._private.sign(cosignature_message(checkpoint_text, timestamp))
        stamped = timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signed
        return NoteSignature(self._name, self._key_id, stamped)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self._name, self.public_key)
