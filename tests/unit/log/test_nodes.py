"""The stored-node path: same answers as the list functions, in O(log n) reads."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.log import (
    MemoryNodeStore,
    Node,
    NodeId,
    ProofRequestError,
    append,
    consistency_proof,
    consistency_proof_from_nodes,
    inclusion_proof,
    inclusion_proof_from_nodes,
    leaf_hash,
    root_from_nodes,
    root_hash,
)
from parley.log.nodes import append_leaves, compact_range_ids, extend, range_ids

MAX = 2000
LEAVES = [leaf_hash(b"event %d" % i) for i in range(MAX)]
FULL = MemoryNodeStore()
extend(FULL, 0, LEAVES)


class CountingReader:
    """Wraps a store and counts the nodes read, as a SQL store would count rows fetched."""

    def __init__(self, inner: MemoryNodeStore) -> None:
        self.inner = inner
        self.reads = 0
        self.calls = 0

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        self.reads += len(ids)
        self.calls += 1
        return self.inner.get_nodes(ids)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 150), min_size=1, max_size=12))
def test_appends_in_any_batches_build_the_same_tree(batches: list[int]) -> None:
    store, size = MemoryNodeStore(), 0
    generic = MemoryNodeStore()  # the NodeStore path every store takes, node by node
    for count in batches:
        generic.put_nodes(append_leaves(generic, size, LEAVES[size : size + count]))
        size = extend(store, size, LEAVES[size : size + count])
        assert root_from_nodes(store, size) == root_hash(LEAVES[:size])
        assert store._levels == generic._levels
    assert store.size == size
    with pytest.raises(ValueError, match=f"holds {size} leaves"):
        store.extend(size + 1, LEAVES[:1])


@given(st.integers(1, MAX), st.data())
def test_node_proofs_agree_with_list_proofs(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    assert inclusion_proof_from_nodes(FULL, index, size) == inclusion_proof(LEAVES, index, size)
    assert consistency_proof_from_nodes(FULL, old, size) == consistency_proof(LEAVES, old, size)
    assert root_from_nodes(FULL, size) == root_hash(LEAVES[:size])


@given(st.integers(1, MAX), st.data())
def test_proofs_read_logarithmically_many_nodes_in_one_call(size: int, data: st.DataObject) -> None:
    bound = 2 * size.bit_length()
    reader = CountingReader(FULL)
    inclusion_proof_from_nodes(reader, data.draw(st.integers(0, size - 1)), size)
    assert reader.reads <= bound
    assert reader.calls == 1
    reader = CountingReader(FULL)
    consistency_proof_from_nodes(reader, data.draw(st.integers(1, size)), size)
    assert reader.reads <= bound
    assert reader.calls == 1
    reader = CountingReader(FULL)
    root_from_nodes(reader, size)
    assert reader.reads == size.bit_count()


@given(st.integers(0, MAX - 1))
def test_append_reads_the_compact_range_and_returns_only_new_nodes(size: int) -> None:
    reader = CountingReader(FULL)
    new = append(reader, size, LEAVES[size])
    assert reader.reads == size.bit_count()
    # Leaf `size` completes one parent per trailing 1 bit of its index.
    trailing_ones = (size ^ (size + 1)).bit_length() - 1
    assert [(n.level, n.idx) for n in new] == [
        (lvl, size >> lvl) for lvl in range(trailing_ones + 1)
    ]
    assert FULL.get_nodes([NodeId(n.level, n.idx) for n in new]) == [n.hash for n in new]


def test_a_log_of_n_leaves_stores_2n_minus_popcount_nodes() -> None:
    new = append_leaves(MemoryNodeStore(), 0, LEAVES[:1000])
    assert len(new) == 2 * 1000 - (1000).bit_count()
    assert len({(n.level, n.idx) for n in new}) == len(new)


def test_compact_range_is_the_binary_decomposition() -> None:
    assert compact_range_ids(13) == [NodeId(3, 0), NodeId(2, 2), NodeId(0, 12)]
    assert compact_range_ids(0) == []
    assert range_ids(8, 11) == [NodeId(1, 4), NodeId(0, 10)]
    with pytest.raises(ValueError, match="does not split"):
        range_ids(3, 7)


def test_stored_nodes_never_change_and_never_leave_gaps() -> None:
    store = MemoryNodeStore()
    extend(store, 0, LEAVES[:4])
    store.put_nodes([Node(0, 1, LEAVES[1])])  # writing the same node again is harmless
    with pytest.raises(ValueError, match="already stored with another hash"):
        store.put_nodes([Node(0, 1, LEAVES[2])])
    with pytest.raises(ValueError, match="gap"):
        store.put_nodes([Node(0, 9, LEAVES[9])])


def test_asking_beyond_the_stored_log_is_a_typed_error() -> None:
    store = MemoryNodeStore()
    extend(store, 0, LEAVES[:5])
    with pytest.raises(ProofRequestError, match="first 9 entries"):
        root_from_nodes(store, 9)
    with pytest.raises(ProofRequestError):
        inclusion_proof_from_nodes(store, 2, 9)
    with pytest.raises(ProofRequestError):
        consistency_proof_from_nodes(store, 3, 9)
    with pytest.raises(ProofRequestError):
        inclusion_proof_from_nodes(store, 5, 5)
    with pytest.raises(ProofRequestError):
        root_from_nodes(store, -1)
