"""Signed commands: a party's Ed25519 signature over what it asked for, in RFC 9421's form.

A party signs each command on its own machine: the method, the path, the RFC 9530
`Content-Digest` of the canonical JSON body, the time, a nonce and its key id, as the
RFC 9421 signature base of an HTTP request. Over HTTP the command is the request's own
`Signature-Input`, `Signature` and `Content-Digest` fields; on one machine the CLI builds the
same bytes. The log stores the record (without the body, which is erasable like a payload)
and binds its digest in the header of every entry the command made, so the log proves who
asked for what without the operator holding any party's key. Format: docs/log-format.md §4.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from parley.errors import N_
from parley.log.encoding import decode_base64, decode_decimal, encode_base64
from parley.log.entry import EntrySigner, ascii_json, canonical_json, key_id, loads_canonical
from parley.log.errors import LogError

RECORD_VERSION = 1
LABEL = "parley"  # the signature's label in Signature-Input and Signature
ALG = "ed25519"
COMPONENTS = ("@method", "@path", "content-digest")
NONCE_BYTES = 16

_COVERED = "(" + " ".join(f'"{c}"' for c in COMPONENTS) + ")"
_METHOD = re.compile(r"[A-Z]{1,16}", re.ASCII)
# an absolute path of RFC 3986 characters (already percent-encoded), no query, no fragment
_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,511}", re.ASCII)
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}", re.ASCII)
_KEYID = re.compile(r"[0-9a-f]{16}", re.ASCII)
_DIGEST = re.compile(r"sha-256=:([A-Za-z0-9+/=]{44}):", re.ASCII)
_INPUT = re.compile(
    re.escape(f"{LABEL}={_COVERED}")
    + r';created=([0-9]{1,19});nonce="([^"]*)";keyid="([^"]*)";alg="ed25519"',
    re.ASCII,
)
_SIGNATURE = re.compile(re.escape(LABEL) + r"=:([A-Za-z0-9+/=]{88}):", re.ASCII)


class CommandError(LogError):
    """A signed command is malformed, its body does not match, or its signature does not hold."""


def content_digest(body: bytes) -> str:
    """The RFC 9530 `Content-Digest` field value of a body: `sha-256=:<base64>:`."""
    return f"sha-256=:{encode_base64(hashlib.sha256(body).digest())}:"


def command_body(value: Any) -> bytes:
    """The bytes a command's body is signed as: the RFC 8785 form of its JSON value."""
    return canonical_json(value)


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


