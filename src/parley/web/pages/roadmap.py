"""The mediator's roadmap — each agreement's phases, commitments, their ratings and the
monitors' reports, persons per phase as a chart — and the exceptions list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app import agreements, desk_boards, desk_views, status
from parley.app.agreement_words import translated_words
from parley.domain.agreements import ImplementationStatus
from parley.errors import InvalidInput, ParleyError
from parley.web import charts, i18n, labels, render, security, sessions
from parley.web.i18n import N_
from parley.web.pages.batches import STATE_LABELS
from parley.web.pages.desk import refused
from parley.web.state import web_of

router = APIRouter(prefix="/desk")
Party = Annotated[str, Depends(sessions.signed_in)]
Form = Annotated[FormData, Depends(security.checked_form)]

RATINGS = labels.RATINGS
REPORT_KINDS = labels.REPORT_KINDS


@router.get("/roadmap")
async def roadmap(request: Request, party: Party) -> Response:
    ledger = web_of(request).ledger
    try:
        data = await run_in_threadpool(lambda: status.summary(ledger, party))
    except ParleyError as e:
        return refused(request, e)
    days = await run_in_threadpool(desk_views.phase_timelines, ledger)
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    phases = [
        (
            f"{render.translated_text(words, a['title'])} · {ph['ordinal']}",
            desk_views.phase_counts(ph),
        )
        for a in data["agreements"]
        for ph in a["phases"]
    ]
    return render.page(
        request,
        "desk/roadmap.html",
        {
            "agreements": data["agreements"],
            "chart": charts.phase_bars(phases),
            "timelines": {phase: charts.timeline(d) for phase, d in days.items()},
            "ratings": RATINGS,
            "kinds": REPORT_KINDS,
            "translated": words,
        },
    )


@router.post("/roadmap/ratings")
async def rate(request: Request, party: Party, form: Form) -> Response:
    """The mediator rates a commitment on the 0-3 scale, with a note."""
    commitment = form.get("commitment")
    note = form.get("note")
    try:
        rating = ImplementationStatus(int(str(form.get("rating", ""))))
    except ValueError:
        return refused(request, InvalidInput(N_("choose a rating from 0 to 3")))
    try:
        await run_in_threadpool(
            lambda: agreements.set_commitment_status(
                web_of(request).ledger,
                actor=party,
                commitment_id=commitment if isinstance(commitment, str) else "",
                status=rating,
                note=note if isinstance(note, str) else "",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse("/desk/roadmap", 303)


@router.get("/exceptions")
async def exceptions(request: Request, party: Party) -> Response:
    try:
        found = await run_in_threadpool(
            lambda: desk_boards.exceptions(web_of(request).ledger, actor=party)
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request, "desk/exceptions.html", {"exceptions": found, "states": STATE_LABELS}
    )
