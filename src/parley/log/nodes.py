"""Stored subtree hashes: roots and proofs in O(log n) reads, appends in O(log n) writes.

Node (level, idx) is the tree hash of the full perfect subtree over leaves
[idx * 2^level, (idx + 1) * 2^level); level 0 holds the leaf hashes. Such a node never
changes once written, so a store (the lead's SQL table `log_nodes(level, idx, hash)`, or
`MemoryNodeStore` in tests) only ever inserts. The format is in docs/log-format.md, section 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256
from typing import NamedTuple, Protocol

from parley.errors import N_
from parley.log.errors import ProofRequestError
from parley.log.merkle import (
    _NODE_PREFIX,
    EMPTY_ROOT,
    Range,
    check_consistency_request,
    check_inclusion_request,
    consistency_ranges,
    inclusion_ranges,
    node_hash,
)


class NodeId(NamedTuple):
    level: int
    idx: int  # not `index`, which tuple already defines


class Node(NamedTuple):
    level: int
    idx: int
    hash: bytes


class NodeReader(Protocol):
    """Read side of the port: what root and proof computation need."""

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """The hashes of the given nodes, in the same order; LookupError if one is absent."""
        ...


class NodeStore(NodeReader, Protocol):
    """Write side of the port: what an append persists, in the same transaction as the entry."""

    def put_nodes(self, nodes: Sequence[Node]) -> None:
        """Insert new nodes; a node already stored must never be changed."""
        ...


class MemoryNodeStore:
    """An in-memory NodeStore, one list per level (nodes arrive in index order)."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        try:
            return [self._levels[level][index] for level, index in ids]
        except IndexError as e:
            raise LookupError("a requested subtree node is not stored") from e

    def put_nodes(self, nodes: Sequence[Node]) -> None:
        for level, index, value in nodes:
            while len(self._levels) <= level:
                self._levels.append([])
            row = self._levels[level]
            if index == len(row):
                row.append(value)
            elif index > len(row):
                raise ValueError(f"node ({level}, {index}) would leave a gap in level {level}")
            elif row[index] != value:
                raise ValueError(f"node ({level}, {index}) is already stored with another hash")

    @property
    def size(self) -> int:
        """How many leaves have been stored."""
        return len(self._levels[0]) if self._levels else 0

    def extend(self, size: int, leaf_hashes: Sequence[bytes]) -> None:
        """`append_leaves` and `put_nodes` in one, straight on the level lists: what verify
        does a million times, without a Node tuple a node."""
        if size != self.size:
            raise ValueError(f"the store holds {self.size} leaves, not {size}")
        level, start, row = 0, size, list(leaf_hashes)
        while row:
            if level == len(self._levels):
                self._levels.append([])
            stored = self._levels[level]
            # a tree of `size` leaves holds floor(size / 2^level) nodes at each level
            assert len(stored) == start
            stored.extend(row)
            if start & 1:  # the first one's left sibling is the old tree's subtree here
                row.insert(0, stored[start - 1])
                start -= 1
            row = [
                sha256(_NODE_PREFIX + row[i] + row[i + 1]).digest()
                for i in range(0, len(row) - 1, 2)
            ]
            level, start = level + 1, start >> 1


def range_ids(lo: int, hi: int) -> list[NodeId]:
    """The stored nodes covering [lo, hi), largest first; lo must be aligned as in RFC 9162."""
    ids: list[NodeId] = []
    position, count = lo, hi - lo
    for level in reversed(range(count.bit_length())):
        if count >> level & 1:
            if position % (1 << level):
                raise ValueError(f"range [{lo}, {hi}) does not split into stored subtrees")
            ids.append(NodeId(level, position >> level))
            position += 1 << level
    return ids


def compact_range_ids(size: int) -> list[NodeId]:
    """The perfect subtrees covering the first `size` leaves: the tree's compact range."""
    return range_ids(0, size)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Join a range's subtree hashes, largest first, into the range's tree hash."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _read(nodes: NodeReader, ids: Sequence[NodeId], size: int) -> list[bytes]:
    try:
        return nodes.get_nodes(ids)
    except LookupError as e:
        raise ProofRequestError(
            N_("the node store lacks subtrees of the first {size} entries; is the log that long?"),
            size=size,
        ) from e


def _range_hashes(nodes: NodeReader, ranges: Sequence[Range], size: int) -> list[bytes]:
    """The tree hash of each range, read in one batch so a SQL store answers in one query."""
    per_range = [range_ids(lo, hi) for lo, hi in ranges]
    flat = [node_id for ids in per_range for node_id in ids]
    values = iter(_read(nodes, flat, size))
    return [_fold([next(values) for _ in ids]) for ids in per_range]


def root_from_nodes(nodes: NodeReader, size: int) -> bytes:
    """The root of the tree of the first `size` leaves, from popcount(size) stored nodes."""
    if size < 0:
        raise ProofRequestError(N_("tree size {size} is negative"), size=size)
    if size == 0:
        return EMPTY_ROOT
    return _fold(_read(nodes, compact_range_ids(size), size))


def inclusion_proof_from_nodes(nodes: NodeReader, index: int, size: int) -> list[bytes]:
    """The audit path of entry `index` in the tree of `size` leaves, from O(log n) nodes."""
    check_inclusion_request(index, size, size)
    return _range_hashes(nodes, inclusion_ranges(index, size), size)


def consistency_proof_from_nodes(nodes: NodeReader, size1: int, size2: int) -> list[bytes]:
    """The consistency proof from size1 to size2, from O(log n) stored nodes."""
    check_consistency_request(size1, size2, size2)
    return _range_hashes(nodes, consistency_ranges(size1, size2), size2)


def append_leaves(nodes: NodeReader, size: int, leaf_hashes: Sequence[bytes]) -> list[Node]:
    """The new nodes to store when leaves are added to a tree of `size` leaves.

    Only the compact range of the old tree is read; every node returned is new. The new
    nodes are made a level at a time (each level in index order), so a long batch costs one
    SHA-256 call per node and little else.
    """
    frontier_ids = compact_range_ids(size)
    frontier = {
        node_id.level: value
        for node_id, value in zip(frontier_ids, _read(nodes, frontier_ids, size), strict=True)
    }
    new: list[Node] = []
    level, start, row = 0, size, list(leaf_hashes)
    while row:
        new.extend(Node(level, start + i, value) for i, value in enumerate(row))
        if start & 1:  # the first one's left sibling is the old tree's subtree at this level
            row.insert(0, frontier[level])
            start -= 1
        row = [
            sha256(_NODE_PREFIX + row[i] + row[i + 1]).digest() for i in range(0, len(row) - 1, 2)
        ]
        level, start = level + 1, start >> 1
    return new


def append(nodes: NodeReader, size: int, leaf_hash: bytes) -> list[Node]:
    """The new nodes to store when one leaf is added to a tree of `size` leaves."""
    return append_leaves(nodes, size, [leaf_hash])


def extend(store: NodeStore, size: int, leaf_hashes: Sequence[bytes]) -> int:
    """Append leaves to a store holding `size` leaves; return the new size."""
    if isinstance(store, MemoryNodeStore):
        store.extend(size, leaf_hashes)
    else:
        store.put_nodes(append_leaves(store, size, leaf_hashes))
    return size + len(leaf_hashes)
