"""parley.log.merkle against published vectors and a brute-force RFC 9162 reference."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from parley.log import (
    MemoryNodeStore,
    ProofError,
    ProofRequestError,
    consistency_proof,
    consistency_proof_from_nodes,
    inclusion_proof,
    inclusion_proof_from_nodes,
    leaf_hash,
    root_from_nodes,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from parley.log.merkle import consistency_proof_length, inclusion_proof_length
from parley.log.nodes import extend
from tests.unit.log.reference import ReferenceTree

# The shared/ folder beside the repository root; never copied into the project.
VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "merkle"
# The eight leaves behind the vectors, as the vectors' README lists them.
VECTOR_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
VECTOR_ROOT = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def _vector_files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json")) if VECTORS.is_dir() else []


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def _happy_paths(kind: str) -> list[Path]:
    """Vectors whose proof Parley can regenerate from the eight README leaves."""
    return [
        p
        for p in _vector_files(kind)
        if not _load(p)["wantErr"]
        and _load(p)["desc"] == "happy path"
        and _load(p).get("treeSize", _load(p).get("size2", 0)) <= len(VECTOR_LEAVES)
        and _load(p).get("size1", 1) > 0
    ]


def test_vectors_folder_is_present() -> None:
    assert VECTORS.is_dir(), f"the shared Merkle vectors are missing: expected {VECTORS}"
    assert len(_vector_files("inclusion")) >= 50
    assert len(_vector_files("consistency")) >= 50
    assert len(_happy_paths("inclusion")) >= 4
    assert len(_happy_paths("consistency")) >= 4


def test_root_of_the_vector_leaves() -> None:
    hashes = [leaf_hash(d) for d in VECTOR_LEAVES]
    assert root_hash(hashes).hex() == VECTOR_ROOT
    store = MemoryNodeStore()
    extend(store, 0, hashes)
    assert root_from_nodes(store, 8).hex() == VECTOR_ROOT


@pytest.mark.parametrize("path", _vector_files("inclusion"), ids=_id)
def test_inclusion_vector(path: Path) -> None:
    v = _load(path)
    args = (
        _b64(v["leafHash"]),
        v["leafIdx"],
        v["treeSize"],
        [_b64(p) for p in v["proof"] or []],
        _b64(v["root"]),
    )
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _vector_files("consistency"), ids=_id)
def test_consistency_vector(path: Path) -> None:
    v = _load(path)
    args = (
        v["size1"],
        v["size2"],
        _b64(v["root1"]),
        _b64(v["root2"]),
        [_b64(p) for p in v["proof"] or []],
    )
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


@pytest.mark.parametrize("path", _happy_paths("inclusion"), ids=_id)
def test_inclusion_vector_happy_path_is_what_parley_generates(path: Path) -> None:
    v = _load(path)
    hashes = [leaf_hash(d) for d in VECTOR_LEAVES]
    assert hashes[v["leafIdx"]] == _b64(v["leafHash"])
    proof = inclusion_proof(hashes, v["leafIdx"], v["treeSize"])
    assert proof == [_b64(p) for p in v["proof"] or []]


@pytest.mark.parametrize("path", _happy_paths("consistency"), ids=_id)
def test_consistency_vector_happy_path_is_what_parley_generates(path: Path) -> None:
    v = _load(path)
    hashes = [leaf_hash(d) for d in VECTOR_LEAVES]
    assert root_hash(hashes[: v["size2"]]) == _b64(v["root2"])
    proof = consistency_proof(hashes, v["size1"], v["size2"])
    assert proof == [_b64(p) for p in v["proof"] or []]


MAX_SIZE = 128


@pytest.fixture(scope="module")
def tree() -> tuple[ReferenceTree, MemoryNodeStore]:
    ref = ReferenceTree([i.to_bytes(2, "big") + b"parley" for i in range(MAX_SIZE)])
    store = MemoryNodeStore()
    extend(store, 0, ref.leaf_hashes)
    return ref, store


def test_every_root_up_to_128(tree: tuple[ReferenceTree, MemoryNodeStore]) -> None:
    ref, store = tree
    for n in range(MAX_SIZE + 1):
        assert root_hash(ref.leaf_hashes[:n]) == ref.mth(0, n)
        assert root_from_nodes(store, n) == ref.mth(0, n)


def test_every_inclusion_proof_up_to_128(tree: tuple[ReferenceTree, MemoryNodeStore]) -> None:
    ref, store = tree
    leaves = ref.leaf_hashes
    for n in range(1, MAX_SIZE + 1):
        root = ref.mth(0, n)
        for m in range(n):
            expected = ref.inclusion(m, n)
            assert inclusion_proof(leaves, m, n) == expected, (m, n)
            assert inclusion_proof_from_nodes(store, m, n) == expected, (m, n)
            assert inclusion_proof_length(m, n) == len(expected)
            verify_inclusion(leaves[m], m, n, expected, root)


def test_every_consistency_proof_up_to_128(tree: tuple[ReferenceTree, MemoryNodeStore]) -> None:
    ref, store = tree
    leaves = ref.leaf_hashes
    for n in range(1, MAX_SIZE + 1):
        root2 = ref.mth(0, n)
        for m in range(1, n + 1):
            expected = ref.consistency(m, n)
            assert consistency_proof(leaves, m, n) == expected, (m, n)
            assert consistency_proof_from_nodes(store, m, n) == expected, (m, n)
            if m < n:
                assert consistency_proof_length(m, n) == len(expected)
            verify_consistency(m, n, ref.mth(0, m), root2, expected)


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_hash([]).hex() == empty
    assert root_from_nodes(MemoryNodeStore(), 0).hex() == empty


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    # A node's hash is never the leaf hash of its two children's concatenation.
    assert root_hash([a, b]) != leaf_hash(a + b)


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 0), (0, 9)])
def test_inclusion_proof_refuses_what_the_tree_cannot_prove(index: int, size: int) -> None:
    hashes = [leaf_hash(bytes([i])) for i in range(8)]
    with pytest.raises(ProofRequestError):
        inclusion_proof(hashes, index, size)


@pytest.mark.parametrize(("size1", "size2"), [(0, 3), (4, 3), (1, 9), (-1, 2)])
def test_consistency_proof_refuses_what_the_tree_cannot_prove(size1: int, size2: int) -> None:
    hashes = [leaf_hash(bytes([i])) for i in range(8)]
    with pytest.raises(ProofRequestError):
        consistency_proof(hashes, size1, size2)


def test_proof_errors_are_value_errors_with_one_sentence() -> None:
    hashes = [leaf_hash(bytes([i])) for i in range(4)]
    proof = inclusion_proof(hashes, 1, 4)
    with pytest.raises(ValueError, match=r"^the inclusion proof for entry 2 does not lead"):
        verify_inclusion(hashes[1], 2, 4, proof, root_hash(hashes))
    with pytest.raises(ProofError, match="3 hashes where 2 are needed"):
        verify_inclusion(hashes[1], 1, 4, [*proof, proof[0]], root_hash(hashes))
