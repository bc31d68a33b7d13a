"""Interactive search over a large roster: latency (target p95 under 50 ms at 100,000) and
whether the right record comes back.

The roster is list A of benchmarks/linkage_synthetic.py (Ukrainian Cyrillic, Faker's
name tables); the queries are how the other side or the press writes the same persons:
Russian Cyrillic, Latin under a standard, or machine-translated Latin, given as one string
with a birth date for half of them.

    .venv/bin/python benchmarks/linkage_search.py [--quick] [--roster N] [--queries Q]
"""

from __future__ import annotations

import argparse
import importlib
import random
import resource
import time
from typing import Any

from parley.linkage import LinkageRecord, SearchIndex

# The generator beside this script (benchmarks/ is no package, so it is found at run time).
synthetic: Any = importlib.import_module("linkage_synthetic")


def _text(r: LinkageRecord) -> str:
    return r.full_name or " ".join(x for x in (r.given_name, r.family_name) if x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a roster of 10,000")
    parser.add_argument("--roster", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--rerank", type=int, help="candidates fully scored (the index's default)")
    args = parser.parse_args()
    size = 10_000 if args.quick else args.roster
    rng = random.Random(7)
    people = synthetic.make_people(size, seed=size)
    roster = [synthetic.render(p, f"A{p.pid}", "uk", rng) for p in people]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    index = SearchIndex(roster)
    if args.rerank is not None:
        index._rerank = args.rerank
    built = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    asked = rng.sample(people, args.queries)
    latency, cpu, top1, top10 = [], [], 0, 0
    for p in asked:
        written = synthetic.render(p, "q", rng.choice(["ru", "latin", "latin", "mt"]), rng)
        birth = written.birth_date if rng.random() < 0.5 else None
        t, c = time.perf_counter(), time.thread_time()
        hits = index.search(_text(written), birth_date=birth, top=10)
        latency.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)  # steadier than wall time on a shared machine
        ids = [h.record_id for h in hits]
        top1 += bool(ids) and ids[0] == f"A{p.pid}"
        top10 += f"A{p.pid}" in ids
    latency.sort()
    cpu.sort()
    q = len(asked)
    print(
        f"search over {size:,} records (rerank {index._rerank}, index built in {built:.1f} s, peak RSS "
        f"{before / 1024:.0f} -> {peak / 1024:.0f} MiB while building), {q} queries: "
        f"p50 {latency[q // 2] * 1e3:.1f} ms, p95 {latency[int(q * 0.95)] * 1e3:.1f} ms, "
        f"p99 {latency[int(q * 0.99)] * 1e3:.1f} ms, max {latency[-1] * 1e3:.1f} ms "
        f"(CPU p50 {cpu[q // 2] * 1e3:.1f} ms, p95 {cpu[int(q * 0.95)] * 1e3:.1f} ms); "
        f"right record first {top1 / q:.3f}, "
        f"in the top 10 {top10 / q:.3f}"
    )


if __name__ == "__main__":
    main()
