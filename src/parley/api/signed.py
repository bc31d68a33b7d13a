"""The signed door: each /v1 request is authenticated by its party's signature before anything
runs, once per nonce; a retry gets the first answer, and nothing runs twice."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from parley.api.errors import body_of, said_in, status_of
from parley.app import requests as signed_requests
from parley.app.ledger import Ledger
from parley.app.requests import Answer, Caller
from parley.errors import ParleyError


class Answered(ParleyError):
    """The request was answered before its route ran: a refusal or a retry's first answer."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(str(status))
        self.status = status
        self.body = body

    def response(self) -> Response:
        return Response(self.body, self.status, media_type="application/json")


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


async def signed_party(request: Request) -> AsyncIterator[Caller]:
    """FastAPI dependency: the party that signed this request, its nonce held by it until the
    request is answered (a second request with the nonce waits, then gets the first answer)."""
    ledger = ledger_of(request)
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    path = request.scope.get("raw_path", request.url.path.encode()).decode("ascii", "replace")
    try:
        caller, first = await run_in_threadpool(
            lambda: signed_requests.admit(
                ledger,
                method=request.method,
                path=path.partition("?")[0],
                headers=headers,
                body=body,
                now=int(time.time()),
            )
        )
    except ParleyError as e:  # nothing was taken: a refusal is not kept for a retry
        raise Answered(status_of(e), _json(body_of(e, said_in(request)))) from e
    request.state.party = caller.party_id
    request.scope.setdefault("state", {})["party"] = caller.party_id
    if first is not None:
        raise Answered(first.status, first.body)
    request.state.caller = caller
    try:
        yield caller
    finally:
        signed_requests.release(ledger, caller)


def answer(request: Request, data: Any, status: int = 200) -> JSONResponse:
    """Answer a signed request and keep the answer for its retries."""
    body = _json(data)
    _keep(request, status, body)
    return JSONResponse(content=data, status_code=status)


def refusal(request: Request, error: ParleyError) -> Response:
    """A use case refused the request: the refusal is its answer, kept for its retries."""
    status, body = status_of(error), _json(body_of(error, said_in(request)))
    _keep(request, status, body)
    return Response(body, status, media_type="application/json")


def _keep(request: Request, status: int, body: bytes) -> None:
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is not None:
        signed_requests.remember(ledger_of(request), caller, Answer(status, body))
