"""Durable signed appends per second, SQLite (WAL, synchronous=FULL) and PostgreSQL.

Each command appends one signed event (a commitment status) with its projection and tree
nodes, in its own transaction, acknowledged after commit. Run sequentially and from several
threads at once.

Run: .venv/bin/python benchmarks/log_appends.py [--seconds 5] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from parley.app import agreements, instance
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ImplementationStatus,
    Phase,
)
from parley.domain.events import Event
from parley.domain.parties import Party, Role

POSTGRES = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _prepare(ledger: Ledger) -> None:
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE), local_key=True)
    phase = Phase("P", 1, "p", (Commitment("C", CommitmentKind.CEASEFIRE, "hold fire"),))
    agreements.draft(
        ledger, actor="MED", agreement=Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    )


def _command(n: int) -> Sequence[Event]:
    return [Event("MED", ev.CommitmentStatusSet("C", ImplementationStatus(n % 4), f"report {n}"))]


def _run(ledger: Ledger, seconds: float, threads: int) -> tuple[int, float]:
    counter = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < stop:
            with lock:
                counter[0] += 1
                n = counter[0]

            def decide(_conn: Connection, n: int = n) -> Sequence[Event]:
                return _command(n)

            ledger.execute(decide)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return counter[0], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        targets = {"sqlite": f"sqlite:///{data / 'parley.db'}"}
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            targets["postgresql"] = f"{POSTGRES}?options=-csearch_path%3D{schema}"
        except Exception as e:  # a benchmark still reports SQLite without a server
            print(f"postgresql: skipped ({type(e).__name__})")
        try:
            for name, url in targets.items():
                ledger = Ledger.open(Settings(data, url), create=True)
                _prepare(ledger)
                for threads in (1, args.threads):
                    count, seconds = _run(ledger, args.seconds, threads)
                    print(
                        f"{name:10s} {threads:2d} thread(s): {count / seconds:8,.0f} durable signed appends/s ({count} in {seconds:.1f} s)"
                    )
                ledger.close()
        finally:
            if "postgresql" in targets:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
