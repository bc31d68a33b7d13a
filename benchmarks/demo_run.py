"""Wall time of the demo (target: under 30 s on 2 cores) and of a full rebuild of its log.

Run: .venv/bin/python benchmarks/demo_run.py [--size 2000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from parley.app.config import Settings
from parley.app.rebuild import projection_snapshot, rebuild
from parley.demo.scenario import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="persons a side in phase 2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        started = time.perf_counter()
        ledger = run(
            Settings(data, f"sqlite:///{data / 'parley.db'}"),
            phase2_size=args.size,
            say=lambda _: None,
        )
        demo_seconds = time.perf_counter() - started
        with ledger.reading() as conn:
            live = projection_snapshot(conn)
        started = time.perf_counter()
        entries = rebuild(ledger)
        rebuild_seconds = time.perf_counter() - started
        with ledger.reading() as conn:
            equal = projection_snapshot(conn) == live
        ledger.close()
        size_mb = sum(p.stat().st_size for p in data.glob("parley.db*")) / 2**20
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo, {args.size} persons a side in phase 2: {demo_seconds:.1f} s (target < 30 s)")
    print(
        f"log entries: {entries}; {entries / demo_seconds:,.0f} signed entries/s including projections"
    )
    print(f"rebuild: {rebuild_seconds:.1f} s, equal to live: {equal}")
    print(f"database: {size_mb:.1f} MiB; peak memory: {peak_mb:.0f} MiB")


if __name__ == "__main__":
    main()
