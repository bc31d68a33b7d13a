"""Log entries: a signed header in the Merkle leaf, the payload beside it.

The leaf data is the RFC 8785 (JCS) canonical JSON of the header. The header commits to
the payload by SHA-256(salt || canonical payload) with a 32-byte random salt, so a payload
holding personal data can later be erased without breaking any proof, and the commitment
left behind cannot be brute-forced back into a name and birth date.

Headers are signed in runs: the consecutive entries one command appends under one key (at
most `MAX_RUN` of them) carry one Ed25519 signature, on the last entry, over the leaf hashes
of all the run's headers. Each header is signed exactly as if alone (a leaf hash is
SHA-256 of the header), and checking a log costs one signature per command instead of one
per entry: the signature check is most of what `parley verify` spends.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey

from parley.errors import N_
from parley.log.errors import LogError
from parley.log.merkle import leaf_hash

ENTRY_VERSION = 1
# v2 binds the actor's signed command (parley.log.command); the operator signs the run
COMMAND_VERSION = 2
SALT_BYTES = 32
# Domain separation: a run's signature can never be replayed as a note or cosignature.
SIGNATURE_CONTEXT = b"parley/run/v1\n"
# Entries under one signature, at most: bounds what a verifier holds before it can check.
MAX_RUN = 256


class EntryError(LogError):
    """An entry whose bytes, commitment or signature do not hold."""


_ASTRAL = re.compile(rb"[\xf0-\xf4]")  # lead bytes of 4-byte UTF-8 sequences
_PLAIN = rb'"((?:[^"\\\x00-\x1f])*)"'  # a JSON string with no escape in it
# the canonical form of a header whose strings need no escape, v1 or v2 (the command's digest
# and the run's signer, between the keys they sort among)
_HEADER = re.compile(
    rb'\{"actor":'
    + _PLAIN
    + rb'(?:,"command":"([0-9a-f]{64})")?,"index":(0|[1-9][0-9]{0,15}),"key_id":'
    + _PLAIN
    + rb',"payload_commitment":"([0-9a-f]{64})"(?:,"signer":'
    + _PLAIN
    + rb')?,"time":'
    + _PLAIN
    + rb',"type":'
    + _PLAIN
    + rb',"v":([12])\}'
)


class _FloatSeen(Exception):
    pass


def _no_float(text: str) -> float:
    raise _FloatSeen


def _safe_int(text: str) -> int:
    n = int(text)
    if abs(n) >= 2**53:  # beyond what RFC 8785 (IEEE 754 numbers) can carry exactly
        raise _FloatSeen
    return n


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is not a JSON number")  # nor can RFC 8785 write it


# built once: `json.loads` and `json.dumps` with options build a new codec on every call,
# which costs more than decoding a short payload (verify decodes one an entry)
_DECODER = json.JSONDecoder(parse_float=_no_float, parse_int=_safe_int, parse_constant=_no_constant)
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def loads_canonical(data: bytes) -> Any:
    """Parse JSON that must be in RFC 8785 canonical form; ValueError otherwise.

    For text without floats and without characters beyond the BMP, RFC 8785 output equals
    Python's sorted, compact, non-ASCII-escaping `json.dumps`, which is many times faster;
    anything else is compared with the RFC 8785 serialisation itself.
    """
    try:
        value = _DECODER.decode(data.decode("utf-8"))
        fast = not _ASTRAL.search(data)
    except _FloatSeen:
        # RFC 8785 numbers are doubles: digits beyond 2^53 stand for a float
        value = json.loads(data, parse_int=_double, parse_constant=_no_constant)
        fast = False
    try:
        canonical = _fast_dumps(value) if fast else canonical_json(value)
    except ValueError as e:  # the RFC 8785 library refuses what a double cannot carry
        raise ValueError(f"not representable in RFC 8785: {e}") from e
    if canonical != data:
        raise ValueError("not in canonical (RFC 8785) form")
    return value


def _double(text: str) -> int | float:
    n = int(text)
    return n if abs(n) < 2**53 else float(n)


def _fast_dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode()


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value: the one serialisation Parley signs.

    Python's sorted compact `json.dumps` is the same text whenever the value has no floats,
    no huge integers and no characters beyond the BMP; those rare values take the RFC 8785
    library's slower path.
    """
    fast = _fast_dumps(value)
    if not _ASTRAL.search(fast):
        try:
            _DECODER.decode(fast.decode("utf-8"))
            return fast
        except _FloatSeen:
            pass
    return bytes(rfc8785.dumps(value))


