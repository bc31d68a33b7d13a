"""CPU time per signed handover confirmation below the HTTP layer: what `parley serve` runs for
`POST /v1/batches/B/confirmations` once the request is read (admission: signature, key and nonce;
the use case in the ledger's group commit; the answer kept for retries), without FastAPI or
sockets. Clients are threads of this process, as the server's thread pool is; the figure is the
process's CPU seconds (user + system, getrusage) over the confirmations done, so a loaded machine
stretches the wall clock but not the figure. The database's own CPU (PostgreSQL's backend) is
not counted; the commits, statements and round trips per confirmation are printed beside it.

With --use-case, the use case alone (the ledger's part: what runs inside `caller.acting()`), for
a request whose signature the door already checked.

Run: .venv/bin/python benchmarks/serve_writes.py [--db postgresql] [--persons 1500]
     [--count 1000] [--clients 1 32] [--use-case] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

from parley.app import batches
from parley.app import requests as signed_requests
from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.app.ledger import Ledger
from parley.app.requests import Answer
from parley.app.signing import Command
from parley.domain.agreements import PersonRef
from parley.log.command import SignedCommand, command_body, sign_command

sys.path.insert(0, str(Path(__file__).parent.parent))
from benchmarks.serve_requests import _databases, _prepare

PATH = "/v1/batches/B/confirmations"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _request(ring: KeyRing, person: PersonRef) -> tuple[dict[str, str], bytes]:
    """The headers and body the CLI's client sends for one confirmation."""
    body = command_body({"persons": [{"party": person.party_id, "record": person.record_id}]})
    signed = sign_command(
        method="POST",
        path=PATH,
        body=body,
        signing_key=ring.signer("MED"),
        created=int(time.time()),
    )
    headers = {
        "content-digest": signed.content_digest,
        "signature-input": signed.signature_input(),
        "signature": signed.signature_field(),
    }
    return headers, body


def _confirm(ledger: Ledger, headers: dict[str, str], body: bytes, person: PersonRef) -> int:
    """What the route and its signed door run for one request, in order."""
    caller, first = signed_requests.admit(
        ledger, method="POST", path=PATH, headers=headers, body=body, now=int(time.time())
    )
    assert first is None
    try:
        with caller.acting():
            done = batches.confirm(ledger, actor=caller.party_id, batch_id="B", persons=[person])
        data = {"first": done.first, "count": done.count}
        answer = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        signed_requests.remember(ledger, caller, Answer(200, answer))
        return done.count
    finally:
        signed_requests.release(ledger, caller)


def _use_case(ledger: Ledger, headers: dict[str, str], body: bytes, person: PersonRef) -> int:
    """The use case alone, as the route runs it for a request already admitted."""
    signed = SignedCommand.from_fields(
        method="POST",
        path=PATH,
        content_digest=headers["content-digest"],
        signature_input=headers["signature-input"],
        signature=headers["signature"],
    )
    with Ledger.commanded(Command(signed, body, _PUBLIC[signed.keyid])):
        done = batches.confirm(ledger, actor="MED", batch_id="B", persons=[person])
    return done.count


_PUBLIC: dict[str, bytes] = {}


class _Counts:
    """Statements and commits the engine sends (each a round trip, but for pipelined ones)."""

    def __init__(self, ledger: Ledger) -> None:
        self.statements = 0
        self.commits = 0
        event.listen(ledger.engine, "before_cursor_execute", self._statement)
        event.listen(ledger.engine, "commit", self._commit)

    def _statement(self, *_: object) -> None:
        self.statements += 1

    def _commit(self, *_: object) -> None:
        self.commits += 1


def _level(
    ledger: Ledger,
    requests: list[tuple[dict[str, str], bytes, PersonRef]],
    clients: int,
    profile_to: str | None,
    run: Callable[[Ledger, dict[str, str], bytes, PersonRef], int] = _confirm,
) -> None:
    """The requests sent by `clients` threads, each taking the next one; with `profile_to`, a
    profile of every thread's CPU time (not wall time) written there."""
    lock = threading.Lock()
    feed = iter(requests)
    profiles: list[cProfile.Profile] = []

    def worker() -> None:
        profile = cProfile.Profile(time.thread_time) if profile_to else None
        if profile is not None:
            profile.enable()
        while True:
            with lock:
                item = next(feed, None)
            if item is None:
                break
            assert run(ledger, *item) == 1
        if profile is not None:
            profile.disable()
            with lock:
                profiles.append(profile)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if profile_to:
        stats = pstats.Stats(profiles[0])
        for other in profiles[1:]:
            stats.add(other)
        stats.dump_stats(profile_to)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="postgresql")
    parser.add_argument("--persons", type=int, default=1500, help="per side")
    parser.add_argument("--count", type=int, default=1000, help="confirmations per level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--profile", help="write a cProfile of the last level here")
    parser.add_argument(
        "--use-case", action="store_true", help="the use case alone, without the admission"
    )
    args = parser.parse_args()
    print(
        f"{'database':11s} {'clients':>7s} {'confirmed':>9s} {'CPU ms each':>11s}"
        f" {'wall/s':>7s} {'commits each':>12s} {'SQLAlchemy stmts':>16s}"
    )
    for name, data, url in _databases(args.db):
        ledger = Ledger.open(Settings(data, url), create=True)
        pool = _prepare(ledger, args.persons)
        ledger.close()
        ledger = Ledger.open(Settings(data, url))
        ring = KeyRing(data / "keys")
        signer = ring.signer("MED")
        _PUBLIC[signer.key_id] = signer.public
        for clients in args.clients:
            todo, pool = pool[: args.count], pool[args.count :]
            if len(todo) < args.count:
                raise SystemExit("the persons ran out: raise --persons")
            requests = [(*_request(ring, p), p) for p in todo]
            counts = _Counts(ledger)
            t0, c0 = time.perf_counter(), _cpu()
            last = clients == args.clients[-1]
            run = _use_case if args.use_case else _confirm
            _level(ledger, requests, clients, args.profile if last else None, run)
            cpu, wall = _cpu() - c0, time.perf_counter() - t0
            n = len(requests)
            event.remove(ledger.engine, "before_cursor_execute", counts._statement)
            event.remove(ledger.engine, "commit", counts._commit)
            print(
                f"{name:11s} {clients:7d} {n:9d} {cpu / n * 1000:11.2f} {n / wall:7.0f}"
                f" {counts.commits / n:12.2f} {counts.statements / n:16.1f}",
                flush=True,
            )
        ledger.close()


if __name__ == "__main__":
    main()
