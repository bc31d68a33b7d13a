"""C2SP tlog-cosignature v1: the signed message, the 72-byte layout, key IDs and tampering."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parley.log.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from parley.log.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_message,
    cosignature_timestamp,
)
from parley.log.errors import CheckpointError, KeyFormatError
from parley.log.note import Ed25519Signer, Ed25519Verifier, NoteSignature, add_signatures

ORIGIN = "parley.example/exchange"
LOG = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x01" * 32))
WITNESS_KEY = Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)
WITNESS = CosignatureSigner("party-a.example/witness", WITNESS_KEY, clock=lambda: 1679315147.9)
CHECKPOINT = Checkpoint(ORIGIN, 20852163, bytes(range(32)))
SIGNED = sign_checkpoint(CHECKPOINT, LOG)
TEXT = CHECKPOINT.to_text().encode()


def test_signed_message_is_header_time_and_whole_checkpoint() -> None:
    assert cosignature_message(TEXT, 1679315147) == (b"cosignature/v1\ntime 1679315147\n" + TEXT)


def test_cosignature_is_timestamp_then_ed25519_signature_under_a_type_4_key_id() -> None:
    sig = WITNESS.cosign(TEXT, 1679315147)
    public = WITNESS_KEY.public_key()
    assert (
        sig.key_id
        == hashlib.sha256(b"party-a.example/witness\n\x04" + WITNESS.public_key).digest()[:4]
    )
    assert len(sig.signature) == 72
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big")
    public.verify(sig.signature[8:], b"cosignature/v1\ntime 1679315147\n" + TEXT)
    assert cosignature_timestamp(sig) == 1679315147


def test_a_cosigned_checkpoint_opens_for_log_and_witness_and_only_log() -> None:
    cosigned = add_signatures(SIGNED, [WITNESS.cosign(TEXT, 1679315147)])
    both = open_checkpoint(cosigned, LOG.verifier(), [WITNESS.verifier()])
    assert both.cosigned_by(WITNESS.verifier())
    only_log = open_checkpoint(cosigned, LOG.verifier())
    assert not only_log.cosigned_by(WITNESS.verifier())
    assert [s.name for s in only_log.note.unverified] == ["party-a.example/witness"]


def test_the_signer_stamps_its_clock_when_used_as_a_note_signer() -> None:
    stamped = WITNESS.sign(TEXT)
    assert int.from_bytes(stamped[:8], "big") == 1679315147
    assert WITNESS.verifier().verify(TEXT, stamped)


@given(st.integers(0, 71), st.integers(1, 255))
def test_any_changed_byte_of_a_cosignature_fails(position: int, mask: int) -> None:
    sig = bytearray(WITNESS.cosign(TEXT, 1679315147).signature)
    sig[position] ^= mask
    assert not WITNESS.verifier().verify(TEXT, bytes(sig))


def test_a_cosignature_is_bound_to_its_checkpoint_and_its_length() -> None:
    sig = WITNESS.cosign(TEXT, 5).signature
    other = Checkpoint(ORIGIN, 20852164, bytes(range(32))).to_text().encode()
    assert not WITNESS.verifier().verify(other, sig)
    assert not WITNESS.verifier().verify(TEXT, sig[:71])
    assert not WITNESS.verifier().verify(TEXT, sig[8:])


def test_timestamps_beyond_2_to_the_63_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        WITNESS.cosign(TEXT, 2**63)
    forged = (2**63).to_bytes(8, "big") + WITNESS_KEY.sign(cosignature_message(TEXT, 2**63))
    assert not WITNESS.verifier().verify(TEXT, forged)


def test_a_bad_cosignature_from_a_known_witness_rejects_the_checkpoint() -> None:
    bad = NoteSignature(WITNESS.name, WITNESS.key_id, b"\x00" * 72)
    with pytest.raises(CheckpointError, match="invalid"):
        open_checkpoint(add_signatures(SIGNED, [bad]), LOG.verifier(), [WITNESS.verifier()])


def test_witness_verifier_key_uses_type_4() -> None:
    vkey = WITNESS.verifier().verifier_key()
    name, hex_id, b64 = vkey.split("+", 2)
    assert name == "party-a.example/witness"
    assert bytes.fromhex(hex_id) == WITNESS.key_id
    assert base64.b64decode(b64) == b"\x04" + WITNESS.public_key
    parsed = CosignatureVerifier.from_verifier_key(vkey)
    assert parsed.verify(TEXT, WITNESS.cosign(TEXT, 9).signature)
    with pytest.raises(KeyFormatError, match="not an Ed25519 note key"):
        Ed25519Verifier.from_verifier_key(vkey)
    with pytest.raises(KeyFormatError, match="not a cosignature/v1 key"):
        CosignatureVerifier.from_verifier_key(LOG.verifier().verifier_key())


def test_the_same_key_as_note_signer_and_cosigner_has_distinct_key_ids() -> None:
    as_note = Ed25519Signer("party-a.example/witness", WITNESS_KEY)
    assert as_note.key_id != WITNESS.key_id
    # A plain note signature never passes as a cosignature, even by the same key.
    assert not WITNESS.verifier().verify(TEXT, as_note.sign(TEXT))
