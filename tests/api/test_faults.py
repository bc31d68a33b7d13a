"""Concurrency and faults against a real `parley serve` process on loopback, on SQLite and on
PostgreSQL: many clients at once, the same request twice at once, a client that drops the
connection, a server killed mid-load; each request appends once, and the export verifies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from parley.app import instance, roster_files
from parley.app.client import Client, Reply
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.app.requests import Caller
from parley.domain.parties import Party, Role
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, command_body
from parley.store import tables as t
from tests.api.helpers import free_port

PARLEY = str(Path(sys.executable).parent / "parley")
PATH = "/v1/rosters/UA/held"


@dataclass
class Server:
    """A `parley serve` process over the mediator's data directory; UA's key lives elsewhere."""

    settings: Settings
    ua: Client
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "PARLEY_DATA_DIR": str(self.settings.data_dir),
            "PARLEY_DATABASE_URL": self.settings.database_url,
        }
        self.process = subprocess.Popen(
            [PARLEY, "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90  # a loaded machine starts Python slowly
        while time.monotonic() < deadline:
            try:
                if self.ua.raw("GET", "/healthz", b"", {}).status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()  # no server left behind by a failed start
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None

    def logged_nonces(self) -> list[str]:
        """The nonces of UA's commands on the log, one per command."""
        engine = create_engine(self.settings.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    select(t.log_commands.c.nonce).where(
                        t.log_commands.c.key_id == self.ua.signer.key_id
                    )
                ).all()
        finally:
            engine.dispose()
        return [r.nonce for r in rows]

    def stop_export_and_verify(self, out: Path) -> None:
        """Stop the server, then `parley export` its log and `parley verify` the export, as the
        mediator's CLI would on its machine: both must succeed."""
        self.stop()
        env = {
            **os.environ,
            "PARLEY_DATA_DIR": str(self.settings.data_dir),
            "PARLEY_DATABASE_URL": self.settings.database_url,
        }
        for args in (["export", "--out", str(out)], ["verify", "--allow-unwitnessed", str(out)]):
            run = subprocess.run([PARLEY, *args], env=env, capture_output=True, timeout=300)
            assert run.returncode == 0, run.stdout + run.stderr

    def size(self) -> int:
        engine = create_engine(self.settings.database_url)
        try:
            with engine.connect() as conn:
                return int(
                    conn.execute(select(func.count()).select_from(t.log_entries)).scalar_one()
                )
        finally:
            engine.dispose()


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    ring = KeyRing(tmp_path / "ua" / "keys")
    init_party_key(ring, "UA")
    ledger = Ledger.open(settings, create=True)
    try:
        instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
        instance.register_party(
            ledger,
            actor="MED",
            party=Party("UA", "Ukraine", Role.SIDE),
            public_key=ring.public_bytes("UA"),
        )
    finally:
        ledger.close()
    s = Server(settings, Client("http://127.0.0.1:0", ring.signer("UA"), timeout=30))
    s.ua = Client(f"http://127.0.0.1:{s.port}", ring.signer("UA"), timeout=30)
    s.start()
    try:
        yield s
    finally:
        s.stop()


def _import(ua: Client, name: str) -> tuple[SignedCommand, bytes]:
    """A signed import of a one-person roster, ready to be sent (and sent again)."""
    row = {"record_id": f"UA-{name}", "family_name": "Шевченко", "given_name": name}
    body = command_body({"records": [row], "source": name})
    return ua.sign("POST", PATH, body), body


def _per_request(server: Server) -> int:
    """How many entries one roster import appends (measured, not assumed)."""
    before = server.size()
    signed, body = _import(server.ua, "probe")
    assert server.ua.send(signed, body).status == 201
    return server.size() - before


def test_many_clients_at_once_lose_and_duplicate_nothing(server: Server) -> None:
    per = _per_request(server)
    start, logged = server.size(), set(server.logged_nonces())
    threads, each = 16, 20
    sent: list[list[tuple[str, int]]] = [[] for _ in range(threads)]

    def client(n: int) -> None:
        for i in range(each):
            signed, body = _import(server.ua, f"{n}-{i}")
            sent[n].append((signed.nonce, server.ua.send(signed, body).status))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    answers = [a for per_thread in sent for a in per_thread]
    assert len(answers) == threads * each
    assert {status for _, status in answers} == {201}
    nonces = server.logged_nonces()
    assert len(nonces) == len(set(nonces))  # no command twice
    assert set(nonces) - logged == {nonce for nonce, _ in answers}  # none lost
    assert server.size() - start == per * threads * each


