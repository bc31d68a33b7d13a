"""RFC 9162 Merkle tree hashing, inclusion and consistency proofs over a list of leaf hashes.

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
The byte formats are in docs/log-format.md; the same proofs from stored subtree hashes, in
O(log n) reads, are in parley.log.nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from parley.errors import N_, ParleyError
from parley.log.errors import ProofError, ProofRequestError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

Range = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of one entry's leaf data: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree hash of all the given leaves; SHA-256 of the empty string for no leaves."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    # Pairing level by level, carrying an odd last node up, is the same tree as RFC 9162's
    # "largest power of two on the left" recursion, without the recursion.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges [lo, hi) whose tree hashes form the audit path, leaf's sibling first."""
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    ranges.reverse()
    return ranges


def consistency_ranges(size1: int, size2: int) -> list[Range]:
    """The leaf ranges [lo, hi) whose tree hashes form RFC 9162's PROOF(size1, D[size2])."""
    ranges: list[Range] = []
    lo, hi, old = 0, size2, size1
    whole_old_tree = True
    while old != hi - lo:
        mid = lo + _split(hi - lo)
        if old <= mid - lo:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            old -= mid - lo
            lo = mid
            whole_old_tree = False
    if not whole_old_tree:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def check_inclusion_request(index: int, size: int, available: int) -> None:
    """Refuse an inclusion proof the tree of `available` leaves cannot give."""
    if size > available:
        raise ProofRequestError(
            N_("tree size {size} is larger than the log's {available} entries"),
            size=size,
            available=available,
        )
    if not 0 <= index < size:
        raise ProofRequestError(
            N_("entry index {index} is not in a tree of size {size}"), index=index, size=size
        )


def check_consistency_request(size1: int, size2: int, available: int) -> None:
    """Refuse a consistency proof the tree of `available` leaves cannot give."""
    if size2 > available:
        raise ProofRequestError(
            N_("tree size {size2} is larger than the log's {available} entries"),
            size2=size2,
            available=available,
        )
    if not 0 < size1 <= size2:
        raise ProofRequestError(
            N_("a consistency proof needs 0 < size1 <= size2, got {size1} and {size2}"),
            size1=size1,
            size2=size2,
        )


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The RFC 9162 audit path of entry `index` in the tree of the first `size` leaves."""
    check_inclusion_request(index, size, len(leaf_hashes))
    return [root_hash(leaf_hashes[lo:hi]) for lo, hi in inclusion_ranges(index, size)]


def consistency_proof(leaf_hashes: Sequence[bytes], size1: int, size2: int) -> list[bytes]:
    """The RFC 9162 proof that the tree of size1 leaves is a prefix of the tree of size2."""
    check_consistency_request(size1, size2, len(leaf_hashes))
    return [root_hash(leaf_hashes[lo:hi]) for lo, hi in consistency_ranges(size1, size2)]


def inclusion_proof_length(index: int, size: int) -> int:
    """How many hashes the audit path of `index` in a tree of `size` leaves has."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(size1: int, size2: int) -> int:
    """How many hashes a consistency proof from size1 to size2 has (0 < size1 < size2)."""
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1
    seeded_by_old_root = size1 == 1 << shift
    return inner - shift + border + (0 if seeded_by_old_root else 1)


def _check_hash(what: str | ParleyError, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(
            N_("{what} is {count} bytes long, not {hash_size}"),
            what=what,
            count=len(value),
            hash_size=HASH_SIZE,
        )


def _check_proof(proof: Sequence[bytes], expected: int) -> None:
    if len(proof) != expected:
        raise ProofError(
            N_("the proof has {count} hashes where {expected} are needed"),
            count=len(proof),
            expected=expected,
        )
    for i, element in enumerate(proof):
        _check_hash(ParleyError(N_("proof hash {i}"), i=i), element)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is entry `index` of the tree of `size` leaves with `root`."""
    if not 0 <= index < size:
        raise ProofError(
            N_("entry index {index} is not in a tree of size {size}"), index=index, size=size
        )
    _check_hash(ParleyError(N_("the leaf hash")), leaf_hash)
    _check_hash(ParleyError(N_("the root")), root)
    _check_proof(proof, inclusion_proof_length(index, size))
    # RFC 9162 section 2.1.3.2, step by step.
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise ProofError(
            N_("the inclusion proof for entry {index} does not lead to the given root"), index=index
        )


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of size1 with root1 is a prefix of the tree of size2 with root2."""
    if size1 > size2:
        raise ProofError(
            N_("tree size {size2} is smaller than the earlier size {size1}"),
            size2=size2,
            size1=size1,
        )
    if size1 == 0:
        raise ProofError(N_("a consistency proof from the empty tree proves nothing"))
    if size1 == size2:
        if proof:
            raise ProofError(N_("two trees of the same size need an empty consistency proof"))
        if root1 != root2:
            raise ProofError(N_("two trees of size {size1} have different roots"), size1=size1)
        return
    _check_hash(ParleyError(N_("the old root")), root1)
    _check_hash(ParleyError(N_("the new root")), root2)
    _check_proof(proof, consistency_proof_length(size1, size2))
    # RFC 9162 section 2.1.4.2; an old tree of 2^k leaves is itself the first node.
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise ProofError(
            N_("the consistency proof from size {size1} to {size2} does not match the two roots"),
            size1=size1,
            size2=size2,
        )
