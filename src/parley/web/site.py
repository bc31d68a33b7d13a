"""The pages mounted on the served app: each page family's router, the static files, the
security headers, and a refusal shown as a page in the reader's language."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from parley.app.authz import Forbidden
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.errors import DomainError, NotFound
from parley.errors import InvalidInput, ParleyError
from parley.web import i18n, render, security
from parley.web.pages import (
    agreements,
    batches,
    desk,
    handover,
    language,
    monitor,
    office,
    public,
    reconciliation,
    roadmap,
    signin,
)
from parley.web.sessions import NeedSignIn
from parley.web.state import WebState

STATIC = Path(__file__).parent / "static"
# every page family; a new one is a module under pages/ with a `router`, added here
PAGES = (
    public,
    language,
    signin,
    desk,
    reconciliation,
    agreements,
    batches,
    roadmap,
    monitor,
    office,
    handover,
)


def status_of(error: ParleyError) -> int:
    if isinstance(error, NeedSignIn):
        return 401
    if isinstance(error, Forbidden | security.FormRefused):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, DomainError):
        return 409
    return 400


def refused(request: Request, error: ParleyError) -> Response:
    """A refusal as a page: what was refused, in the app's own sentence."""
    if isinstance(error, NeedSignIn) and request.method == "GET":
        return render.page(request, "signin.html", {"refusal": None}, status=401)
    detail = i18n.refusal(error, i18n.locale_of(request))
    return render.page(
        request,
        "refused.html",
        {"detail": detail, "kind": type(error).__name__},
        status_of(error),
    )


def mount(api: FastAPI, ledger: Ledger, access: DeskAccess | None = None) -> None:
    """Serve the pages beside the API: `/` for the public, `/desk` for the mediator, …"""
    api.state.web = WebState(ledger, access)
    for family in PAGES:
        api.include_router(family.router, include_in_schema=False)
    api.mount("/static", StaticFiles(directory=STATIC), name="static")

    async def _refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParleyError)
        return refused(request, exc)

    for kind in (NeedSignIn, security.FormRefused):
        api.add_exception_handler(kind, _refused)
    api.add_middleware(security.Headers)