@dataclass(frozen=True)
class SignedCommand:
    """What a party signed: RFC 9421's covered components and parameters, and the signature."""

    method: str
    path: str
    content_digest: str
    created: int  # POSIX seconds, as the party's machine claims
    nonce: str
    keyid: str  # the log's key id (parley.log.entry.key_id) of the signing key
    signature: bytes

    def __post_init__(self) -> None:
        _check_fields(
            self.method, self.path, self.content_digest, self.created, self.nonce, self.keyid
        )
        if len(self.signature) != 64:
            raise CommandError(N_("a command signature is 64 bytes (Ed25519)"))

    def signature_params(self) -> str:
        """The `@signature-params` value: the covered components and the parameters."""
        return f'{_COVERED};created={self.created};nonce="{self.nonce}";keyid="{self.keyid}";alg="{ALG}"'

    def signature_input(self) -> str:
        """The `Signature-Input` field value."""
        return f"{LABEL}={self.signature_params()}"

    def signature_field(self) -> str:
        """The `Signature` field value."""
        return f"{LABEL}=:{encode_base64(self.signature)}:"

    def base(self) -> bytes:
        return signature_base(self.method, self.path, self.content_digest, self.signature_params())

    def to_json(self) -> dict[str, Any]:
        return {
            "v": RECORD_VERSION,
            "method": self.method,
            "path": self.path,
            "content_digest": self.content_digest,
            "signature_input": self.signature_input(),
            "signature": self.signature_field(),
        }

    def to_bytes(self) -> bytes:
        """The stored and exported record: RFC 8785 JSON of the fields an HTTP request carries."""
        return self._record

    def digest(self) -> bytes:
        """What an entry's header binds: SHA-256 of the record."""
        return self._digest

    # made once: an append binds the digest and stores the record of the same command
    @cached_property
    def _record(self) -> bytes:
        return ascii_json(self.to_json())  # its fields are ASCII, checked when it was made

    @cached_property
    def _digest(self) -> bytes:
        return hashlib.sha256(self._record).digest()

    @classmethod
    def from_fields(
        cls, *, method: str, path: str, content_digest: str, signature_input: str, signature: str
    ) -> SignedCommand:
        """A command from a request's fields; anything but the one form Parley writes is refused."""
        params = _INPUT.fullmatch(signature_input)
        if params is None:
            raise CommandError(
                N_(
                    "Signature-Input must be"
                    ' {label}={covered};created=…;nonce="…";keyid="…";alg="{alg}", exactly'
                ),
                label=LABEL,
                covered=_COVERED,
                alg=ALG,
            )
        created = decode_decimal(params.group(1))
        if created is None:
            raise CommandError(N_("the command's created time is not a canonical decimal"))
        sig = _SIGNATURE.fullmatch(signature)
        raw = decode_base64(sig.group(1)) if sig is not None else None
        if raw is None:
            raise CommandError(
                N_("Signature must be {label}=:<base64 of 64 bytes>:, exactly"), label=LABEL
            )
        return cls(
            method=method,
            path=path,
            content_digest=content_digest,
            created=created,
            nonce=params.group(2),
            keyid=params.group(3),
            signature=raw,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> SignedCommand:
        """Parse a record; anything but its canonical form is refused."""
        try:
            obj = loads_canonical(data)
        except (UnicodeDecodeError, ValueError) as e:
            raise CommandError(N_("a command record is not canonical JSON: {e}"), e=e) from e
        if not isinstance(obj, dict) or set(obj) != {
            "v",
            "method",
            "path",
            "content_digest",
            "signature_input",
            "signature",
        }:
            raise CommandError(N_("a command record has missing or unexpected fields"))
        if obj["v"] != RECORD_VERSION or not all(isinstance(obj[k], str) for k in obj if k != "v"):
            raise CommandError(N_("a command record has an unknown version or a non-text field"))
        command = cls.from_fields(
            method=obj["method"],
            path=obj["path"],
            content_digest=obj["content_digest"],
            signature_input=obj["signature_input"],
            signature=obj["signature"],
        )
        if command.to_bytes() != data:
            raise CommandError(N_("a command record is not in its one canonical form"))
        return command

    def verify(self, public_key: bytes) -> None:
        """The signature over the base, under `public_key` whose key id the command names."""
        if len(public_key) != 32 or key_id(public_key) != self.keyid:
            raise CommandError(
                N_("the command is signed by key {keyid}, not by this key"), keyid=self.keyid
            )
        try:
            crypto_sign_open(self.signature + self.base(), public_key)
        except (BadSignatureError, ValueError, TypeError) as e:
            raise CommandError(
                N_("the command's signature does not verify under key {keyid}"), keyid=self.keyid
            ) from e

    def check_body(self, body: bytes) -> None:
        """The body is the one the command's content digest names."""
        if content_digest(body) != self.content_digest:
            raise CommandError(N_("the command's body does not match its Content-Digest"))


def _check_fields(
    method: str, path: str, digest: str, created: int, nonce: str, keyid: str
) -> None:
    if not _METHOD.fullmatch(method):
        raise CommandError(
            N_("a command's method is an upper-case token, not {method!r}"), method=method
        )
    if not _PATH.fullmatch(path):
        raise CommandError(
            N_("a command's path is an absolute, percent-encoded path, not {path!r}"), path=path
        )
    m = _DIGEST.fullmatch(digest)
    if m is None or (raw := decode_base64(m.group(1))) is None or len(raw) != 32:
        raise CommandError(N_("a command's Content-Digest must be sha-256=:<base64 of 32 bytes>:"))
    if not 0 <= created < 2**63:
        raise CommandError(N_("a command's created time is out of range"))
    if not _NONCE.fullmatch(nonce):
        raise CommandError(N_("a command's nonce is 16 to 64 characters of A-Z a-z 0-9 _ -"))
    if not _KEYID.fullmatch(keyid):
        raise CommandError(N_("a command's keyid is the 16 hex digits of a Parley key id"))


def signature_base(method: str, path: str, digest: str, params: str) -> bytes:
    """RFC 9421 §2.5: one `"<component>": <value>` line per covered component, then the
    `"@signature-params"` line, joined by newlines, with no final newline."""
    lines = (
        f'"@method": {method}',
        f'"@path": {path}',
        f'"content-digest": {digest}',
        f'"@signature-params": {params}',
    )
    return "\n".join(lines).encode("ascii")


def sign_command(
    *,
    method: str,
    path: str,
    body: bytes,
    signing_key: Ed25519PrivateKey | EntrySigner,
    created: int,
    nonce: str | None = None,
) -> SignedCommand:
    """Sign a command as its party does, on its own machine."""
    signer = signing_key if isinstance(signing_key, EntrySigner) else EntrySigner(signing_key)
    digest = content_digest(body)
    nonce = new_nonce() if nonce is None else nonce
    _check_fields(method, path, digest, created, nonce, signer.key_id)
    params = f'{_COVERED};created={created};nonce="{nonce}";keyid="{signer.key_id}";alg="{ALG}"'
    return SignedCommand(
        method=method,
        path=path,
        content_digest=digest,
        created=created,
        nonce=nonce,
        keyid=signer.key_id,
        signature=signer.sign(signature_base(method, path, digest, params)),
    )
