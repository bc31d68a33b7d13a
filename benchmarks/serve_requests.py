"""Requests per second and p50/p99 latency of `parley serve` at 1, 8 and 32 concurrent clients,
on SQLite and PostgreSQL: signed handover confirmations (the mediator confirms one person per
request: a signed write, one log entry), signed reads (UA's `GET /v1/matches`) and, as the peer,
a plain unsigned route added to the same FastAPI app (the cost of the framework alone).

The server runs in its own process (uvicorn with `parley serve`'s options and access log; with
`--workers N`, N worker processes on one socket and one database, as `parley serve --workers N`);
the clients are threads of this one sending one request after another, each signed as the
CLI signs and sent as the CLI's client sends it: on the connection its previous answer left open
(HTTP keep-alive; a client sending a batch of confirmations or paging a sync does the same), or
with `--fresh-connections` each on a new connection (a party's one-off command). For the
set-up's convenience every party's key sits in the server's data directory; the requests are
signed the same way.

Beside the rates, what each request cost in CPU, which holds when the machine is loaded (the
rates do not): the server process's (user + system, all its threads, from /proc; of it, in
'(loop)', its event loop's thread, the rest being the routes' worker threads), PostgreSQL's
backends serving it (found by the server's application_name; the WAL writer and checkpointer
are not counted) and this process's, the clients'.

Run: .venv/bin/python benchmarks/serve_requests.py [--seconds 3] [--persons 1500] [--db sqlite]
     [--only confirm] [--clients 1 32] [--workers 2] [--fresh-connections]
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from parley.app import agreements, batches, instance, rosters
from parley.app.client import Client, Reply
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.keys import KeyRing
from parley.app.ledger import Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.handovers import HandoverState as S
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import tables

POSTGRES = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LEVELS = (1, 8, 32)


def _prepare(ledger: Ledger, persons: int) -> list[PersonRef]:
    """An instance with a witnessed all-for-all and one batch whose persons are all received."""
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE), local_key=True)
    terms = ExchangeTerms(ExchangeMode.ALL_FOR_ALL)
    phase = Phase("P", 1, "p", (Commitment("EX", CommitmentKind.EXCHANGE, "x", exchange=terms),))
    agreement = Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    agreements.draft(ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for signer in ("UA", "RU", "MED"):
        agreements.sign(ledger, actor=signer, agreement_id="A", text_sha256=digest)
    refs: list[PersonRef] = []
    for side in ("UA", "RU"):
        records = [PersonRecord(f"{side}-{n}", family_name=f"F{n}") for n in range(persons)]
        rosters.import_roster(
            ledger,
            party_id=side,
            kind=RosterKind.HELD,
            records=records,
            source="bench",
            source_sha256="0",
        )
        refs += [PersonRef(side, r.record_id) for r in records]
    batches.plan(
        ledger,
        actor="MED",
        batch_id="B",
        commitment_id="EX",
        place="p",
        planned_date=None,
        persons=refs,
    )
    receiving = {"UA": "RU", "RU": "UA"}
    for state in (S.LOCATED, S.AGREED, S.CLEARED, S.CONSENT_VERIFIED, S.TRANSFERRED, S.RECEIVED):
        for side in ("UA", "RU"):
            actor = {S.CLEARED: side, S.TRANSFERRED: side, S.RECEIVED: receiving[side]}
            moves = [(r, state, "") for r in refs if r.party_id == side]
            batches.advance(ledger, actor=actor.get(state, "MED"), batch_id="B", moves=moves)
    return refs


def _serve(
    data_dir: str, url: str, port: int, profile: str | None = None, workers: int = 1
) -> None:
    """The server process: the instance's app with one plain unsigned route beside /v1;
    with `profile`, every thread's calls are profiled and the sum written there on exit.
    With `workers` > 1, uvicorn's supervisor and that many workers, as `parley serve` runs
    them (`_worker_app`)."""
    import uvicorn

    from parley.api import serve
    from parley.api.app import create_app

    serve.log_requests()  # as `parley serve` does: one access-log line per request
    if workers > 1:
        if profile:
            raise SystemExit("--profile profiles one server process: leave --workers out")
        DeskAccess.start(Path(data_dir) / "desk", f"http://127.0.0.1:{port}")
        os.environ.update(PARLEY_DATA_DIR=data_dir, PARLEY_DATABASE_URL=url)
        os.environ["PARLEY_SERVE_WORKERS"] = str(workers)
        uvicorn.run(
            "serve_requests:_worker_app",
            factory=True,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            workers=workers,
            timeout_worker_healthcheck=serve.WORKER_HEALTHCHECK_SECONDS,
            **serve.OPTIONS,
        )
        return
    ledger = Ledger.open(Settings(Path(data_dir), url))
    api = _with_plain(create_app(ledger))
    profiles = _profile_threads() if profile else []
    serve.set_aside_start_up()  # and sets start-up's objects aside from the cycle collector
    try:  # uvicorn raises the signal that stopped it again once it has shut down
        uvicorn.run(api, host="127.0.0.1", port=port, log_level="warning", **serve.OPTIONS)
    finally:
        if profile:
            pstats.Stats(*profiles).dump_stats(profile)


def _with_plain(api: FastAPI) -> FastAPI:
    @api.get("/plain")
    def plain() -> dict[str, bool]:
        return {"ok": True}

    return api


def _worker_app() -> FastAPI:
    """A worker's app: `parley serve`'s, with the plain route (uvicorn's factory)."""
    from parley.api import serve

    api = _with_plain(serve.worker_app())
    serve.set_aside_start_up()  # the route added after the worker's own freeze
    return api


def _profile_threads() -> list[cProfile.Profile]:
    """Profile this thread and every thread started from now on (cProfile sees its own)."""
    profiles: list[cProfile.Profile] = []

    def start(*_: object) -> None:
        profile = cProfile.Profile(time.thread_time)  # CPU time: waits do not count
        profiles.append(profile)
        profile.enable()  # replaces this hook in the new thread

    threading.setprofile(start)
    start()
    return profiles


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread, live or ended) the process and its live
    children (a supervisor's workers) have used; 0 if it is gone."""
    return _own_cpu(pid) + sum(_own_cpu(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _loop_cpu(pid: int) -> float:
    """CPU seconds the main threads (the event loops) of the process and its children have
    used: the rest of the server's is its other threads' (the routes' worker threads)."""
    return sum(_thread_cpu(p) for p in (pid, *_children(pid)))


def _thread_cpu(pid: int) -> float:
    """CPU seconds the process's main thread has used; 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/task/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _own_cpu(pid: int) -> float:
    """CPU seconds the process itself has used; 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()  # after the command's name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15)


class _Meter:
    """CPU seconds used by the server, its PostgreSQL backends and this process since `start`."""

    def __init__(self, server: int, backends: Callable[[], list[int]]) -> None:
        self.server, self.backends = server, backends

    def start(self) -> None:
        self.at = (_cpu(self.server), self._database(), os.times())
        self.loop_at = _loop_cpu(self.server)

    def loop(self) -> float:
        """The server's event loops' CPU seconds since `start`."""
        return _loop_cpu(self.server) - self.loop_at

    def _database(self) -> dict[int, float]:
        return {pid: _own_cpu(pid) for pid in self.backends()}

    def used(self) -> tuple[float, float, float]:
        """(server, database, clients) CPU seconds since `start`; a backend opened since then
        counts from zero, one closed since then is lost."""
        server, database, mine = self.at
        now = os.times()
        db = sum(cpu - database.get(pid, 0.0) for pid, cpu in self._database().items())
        clients = now.user + now.system - mine.user - mine.system
        return _cpu(self.server) - server, db, clients


class _Fresh(Client):
    """A client that sends each request on a new connection, closed after its answer."""

    def __init__(self, client: Client) -> None:
        super().__init__(f"http://{client.host}:{client.port}", client.signer)

    def raw(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
        *,
        timeout: float | None = None,
    ) -> Reply:
        with Client(f"http://{self.host}:{self.port}", self.signer) as once:
            return once.raw(method, path, body, headers, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 120  # spawned workers start slowly on a loaded machine
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def _run(
    clients: int, seconds: float, one: Callable[[], int]
) -> tuple[float, float, float, int, bool, int]:
    """(requests/s, p50 ms, p99 ms, refusals, whether `one` ran out before time, requests) of
    `clients` threads calling `one` until time."""
    latencies: list[float] = []
    refused = [0]
    ran_out = threading.Event()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop and not ran_out.is_set():
            t0 = time.perf_counter()
            try:
                status = one()
            except StopIteration:
                ran_out.set()
                break
            mine.append(time.perf_counter() - t0)
            bad += status >= 300
        with lock:
            latencies.extend(mine)
            refused[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    if not latencies:
        return 0.0, 0.0, 0.0, refused[0], ran_out.is_set(), 0
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    rate = len(latencies) / elapsed
    return rate, p50, p99, refused[0], ran_out.is_set(), len(latencies)


def _backends(url: str) -> Callable[[], list[int]]:
    """The process ids of the PostgreSQL backends the server at `url` holds open (none on
    SQLite): those whose application_name is the one in its URL."""
    if not url.startswith("postgresql"):
        return list
    name = url.rpartition("application_name=")[2]
    admin = create_engine(POSTGRES, poolclass=NullPool)
    query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")

    def backends() -> list[int]:
        with admin.connect() as conn:
            return [int(pid) for pid in conn.execute(query, {"name": name}).scalars()]

    return backends


def _analyze(url: str) -> None:
    """PostgreSQL's statistics of the tables the set-up filled, as its autovacuum gathers them
    soon after on a served instance: a fresh schema has none, and its plans scan whole tables."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for table in tables.metadata.sorted_tables:
            conn.execute(text(f'ANALYZE "{table.name}"'))
    engine.dispose()


def _databases(which: str) -> Iterator[tuple[str, Path, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        if which in ("sqlite", "both"):
            data = Path(tmp) / "sqlite"
            yield "SQLite", data, f"sqlite:///{data / 'parley.db'}"
        if which in ("postgresql", "both"):
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in POSTGRES else "?"
            try:
                # the server's backends name it, so their CPU can be told from others'
                url = f"{POSTGRES}{sep}options=-csearch_path%3D{schema}&application_name={schema}"
                yield "PostgreSQL", Path(tmp) / "pg", url
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--persons", type=int, default=1500, help="per side: the writes' pool")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--only", choices=("plain", "read", "confirm"), help="measure this request alone"
    )
    parser.add_argument(
        "--clients", type=int, nargs="+", default=list(LEVELS), help="concurrency levels"
    )
    parser.add_argument("--profile", help="write the server's cProfile stats (all threads) here")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (parley serve --workers)"
    )
    parser.add_argument(
        "--fresh-connections",
        action="store_true",
        help="each request on a new connection (no keep-alive)",
    )
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve[0], args.serve[1], int(args.serve[2]), args.profile, args.workers)
        return
    connections = "a new one per request" if args.fresh_connections else "kept (keep-alive)"
    print(
        f"server workers: {args.workers}; connections: {connections};"
        f" load average {os.getloadavg()[0]:.1f} at the start"
    )
    print(
        f"{'database':11s} {'request':28s} {'clients':>7s} {'req/s':>8s} {'p50 ms':>8s}"
        f" {'p99 ms':>8s} {'refused':>7s} {'CPU ms/request: server':>22s} {'(loop)':>6s} {'db':>5s}"
        f" {'clients':>7s}"
    )
    for name, data, url in _databases(args.db):
        _measure(
            name,
            data,
            url,
            args.seconds,
            args.persons,
            args.only,
            args.clients,
            args.profile,
            args.workers,
            args.fresh_connections,
        )


def _measure(
    name: str,
    data: Path,
    url: str,
    seconds: float,
    persons: int,
    only: str | None = None,
    levels: list[int] | None = None,
    profile: str | None = None,
    workers: int = 1,
    fresh: bool = False,
) -> None:
    ledger = Ledger.open(Settings(data, url), create=True)
    pool = iter(_prepare(ledger, persons))
    ledger.close()
    _analyze(url)
    pool_lock = threading.Lock()
    port = _free_port()
    command = [sys.executable, __file__, "--serve", str(data), url, str(port)]
    command += ["--workers", str(workers)]
    log = (data / "server.log").open("wb")  # its access log and any error
    server = subprocess.Popen(command + (["--profile", profile] if profile else []), stderr=log)
    meter = _Meter(server.pid, _backends(url))
    try:
        _wait(port)
        base = f"http://127.0.0.1:{port}"
        ring = KeyRing(data / "keys")
        med, ua = Client(base, ring.signer("MED")), Client(base, ring.signer("UA"))
        if fresh:
            med, ua = _Fresh(med), _Fresh(ua)

        def plain() -> int:
            return med.raw("GET", "/plain", b"", {}).status

        def read() -> int:
            return ua.call("GET", "/v1/matches").status

        def confirm() -> int:
            with pool_lock:
                p = next(pool)
            body = {"persons": [{"party": p.party_id, "record": p.record_id}]}
            return med.call("POST", "/v1/batches/B/confirmations", body).status

        for kind, label, one in (
            ("plain", "plain GET (unsigned)", plain),
            ("read", "signed read GET /v1/matches", read),
            ("confirm", "signed handover confirmation", confirm),
        ):
            if only not in (None, kind):
                continue
            for clients in levels or LEVELS:
                meter.start()
                rate, p50, p99, bad, ran_out, done = _run(clients, seconds, one)
                loop = meter.loop()
                cpu = [f"{used * 1000 / max(done, 1):.2f}" for used in meter.used()]
                cpu.append(f"{loop * 1000 / max(done, 1):.2f}")
                if not url.startswith("postgresql"):
                    cpu[1] = "-"
                # the persons to confirm ran out: what ran is measured, the level is cut short
                short = f"  (the {persons * 2} persons ran out: raise --persons)" if ran_out else ""
                print(
                    f"{name:11s} {label:28s} {clients:7d} {rate:8.0f} {p50:8.1f}"
                    f" {p99:8.1f} {bad:7d} {cpu[0]:>22s} {cpu[3]:>6s} {cpu[1]:>5s} {cpu[2]:>7s}{short}",
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: the profile, if any, is written
        server.wait(30)
        log.close()
        errors = [x for x in (data / "server.log").read_text().splitlines() if x[:1] != "{"]
        if errors:
            print("the server said:", *errors[-20:], sep="\n", file=sys.stderr)


if __name__ == "__main__":
    main()
