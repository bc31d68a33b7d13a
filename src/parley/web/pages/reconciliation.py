"""The mediator runs a reconciliation from its queue page: every side's sought roster against
the other side's held roster, by record linkage (as `parley reconcile`) or exact names and
birth date only; the page that answers is the run's summary, pass by pass."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from parley.app import desk_reconcile
from parley.errors import ParleyError
from parley.web import render, security, sessions
from parley.web.pages.desk import refused
from parley.web.state import web_of

router = APIRouter(prefix="/desk/reconciliation")
Party = Annotated[str, Depends(sessions.signed_in)]
Form = Annotated[FormData, Depends(security.checked_form)]


@router.post("")
async def reconcile(request: Request, party: Party, form: Form) -> Response:
    """Run it now (seconds to minutes for large rosters: the page answers when it is done)."""
    chosen = form.get("method")
    try:
        method = desk_reconcile.Method(chosen if isinstance(chosen, str) else "")
    except ValueError:
        method = desk_reconcile.Method.LINKED
    try:
        sessions.require_desk(request)
        done = await run_in_threadpool(
            lambda: desk_reconcile.run(web_of(request).ledger, actor=party, method=method)
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request,
        "desk/reconciled.html",
        {"summary": done, "methods": desk_reconcile.METHOD_LABELS},
    )