def ascii_json(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value of ASCII strings and integers below 2^53 alone (a command
    record): sorted compact JSON is that form as it stands, with no second look."""
    return _fast_dumps(value)


def _hex(digest: bytes | None) -> str | None:
    return None if digest is None else digest.hex()


def payload_commitment(payload_bytes: bytes, salt: bytes) -> bytes:
    return hashlib.sha256(salt + payload_bytes).digest()


def key_id(public_key: bytes) -> str:
    """A short, stable name for an Ed25519 public key: hex of the first 8 bytes of its hash."""
    return hashlib.sha256(public_key).hexdigest()[:16]


@dataclass(frozen=True)
class Header:
    index: int
    type: str
    actor: str
    key_id: str
    time: str  # RFC 3339, UTC, as the actor claims it
    payload_commitment: bytes
    command: bytes | None = None  # v2: H(the actor's signed command record)
    signer: str | None = None  # v2: the operator key that signs the run

    @property
    def run_key(self) -> str:
        """The key id whose signature covers the entry's run."""
        return self.key_id if self.signer is None else self.signer

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "v": ENTRY_VERSION,
            "index": self.index,
            "type": self.type,
            "actor": self.actor,
            "key_id": self.key_id,
            "time": self.time,
            "payload_commitment": self.payload_commitment.hex(),
        }
        if self.command is not None or self.signer is not None:
            obj.update(v=COMMAND_VERSION, command=_hex(self.command), signer=self.signer)
        return obj

    def to_bytes(self) -> bytes:
        # fixed ASCII keys, one integer index below 2^53 and strings: sorted compact JSON is
        # already the RFC 8785 form (for any character; only keys beyond the BMP sort apart)
        if 0 <= self.index < 2**53:
            return _fast_dumps(self.to_json())
        return canonical_json(self.to_json())

    @classmethod
    def from_bytes(cls, data: bytes) -> Header:
        """Parse leaf data; anything but the canonical form of a v1 or v2 header is refused."""
        fast = _HEADER.fullmatch(data)
        if fast is not None:
            # the form `to_bytes` writes, with strings that need no escape: canonical as it
            # stands; anything else (or bytes that are not UTF-8) takes the general path
            actor, command, index, kid, commitment, signer, time, type_, v = fast.groups()
            v2 = v == b"2"
            if (command is not None) is v2 and (signer is not None) is v2 and int(index) < 2**53:
                try:
                    return cls(
                        index=int(index),
                        type=type_.decode("utf-8"),
                        actor=actor.decode("utf-8"),
                        key_id=kid.decode("utf-8"),
                        time=time.decode("utf-8"),
                        payload_commitment=bytes.fromhex(commitment.decode("ascii")),
                        command=bytes.fromhex(command.decode("ascii")) if v2 else None,
                        signer=signer.decode("utf-8") if v2 else None,
                    )
                except UnicodeDecodeError:
                    pass
        try:
            obj = loads_canonical(data)
            header = cls(
                index=int(obj["index"]),
                type=str(obj["type"]),
                actor=str(obj["actor"]),
                key_id=str(obj["key_id"]),
                time=str(obj["time"]),
                payload_commitment=bytes.fromhex(obj["payload_commitment"]),
            )
            version = obj["v"]
            if version == COMMAND_VERSION:
                command = obj["command"]
                if not isinstance(command, str) or len(command) != 64:
                    raise ValueError("command is not the hex of a SHA-256 digest")
                header = replace(header, command=bytes.fromhex(command), signer=str(obj["signer"]))
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, ValueError, TypeError) as e:
            raise EntryError(N_("header is not a valid entry header: {e}"), e=e) from e
        if version not in (ENTRY_VERSION, COMMAND_VERSION) or obj != header.to_json():
            raise EntryError(N_("header has an unknown version, unexpected fields or values"))
        return header


@dataclass(frozen=True)
class Entry:
    """One appended event: header (in the tree), its leaf hash, the signature if the entry ends
    its run, and the erasable payload."""

    header: Header
    header_bytes: bytes
    leaf: bytes
    signature: bytes | None  # on the last entry of a run only
    payload: bytes | None  # canonical JSON; None once erased
    salt: bytes | None

    @property
    def index(self) -> int:
        return self.header.index

    def payload_json(self) -> dict[str, Any]:
        if self.payload is None:
            raise EntryError(N_("entry {index}: payload has been erased"), index=self.index)
        value: dict[str, Any] = json.loads(self.payload)
        return value


