"""Every error Parley raises on purpose becomes one JSON answer: a status and one sentence, in
English (`detail`) and as its `template` and `params`, so a client says it in its user's language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from parley.app.authz import Forbidden
from parley.app.errors import LogError
from parley.app.language import DEFAULT, refusal
from parley.app.requests import StillRunning, Unauthenticated
from parley.domain.errors import DomainError, InvalidRecord, NotFound
from parley.errors import N_, InvalidInput, ParleyError, refusal_json
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


_HEX = re.compile(r"\^\[0-9a-f\]\{(\d+)\}\$")
_WHERE = {"body", "query", "path", "header", "cookie"}


def _expected(error: Mapping[str, Any]) -> ParleyError:
    """What a field should have been, in words (pydantic's own message is English only)."""
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        hexed = _HEX.fullmatch(str(ctx.get("pattern", "")))
        if hexed:
            return ParleyError(
                N_("{count} hexadecimal digits (0-9, a-f)"), count=int(hexed.group(1))
            )
        return ParleyError(N_("text of the form {pattern}"), pattern=str(ctx.get("pattern", "")))
    if kind == "string_too_long":
        return ParleyError(N_("text of at most {limit} characters"), limit=ctx.get("max_length"))
    if kind == "string_too_short":
        return ParleyError(N_("text of at least {limit} characters"), limit=ctx.get("min_length"))
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return ParleyError(N_("a number of at least {limit}"), limit=limit)
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return ParleyError(N_("a number of at most {limit}"), limit=limit)
    if kind in {"literal_error", "enum"}:
        return ParleyError(N_("one of {listed}"), listed=str(ctx.get("expected", "")))
    words = {
        "string_type": N_("text"),
        "int_type": N_("a whole number"),
        "int_parsing": N_("a whole number"),
        "int_from_float": N_("a whole number"),
        "float_type": N_("a number"),
        "float_parsing": N_("a number"),
        "bool_type": N_("true or false"),
        "bool_parsing": N_("true or false"),
        "list_type": N_("a list"),
        "dict_type": N_("an object"),
        "model_type": N_("an object"),
        "model_attributes_type": N_("an object"),
    }
    if kind in words:
        return ParleyError(words[kind])
    return ParleyError(N_("something else ({message})"), message=str(error.get("msg", "")))


def _field(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in _WHERE:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_refusal(errors: Sequence[Mapping[str, Any]]) -> InvalidInput:
    """The framework's list of what is wrong with a request, as one refusal with named fields:
    the first fault (and how many more), said in the client's language."""
    if not errors:
        return InvalidInput(N_("the request is malformed"))
    first = errors[0]
    kind, field = str(first.get("type", "")), _field(first.get("loc", ()))
    said: ParleyError
    if kind == "json_invalid":
        said = ParleyError(N_("the request's body is not JSON"))
    elif kind == "missing":
        said = ParleyError(N_("the request lacks the field {field}"), field=field)
    elif kind == "extra_forbidden":
        said = ParleyError(N_("the request has a field {field} it does not take"), field=field)
    else:
        said = ParleyError(
            N_("the request's field {field} should be {expected}"),
            field=field,
            expected=_expected(first),
        )
    if len(errors) > 1:
        return InvalidInput(
            N_("{problem} (and {more} more problems)"), problem=said, more=len(errors) - 1
        )
    return InvalidInput(said.template, **said.params)


def refuse_malformed(request: Request, exc: RequestValidationError) -> Response:
    """A body or query the routes' models refuse: one refusal, not pydantic's English list."""
    error = validation_refusal(list(exc.errors()))
    return JSONResponse(body_of(error, said_in(request)), status_code=422)
