"""The public page: the latest cosigned checkpoint, the roadmap's commitments and ratings, and
counts per phase. Nothing personal; no sign-in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from parley.app import desk_views
from parley.web import charts, labels, render
from parley.web.state import web_of

router = APIRouter()


@router.get("/")
async def overview(request: Request) -> Response:
    data = await run_in_threadpool(desk_views.public_overview, web_of(request).ledger)
    phases = [
        (f"{a['title']} · {ph['ordinal']}", ph["counts"])
        for a in data["agreements"]
        for ph in a["phases"]
    ]
    return render.page(
        request,
        "public/overview.html",
        {**data, "chart": charts.phase_bars(phases), "ratings": labels.RATINGS},
    )


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser's console."""
    return Response(status_code=204)