class EntrySigner:
    """A party's key made ready to sign entries: its public key and key id computed once, and
    libsodium's signing, which gives the same Ed25519 signatures as OpenSSL's in two thirds of
    the time (an append's hot path)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = SigningKey(private_key.private_bytes_raw())
        self.public = private_key.public_key().public_bytes_raw()
        self.key_id = key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature


def draft(
    *,
    index: int,
    type: str,
    actor: str,
    time: str,
    payload: dict[str, Any],
    key_id: str,
    salt: bytes | None = None,
    command: bytes | None = None,
    signer: str | None = None,
) -> Entry:
    """The entry for an event, not yet signed: `sign_run` signs it with its run (a v2 entry,
    which binds its actor's `command`, by the operator key `signer`)."""
    payload_bytes = canonical_json(payload)
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    header = Header(
        index=index,
        type=type,
        actor=actor,
        key_id=key_id,
        time=time,
        payload_commitment=payload_commitment(payload_bytes, salt),
        command=command,
        signer=signer,
    )
    header_bytes = header.to_bytes()
    return Entry(header, header_bytes, leaf_hash(header_bytes), None, payload_bytes, salt)


def run_message(leaves: Sequence[bytes]) -> bytes:
    """What a run's signature covers: the context, then each entry's leaf hash in order."""
    return SIGNATURE_CONTEXT + b"".join(leaves)


def runs(entries: Sequence[Entry]) -> Iterator[Sequence[Entry]]:
    """Consecutive entries cut into runs: same actor, key, command and run signer, at most
    MAX_RUN each."""
    start = 0
    for i in range(1, len(entries) + 1):
        if (
            i == len(entries)
            or i - start == MAX_RUN
            or run_group(entries[i].header) != run_group(entries[start].header)
        ):
            yield entries[start:i]
            start = i


def run_group(h: Header) -> tuple[str, str, bytes | None, str]:
    """What the entries of one run share."""
    return (h.actor, h.key_id, h.command, h.run_key)


def sign_run(run: Sequence[Entry], signer: EntrySigner) -> list[Entry]:
    """The run with its signature on its last entry; every entry must be the signer's."""
    if not 0 < len(run) <= MAX_RUN:
        raise EntryError(
            N_("a run holds 1 to {most} entries, not {count}"), most=MAX_RUN, count=len(run)
        )
    group = run_group(run[0].header)
    for offset, e in enumerate(run):
        if e.header.run_key != signer.key_id or run_group(e.header) != group:
            raise EntryError(
                N_("entry {index} is not {group}'s under key {key_id}"),
                index=e.index,
                group=group[0],
                key_id=signer.key_id,
            )
        if e.index != run[0].index + offset:
            raise EntryError(
                N_("entry {index} does not follow the run's previous entry"), index=e.index
            )
    signature = signer.sign(run_message([e.leaf for e in run]))
    return [*run[:-1], replace(run[-1], signature=signature)]


def seal(
    *,
    index: int,
    type: str,
    actor: str,
    time: str,
    payload: dict[str, Any],
    signing_key: Ed25519PrivateKey | EntrySigner,
    salt: bytes | None = None,
) -> Entry:
    """Build and sign the entry for an event alone: a run of one."""
    signer = signing_key if isinstance(signing_key, EntrySigner) else EntrySigner(signing_key)
    entry = draft(
        index=index,
        type=type,
        actor=actor,
        time=time,
        payload=payload,
        key_id=signer.key_id,
        salt=salt,
    )
    return sign_run([entry], signer)[0]


def check_signature(leaves: Sequence[bytes], signature: bytes, public_key: bytes) -> None:
    """A run's signature over its entries' leaf hashes, under the actor's key."""
    # libsodium (PyNaCl) verifies Ed25519 about twice as fast as OpenSSL: its binding is
    # called directly (what VerifyKey.verify does, less a key object)
    if len(signature) != 64 or len(public_key) != 32:
        raise EntryError(N_("signature does not verify under the actor's key"))
    try:
        crypto_sign_open(signature + run_message(leaves), public_key)
    except (BadSignatureError, ValueError, TypeError) as e:
        raise EntryError(N_("signature does not verify under the actor's key")) from e


def check_payload(header: Header, payload: bytes, salt: bytes) -> Any:
    """The payload's value, if it matches its commitment and is in canonical form."""
    if payload_commitment(payload, salt) != header.payload_commitment:
        raise EntryError(
            N_("entry {index}: payload does not match its commitment"), index=header.index
        )
    try:
        return loads_canonical(payload)
    except ValueError as e:
        raise EntryError(
            N_("entry {index}: payload is not in canonical form"), index=header.index
        ) from e


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored or exported: the bytes, nothing derived."""

    index: int
    header: bytes
    signature: bytes | None  # None inside a run: the run's last entry carries it
    payload: bytes | None
    salt: bytes | None
    leaf_hash: bytes | None = None  # what a live database stored beside it
    command: bytes | None = None  # the signed command record, on its first entry (v2)
    command_body: bytes | None = None  # that command's canonical body; None once erased
    withheld: bool = False  # an export for a party that may not see the payload and body


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    note: bytes
    cosignatures: tuple[tuple[str, str], ...] = ()  # (witness party, signature line)
