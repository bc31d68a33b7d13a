"""The signed door: each /v1 request is authenticated by its party's signature before anything
runs, once per nonce; a retry gets the first answer, and nothing runs twice."""

from __future__ import annotations

import email.message
import functools
import inspect
import json
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from fastapi import Request, params
from fastapi.dependencies.utils import (
    get_typed_signature,
    request_body_to_args,
    request_params_to_args,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic_core import PydanticUndefined

from parley.api.errors import body_of, said_in, status_of
from parley.api.worker_threads import WorkerThreads
from parley.app import requests as signed_requests
from parley.app.ledger import Ledger
from parley.app.requests import Answer, Caller, SignedCommand
from parley.errors import ParleyError

JSON = "application/json"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


class Answered(ParleyError):
    """The request was answered before its route ran: the door refused it."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(str(status))
        self.status = status
        self.body = body

    def response(self) -> Response:
        return Response(self.body, self.status, media_type=JSON)


@dataclass(frozen=True)
class Arrived:
    """A signed request as it arrived, its fields read, not yet admitted: the key that signed
    it and its nonce are asked of the database in the thread its route runs in."""

    request: Request
    command: SignedCommand
    body: bytes


async def signed_party(request: Request) -> Arrived:
    """FastAPI dependency of a route's `Caller` (`Signed`): the request as it arrived, refused
    at once (401) if it is no signed command or not a fresh one. The route (a `SignedRoute`)
    admits it before its own code runs: the party that signed it, its nonce held by it until it
    is answered (a second request with the nonce waits, then gets the first answer)."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    body = await request.body()
    try:
        command = signed_requests.signed_command(
            method=request.method,
            path=path.decode("ascii", "replace").partition("?")[0],
            headers=request.headers,  # its names in lower case, as the server received them
            body=body,
            now=int(time.time()),
        )
    except ParleyError as e:
        raise Answered(status_of(e), _json(body_of(e, said_in(request)))) from e
    arrived = request.state.arrived = Arrived(request, command, body)
    return arrived


def unauthenticated(request: Request) -> Response | None:
    """The refusal of a signed request whose signature does not hold, if it is one (a body
    the route's model refuses is said to be malformed only to its party)."""
    arrived: Arrived | None = getattr(request.state, "arrived", None)
    if arrived is None:
        return None
    try:
        signed_requests.authenticate_signed(ledger_of(request), arrived.command, arrived.body)
    except ParleyError as e:
        return Response(_json(body_of(e, said_in(request))), status_of(e), media_type=JSON)
    return None


class SignedRoute(APIRoute):
    """A route whose endpoint takes a `Caller` runs only once its request is admitted, in the
    same worker thread (one hop off the event loop, not one for the door and one for the
    route): a refusal or a retry's first answer is answered without running it."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        caller = None if getattr(endpoint, "admitted", False) else _caller_parameter(endpoint)
        if caller is not None:
            endpoint = _admitted(endpoint, caller)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The framework's handler, or for an admitted route that takes only path parameters,
        one JSON body and its `Caller`, the same work done directly (`_Door`)."""
        handler = super().get_route_handler()
        door = _Door.of(self)
        return handler if door is None else door.handle


_THREADS = WorkerThreads()


class _Door:
    """An admitted route's request handled as the framework would, without its per-request
    dependency solving: the signed command read (401 if it is none), then the path parameters
    and the JSON body checked by the framework's own validation (the same 422s, said only to a
    party whose signature holds), then admission and the endpoint in one worker thread."""

    def __init__(self, route: APIRoute, caller: str) -> None:
        self.route, self.caller = route, caller
        dependant = route.dependant
        self.request_name = dependant.request_param_name
        self.path_fields = dependant.path_params
        self.body_fields = dependant.body_params
        self.embed = route._embed_body_fields
        strict = route.strict_content_type
        self.strict = bool(getattr(strict, "value", strict))
        assert dependant.call is not None
        self.call: Callable[..., Response] = dependant.call

    @classmethod
    def of(cls, route: APIRoute) -> _Door | None:
        """The route's door, if it is an admitted route of path parameters, at most one JSON
        body and its `Caller` (any other route keeps the framework's handler)."""
        d = route.dependant
        if not getattr(d.call, "admitted", False):
            return None
        names = (
            d.websocket_param_name,
            d.http_connection_param_name,
            d.response_param_name,
            d.background_tasks_param_name,
            d.security_scopes_param_name,
        )
        if d.query_params or d.header_params or d.cookie_params or any(names):
            return None
        if len(d.body_params) > 1 or any(
            isinstance(f.field_info, params.Form) for f in d.body_params
        ):
            return None
        if len(d.dependencies) != 1 or d.dependencies[0].call is not signed_party:
            return None
        if d.dependencies[0].name is None:
            return None
        return cls(route, d.dependencies[0].name)

    async def handle(self, request: Request) -> Response:
        arrived = await signed_party(request)
        values, errors = request_params_to_args(self.path_fields, request.path_params)
        body: Any = PydanticUndefined
        if self.body_fields:
            body = self._json(request, arrived.body)
            found, more = await request_body_to_args(self.body_fields, body, self.embed)
            values.update(found)
            errors += more
        if errors:
            raise RequestValidationError(errors, body=body)
        if self.request_name is not None:
            values[self.request_name] = request
        values[self.caller] = arrived
        return await _THREADS.run(functools.partial(self.call, **values))

    def _json(self, request: Request, body: bytes) -> Any:
        """The body as the framework reads it: JSON if it says so (or, not strict, says
        nothing), else its bytes, which the model then refuses; none if it is empty."""
        if not body:
            return PydanticUndefined
        kind = request.headers.get("content-type")
        json_body = _says_json(kind) if kind else not self.strict
        if not json_body:
            return body
        try:
            return json.loads(body)
        except json.JSONDecodeError as e:
            error = {
                "type": "json_invalid",
                "loc": ("body", e.pos),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": e.msg},
            }
            raise RequestValidationError([error], body=e.doc) from e


@functools.lru_cache(maxsize=64)  # a client sends one content type, request after request
def _says_json(kind: str) -> bool:
    """Whether a Content-Type names JSON, as the framework reads it (application/json or
    application/*+json, parameters aside)."""
    message = email.message.Message()
    message["content-type"] = kind
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def is_admitted(endpoint: Callable[..., Any]) -> bool:
    """Whether the endpoint admits its request before running (or takes no `Caller`)."""
    return bool(getattr(endpoint, "admitted", False)) or _caller_parameter(endpoint) is None


def _caller_parameter(endpoint: Callable[..., Any]) -> str | None:
    """The name of the endpoint's parameter that `signed_party` gives, if it has one."""
    for parameter in get_typed_signature(endpoint).parameters.values():
        if get_origin(parameter.annotation) is Annotated and any(
            isinstance(m, params.Depends) and m.dependency is signed_party
            for m in get_args(parameter.annotation)[1:]
        ):
            return parameter.name
    return None


def _admitted(endpoint: Callable[..., Response], caller: str) -> Callable[..., Response]:
    if not callable(endpoint) or _is_async(endpoint):
        raise TypeError(f"{endpoint!r}: a signed route runs in a worker thread (def, not async)")

    @functools.wraps(endpoint)
    def admitted(**values: Any) -> Response:
        arrived: Arrived = values[caller]
        request = arrived.request
        ledger = ledger_of(request)
        try:
            who, first = signed_requests.admit_signed(ledger, arrived.command, arrived.body)
        except ParleyError as e:  # nothing was taken: a refusal is not kept for a retry
            return Response(_json(body_of(e, said_in(request))), status_of(e), media_type=JSON)
        request.scope.setdefault("state", {})["party"] = who.party_id  # for the access log
        if first is not None:
            return Response(first.body, first.status, media_type=JSON)
        request.state.caller = who
        try:
            done = endpoint(**{**values, caller: who})
            # carried out by an earlier run of the request (another process): its answer
            before = signed_requests.answered_before(ledger, who)
            return done if before is None else Response(before.body, before.status, media_type=JSON)
        finally:
            signed_requests.release(ledger, who)

    admitted.admitted = True  # type: ignore[attr-defined]
    return admitted


def _is_async(endpoint: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(inspect.unwrap(endpoint))


def answer(request: Request, data: Any, status: int = 200) -> Response:
    """Answer a signed request and keep the answer for its retries."""
    body = _json(data)
    _keep(request, status, body)
    return Response(body, status, media_type=JSON)


def refusal(request: Request, error: ParleyError) -> Response:
    """A use case refused the request: the refusal is its answer, kept for its retries."""
    status, body = status_of(error), _json(body_of(error, said_in(request)))
    _keep(request, status, body)
    return Response(body, status, media_type=JSON)


def _keep(request: Request, status: int, body: bytes) -> None:
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is not None:
        signed_requests.remember(ledger_of(request), caller, Answer(status, body))