def test_the_same_request_twice_at_once_appends_once(server: Server) -> None:
    per = _per_request(server)
    start = server.size()
    rounds = 10
    for n in range(rounds):
        signed, body = _import(server.ua, f"twice-{n}")
        replies: list[Reply] = []
        gate = threading.Barrier(2)
        both = [
            threading.Thread(target=_send_at_once, args=(server.ua, signed, body, gate, replies))
            for _ in range(2)
        ]
        for w in both:
            w.start()
        for w in both:
            w.join(30)
        assert len(replies) == 2
        assert replies[0].status == replies[1].status == 201
        assert replies[0].body == replies[1].body
    assert server.size() - start == per * rounds
    nonces = server.logged_nonces()
    assert len(nonces) == len(set(nonces))


def _send_at_once(
    ua: Client, signed: SignedCommand, body: bytes, gate: threading.Barrier, out: list[Reply]
) -> None:
    gate.wait()
    out.append(ua.send(signed, body))


def test_a_client_that_drops_the_connection_retries_safely(server: Server) -> None:
    per = _per_request(server)
    start = server.size()
    signed, body = _import(server.ua, "dropped")
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nContent-Digest: {signed.content_digest}\r\n"
        f"Signature-Input: {signed.signature_input()}\r\n"
        f"Signature: {signed.signature_field()}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head.encode() + body)
    # whether or not the first attempt ran, the retry is answered and the import is on once
    again = server.ua.send(signed, body)
    assert again.status in (200, 201), again.body
    assert server.ua.send(signed, body).body == again.body
    assert server.logged_nonces().count(signed.nonce) == 1
    assert server.size() - start == per


def test_a_request_committed_but_not_answered_is_answered_on_retry(server: Server) -> None:
    """The server stopped after the commit that holds the request and before its answer: the
    retry gets what the request appended, and appends nothing."""
    signed, body = _import(server.ua, "unanswered")
    ledger = Ledger.open(server.settings)
    try:
        with Caller("UA", signed, body).acting():  # the commit of the request, and no answer
            roster_files.import_rows(
                ledger,
                rows=[{"record_id": "UA-unanswered", "family_name": "Шевченко", "given_name": "x"}],
                source="unanswered",
                party_id="UA",
                kind=RosterKind.HELD,
                actor="UA",
            )
    finally:
        ledger.close()
    size = server.size()
    retry = server.ua.send(signed, body)
    assert retry.status == 200, retry.body
    assert set(retry.json()) == {"first", "count"} and retry.json()["count"] > 0
    assert server.size() == size


def test_a_killed_server_loses_no_acknowledged_request(server: Server, tmp_path: Path) -> None:
    per = _per_request(server)
    start, logged = server.size(), set(server.logged_nonces())
    acknowledged: set[str] = set()
    unanswered: list[tuple[SignedCommand, bytes]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(200):
            signed, body = _import(server.ua, f"k{n}-{i}")
            try:
                reply = server.ua.send(signed, body)
            except OSError:  # the server died under this request: the client retries later
                with lock:
                    unanswered.append((signed, body))
                return
            assert reply.status == 201, reply.body
            with lock:
                acknowledged.add(signed.nonce)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    for w in workers:
        w.join(30)
    assert len(acknowledged) >= 40 and unanswered

    on_log = set(server.logged_nonces()) - logged
    assert acknowledged <= on_log  # every acknowledged request survived
    assert server.size() - start == per * len(on_log)  # and each logged one is whole

    server.start()
    for signed, body in unanswered:  # the retries: each is on the log once afterwards
        reply = server.ua.send(signed, body)
        assert reply.status in (200, 201), reply.body
    nonces = server.logged_nonces()
    assert len(nonces) == len(set(nonces))
    done = acknowledged | {s.nonce for s, _ in unanswered}
    assert set(nonces) - logged == done
    assert server.size() - start == per * len(done)

    server.stop_export_and_verify(tmp_path / "export")
