"""Production defaults around every request: a body size limit, a read timeout, and one
structured access-log line without personal data (method, path template, status, duration,
party); with several worker processes, kept connections now and then closed, so that they
spread over the workers."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("parley.access")


class _Refused(Exception):
    """The body is refused while it is read: too large (413) or stalled (408)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"error": "RequestRefused", "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Refuses bodies over `max_body` bytes (413) and bodies that stall (408), and logs.

    With `close_one_in` = N, about one answer in N asks the client to close its connection
    (`Connection: close`): workers share one listening socket, and the one that wakes first
    takes a burst of new connections whole; a client's next connection goes to a worker free
    to accept it."""

    def __init__(
        self, app: ASGIApp, *, max_body: int, read_timeout: float, close_one_in: int = 0
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.close_chance = 1 / close_one_in if close_one_in > 0 else 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        state: dict[str, Any] = scope.setdefault("state", {})
        refused: list[_Refused] = []  # the body's refusal, once reading it failed

        async def sending(message: Message) -> None:
            if refused:  # the framework answers its own failure to read the body: ours goes
                if message["type"] == "http.response.start":
                    await refusing(refused[0])
                return
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                if self.close_chance and random.random() < self.close_chance:
                    headers = [*message.get("headers", []), (b"connection", b"close")]
                    message = {**message, "headers": headers}
            await send(message)

        async def refusing(refusal: _Refused) -> None:
            if status.get("sent"):
                return
            status["code"], status["sent"] = refusal.status, True
            await _refuse(send, refusal.status, refusal.detail)

        try:
            if _content_length(scope["headers"]) > self.max_body:
                await refusing(self._too_large())
            else:
                await self.app(scope, self._limited(receive, refused), sending)
        except _Refused as e:
            await refusing(e)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                _log(scope, scope.get("route"), status["code"], started, state)

    def _too_large(self) -> _Refused:
        return _Refused(413, f"the body is over {self.max_body} bytes")

    def _limited(self, receive: Receive, refused: list[_Refused]) -> Receive:
        seen = {"bytes": 0, "whole": False}

        async def limited() -> Message:
            if seen["whole"]:  # the body is in: what comes next (a disconnect) may wait
                return await receive()
            try:
                async with asyncio.timeout(self.read_timeout):  # no task of its own
                    message = await receive()
            except TimeoutError:
                refused.append(
                    _Refused(408, f"the body did not arrive within {self.read_timeout} s")
                )
                raise refused[-1] from None
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > self.max_body:
                    refused.append(self._too_large())
                    raise refused[-1]
                seen["whole"] = not message.get("more_body", False)
            return message

        return limited


def _content_length(headers: list[tuple[bytes, bytes]]) -> int:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _log(scope: Scope, route: Any, status: int, started: float, state: dict[str, Any]) -> None:
    access_log.info(
        json.dumps(
            {
                "method": scope["method"],
                "path": getattr(route, "path", "(unmatched)"),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "party": state.get("party"),
            }
        )
    )
