"""With several workers, the guard now and then asks the client to close its kept connection
(so that connections spread over the workers); with one, never."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from parley.api.middleware import Guard


async def _ok(_scope: Scope, _receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _answers(guard: Guard, times: int) -> list[list[tuple[bytes, bytes]]]:
    heads: list[list[tuple[bytes, bytes]]] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            heads.append(list(message.get("headers", [])))

    async def run() -> None:
        for _ in range(times):
            scope: dict[str, Any] = {"type": "http", "method": "GET", "headers": []}
            await guard(scope, receive, send)

    asyncio.run(run())
    return heads


def test_one_answer_in_n_closes_its_connection() -> None:
    guard = Guard(_ok, max_body=1024, read_timeout=5, close_one_in=4)
    heads = _answers(guard, 400)
    closing = sum((b"connection", b"close") in h for h in heads)
    assert 40 <= closing <= 180  # about 100


def test_every_answer_closes_at_one_in_one_and_none_without() -> None:
    always = _answers(Guard(_ok, max_body=1024, read_timeout=5, close_one_in=1), 5)
    assert all((b"connection", b"close") in h for h in always)
    never = _answers(Guard(_ok, max_body=1024, read_timeout=5), 50)
    assert not any((b"connection", b"close") in h for h in never)
