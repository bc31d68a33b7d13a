"""Every error Parley raises on purpose becomes one JSON answer: a status and one sentence."""

from __future__ import annotations

from parley.app.authz import Forbidden
from parley.app.errors import LogError
from parley.app.requests import StillRunning, Unauthenticated
from parley.domain.errors import DomainError, InvalidRecord, NotFound
from parley.errors import InvalidInput, ParleyError


def status_of(error: ParleyError) -> int:
    """The HTTP status that says what kind of refusal it is."""
    if isinstance(error, Unauthenticated):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, StillRunning):
        return 409
    if isinstance(error, InvalidInput | InvalidRecord | LogError):
        return 422
    if isinstance(error, DomainError):
        return 409
    return 400


def body_of(error: ParleyError) -> dict[str, object]:
    problems = getattr(error, "problems", None)
    body: dict[str, object] = {"error": type(error).__name__, "detail": str(error)}
    if problems:
        body["problems"] = [str(p) for p in problems]
    return body
