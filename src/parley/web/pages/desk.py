"""The mediator's desk: the reconciliation queue, batch planning, the handover boards, the
roadmap and the exceptions; every action with the mediator's key, which the server holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.web import render, sessions

router = APIRouter(prefix="/desk")
Party = Annotated[str, Depends(sessions.signed_in)]


@router.get("")
async def desk_home(_party: Party) -> Response:
    return RedirectResponse("/desk/queue", 303)


@router.get("/queue")
async def queue(request: Request, party: Party) -> Response:
    return render.page(request, "desk/queue.html", {"rows": [], "me": party})
