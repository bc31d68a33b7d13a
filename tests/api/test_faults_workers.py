"""Several server processes on one database (`parley serve --workers 2`, or two `parley serve`
on one data directory), on SQLite and PostgreSQL, real servers on loopback: a retry that reaches
the other process while the first runs, or after it, gets the first answer byte for byte; the
same request sent to both at once appends once; a worker killed mid-load loses no acknowledged
request (the supervisor starts another); a request carried out by one process is not run again
by another's use case."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.api.serve import running_file
from parley.app import roster_files
from parley.app.client import Client, Reply
from parley.app.ledger import AnsweredBefore, Ledger
from parley.app.requests import Caller, _slot
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, command_body
from tests.api.helpers import free_port
from tests.api.test_faults import PARLEY, PATH, Server, server  # noqa: F401 (the fixture)


@dataclass
class Other:
    """A second `parley serve` (or a supervisor and its workers) on the first one's data
    directory and database, in its own process group."""

    process: subprocess.Popen[bytes]
    ua: Client
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        with contextlib.suppress(ProcessLookupError):  # no worker outlives the test
            os.killpg(self.process.pid, signal.SIGKILL)

    def workers(self) -> list[int]:
        """The supervisor's worker processes (spawned: not its resource tracker)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rpartition(")")[2].split()[1])
                line = (stat.parent / "cmdline").read_bytes()
            except (OSError, ValueError):
                continue
            if ppid == self.process.pid and b"spawn_main" in line:
                found.append(int(stat.parent.name))
        return found


