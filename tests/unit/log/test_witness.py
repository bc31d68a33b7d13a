"""The witness: cosigns only extensions of what it last cosigned, and remembers it durably."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.log import MemoryNodeStore, consistency_proof_from_nodes, leaf_hash, root_from_nodes
from parley.log.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.errors import WitnessRefusal, WitnessStateError, WitnessStateMismatch
from parley.log.merkle import EMPTY_ROOT
from parley.log.nodes import extend
from parley.log.note import Ed25519Signer, add_signatures
from parley.log.witness import (
    AddCheckpoint,
    JsonFileWitnessState,
    MemoryWitnessState,
    TreeHead,
    Witness,
)

ORIGIN = "parley.example/exchange"
LOG = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x03" * 32))
SIGNER = CosignatureSigner(
    "party-b.example/witness", Ed25519PrivateKey.from_private_bytes(b"\x04" * 32), lambda: 1e9
)
LEAVES = [leaf_hash(b"event %d" % i) for i in range(64)]
STORE = MemoryNodeStore()
extend(STORE, 0, LEAVES)
FORKED = MemoryNodeStore()
extend(FORKED, 0, [*LEAVES[:10], leaf_hash(b"rewritten"), *LEAVES[11:]])


def signed(size: int, store: MemoryNodeStore = STORE, signer: Ed25519Signer = LOG) -> bytes:
    return sign_checkpoint(Checkpoint(signer.name, size, root_from_nodes(store, size)), signer)


def request(old: int, new: int, store: MemoryNodeStore = STORE) -> AddCheckpoint:
    proof = consistency_proof_from_nodes(store, old, new) if 0 < old < new else []
    return AddCheckpoint(old, tuple(proof), signed(new, store))


def witness(state: MemoryWitnessState | JsonFileWitnessState | None = None) -> Witness:
    return Witness(SIGNER, LOG.verifier(), state if state is not None else MemoryWitnessState())


def test_first_checkpoint_then_extensions_are_cosigned_and_remembered() -> None:
    state = MemoryWitnessState()
    w = witness(state)
    for old, new in [(0, 5), (5, 5), (5, 12), (12, 64)]:
        sig = w.add_checkpoint(request(old, new))
        assert state.head == TreeHead(new, root_from_nodes(STORE, new))
        text = Checkpoint(ORIGIN, new, root_from_nodes(STORE, new)).to_text().encode()
        assert SIGNER.verifier().verify(text, sig.signature)


def test_the_cosignature_line_joins_the_checkpoint_note() -> None:
    sig = witness().add_checkpoint(request(0, 9))
    opened = open_checkpoint(add_signatures(signed(9), [sig]), LOG.verifier(), [SIGNER.verifier()])
    assert opened.cosigned_by(SIGNER.verifier())


def test_a_stale_old_size_is_answered_with_the_latest_size() -> None:
    w = witness(MemoryWitnessState(TreeHead(12, root_from_nodes(STORE, 12))))
    with pytest.raises(WitnessStateMismatch, match="last cosigned") as refused:
        w.add_checkpoint(request(5, 20))
    assert refused.value.latest_size == 12


def test_a_smaller_checkpoint_is_refused_and_changes_nothing() -> None:
    head = TreeHead(12, root_from_nodes(STORE, 12))
    state = MemoryWitnessState(head)
    with pytest.raises(WitnessRefusal, match="larger than the checkpoint size"):
        witness(state).add_checkpoint(AddCheckpoint(12, (), signed(8)))
    assert state.head == head


@pytest.mark.parametrize(("old", "new"), [(12, 12), (12, 20), (11, 40)])
def test_a_forked_log_is_refused_and_changes_nothing(old: int, new: int) -> None:
    head = TreeHead(old, root_from_nodes(STORE, old))
    state = MemoryWitnessState(head)
    with pytest.raises(WitnessRefusal, match="inconsistent"):
        witness(state).add_checkpoint(request(old, new, FORKED))
    assert state.head == head


def test_a_tampered_proof_is_refused() -> None:
    good = request(5, 20)
    broken = (good.proof[0][:-1] + bytes([good.proof[0][-1] ^ 1]), *good.proof[1:])
    state = MemoryWitnessState(TreeHead(5, root_from_nodes(STORE, 5)))
    with pytest.raises(WitnessRefusal, match="inconsistent"):
        witness(state).add_checkpoint(AddCheckpoint(5, broken, good.checkpoint))
    assert state.head is not None and state.head.size == 5


def test_a_proof_from_nothing_is_refused() -> None:
    with pytest.raises(WitnessRefusal, match="old size 0 must carry no proof"):
        witness().add_checkpoint(AddCheckpoint(0, (EMPTY_ROOT,), signed(4)))


def test_checkpoints_not_signed_by_the_log_are_refused() -> None:
    impostor = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())
    with pytest.raises(WitnessRefusal, match="does not accept"):
        witness().add_checkpoint(AddCheckpoint(0, (), signed(4, signer=impostor)))
    other_log = Ed25519Signer("other.example/log", Ed25519PrivateKey.generate())
    w = Witness(SIGNER, other_log.verifier(), MemoryWitnessState(), origin=ORIGIN)
    with pytest.raises(WitnessRefusal, match="does not accept"):
        w.add_checkpoint(AddCheckpoint(0, (), signed(4)))


def test_no_cosignature_when_the_state_cannot_be_saved() -> None:
    class FullDisk(MemoryWitnessState):
        def save(self, head: TreeHead) -> None:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        witness(FullDisk()).add_checkpoint(request(0, 4))


def test_json_state_survives_a_restart_and_refuses_a_rollback(tmp_path: Path) -> None:
    path = tmp_path / "witness-state.json"
    witness(JsonFileWitnessState(path)).add_checkpoint(request(0, 30))
    assert json.loads(path.read_text())["size"] == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["witness-state.json"]
    restarted = witness(JsonFileWitnessState(path))
    with pytest.raises(WitnessStateMismatch):
        restarted.add_checkpoint(request(0, 20))
    restarted.add_checkpoint(request(30, 40))
    assert JsonFileWitnessState(path).load() == TreeHead(40, root_from_nodes(STORE, 40))


@pytest.mark.parametrize(
    "content",
    ["not json", "{}", '{"size": -1, "root": ""}', '{"size": 3, "root": "AAAA"}', "[]"],
)
def test_a_corrupt_state_file_is_a_typed_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(WitnessStateError):
        JsonFileWitnessState(path).load()


def test_a_missing_state_file_means_never_cosigned(tmp_path: Path) -> None:
    assert JsonFileWitnessState(tmp_path / "absent.json").load() is None


def test_add_checkpoint_body_round_trips_and_is_tlog_witness_text() -> None:
    req = request(5, 20)
    body = req.to_bytes()
    head = body[: body.index(b"\n\n") + 1].decode()
    assert head.startswith("old 5\n")
    assert len(head.splitlines()) == 1 + len(req.proof)
    assert body.endswith(req.checkpoint)
    assert AddCheckpoint.parse(body) == req


def test_handle_answers_a_body_with_a_cosignature_line() -> None:
    answer = witness().handle(request(0, 7).to_bytes())
    assert answer.startswith("— party-b.example/witness ".encode())
    assert answer.endswith(b"\n")


@pytest.mark.parametrize(
    "body",
    [
        b"old 5\nAAAA\n",
        b"old 05\n\n",
        b"new 5\n\n",
        b"old 5\nnot-base64\n\n",
        b"old 5\n" + b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" * 64 + b"\n",
        b"old \xff\n\n",
    ],
)
def test_malformed_requests_are_refused(body: bytes) -> None:
    with pytest.raises(WitnessRefusal):
        AddCheckpoint.parse(body)
