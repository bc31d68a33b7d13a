"""C2SP signed notes: exact bytes, key IDs, verifier keys, and tampering of any byte."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parley.log.errors import KeyFormatError, NoteError
from parley.log.note import (
    Ed25519Signer,
    Ed25519Verifier,
    NoteSignature,
    add_signatures,
    decode_verifier_key,
    encode_verifier_key,
    open_note,
    parse_note,
    sign_note,
)

SEED = bytes(range(32))
SIGNER = Ed25519Signer("parley.example/log", Ed25519PrivateKey.from_private_bytes(SEED))
OTHER = Ed25519Signer("witness.example/a", Ed25519PrivateKey.from_private_bytes(SEED[::-1]))
TEXT = "parley.example/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
NOTE = sign_note(TEXT, [SIGNER])


def test_key_id_is_the_first_four_bytes_of_the_c2sp_hash() -> None:
    public = SIGNER.public_key
    expected = hashlib.sha256(b"parley.example/log\n\x01" + public).digest()[:4]
    assert SIGNER.key_id == expected


def test_signed_note_bytes_are_text_blank_line_and_em_dash_lines() -> None:
    signature = Ed25519PrivateKey.from_private_bytes(SEED).sign(TEXT.encode())
    line = "— parley.example/log " + base64.b64encode(SIGNER.key_id + signature).decode()
    assert (TEXT + "\n" + line + "\n").encode("utf-8") == NOTE
    assert NOTE.split(b"\n\n")[1].startswith(b"\xe2\x80\x94 ")


def test_open_returns_the_text_and_the_verified_signature() -> None:
    opened = open_note(NOTE, [SIGNER.verifier()])
    assert opened.text == TEXT
    assert opened.verified_by(SIGNER.verifier())
    assert opened.unverified == ()


def test_signatures_by_unknown_keys_are_kept_aside_unchecked() -> None:
    both = sign_note(TEXT, [SIGNER, OTHER])
    opened = open_note(both, [SIGNER.verifier()])
    assert [s.name for s in opened.unverified] == ["witness.example/a"]
    with pytest.raises(NoteError, match="no signature by a known key"):
        open_note(NOTE, [OTHER.verifier()])


def test_a_bad_signature_by_a_known_key_rejects_the_note() -> None:
    forged = NOTE.replace(b"\n7\n", b"\n8\n")
    with pytest.raises(NoteError, match="is invalid"):
        open_note(forged, [SIGNER.verifier()])


def test_a_repeated_line_from_one_key_counts_once() -> None:
    note = parse_note(NOTE)
    doubled = add_signatures(NOTE, [])
    assert doubled == NOTE
    repeated = NOTE + note.signatures[0].line().encode()
    assert len(open_note(repeated, [SIGNER.verifier()]).verified) == 1


def test_add_signatures_appends_and_replaces_a_keys_older_line() -> None:
    extra = parse_note(sign_note(TEXT, [OTHER])).signatures[0]
    once = add_signatures(NOTE, [extra])
    assert once == NOTE + extra.line().encode()
    assert add_signatures(once, [extra]) == once
    opened = open_note(once, [SIGNER.verifier(), OTHER.verifier()])
    assert len(opened.verified) == 2


@given(st.integers(0, len(NOTE) - 1), st.integers(1, 255))
def test_changing_any_byte_of_a_signed_note_is_detected(position: int, mask: int) -> None:
    tampered = bytearray(NOTE)
    tampered[position] ^= mask
    with pytest.raises(NoteError):
        open_note(bytes(tampered), [SIGNER.verifier()])


def test_non_canonical_base64_in_a_signature_is_malformed() -> None:
    line = parse_note(NOTE).signatures[0].line()
    b64 = line.rsplit(" ", 1)[1].strip()
    # 68 bytes encode to 92 characters ending in one '='; the last letter has 2 unused bits.
    assert b64.endswith("=") and not b64.endswith("==")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = b64[:-2] + alphabet[alphabet.index(b64[-2]) ^ 1] + "="
    assert base64.b64decode(twin) == base64.b64decode(b64)
    with pytest.raises(NoteError, match="is not"):
        parse_note(NOTE.replace(b64.encode(), twin.encode()))


@pytest.mark.parametrize(
    "data",
    [
        b"no blank line\n\xe2\x80\x94 k AAAA\n",
        TEXT.encode() + b"\n",
        NOTE[:-1],
        NOTE.replace("—".encode(), b"-"),
        NOTE.replace(b"\n7\n", b"\n7\t\n"),
        NOTE.replace(b"\n7\n", b"\n\xff\n"),
        TEXT.encode() + b"\n\xe2\x80\x94 a+b AAAAAAA=\n",
        TEXT.encode() + b"\n\xe2\x80\x94 k AAAA\n",
        TEXT.encode() + b"\n" + b"\xe2\x80\x94 k AAAAAAA=\n" * 101,
    ],
    ids=[
        "no-blank-line",
        "no-signatures",
        "no-final-newline",
        "hyphen-not-em-dash",
        "control-character",
        "invalid-utf8",
        "plus-in-name",
        "signature-too-short",
        "too-many-signatures",
    ],
)
def test_malformed_notes_are_refused(data: bytes) -> None:
    with pytest.raises(NoteError):
        parse_note(data)


@pytest.mark.parametrize("text", ["no newline", "tab\there\n", ""])
def test_sign_note_refuses_text_it_could_not_round_trip(text: str) -> None:
    with pytest.raises(NoteError):
        sign_note(text, [SIGNER])


def test_sign_note_needs_a_signer() -> None:
    with pytest.raises(NoteError, match="at least one signer"):
        sign_note(TEXT, [])


def test_verifier_key_string_reads_name_keyid_and_typed_key() -> None:
    vkey = SIGNER.verifier().verifier_key()
    name, hex_id, b64 = vkey.split("+", 2)
    assert name == "parley.example/log"
    assert re.fullmatch("[0-9a-f]{8}", hex_id)
    assert bytes.fromhex(hex_id) == SIGNER.key_id
    assert base64.b64decode(b64) == b"\x01" + SIGNER.public_key
    parsed = Ed25519Verifier.from_verifier_key(vkey)
    assert open_note(NOTE, [parsed]).verified_by(parsed)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v.replace("parley.example/log", "parley.example/other"),
        lambda v: v.replace("+", " +", 1),
        lambda v: v[: v.index("+") + 1] + "zzzzzzzz" + v[v.index("+") + 9 :],
        lambda v: v[: v.index("+") + 1] + "0000000" + v[v.index("+") + 9 :],
        lambda v: v[:-4],
        lambda v: v + "AAAA",
        lambda v: "+" + v,
    ],
    ids=["renamed", "space", "non-hex", "short-id", "cut-key", "long-key", "empty-name"],
)
def test_malformed_verifier_keys_are_refused(mangle: object) -> None:
    vkey = SIGNER.verifier().verifier_key()
    assert callable(mangle)
    with pytest.raises(KeyFormatError):
        Ed25519Verifier.from_verifier_key(mangle(vkey))


def test_a_verifier_key_of_another_type_is_not_an_ed25519_note_key() -> None:
    vkey = encode_verifier_key("witness.example/a", 0x04, OTHER.public_key)
    assert decode_verifier_key(vkey).signature_type == 0x04
    with pytest.raises(KeyFormatError, match="not an Ed25519 note key"):
        Ed25519Verifier.from_verifier_key(vkey)


@pytest.mark.parametrize("name", ["", "has space", "a+b", "tab\t", "nbsp\u00a0x"])
def test_key_names_must_be_valid(name: str) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519Signer(name, Ed25519PrivateKey.generate())


def test_signature_line_round_trips() -> None:
    sig = NoteSignature("a.example/k", b"\x01\x02\x03\x04", b"\x00" * 64)
    data = (TEXT + "\n" + sig.line()).encode()
    assert parse_note(data).signatures == (sig,)


note_texts = st.lists(
    st.text(st.characters(min_codepoint=0x20, codec="utf-8")),
    min_size=1,
).map(lambda lines: "".join(line + "\n" for line in lines))


@given(note_texts)
def test_any_text_round_trips_through_a_signed_note(text: str) -> None:
    opened = open_note(sign_note(text, [SIGNER, OTHER]), [SIGNER.verifier(), OTHER.verifier()])
    assert opened.text == text
    assert len(opened.verified) == 2