@contextlib.contextmanager
def serving(server: Server, *, workers: int = 1) -> Iterator[Other]:  # noqa: F811
    port = free_port()
    env = {
        **os.environ,
        "PARLEY_DATA_DIR": str(server.settings.data_dir),
        "PARLEY_DATABASE_URL": server.settings.database_url,
    }
    command = [PARLEY, "serve", "--port", str(port), "--workers", str(workers)]
    said = server.settings.data_dir.parent / f"serve-{port}.log"
    with said.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    other = Other(process, Client(f"http://127.0.0.1:{port}", server.ua.signer, timeout=60), port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if other.ua.raw("GET", "/healthz", b"", {}).status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    text = said.read_text(errors="replace")[-3000:]
                    raise AssertionError(f"the server did not start:\n{text}") from None
                time.sleep(0.1)
        yield other
    finally:
        other.stop()


def _import(
    ua: Client, name: str, persons: int = 1, *, merge: bool = False
) -> tuple[SignedCommand, bytes]:
    rows = [
        {"record_id": f"UA-{name}-{n}", "family_name": "Шевченко", "given_name": f"{name}{n}"}
        for n in range(persons)
    ]
    body = command_body({"records": rows, "source": name, "merge": merge})
    return ua.sign("POST", PATH, body), body


def test_a_retry_on_the_other_server_gets_the_first_answer(server: Server) -> None:  # noqa: F811
    """A large import sent to the first server; the same request sent to the second while the
    first runs it (its nonce held in the data directory they share), and again after: each gets
    the first answer (201 and its diff), byte for byte, and the import is on the log once."""
    with serving(server) as other:
        signed, body = _import(server.ua, "slow", persons=3000)
        slot = _slot(signed.keyid, signed.nonce)
        first: list[Reply] = []
        sent = threading.Thread(target=lambda: first.append(server.ua.send(signed, body)))
        size = server.size()
        sent.start()
        deadline = time.monotonic() + 60
        while not _running(server, slot) and not first and time.monotonic() < deadline:
            time.sleep(0.002)
        assert not first, "the first request ended before the retry: make it larger"
        during = other.ua.send(signed, body)
        sent.join(120)
        assert first and first[0].status == 201, first
        assert (during.status, during.body) == (first[0].status, first[0].body)
        after = [other.ua.send(signed, body), server.ua.send(signed, body)]
        assert [(a.status, a.body) for a in after] == [(201, first[0].body)] * 2
        assert server.logged_nonces().count(signed.nonce) == 1
        grown = server.size() - size
        assert grown > 0
        assert (
            other.ua.send(*_import(server.ua, "next", merge=True)).status == 201
        )  # it still serves
        assert not _running(server, slot)  # answered: its nonce let go


def _running(server: Server, slot: int) -> bool:  # noqa: F811
    """Whether a server process holds the request's byte of the shared lock file (runs it)."""
    path = running_file(server.settings)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
    except OSError:
        return True
    finally:
        os.close(fd)  # and the lock, if this process took it
    return False


def test_the_same_request_at_both_servers_at_once_appends_once(server: Server) -> None:  # noqa: F811
    with serving(server) as other:
        before = server.size()
        rounds = 12
        for n in range(rounds):
            signed, body = _import(server.ua, f"both-{n}")
            replies: list[Reply] = []
            gate = threading.Barrier(2)
            both = [
                threading.Thread(target=_send_at_once, args=(c, signed, body, gate, replies))
                for c in (server.ua, other.ua)
            ]
            for w in both:
                w.start()
            for w in both:
                w.join(60)
            assert len(replies) == 2
            assert replies[0].status == 201, replies[0].body
            assert (replies[1].status, replies[1].body) == (201, replies[0].body)
        nonces = server.logged_nonces()
        assert len(nonces) == len(set(nonces))
        per = (server.size() - before) // rounds
        assert server.size() - before == per * rounds and per > 0


def _send_at_once(
    client: Client, signed: SignedCommand, body: bytes, gate: threading.Barrier, out: list[Reply]
) -> None:
    gate.wait()
    out.append(client.send(signed, body))


def test_a_request_carried_out_elsewhere_is_not_run_again(server: Server) -> None:  # noqa: F811
    """The ledger's own guard, for a process that does not share the server's data directory
    (another machine on the same database): the same signed request, run again through its use
    case after a server carried it out, is `AnsweredBefore` with nothing appended; the server
    keeps answering it with the first answer."""
    signed, body = _import(server.ua, "elsewhere")
    first = server.ua.send(signed, body)
    assert first.status == 201, first.body
    size = server.size()
    ledger = Ledger.open(server.settings)
    try:
        with pytest.raises(AnsweredBefore), Caller("UA", signed, body).acting():
            roster_files.import_rows(
                ledger,
                rows=[{"record_id": "UA-elsewhere-0", "family_name": "Шевченко"}],
                source="elsewhere",
                party_id="UA",
                kind=RosterKind.HELD,
                actor="UA",
            )
    finally:
        ledger.close()
    assert server.size() == size
    again = server.ua.send(signed, body)
    assert (again.status, again.body) == (201, first.body)


def test_a_killed_worker_loses_no_acknowledged_request(server: Server, tmp_path: Path) -> None:  # noqa: F811
    """Two workers under load from 8 clients; one is killed (SIGKILL). Its clients' requests
    fail and are retried later; the other worker serves on and the supervisor starts another.
    Every acknowledged request is on the log once and a retry of it gets its first answer;
    each failed one, retried, is on the log once; every request whole; the log verifies."""
    server.stop()  # the data directory is served by the workers alone
    with serving(server, workers=2) as served:
        workers = served.workers()
        assert len(workers) == 2, workers
        logged = set(server.logged_nonces())
        before = server.size()
        probe = _import(served.ua, "probe")
        assert served.ua.send(*probe).status == 201
        per = server.size() - before
        acknowledged: dict[str, tuple[SignedCommand, bytes, Reply]] = {}
        unanswered: list[tuple[SignedCommand, bytes]] = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                signed, body = _import(served.ua, f"w{n}-{i}")
                i += 1
                try:
                    reply = served.ua.send(signed, body)
                except OSError:  # the worker died under this request: retried later
                    with lock:
                        unanswered.append((signed, body))
                    continue
                # cut with its kept connection, the client sent it again on a new one: the
                # other worker answered it (200 if the dead one had carried it out)
                assert reply.status in (200, 201), reply.body
                with lock:
                    acknowledged[signed.nonce] = (signed, body, reply)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for w in threads:
            w.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(workers[0], signal.SIGKILL)
        at_kill = len(acknowledged)
        deadline = time.monotonic() + 60
        while len(acknowledged) < at_kill + 60 and time.monotonic() < deadline:
            time.sleep(0.05)  # the other worker serves on, the replacement starts
        stop.set()
        for w in threads:
            w.join(60)
        assert len(acknowledged) >= at_kill + 60
        deadline = time.monotonic() + 30
        while len(served.workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        replaced = served.workers()
        assert len(replaced) == 2 and workers[0] not in replaced, (workers, replaced)

        assert set(acknowledged) <= set(server.logged_nonces())  # none lost
        for signed, body in unanswered:  # each retried: answered, on the log once
            reply = served.ua.send(signed, body)
            assert reply.status in (200, 201), reply.body
        for signed, body, answered in list(acknowledged.values())[:30]:
            again = served.ua.send(signed, body)
            assert (again.status, again.body) == (answered.status, answered.body)
        nonces = server.logged_nonces()
        assert len(nonces) == len(set(nonces))
        done = set(acknowledged) | {s.nonce for s, _ in unanswered} | {probe[0].nonce}
        assert set(nonces) - logged == done
        assert server.size() - before == per * len(done)
    server.process = None
    server.stop_export_and_verify(tmp_path / "export")


def test_thirty_two_clients_on_two_workers_are_each_answered_once(server: Server) -> None:  # noqa: F811
    """What hung a forked two-process trial (a connection opened before the fork, used by both):
    32 clients at once on two spawned workers, every request answered, each on the log once."""
    server.stop()
    with serving(server, workers=2) as served:
        logged = set(server.logged_nonces())
        answered: list[tuple[str, int]] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            for i in range(4):
                signed, body = _import(served.ua, f"c{n}-{i}")
                status = served.ua.send(signed, body).status
                with lock:
                    answered.append((signed.nonce, status))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(32)]
        for w in threads:
            w.start()
        for w in threads:
            w.join(120)
        assert not any(w.is_alive() for w in threads)
        assert len(answered) == 128 and {s for _, s in answered} == {201}
        nonces = server.logged_nonces()
        assert len(nonces) == len(set(nonces))
        assert set(nonces) - logged == {n for n, _ in answered}
    server.process = None
