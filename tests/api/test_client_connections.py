"""The client keeps its connection for the next request (HTTP keep-alive) and, when the server
closed a kept connection, sends the same request again, byte for byte, on a new one."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.client import Client, Unanswered
from parley.log.entry import EntrySigner

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class _Peer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Callable[[_Peer, int, int, bytes], bytes | None]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer  # (server, connection number, request number on it, request)
        self.requests: list[tuple[int, bytes]] = []  # (connection number, request)
        self.connections = 0
        self.close_after_answer = False  # as a server whose keep-alive time ran out
        self.lock = threading.Lock()


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        peer: _Peer = self.server  # type: ignore[assignment]
        with peer.lock:
            peer.connections += 1
            number = peer.connections
        reader = self.request.makefile("rb")
        for n in range(1_000):
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = reader.readline()
                if not line:
                    return
                head += line
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            request = head + reader.read(length)
            with peer.lock:
                peer.requests.append((number, request))
            reply = peer.answer(peer, number, n, request)
            if reply is None:  # closed without an answer
                self.request.shutdown(socket.SHUT_RDWR)
                return
            self.request.sendall(reply)
            if peer.close_after_answer:
                self.request.shutdown(socket.SHUT_RDWR)
                return


@contextmanager
def _serving(answer: Callable[[_Peer, int, int, bytes], bytes | None]) -> Iterator[_Peer]:
    peer = _Peer(answer)
    thread = threading.Thread(target=peer.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        peer.shutdown()
        peer.server_close()


def _client(peer: _Peer) -> Client:
    return Client(
        f"http://127.0.0.1:{peer.server_address[1]}", EntrySigner(Ed25519PrivateKey.generate())
    )


def test_requests_one_after_another_share_one_connection() -> None:
    with _serving(lambda *_: OK) as peer:
        client = _client(peer)
        for _ in range(3):
            assert client.call("POST", "/v1/x", {"a": 1}).status == 200
        client.close()
    assert peer.connections == 1 and len(peer.requests) == 3


def test_threads_at_once_each_get_a_connection_and_keep_it() -> None:
    with _serving(lambda *_: OK) as peer:
        client = _client(peer)
        gate = threading.Barrier(4)

        def send() -> None:
            gate.wait()
            for _ in range(5):
                assert client.call("GET", "/v1/x").status == 200

        threads = [threading.Thread(target=send) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        client.close()
    assert len(peer.requests) == 20 and peer.connections <= 4 * 2


def test_a_connection_the_server_closed_while_idle_is_not_used() -> None:
    closing = OK.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)

    def answer(_peer: _Peer, _conn: int, _n: int, _request: bytes) -> bytes | None:
        return closing

    with _serving(answer) as peer:
        client = _client(peer)
        assert client.call("GET", "/v1/x").status == 200
        assert client.call("GET", "/v1/x").status == 200
    assert peer.connections == 2


def test_a_kept_connection_closed_under_a_request_sends_it_again_on_a_new_one() -> None:
    def answer(_peer: _Peer, conn: int, n: int, _request: bytes) -> bytes | None:
        return None if (conn, n) == (1, 1) else OK

    with _serving(answer) as peer:
        client = _client(peer)
        assert client.call("POST", "/v1/x", {"a": 1}).status == 200
        assert client.call("POST", "/v1/x", {"a": 2}).status == 200
        client.close()
    (c1, _), (c2, dropped), (c3, again) = peer.requests
    assert (c1, c2, c3) == (1, 1, 2)
    assert dropped == again  # the same signed request: its nonce, its signature
    assert b'{"a":2}' in again


def test_a_request_cut_on_a_new_connection_is_said_unanswered() -> None:
    with _serving(lambda *_: None) as peer:
        client = _client(peer)
        with pytest.raises(Unanswered):
            client.request("POST", "/v1/x", {"a": 1})
    assert peer.connections == 1  # not sent twice: it may have been done


def test_a_connection_the_server_closed_after_its_answer_is_not_used() -> None:
    with _serving(lambda *_: OK) as peer:
        peer.close_after_answer = True
        client = _client(peer)
        assert client.call("POST", "/v1/x", {"a": 1}).status == 200
        assert client.call("POST", "/v1/x", {"a": 2}).status == 200
        client.close()
    assert [c for c, _ in peer.requests] == [1, 2]  # each sent once, the second on a new one


# An answer the server stopped writing: it promised ten bytes of body and sent two.
CUT = OK.replace(b"Content-Length: 2", b"Content-Length: 10")


def test_an_answer_cut_short_on_a_new_connection_is_said_unanswered() -> None:
    with _serving(lambda *_: CUT) as peer:
        peer.close_after_answer = True
        client = _client(peer)
        with pytest.raises(Unanswered):
            client.request("POST", "/v1/x", {"a": 1})
    assert peer.connections == 1  # not sent twice: it may have been done


def test_an_answer_cut_short_on_a_kept_connection_sends_the_request_again() -> None:
    def answer(peer: _Peer, conn: int, n: int, _request: bytes) -> bytes | None:
        peer.close_after_answer = (conn, n) == (1, 1)
        return CUT if (conn, n) == (1, 1) else OK

    with _serving(answer) as peer:
        client = _client(peer)
        assert client.call("POST", "/v1/x", {"a": 1}).status == 200
        assert client.call("POST", "/v1/x", {"a": 2}).status == 200
        client.close()
    (c1, _), (c2, cut), (c3, again) = peer.requests
    assert (c1, c2, c3) == (1, 1, 2)
    assert cut == again  # the same signed request: its nonce, its signature
