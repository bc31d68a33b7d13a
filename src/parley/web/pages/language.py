"""The language switcher: the choice is kept in a cookie for a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.web import i18n, security

router = APIRouter()
YEAR = 365 * 24 * 60 * 60


def back_to(form: FormData) -> str:
    """Where a form returns the reader: a path on this site, never another's."""
    target = form.get("next")
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//"):
        return target.split("?", 1)[0]
    return "/"


@router.post("/language")
async def choose(
    request: Request, form: Annotated[FormData, Depends(security.checked_form)]
) -> Response:
    chosen = form.get("lang")
    response = RedirectResponse(back_to(form), 303)
    if isinstance(chosen, str) and chosen in i18n.LOCALES:
        security.set_cookie(request, response, i18n.COOKIE, chosen, YEAR)
    return response
