"""Proof and root times through the stored-node path at 10^3 and 10^6 entries.

Target (issue 3): an inclusion or consistency proof in under 1 ms, growing with log n.
The node store is in memory here, so these are the CPU costs of the proof code; a SQL store
adds one indexed query per proof (every proof reads its nodes in one batch).

Run: .venv/bin/python benchmarks/log_proofs.py [--sizes 1000 1000000] [--samples 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence

from parley.log import (
    MemoryNodeStore,
    NodeId,
    consistency_proof_from_nodes,
    inclusion_proof_from_nodes,
    leaf_hash,
    root_from_nodes,
    verify_consistency,
    verify_inclusion,
)
from parley.log.nodes import extend

BATCH = 10_000


class CountingReader:
    """Counts nodes read, to show the O(log n) reads next to the times."""

    def __init__(self, inner: MemoryNodeStore) -> None:
        self.inner = inner
        self.reads = 0

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        self.reads += len(ids)
        return self.inner.get_nodes(ids)


def timed(samples: int, action: Callable[[int], object]) -> tuple[float, float]:
    """Mean and 99th percentile, in microseconds, of `action(i)` over `samples` calls."""
    times = []
    for i in range(samples):
        started = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - started) * 1e6)
    times.sort()
    return statistics.fmean(times), times[int(len(times) * 0.99) - 1]


def build(size: int) -> tuple[MemoryNodeStore, list[bytes], float]:
    leaves = [leaf_hash(b"entry %d" % i) for i in range(size)]
    store, stored = MemoryNodeStore(), 0
    started = time.perf_counter()
    while stored < size:
        stored = extend(store, stored, leaves[stored : stored + BATCH])
    return store, leaves, time.perf_counter() - started


def report(size: int, samples: int, rng: random.Random) -> None:
    store, leaves, seconds = build(size)
    print(f"\n{size:>9,} entries  (stored {2 * size - size.bit_count():,} nodes)")
    print(f"  append, in memory       {size / seconds:>12,.0f} leaves/s")
    indices = [rng.randrange(size) for _ in range(samples)]
    olds = [rng.randrange(1, size) for _ in range(samples)]
    root = root_from_nodes(store, size)
    roots = {old: root_from_nodes(store, old) for old in olds}

    rows: list[tuple[str, Callable[[int], object], Callable[[CountingReader, int], object]]] = [
        (
            "root",
            lambda i: root_from_nodes(store, size),
            lambda r, i: root_from_nodes(r, size),
        ),
        (
            "inclusion proof",
            lambda i: inclusion_proof_from_nodes(store, indices[i], size),
            lambda r, i: inclusion_proof_from_nodes(r, indices[i], size),
        ),
        (
            "consistency proof",
            lambda i: consistency_proof_from_nodes(store, olds[i], size),
            lambda r, i: consistency_proof_from_nodes(r, olds[i], size),
        ),
    ]
    for name, action, counted in rows:
        mean, p99 = timed(samples, action)
        reader = CountingReader(store)
        for i in range(samples):
            counted(reader, i)
        print(
            f"  {name:<22}  mean {mean:7.1f} µs   p99 {p99:7.1f} µs"
            f"   {reader.reads / samples:5.1f} nodes read"
        )

    inclusion = [inclusion_proof_from_nodes(store, indices[i], size) for i in range(samples)]
    consistency = [consistency_proof_from_nodes(store, olds[i], size) for i in range(samples)]
    mean, p99 = timed(
        samples,
        lambda i: verify_inclusion(leaves[indices[i]], indices[i], size, inclusion[i], root),
    )
    print(f"  {'verify inclusion':<22}  mean {mean:7.1f} µs   p99 {p99:7.1f} µs")
    mean, p99 = timed(
        samples,
        lambda i: verify_consistency(olds[i], size, roots[olds[i]], root, consistency[i]),
    )
    print(f"  {'verify consistency':<22}  mean {mean:7.1f} µs   p99 {p99:7.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--samples", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(20190907)
    print("Parley log proofs through the stored-node path (in-memory store)")
    for size in args.sizes:
        report(size, args.samples, rng)


if __name__ == "__main__":
    main()
