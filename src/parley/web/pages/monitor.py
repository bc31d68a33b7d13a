"""A monitor's page: report an observation (place, date, commitment, text) against a roadmap
commitment, and see its own reports. The report is signed in the monitor's own browser with
its key (static/*.js posts it to /v1); the server never holds a monitor's key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from parley.app import status
from parley.app.agreement_words import translated_words
from parley.errors import ParleyError
from parley.web import i18n, render, security, sessions
from parley.web.i18n import N_
from parley.web.pages.desk import refused
from parley.web.pages.roadmap import RATINGS, REPORT_KINDS
from parley.web.state import web_of

router = APIRouter(prefix="/monitor")
Party = Annotated[str, Depends(sessions.signed_in)]


def _roadmap(data: dict[str, Any], me: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The commitments a monitor reports on, and its own reports, newest first."""
    commitments, mine = [], []
    for a in data["agreements"]:
        for ph in a["phases"]:
            for c in ph["commitments"]:
                if c["kind"] == "exchange":
                    continue
                commitments.append({**c, "agreement": a["title"], "phase": ph["title"]})
                mine += [
                    {**r, "commitment": c["description"], "commitment_id": c["id"]}
                    for r in c.get("reports", [])
                    if r["by"] == me
                ]
    mine.sort(key=lambda r: str(r["observed_on"]), reverse=True)
    return commitments, mine


@router.get("")
async def reports(request: Request, party: Party) -> Response:
    ledger = web_of(request).ledger
    try:
        data = await run_in_threadpool(lambda: status.summary(ledger, party))
    except ParleyError as e:
        return refused(request, e)
    commitments, mine = _roadmap(data, party)
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    return render.page(
        request,
        "monitor/reports.html",
        {
            "commitments": commitments,
            "reports": mine,
            "kinds": REPORT_KINDS,
            "ratings": RATINGS,
            "translated": words,
        },
    )


@router.post("/reports")
async def unsigned(
    request: Request, _party: Party, _form: Annotated[FormData, Depends(security.checked_form)]
) -> Response:
    """Reached only without the page's script: a report must be signed in this browser."""
    return refused(
        request,
        ParleyError(
            N_("a report is signed in your browser with your key: allow this page's script")
        ),
    )
