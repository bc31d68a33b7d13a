"""C2SP signed notes with Ed25519 keys, and verifier key strings (docs/log-format.md, section 5).

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
Byte-compatible with Go's golang.org/x/mod/sumdb/note, which the interop tests run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parley.errors import N_
from parley.log.encoding import decode_base64, encode_base64, is_valid_key_name
from parley.log.errors import KeyFormatError, NoteError

ED25519 = 0x01  # signed-note signature type of a plain Ed25519 note signature
KEY_ID_SIZE = 4
SIGNATURE_PREFIX = "— "  # U+2014 EM DASH, then a space
MAX_SIGNATURES = 100  # Go's sumdb/note limit; C2SP asks for at least 16
MAX_NOTE_BYTES = 1_000_000


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """First four bytes of SHA-256(name || 0x0A || type || public key): C2SP's key ID."""
    data = name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key
    return hashlib.sha256(data).digest()[:KEY_ID_SIZE]


def _check_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise KeyFormatError(
            N_("key name {name!r} must be non-empty, without spaces or '+'"), name=name
        )


class Verifier(Protocol):
    """A key that can check one kind of note signature (a log key or a witness cosigner)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (the bytes after the key ID) signs the note text."""
        ...


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def sign(self, text: bytes) -> bytes:
        """The signature bytes for the note text (without the key ID)."""
        ...


@dataclass(frozen=True)
class VerifierKey:
    """A decoded `name+keyid+base64(type || key)` string, its key ID already checked."""

    name: str
    key_id: bytes
    signature_type: int
    public_key: bytes


def encode_verifier_key(name: str, signature_type: int, public_key: bytes) -> str:
    """The verifier key string Go's note.NewVerifier reads: name+hex(key ID)+base64(type||key)."""
    _check_name(name)
    kid = key_id(name, signature_type, public_key)
    return f"{name}+{kid.hex()}+{encode_base64(bytes([signature_type]) + public_key)}"


def decode_verifier_key(text: str) -> VerifierKey:
    """Parse a verifier key string; the key ID must match the name, type and key."""
    name, _, rest = text.partition("+")
    hex_id, _, b64 = rest.partition("+")
    raw = decode_base64(b64)
    if not is_valid_key_name(name) or len(hex_id) != 8 or raw is None or len(raw) < 2:
        raise KeyFormatError(N_("a verifier key must read name+8-hex-digit-key-id+base64-key"))
    try:
        claimed = bytes.fromhex(hex_id)
    except ValueError as e:
        raise KeyFormatError(
            N_("verifier key ID {hex_id!r} is not hexadecimal"), hex_id=hex_id
        ) from e
    if claimed != key_id(name, raw[0], raw[1:]):
        raise KeyFormatError(
            N_("verifier key for {name!r} has a key ID that does not match its key"), name=name
        )
    return VerifierKey(name, claimed, raw[0], raw[1:])


def _ed25519_public(raw: bytes) -> Ed25519PublicKey:
    if len(raw) != 32:
        raise KeyFormatError(N_("an Ed25519 public key has 32 bytes, not {count}"), count=len(raw))
    return Ed25519PublicKey.from_public_bytes(raw)


