"""What the client says when no answer comes: a server not reached (nothing was sent) is not a
request sent and left unanswered (it may have been done: the sentence names how to check)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.client import Client, Unanswered, Unreachable, timeout_for
from parley.app.language import refusal
from parley.log.entry import EntrySigner


@pytest.fixture
def silent() -> Iterator[int]:
    """A port whose server takes each request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    done.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _client(port: int) -> Client:
    return Client(
        f"http://127.0.0.1:{port}", EntrySigner(Ed25519PrivateKey.generate()), timeout=0.3
    )


def test_a_request_sent_and_unanswered_may_have_been_done(silent: int) -> None:
    check = "parley roster diff list.csv --party UA --kind held --server http://x"
    with pytest.raises(Unanswered) as caught:
        _client(silent).request("POST", "/v1/rosters/UA/held", {"records": []}, check=check)
    said = str(caught.value)
    assert "no answer came (timed out)" in said
    assert "it may have been done or not" in said and check in said
    assert "is it running" not in said
    assert check in refusal(caught.value, "uk") and "невідомо" in refusal(caught.value, "uk")


def test_a_read_unanswered_is_asked_again(silent: int) -> None:
    with pytest.raises(Unanswered, match=r"did not answer .*try again later"):
        _client(silent).request("GET", "/v1/status")


def test_a_server_not_reached_was_sent_nothing() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with pytest.raises(Unreachable, match="is it running") as caught:
        _client(port).request("POST", "/v1/rosters/UA/held", {"records": []})
    assert not isinstance(caught.value, Unanswered)


def test_a_longer_list_waits_longer() -> None:
    assert timeout_for(0) == 30.0
    assert timeout_for(20_000) == pytest.approx(90.0)
