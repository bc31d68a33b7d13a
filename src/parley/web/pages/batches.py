"""The mediator's batches: each exchange with its batches, the planner's next batch with a
reason for every person (planned only when the mediator says so), and a batch's handover board
— every person by name — where the mediator moves handovers and confirms transfers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app import batch_commands, batches, desk_boards, papers
from parley.app.agreement_words import translated_words
from parley.app.planning import PlanRequest
from parley.domain.agreements import PersonRef
from parley.domain.handovers import ORDER, HandoverState
from parley.errors import InvalidInput, ParleyError
from parley.web import i18n, labels, render, security, sessions
from parley.web.i18n import N_
from parley.web.pages.desk import refused
from parley.web.state import web_of

router = APIRouter(prefix="/desk/batches")
Party = Annotated[str, Depends(sessions.signed_in)]
Form = Annotated[FormData, Depends(security.checked_form)]

STATE_LABELS = labels.HANDOVER_STATES
# what the mediator moves from the board (a side's steps are signed in its own browser)
MEDIATOR_MOVES = (
    HandoverState.LOCATED,
    HandoverState.AGREED,
    HandoverState.CONSENT_VERIFIED,
    HandoverState.DECLINED,
    HandoverState.NOT_DELIVERED,
    HandoverState.DECEASED,
    HandoverState.DISPUTED,
    HandoverState.RELEASED_TO_THIRD_STATE,
)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _request(form: FormData) -> PlanRequest:
    size = _text(form, "batch_size")
    try:
        return PlanRequest(
            commitment_id=_text(form, "commitment"), batch_size=int(size) if size else None
        )
    except ValueError:
        raise InvalidInput(N_("batch size: {size!r} is not a whole number"), size=size) from None


@router.get("")
async def overview(request: Request, party: Party) -> Response:
    ledger = web_of(request).ledger
    try:
        found = await run_in_threadpool(lambda: desk_boards.exchanges(ledger, actor=party))
    except ParleyError as e:
        return refused(request, e)
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    return render.page(
        request,
        "desk/batches.html",
        {
            "exchanges": found,
            "states": STATE_LABELS,
            "statuses": labels.BATCH_STATUSES,
            "translated": words,
        },
    )


@router.post("/proposal")
async def proposal(request: Request, party: Party, form: Form) -> Response:
    """The planner's next batch and every candidate's reason; nothing is planned yet."""
    try:
        plan_request = _request(form)
        found = await run_in_threadpool(
            lambda: desk_boards.proposal(web_of(request).ledger, actor=party, request=plan_request)
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request,
        "desk/proposal.html",
        {
            "proposal": found,
            "commitment": plan_request.commitment_id,
            "batch_size": _text(form, "batch_size"),
            "chosen": sum(1 for p in found.persons if p.included),
        },
    )


@router.post("")
async def plan(request: Request, party: Party, form: Form) -> Response:
    """Plan the batch the planner proposes, under the id, place and date given."""
    batch_id = _text(form, "batch_id")
    try:
        plan_request = _request(form)
        day = _text(form, "planned_date")
        try:
            planned = dt.date.fromisoformat(day) if day else None
        except ValueError:
            raise InvalidInput(N_("date: {day!r} is not a date (YYYY-MM-DD)"), day=day) from None
        if not batch_id:
            raise InvalidInput(N_("batch id: give the batch a name"))
        await run_in_threadpool(
            lambda: batch_commands.plan_proposed(
                web_of(request).ledger,
                actor=party,
                batch_id=batch_id,
                place=_text(form, "place"),
                planned_date=planned,
                request=plan_request,
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse(f"/desk/batches/{batch_id}", 303)


@router.get("/{batch_id}")
async def board(request: Request, batch_id: str, party: Party) -> Response:
    try:
        found = await run_in_threadpool(
            lambda: desk_boards.board(web_of(request).ledger, actor=party, batch_id=batch_id)
        )
    except ParleyError as e:
        return refused(request, e)
    gettext = i18n.translations(i18n.locale_of(request)).gettext
    return render.page(
        request,
        "desk/board.html",
        {
            "board": found,
            "states": STATE_LABELS,
            "state_text": {k: gettext(v) for k, v in STATE_LABELS.items()},
            "statuses": labels.BATCH_STATUSES,
            "order": [s.value for s in ORDER],
            "moves": [s.value for s in MEDIATOR_MOVES],
            "done": request.query_params.get("done"),
            "manifest": f"/desk/batches/{quote(batch_id, safe='')}/manifest.pdf",
        },
    )


@router.get("/{batch_id}/manifest.pdf")
async def manifest(request: Request, batch_id: str, party: Party) -> Response:
    """The batch's printable manifest as the reader may see it, in Ukrainian and Russian
    (`?en=1` adds English)."""
    try:
        _, pdf = await run_in_threadpool(
            lambda: papers.manifest_pdf(
                web_of(request).ledger,
                actor=party,
                batch_id=batch_id,
                languages="uk,ru,en" if request.query_params.get("en") else "uk,ru",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return render.download(pdf, f"manifest-{batch_id}")


@router.post("/{batch_id}/moves")
async def move(request: Request, batch_id: str, party: Party, form: Form) -> Response:
    """The ticked persons move to the state chosen, each as its own signed step."""
    try:
        sessions.require_desk(request)  # a side's steps are signed in its own browser
        to = HandoverState(_text(form, "to"))
        persons = [PersonRef.parse(p) for p in form.getlist("person") if isinstance(p, str)]
        if not persons:
            raise InvalidInput(N_("tick at least one person"))
        await run_in_threadpool(
            lambda: batch_commands.move(
                web_of(request).ledger,
                actor=party,
                batch_id=batch_id,
                persons=persons,
                to=to,
                note=_text(form, "note"),
            )
        )
    except ValueError:
        return refused(request, InvalidInput(N_("choose a state to move to")))
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse(f"/desk/batches/{batch_id}?done={len(persons)}", 303)


@router.post("/{batch_id}/confirmations")
async def confirm(request: Request, batch_id: str, party: Party, form: Form) -> Response:
    """The mediator confirms every transfer both sides recorded and it has not yet."""
    del form
    try:
        done = await run_in_threadpool(
            lambda: batches.confirm(web_of(request).ledger, actor=party, batch_id=batch_id)
        )
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse(f"/desk/batches/{batch_id}?done={done.count}", 303)
