"""Signing in to the mediator's desk with the one-time link `parley serve` or
`parley desk link --as MED` prints; signing out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app.desk_access import SIGN_IN_PATH
from parley.errors import ParleyError
from parley.web import i18n, render, security, sessions
from parley.web.state import web_of

router = APIRouter()


@router.get(SIGN_IN_PATH)
async def sign_in(request: Request) -> Response:
    """With a token: the session opens and the reader lands on the desk, the token gone from
    the address bar. Without one: how to get a link."""
    token = request.query_params.get("token")
    state = web_of(request)
    if not token:
        return render.page(request, "signin.html", {"refusal": None})
    if state.access is None:
        return render.page(request, "signin.html", {"refusal": "no-desk"}, status=403)
    if request.url.scheme != "https" and not security.loopback_http(request):
        # the browser would drop the Secure session cookie: say why, and keep the token unused
        return render.page(request, "signin.html", {"refusal": "plain-http"}, status=403)
    try:
        done = await run_in_threadpool(state.access.redeem, state.ledger, token)
    except ParleyError as e:
        refusal = i18n.refusal(e, i18n.locale_of(request))
        return render.page(request, "signin.html", {"refusal": refusal}, status=403)
    response = RedirectResponse("/desk", 303)
    await run_in_threadpool(sessions.open_session, request, response, done.party_id)
    return response


@router.post("/sign-out")
async def sign_out(
    request: Request, _form: Annotated[FormData, Depends(security.checked_form)]
) -> Response:
    response = RedirectResponse("/", 303)
    sessions.close_session(request, response)
    return response
