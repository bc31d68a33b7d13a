"""Production defaults around every request: a body size limit, a read timeout, and one
structured access-log line without personal data (method, path template, status, duration,
party)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("parley.access")


class _TooLarge(Exception):
    pass


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
    """Refuses bodies over `max_body` bytes (413) and bodies that stall (408), and logs."""

    def __init__(self, app: ASGIApp, *, max_body: int, read_timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        state: dict[str, Any] = scope.setdefault("state", {})

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            length = int(dict(scope["headers"]).get(b"content-length", b"0"))
        except ValueError:
            length = 0
        try:
            if length > self.max_body:
                status["code"] = 413
                await _refuse(send, 413, f"the body is over {self.max_body} bytes")
                return
            await self.app(scope, self._limited(receive), sending)
        except _TooLarge:
            status["code"] = 413
            await _refuse(send, 413, f"the body is over {self.max_body} bytes")
        except TimeoutError:
            status["code"] = 408
            await _refuse(send, 408, f"the body did not arrive within {self.read_timeout} s")
        finally:
            route = scope.get("route")
            access_log.info(
                json.dumps(
                    {
                        "method": scope["method"],
                        "path": getattr(route, "path", "(unmatched)"),
                        "status": status["code"],
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "party": state.get("party"),
                    }
                )
            )

    def _limited(self, receive: Receive) -> Receive:
        seen = {"bytes": 0}

        async def limited() -> Message:
            message = await asyncio.wait_for(receive(), self.read_timeout)
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > self.max_body:
                    raise _TooLarge
            return message

        return limited
