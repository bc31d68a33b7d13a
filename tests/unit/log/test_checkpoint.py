"""C2SP tlog-checkpoint: strict text, signatures, and the operator's refusal to fork."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from parley.log import MemoryNodeStore, leaf_hash, root_hash
from parley.log.checkpoint import (
    Checkpoint,
    check_extends,
    issue_checkpoint,
    open_checkpoint,
    sign_checkpoint,
)
from parley.log.errors import CheckpointConflict, CheckpointError
from parley.log.merkle import EMPTY_ROOT, consistency_proof
from parley.log.nodes import extend
from parley.log.note import Ed25519Signer, sign_note

ORIGIN = "parley.example/exchange"
LOG = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x07" * 32))
ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode()
LEAVES = [leaf_hash(b"entry %d" % i) for i in range(40)]


def test_checkpoint_text_is_origin_size_root_and_extensions() -> None:
    assert Checkpoint(ORIGIN, 12, ROOT).to_text() == f"{ORIGIN}\n12\n{ROOT_B64}\n"
    with_ext = Checkpoint(ORIGIN, 0, ROOT, ("ext one", "x"))
    assert with_ext.to_text() == f"{ORIGIN}\n0\n{ROOT_B64}\next one\nx\n"


names = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x2FFF, exclude_characters="+"), min_size=1
).filter(lambda s: not any(ch.isspace() for ch in s))
lines = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FFF), min_size=1)


@given(names, st.integers(0, 2**63 - 1), st.binary(min_size=32, max_size=32), st.lists(lines))
def test_text_round_trips(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    checkpoint = Checkpoint(origin, size, root, tuple(extensions))
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (f"{ORIGIN}\n12\n{ROOT_B64}", "end with a newline"),
        (f"{ORIGIN}\n12\n", "origin, size and root"),
        (f"{ORIGIN}\n12\n{ROOT_B64}\n\next\n", "line 4 is empty"),
        (f"\n12\n{ROOT_B64}\n", "line 1 is empty"),
        (f"{ORIGIN}\n+12\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n012\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n 12\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n1_2\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n١٢\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n-1\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n{2**63}\n{ROOT_B64}\n", "line 2"),
        (f"{ORIGIN}\n12\n{ROOT_B64[:-2]}\n", "line 3"),
        (f"{ORIGIN}\n12\n{base64.b64encode(ROOT[:31]).decode()}\n", "line 3"),
        (f"{ORIGIN}\n12\n{ROOT_B64[:-2]}B=\n", "line 3"),
        (f"{ORIGIN}\n12\n {ROOT_B64}\n", "line 3"),
        (f"{ORIGIN}\n12\n{ROOT.hex()}\n", "line 3"),
    ],
)
def test_malformed_text_is_refused_with_one_clear_error(text: str, complaint: str) -> None:
    with pytest.raises(CheckpointError, match=complaint):
        Checkpoint.parse(text)


def test_invalid_fields_cannot_be_built() -> None:
    with pytest.raises(CheckpointError):
        Checkpoint("", 1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, -1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, 1, ROOT[:31])
    with pytest.raises(CheckpointError):
        Checkpoint(ORIGIN, 1, ROOT, ("two\nlines",))


def test_signed_checkpoint_opens_with_the_log_key() -> None:
    checkpoint = Checkpoint(ORIGIN, 12, ROOT)
    data = sign_checkpoint(checkpoint, LOG)
    assert data.startswith(checkpoint.to_text().encode() + b"\n\xe2\x80\x94 " + ORIGIN.encode())
    signed = open_checkpoint(data, LOG.verifier())
    assert signed.checkpoint == checkpoint
    assert signed.data == data


def test_only_the_origins_key_may_sign_it() -> None:
    with pytest.raises(CheckpointError, match="may not sign"):
        sign_checkpoint(Checkpoint("other.example/log", 1, ROOT), LOG)


def test_opening_refuses_another_origin_or_another_key() -> None:
    data = sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT), LOG)
    with pytest.raises(CheckpointError, match=r"expected 'elsewhere\.example'"):
        open_checkpoint(data, LOG.verifier(), origin="elsewhere.example")
    impostor = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())
    with pytest.raises(CheckpointError, match="no signature by a known key"):
        open_checkpoint(data, impostor.verifier())


def test_a_note_that_only_a_witness_signed_is_not_a_checkpoint() -> None:
    witness = Ed25519Signer("witness.example/w", Ed25519PrivateKey.generate())
    data = sign_note(Checkpoint(ORIGIN, 3, ROOT).to_text(), [witness])
    with pytest.raises(CheckpointError, match="not signed by the log key"):
        open_checkpoint(data, LOG.verifier(), [witness.verifier()])


DATA = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT, ("ext",)), LOG)


@given(st.integers(0, len(DATA) - 1), st.integers(1, 255))
def test_changing_any_byte_of_a_signed_checkpoint_is_detected(position: int, mask: int) -> None:
    tampered = bytearray(DATA)
    tampered[position] ^= mask
    with pytest.raises(CheckpointError):
        open_checkpoint(bytes(tampered), LOG.verifier())


def _checkpoint(size: int, leaves: list[bytes] = LEAVES) -> Checkpoint:
    return Checkpoint(ORIGIN, size, root_hash(leaves[:size]))


def test_check_extends_accepts_a_proven_extension() -> None:
    check_extends(None, _checkpoint(7), [])
    check_extends(Checkpoint(ORIGIN, 0, EMPTY_ROOT), _checkpoint(7), [])
    check_extends(_checkpoint(7), _checkpoint(7), [])
    check_extends(_checkpoint(3), _checkpoint(7), consistency_proof(LEAVES, 3, 7))


def test_check_extends_refuses_forks_shrinks_and_foreign_logs() -> None:
    forked = [*LEAVES[:5], leaf_hash(b"rewritten"), *LEAVES[6:]]
    with pytest.raises(CheckpointConflict, match="not an extension"):
        check_extends(_checkpoint(7), _checkpoint(9, forked), consistency_proof(forked, 7, 9))
    with pytest.raises(CheckpointConflict, match="smaller"):
        check_extends(_checkpoint(7), _checkpoint(6), [])
    with pytest.raises(CheckpointConflict, match="different roots"):
        check_extends(_checkpoint(7), _checkpoint(7, forked), [])
    with pytest.raises(CheckpointConflict, match="origin"):
        check_extends(Checkpoint("x.example", 1, ROOT), _checkpoint(7), [])
    with pytest.raises(CheckpointConflict, match="empty root"):
        check_extends(Checkpoint(ORIGIN, 0, ROOT), _checkpoint(7), [])


def test_issue_checkpoint_signs_growing_trees_from_stored_nodes() -> None:
    store, size, previous = MemoryNodeStore(), 0, None
    for count in (1, 2, 5, 0, 13):
        size = extend(store, size, LEAVES[size : size + count])
        signed = open_checkpoint(issue_checkpoint(LOG, store, size, previous), LOG.verifier())
        assert signed.checkpoint == _checkpoint(size)
        previous = signed.checkpoint


def test_issue_checkpoint_refuses_a_store_that_no_longer_extends_the_last_checkpoint() -> None:
    store = MemoryNodeStore()
    extend(store, 0, [*LEAVES[:5], leaf_hash(b"rewritten"), *LEAVES[6:10]])
    with pytest.raises(CheckpointConflict):
        issue_checkpoint(LOG, store, 10, _checkpoint(8))
    with pytest.raises(CheckpointConflict, match="smaller"):
        issue_checkpoint(LOG, store, 4, _checkpoint(8))
