"""Issue 3, point 8: Go's sumdb/note and sumdb/tlog accept Parley's artefacts as they are.

The checker in go/ is built in GOPATH mode against Debian's golang-golang-x-mod-dev
(scripts/install-interop-tools installs it). Under CI=true a missing toolchain fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.log import MemoryNodeStore, consistency_proof_from_nodes, leaf_hash
from parley.log.checkpoint import Checkpoint, issue_checkpoint, open_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.entry import seal
from parley.log.nodes import extend
from parley.log.note import Ed25519Signer, Ed25519Verifier, add_signatures, open_note
from parley.log.tlog_proof import prove_from_nodes
from parley.log.witness import AddCheckpoint, MemoryWitnessState, Witness
from tests.interop.helpers import run_checker

ORIGIN = "parley.example/exchange-2019"
OLD_SIZE, SIZE, INDEX = 23, 58, 41


def _write_artefacts(folder: Path) -> None:
    """A real log: sealed entries, stored nodes, checkpoints, a witness, proofs."""
    party = Ed25519PrivateKey.from_private_bytes(b"\x11" * 32)
    entries = [
        seal(
            index=i,
            type="roster.submitted",
            actor="party-a",
            time=f"2019-09-07T10:{i % 60:02d}:00Z",
            payload={"roster": "held", "row": i, "name": "Вишинський Кирило"},
            signing_key=party,
        ).header_bytes
        for i in range(SIZE)
    ]
    store = MemoryNodeStore()
    extend(store, 0, [leaf_hash(e) for e in entries[:OLD_SIZE]])
    log = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x22" * 32))
    old = issue_checkpoint(log, store, OLD_SIZE, None)
    extend(store, OLD_SIZE, [leaf_hash(e) for e in entries[OLD_SIZE:]])
    previous = open_checkpoint(old, log.verifier()).checkpoint
    new = issue_checkpoint(log, store, SIZE, previous)

    witness_key = CosignatureSigner(
        "party-b.example/witness", Ed25519PrivateKey.from_private_bytes(b"\x33" * 32)
    )
    witness = Witness(witness_key, log.verifier(), MemoryWitnessState())
    witness.add_checkpoint(AddCheckpoint(0, (), old))
    proof = tuple(consistency_proof_from_nodes(store, OLD_SIZE, SIZE))
    consistency = AddCheckpoint(OLD_SIZE, proof, new)
    cosigned = add_signatures(new, [witness.add_checkpoint(consistency)])

    (folder / "log.vkey").write_text(log.verifier().verifier_key() + "\n")
    (folder / "witness.vkey").write_text(witness_key.verifier().verifier_key() + "\n")
    (folder / "checkpoint").write_bytes(cosigned)
    (folder / "entry").write_bytes(entries[INDEX])
    (folder / "entry.tlog-proof").write_bytes(prove_from_nodes(store, INDEX, cosigned).to_bytes())
    (folder / "old-checkpoint").write_bytes(old)
    (folder / "consistency").write_bytes(consistency.to_bytes())


@pytest.fixture
def artefacts(tmp_path: Path) -> Path:
    _write_artefacts(tmp_path)
    return tmp_path


def test_go_opens_the_checkpoint_and_accepts_both_proofs(checker: Path, artefacts: Path) -> None:
    result = run_checker(checker, "verify", str(artefacts))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"note: checkpoint of {ORIGIN} at size {SIZE} opened",
        f"tlog: entry {INDEX} is in the tree of size {SIZE}",
        f"tlog: tree {OLD_SIZE} is a prefix of tree {SIZE}",
    ]


def _flip_in_line(name: str, line: int, column: int = 5) -> Callable[[Path], None]:
    """Change one base64 character of one line of an artefact."""

    def tamper(folder: Path) -> None:
        lines = (folder / name).read_text().split("\n")
        text = lines[line]
        lines[line] = text[:column] + ("A" if text[column] != "A" else "B") + text[column + 1 :]
        (folder / name).write_text("\n".join(lines))

    return tamper


def _other_log_key(folder: Path) -> None:
    other = Ed25519Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"\x44" * 32))
    (folder / "log.vkey").write_text(other.verifier().verifier_key())


def _flip_entry_byte(folder: Path) -> None:
    data = bytearray((folder / "entry").read_bytes())
    data[10] ^= 1
    (folder / "entry").write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("tamper", "complaint"),
    [
        (_flip_in_line("checkpoint", 4, 40), "checkpoint"),  # the log's signature line
        (_flip_in_line("checkpoint", 5, 40), "checkpoint"),  # the witness's cosignature line
        (_flip_in_line("checkpoint", 1, 0), "checkpoint"),  # the tree size
        (_other_log_key, "checkpoint"),
        (_flip_entry_byte, "inclusion of entry 41"),
        (_flip_in_line("entry.tlog-proof", 3), "inclusion of entry 41"),
        (_flip_in_line("consistency", 2), "consistency 23 -> 58"),
    ],
    ids=[
        "log-signature",
        "cosignature",
        "tree-size",
        "wrong-log-key",
        "entry-byte",
        "inclusion-hash",
        "consistency-hash",
    ],
)
def test_go_rejects_tampered_artefacts(
    checker: Path, artefacts: Path, tamper: Callable[[Path], None], complaint: str
) -> None:
    tamper(artefacts)
    result = run_checker(checker, "verify", str(artefacts))
    assert result.returncode == 1
    assert complaint in result.stderr


def test_parley_opens_a_note_that_go_signed(checker: Path, tmp_path: Path) -> None:
    text = Checkpoint(ORIGIN, 5, bytes(range(32))).to_text()
    (tmp_path / "text").write_text(text)
    result = run_checker(checker, "sign", ORIGIN, str(tmp_path / "text"))
    assert result.returncode == 0, result.stderr
    vkey, signed = result.stdout.split("\n", 1)
    verifier = Ed25519Verifier.from_verifier_key(vkey)
    assert open_note(signed.encode(), [verifier]).text == text
    assert open_checkpoint(signed.encode(), verifier).checkpoint.size == 5