class Ed25519Verifier:
    """Checks plain Ed25519 note signatures (type 0x01), as the log's checkpoints carry."""

    def __init__(self, name: str, public_key: bytes) -> None:
        _check_name(name)
        self._name = name
        self._public = _ed25519_public(public_key)
        self.public_key = public_key
        self._key_id = key_id(name, ED25519, public_key)

    @classmethod
    def from_verifier_key(cls, text: str) -> Ed25519Verifier:
        key = decode_verifier_key(text)
        if key.signature_type != ED25519:
            raise KeyFormatError(
                N_("verifier key for {key!r} is not an Ed25519 note key"), key=key.name
            )
        return cls(key.name, key.public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def verifier_key(self) -> str:
        return encode_verifier_key(self._name, ED25519, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self._public.verify(signature, text)
        except InvalidSignature:
            return False
        return True


class Ed25519Signer:
    """Signs notes (checkpoints) with the operator's Ed25519 key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self._name = name
        self._private = private_key
        self.public_key = private_key.public_key().public_bytes_raw()
        self._key_id = key_id(name, ED25519, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def sign(self, text: bytes) -> bytes:
        return self._private.sign(text)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self._name, self.public_key)


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The signature line, newline included."""
        return f"{SIGNATURE_PREFIX}{self.name} {encode_base64(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A note as written: its text and its signature lines, none of them checked yet."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def to_bytes(self) -> bytes:
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode("utf-8")


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signatures from known keys all verified."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def verified_by(self, verifier: Verifier) -> bool:
        return any(s.name == verifier.name and s.key_id == verifier.key_id for s in self.verified)


def sign_note(text: str, signers: Sequence[Signer]) -> bytes:
    """A signed note of `text` (which must end in a newline) by each signer."""
    _check_text(text)
    data = text.encode("utf-8")
    sigs = tuple(NoteSignature(s.name, s.key_id, s.sign(data)) for s in signers)
    if not sigs:
        raise NoteError(N_("a signed note needs at least one signer"))
    for s in sigs:
        _check_name(s.name)
    return Note(text, sigs).to_bytes()


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError(N_("note text must end with a newline"))
    if any(ch < " " and ch != "\n" for ch in text):
        raise NoteError(N_("note text must not contain control characters other than newline"))


def parse_note(data: bytes) -> Note:
    """Split a signed note into text and signature lines, checking syntax only."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(N_("the note is longer than {most} bytes"), most=MAX_NOTE_BYTES)
    try:
        message = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NoteError(N_("the note is not valid UTF-8")) from e
    if any(ch < " " and ch != "\n" for ch in message):
        raise NoteError(N_("the note contains a control character other than newline"))
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteError(N_("the note has no blank line before its signatures"))
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError(N_("the note has no signature lines, or does not end with a newline"))
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(N_("the note has more than {most} signatures"), most=MAX_SIGNATURES)
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(
            N_("signature line {line!r} does not start with an em dash and space"), line=line[:40]
        )
    name, _, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    raw = decode_base64(b64)
    if not is_valid_key_name(name) or raw is None or len(raw) <= KEY_ID_SIZE:
        raise NoteError(
            N_("signature line {line!r} is not '— name base64(keyid||sig)'"), line=line[:40]
        )
    return NoteSignature(name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:])


def open_note(data: bytes, verifiers: Sequence[Verifier]) -> OpenedNote:
    """Parse a note and check every signature by a known key, as C2SP signed-note requires.

    Signatures by unknown keys are kept aside unchecked; one bad signature by a known key
    rejects the note, and so does a note that no known key signed.
    """
    note = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    text = note.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if any((s.name, s.key_id) == (sig.name, sig.key_id) for s in verified):
            continue  # Go's note.Open also ignores a second line from the same key
        if not verifier.verify(text, sig.signature):
            raise NoteError(
                N_("the signature by {sig} (key {hex}) is invalid"),
                sig=sig.name,
                hex=sig.key_id.hex(),
            )
        verified.append(sig)
    if not verified:
        names = ", ".join(sorted({v.name for v in verifiers})) or "no key"
        raise NoteError(N_("the note carries no signature by a known key ({names})"), names=names)
    return OpenedNote(note.text, tuple(verified), tuple(unverified))


def add_signatures(data: bytes, signatures: Sequence[NoteSignature]) -> bytes:
    """The note with extra signature lines (cosignatures) appended; a key's older line is dropped."""
    note = parse_note(data)
    new_keys = {(s.name, s.key_id) for s in signatures}
    kept = tuple(s for s in note.signatures if (s.name, s.key_id) not in new_keys)
    return Note(note.text, kept + tuple(signatures)).to_bytes()
