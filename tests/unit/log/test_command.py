"""Signed commands: RFC 9421's signature base byte for byte; records round-trip; any flipped
byte is refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.log.command import (
    CommandError,
    SignedCommand,
    command_body,
    content_digest,
    sign_command,
    signature_base,
)
from parley.log.entry import key_id

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes_raw()
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key().public_bytes_raw()
BODY = command_body({"batch": "B-1", "person": "P-7", "to": "received"})


def _command(**changes: object) -> SignedCommand:
    args: dict[str, object] = {
        "method": "POST",
        "path": "/v1/handovers/confirm",
        "body": BODY,
        "signing_key": KEY,
        "created": 1_700_000_000,
        "nonce": "00112233445566778899aabbccddeeff",
    }
    args.update(changes)
    return sign_command(**args)  # type: ignore[arg-type]


def test_the_base_is_rfc_9421s_lines() -> None:
    cmd = _command()
    digest = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    kid = key_id(PUBLIC)
    params = (
        '("@method" "@path" "content-digest");created=1700000000;'
        f'nonce="00112233445566778899aabbccddeeff";keyid="{kid}";alg="ed25519"'
    )
    assert cmd.content_digest == f"sha-256=:{digest}:"
    assert (
        cmd.base()
        == (
            '"@method": POST\n'
            '"@path": /v1/handovers/confirm\n'
            f'"content-digest": sha-256=:{digest}:\n'
            f'"@signature-params": {params}'
        ).encode()
    )
    assert cmd.signature_input() == f"parley={params}"
    assert cmd.signature_field() == f"parley=:{base64.b64encode(cmd.signature).decode()}:"
    assert signature_base(cmd.method, cmd.path, cmd.content_digest, params) == cmd.base()
    KEY.public_key().verify(cmd.signature, cmd.base())  # plain Ed25519 over the base


def test_verify_and_body() -> None:
    cmd = _command()
    cmd.verify(PUBLIC)
    cmd.check_body(BODY)
    with pytest.raises(CommandError, match="not by this key"):
        cmd.verify(OTHER)
    with pytest.raises(CommandError, match="Content-Digest"):
        cmd.check_body(BODY + b" ")
    assert len(cmd.nonce) == 32 and _command(nonce=None).nonce != _command(nonce=None).nonce


def test_from_fields_reads_what_a_request_carries() -> None:
    cmd = _command()
    again = SignedCommand.from_fields(
        method=cmd.method,
        path=cmd.path,
        content_digest=content_digest(BODY),
        signature_input=cmd.signature_input(),
        signature=cmd.signature_field(),
    )
    assert again == cmd
    with pytest.raises(CommandError, match="Signature-Input"):
        SignedCommand.from_fields(
            method=cmd.method,
            path=cmd.path,
            content_digest=cmd.content_digest,
            signature_input=cmd.signature_input().replace(";alg", " ;alg"),
            signature=cmd.signature_field(),
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"method": "post"},
        {"path": "v1/x"},
        {"path": "/v1/x?y=1"},
        {"path": "/a b"},
        {"nonce": "short"},
        {"nonce": 'x"' * 10},
        {"created": -1},
    ],
)
def test_malformed_fields_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(CommandError):
        _command(**changes)


@settings(max_examples=60)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.from_regex(r"/[a-z0-9/_-]{0,40}", fullmatch=True),
    body=st.binary(max_size=64),
    created=st.integers(0, 2**63 - 1),
)
def test_records_round_trip(method: str, path: str, body: bytes, created: int) -> None:
    cmd = _command(method=method, path=path, body=body, created=created)
    record = cmd.to_bytes()
    again = SignedCommand.from_bytes(record)
    assert again == cmd and again.to_bytes() == record
    assert again.digest() == hashlib.sha256(record).digest()
    again.verify(PUBLIC)


@settings(max_examples=200)
@given(st.data())
def test_any_flipped_byte_is_refused(data: st.DataObject) -> None:
    record = bytearray(_command().to_bytes())
    at = data.draw(st.integers(0, len(record) - 1))
    record[at] ^= data.draw(st.integers(1, 255))
    with pytest.raises(CommandError):
        SignedCommand.from_bytes(bytes(record)).verify(PUBLIC)


@settings(max_examples=200)
@given(st.data())
def test_any_flipped_base_byte_breaks_the_signature(data: st.DataObject) -> None:
    cmd = _command()
    base = bytearray(cmd.base())
    at = data.draw(st.integers(0, len(base) - 1))
    base[at] ^= data.draw(st.integers(1, 255))
    with pytest.raises(InvalidSignature):
        KEY.public_key().verify(cmd.signature, bytes(base))


_PATH_CHARS = "abcXYZ019._~!$&'()*+,;=:@%/-"


@settings(max_examples=200)
@given(
    st.text(alphabet=_PATH_CHARS, max_size=60),
    st.integers(0, 2**63 - 1),
    st.text(alphabet="abcXYZ019_-", min_size=16, max_size=64),
    st.binary(max_size=50),
)
def test_a_records_bytes_are_its_rfc8785_form(
    path: str, created: int, nonce: str, body: bytes
) -> None:
    """The record is written as sorted compact JSON (its fields are ASCII): the RFC 8785 form,
    read back as the same command."""
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    command = sign_command(
        method="POST", path="/" + path, body=body, signing_key=key, created=created, nonce=nonce
    )
    assert command.to_bytes() == bytes(rfc8785.dumps(command.to_json()))
    assert SignedCommand.from_bytes(command.to_bytes()) == command
