"""C2SP tlog-proof text: exact layout, round trips, witness quorum and tampering."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parley.log import MemoryNodeStore, ProofError, leaf_hash, root_from_nodes
from parley.log.checkpoint import Checkpoint, sign_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.errors import LogError, TlogProofError
from parley.log.nodes import extend
from parley.log.note import Ed25519Signer, add_signatures
from parley.log.tlog_proof import TlogProof, prove_from_nodes, verify_tlog_proof

ORIGIN = "parley.example/exchange"
LOG = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x05" * 32))
WITNESSES = [
    CosignatureSigner(f"party-{p}.example/w", Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32))
    for i, p in enumerate("ab", start=8)
]
ENTRIES = [b'{"index":%d}' % i for i in range(21)]
STORE = MemoryNodeStore()
extend(STORE, 0, [leaf_hash(e) for e in ENTRIES])
CHECKPOINT = Checkpoint(ORIGIN, 21, root_from_nodes(STORE, 21))
SIGNED = add_signatures(
    sign_checkpoint(CHECKPOINT, LOG),
    [w.cosign(CHECKPOINT.to_text().encode(), 7) for w in WITNESSES],
)
WITNESS_KEYS = [w.verifier() for w in WITNESSES]


def test_text_layout_follows_c2sp() -> None:
    proof = prove_from_nodes(STORE, 13, SIGNED)
    lines = proof.to_bytes().decode().split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "index 13"
    hashes = lines[2 : 2 + len(proof.hashes)]
    assert [base64.b64decode(h) for h in hashes] == list(proof.hashes)
    assert lines[2 + len(proof.hashes)] == ""
    assert proof.to_bytes().endswith(SIGNED)


@pytest.mark.parametrize("extra", [None, b"", b"opaque \x00 data"])
@pytest.mark.parametrize("index", [0, 7, 20])
def test_round_trip(index: int, extra: bytes | None) -> None:
    proof = prove_from_nodes(STORE, index, SIGNED, extra)
    parsed = TlogProof.parse(proof.to_bytes())
    assert parsed == proof
    if extra is not None:
        assert proof.to_bytes().split(b"\n")[1] == b"extra " + base64.b64encode(extra)


def test_verify_checks_signature_quorum_and_path() -> None:
    proof = prove_from_nodes(STORE, 13, SIGNED)
    signed = verify_tlog_proof(proof, leaf_hash(ENTRIES[13]), LOG.verifier(), WITNESS_KEYS, 2)
    assert signed.checkpoint == CHECKPOINT
    with pytest.raises(ProofError, match="does not lead"):
        verify_tlog_proof(proof, leaf_hash(ENTRIES[12]), LOG.verifier())


def test_a_missing_cosignature_fails_the_quorum() -> None:
    only_log = prove_from_nodes(STORE, 2, sign_checkpoint(CHECKPOINT, LOG))
    with pytest.raises(ProofError, match="0 of the 1 witness cosignatures"):
        verify_tlog_proof(only_log, leaf_hash(ENTRIES[2]), LOG.verifier(), WITNESS_KEYS, 1)


def test_a_single_entry_log_has_an_empty_path() -> None:
    store = MemoryNodeStore()
    extend(store, 0, [leaf_hash(b"only")])
    single = sign_checkpoint(Checkpoint(ORIGIN, 1, root_from_nodes(store, 1)), LOG)
    proof = prove_from_nodes(store, 0, single)
    assert proof.hashes == ()
    assert proof.to_bytes().startswith(b"c2sp.org/tlog-proof@v1\nindex 0\n\n")
    verify_tlog_proof(TlogProof.parse(proof.to_bytes()), leaf_hash(b"only"), LOG.verifier())


DATA = prove_from_nodes(STORE, 13, SIGNED).to_bytes()


@given(st.integers(0, len(DATA) - 1), st.integers(1, 255))
def test_changing_any_byte_of_the_proof_text_is_detected(position: int, mask: int) -> None:
    tampered = bytearray(DATA)
    tampered[position] ^= mask
    with pytest.raises(LogError):
        parse_and_verify(bytes(tampered))


def parse_and_verify(data: bytes) -> None:
    parsed = TlogProof.parse(data)
    verify_tlog_proof(parsed, leaf_hash(ENTRIES[13]), LOG.verifier(), WITNESS_KEYS, 2)


@pytest.mark.parametrize(
    "data",
    [
        b"c2sp.org/tlog-proof@v2\nindex 0\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n",
        b"c2sp.org/tlog-proof@v1\nindex 01\n\n",
        b"c2sp.org/tlog-proof@v1\nindex -1\n\n",
        b"c2sp.org/tlog-proof@v1\n\n",
        b"c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\nextra AAAA\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + (b"A" * 43 + b"=\n") * 64 + b"\n",
        b"c2sp.org/tlog-proof@v1\nindex \xd9\xa1\n\n",
    ],
)
def test_malformed_proof_texts_are_refused(data: bytes) -> None:
    with pytest.raises(TlogProofError):
        TlogProof.parse(data)


def test_proving_against_something_that_is_not_a_note_is_refused() -> None:
    with pytest.raises(TlogProofError):
        prove_from_nodes(STORE, 1, b"no signatures here\n")
