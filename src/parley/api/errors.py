"""Every error Parley raises on purpose becomes one JSON answer: a status and one sentence, in
English (`detail`) and as its `template` and `params`, so a client says it in its user's language."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from parley.app.authz import Forbidden
from parley.app.errors import LogError
from parley.app.language import DEFAULT, refusal
from parley.app.requests import StillRunning, Unauthenticated
from parley.domain.errors import DomainError, InvalidRecord, NotFound
from parley.errors import InvalidInput, ParleyError, refusal_json
from parley.web.i18n import locale_of


def said_in(request: Request) -> str:
    """The language a refusal is said in for this request: a page's chosen one (its cookie),
    else the browser's (Accept-Language), else English (the CLI's client sends neither)."""
    return locale_of(request)


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


def body_of(error: ParleyError, locale: str = DEFAULT) -> dict[str, object]:
    """The refusal's JSON: `detail` in English, `said` in `locale` (a page shows it), and the
    `template` and `params` a client says it with in its own user's language."""
    problems = getattr(error, "problems", None)
    said = refusal_json(error)
    body: dict[str, object] = {
        "error": type(error).__name__,
        "detail": said["detail"],
        "said": refusal(error, locale),
        "template": said["template"],
        "params": said["params"],
    }
    if problems:
        body["problems"] = [str(p) for p in problems]
        # each problem as a refusal too (a roster file's row and column and why), to be said
        # in the client's language
        body["problem_refusals"] = [refusal_json(_as_refusal(p)) for p in problems]
    return body


def _as_refusal(problem: object) -> ParleyError:
    said = getattr(problem, "refusal", None)
    found = said() if callable(said) else None
    return found if isinstance(found, ParleyError) else ParleyError(str(problem))


class ErrorBody(BaseModel):
    """What every refusal answers (documented in /openapi.json for each status below)."""

    error: str
    detail: str
    said: str | None = None
    template: str | None = None
    params: dict[str, Any] | None = None
    problems: list[str] | None = None
    problem_refusals: list[dict[str, Any]] | None = None


_TEXT = {
    400: "The request was refused.",
    401: "The request is not signed by a known key, or its signature does not hold.",
    403: "The signing party may not do this.",
    404: "No such thing.",
    409: "The request conflicts with the state of the ledger.",
    422: "The request names something malformed.",
}


class Unprocessable(BaseModel):
    """A 422: Parley's error body, or the framework's list of what is wrong with the body."""

    error: str | None = None
    detail: str | list[dict[str, Any]]
    said: str | None = None
    template: str | None = None
    params: dict[str, Any] | None = None
    problems: list[str] | None = None
    problem_refusals: list[dict[str, Any]] | None = None


REFUSALS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody, "description": _TEXT[s]} for s in (400, 401, 403, 404, 409)
}
REFUSALS[422] = {"model": Unprocessable, "description": _TEXT[422]}
PUBLIC_REFUSALS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody, "description": _TEXT[s]} for s in (400, 404, 422)
}
