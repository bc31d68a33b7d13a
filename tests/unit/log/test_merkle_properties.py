"""Property tests: any flipped bit in a proof, root, leaf or index is rejected.

A tree size is not bound by the hashes alone (the signed checkpoint binds it), so for sizes the
property is exact instead: a wrong size is accepted only when it gives the proof the same shape.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.log import (
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from tests.unit.log.reference import sibling_sides

MAX = 300
LEAVES = [leaf_hash(b"entry %d" % i) for i in range(MAX)]


@cache
def root(size: int) -> bytes:
    return root_hash(LEAVES[:size])


def flip(data: bytes, bit: int) -> bytes:
    bit %= len(data) * 8
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@st.composite
def tree_and_index(draw: st.DrawFn, min_size: int = 1) -> tuple[int, int]:
    size = draw(st.integers(min_size, MAX))
    return size, draw(st.integers(0, size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(st.integers(2, MAX))
    return draw(st.integers(1, size2 - 1)), size2


def accepts_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], r: bytes) -> bool:
    try:
        verify_inclusion(leaf, index, size, proof, r)
    except ProofError:
        return False
    return True


def accepts_consistency(s1: int, s2: int, r1: bytes, r2: bytes, proof: list[bytes]) -> bool:
    try:
        verify_consistency(s1, s2, r1, r2, proof)
    except ProofError:
        return False
    return True


@given(tree_and_index())
def test_honest_inclusion_proofs_verify(case: tuple[int, int]) -> None:
    size, index = case
    verify_inclusion(LEAVES[index], index, size, inclusion_proof(LEAVES, index, size), root(size))


@given(tree_and_index(min_size=2), st.data())
def test_flipped_bit_in_an_inclusion_proof_hash_is_rejected(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size, index = case
    proof = inclusion_proof(LEAVES, index, size)
    at = data.draw(st.integers(0, len(proof) - 1))
    proof[at] = flip(proof[at], data.draw(st.integers(0, 255)))
    assert not accepts_inclusion(LEAVES[index], index, size, proof, root(size))


@given(tree_and_index(), st.integers(0, 255), st.booleans())
def test_flipped_bit_in_root_or_leaf_is_rejected(
    case: tuple[int, int], bit: int, in_root: bool
) -> None:
    size, index = case
    proof = inclusion_proof(LEAVES, index, size)
    leaf, r = LEAVES[index], root(size)
    if in_root:
        r = flip(r, bit)
    else:
        leaf = flip(leaf, bit)
    assert not accepts_inclusion(leaf, index, size, proof, r)


@given(tree_and_index(), st.integers(0, 9))
def test_flipped_bit_in_the_index_is_rejected(case: tuple[int, int], bit: int) -> None:
    size, index = case
    proof = inclusion_proof(LEAVES, index, size)
    assert not accepts_inclusion(LEAVES[index], index ^ (1 << bit), size, proof, root(size))


@given(tree_and_index(), st.integers(0, 9))
def test_a_wrong_size_passes_only_with_an_identically_shaped_proof(
    case: tuple[int, int], bit: int
) -> None:
    size, index = case
    wrong = size ^ (1 << bit)
    proof = inclusion_proof(LEAVES, index, size)
    same_shape = index < wrong and sibling_sides(index, wrong) == sibling_sides(index, size)
    assert accepts_inclusion(LEAVES[index], index, wrong, proof, root(size)) == same_shape


@given(tree_and_index(), st.binary(min_size=1, max_size=40))
def test_extra_or_missing_proof_hashes_are_rejected(case: tuple[int, int], junk: bytes) -> None:
    size, index = case
    proof = inclusion_proof(LEAVES, index, size)
    r = root(size)
    assert not accepts_inclusion(LEAVES[index], index, size, [*proof, junk], r)
    assert not accepts_inclusion(LEAVES[index], index, size, [junk, *proof], r)
    if proof:
        assert not accepts_inclusion(LEAVES[index], index, size, proof[:-1], r)


@given(two_sizes())
def test_honest_consistency_proofs_verify(sizes: tuple[int, int]) -> None:
    s1, s2 = sizes
    verify_consistency(s1, s2, root(s1), root(s2), consistency_proof(LEAVES, s1, s2))


@given(two_sizes(), st.data())
def test_flipped_bit_in_a_consistency_proof_hash_is_rejected(
    sizes: tuple[int, int], data: st.DataObject
) -> None:
    s1, s2 = sizes
    proof = consistency_proof(LEAVES, s1, s2)
    at = data.draw(st.integers(0, len(proof) - 1))
    proof[at] = flip(proof[at], data.draw(st.integers(0, 255)))
    assert not accepts_consistency(s1, s2, root(s1), root(s2), proof)


@given(two_sizes(), st.integers(0, 255), st.booleans())
def test_flipped_bit_in_either_root_is_rejected(
    sizes: tuple[int, int], bit: int, in_old: bool
) -> None:
    s1, s2 = sizes
    proof = consistency_proof(LEAVES, s1, s2)
    r1, r2 = root(s1), root(s2)
    if in_old:
        r1 = flip(r1, bit)
    else:
        r2 = flip(r2, bit)
    assert not accepts_consistency(s1, s2, r1, r2, proof)


@given(two_sizes(), st.integers(0, 9))
def test_flipped_bit_in_the_old_size_is_rejected(sizes: tuple[int, int], bit: int) -> None:
    s1, s2 = sizes
    proof = consistency_proof(LEAVES, s1, s2)
    assert not accepts_consistency(s1 ^ (1 << bit), s2, root(s1), root(s2), proof)


@given(two_sizes(), st.integers(0, 9))
def test_a_wrong_new_size_passes_only_with_an_identically_shaped_proof(
    sizes: tuple[int, int], bit: int
) -> None:
    s1, s2 = sizes
    wrong = s2 ^ (1 << bit)
    proof = consistency_proof(LEAVES, s1, s2)
    # The proof's shape follows the path of the old tree's last leaf in the new tree.
    same_shape = s1 < wrong and sibling_sides(s1 - 1, wrong) == sibling_sides(s1 - 1, s2)
    assert accepts_consistency(s1, wrong, root(s1), root(s2), proof) == same_shape


@given(two_sizes())
def test_swapped_roots_are_rejected(sizes: tuple[int, int]) -> None:
    s1, s2 = sizes
    proof = consistency_proof(LEAVES, s1, s2)
    assert not accepts_consistency(s1, s2, root(s2), root(s1), proof)


@settings(max_examples=50)
@given(st.integers(1, MAX))
def test_equal_sizes_need_equal_roots_and_no_proof(size: int) -> None:
    verify_consistency(size, size, root(size), root(size), [])
    with pytest.raises(ProofError):
        verify_consistency(size, size, root(size), flip(root(size), 0), [])
    with pytest.raises(ProofError):
        verify_consistency(size, size, root(size), root(size), [root(size)])
