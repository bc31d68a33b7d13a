"""The public page: the latest cosigned checkpoint, the roadmap's commitments and ratings, and
counts per phase. Nothing personal; no sign-in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from parley.app import desk_views
from parley.app.agreement_words import translated_words
from parley.web import charts, i18n, labels, render
from parley.web.state import web_of

router = APIRouter()


@router.get("/")
async def overview(request: Request) -> Response:
    ledger = web_of(request).ledger
    data = await run_in_threadpool(desk_views.public_overview, ledger)
    days = await run_in_threadpool(desk_views.phase_timelines, ledger)
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    phases = [
        (f"{render.translated_text(words, a['title'])} · {ph['ordinal']}", ph["counts"])
        for a in data["agreements"]
        for ph in a["phases"]
    ]
    return render.page(
        request,
        "public/overview.html",
        {
            **data,
            "chart": charts.phase_bars(phases),
            "ratings": labels.RATINGS,
            "timelines": {phase: charts.timeline(d) for phase, d in days.items()},
            "translated": words,
        },
    )


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser's console."""
    return Response(status_code=204)
