"""The consent interview's record: sealed to the mediator's key, so that the log carries it
for everyone to verify but only the mediator can read it."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.exceptions import CryptoError
from nacl.public import SealedBox
from nacl.signing import SigningKey, VerifyKey

from parley.domain.errors import DomainError


def seal_for(mediator_public: bytes, text: str) -> str:
    """Encrypt to the mediator's Ed25519 key (as X25519, libsodium sealed box)."""
    box = SealedBox(VerifyKey(mediator_public).to_curve25519_public_key())
    return base64.b64encode(box.encrypt(text.encode("utf-8"))).decode("ascii")


def open_with(mediator_key: Ed25519PrivateKey, sealed: str) -> str:
    seed = mediator_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    box = SealedBox(SigningKey(seed).to_curve25519_private_key())
    try:
        return box.decrypt(base64.b64decode(sealed)).decode("utf-8")
    except (CryptoError, ValueError) as e:
        raise DomainError("this interview record was sealed to another mediator key") from e
