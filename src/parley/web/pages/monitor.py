"""A monitor's page: report an observation against a commitment; its own reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from parley.web import render, sessions

router = APIRouter(prefix="/monitor")
Party = Annotated[str, Depends(sessions.signed_in)]


@router.get("")
async def reports(request: Request, party: Party) -> Response:
    return render.page(request, "monitor/reports.html", {"reports": [], "me": party})
