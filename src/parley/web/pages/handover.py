"""The handover site, on a tablet: a batch's people by name, each with the steps the signed-in
party may record next, one tap and a confirmation each. A side's step is signed in its browser
(web/static/office.js) and sent to /v1 as the CLI sends it; the mediator's, from its desk
session, with the mediator's key that the server holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app import batch_commands, office
from parley.app.authz import Forbidden
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState
from parley.errors import N_, InvalidInput
from parley.web import security, sessions
from parley.web.pages.office import Refusing, page, segment
from parley.web.state import web_of

router = APIRouter(prefix="/site", route_class=Refusing)
Party = Annotated[str, Depends(sessions.signed_in)]


@router.get("/{batch_id}")
async def batch(request: Request, party: Party, batch_id: str) -> Response:
    ledger = web_of(request).ledger
    seen = await run_in_threadpool(
        lambda: office.site_batch(ledger, actor=party, batch_id=batch_id)
    )
    return page(
        request, "site/batch.html", {"me": party, "batch": seen, "main_path": office.MAIN_PATH}
    )


@router.post("/{batch_id}/handovers")
async def move(
    request: Request,
    party: Party,
    batch_id: str,
    form: Annotated[FormData, Depends(security.checked_form)],
) -> Response:
    """The mediator's step for one person, with the key the server holds for it."""
    session = sessions.session_of(request)
    if session is None or session.role != "mediator":
        raise Forbidden(
            N_("{party} signs its steps in its own browser, not through the server"), party=party
        )
    step = form.get("step")  # "STATE PARTY/RECORD", the tapped button's value
    to, _, person = step.partition(" ") if isinstance(step, str) else ("", "", "")
    who, _, record = person.partition("/")
    if not (to and who and record):
        raise InvalidInput(N_("a step names the state and the person (PARTY/RECORD)"))
    try:
        state = HandoverState(to)
    except ValueError as e:
        raise InvalidInput(N_("{to!r} is not a handover state"), to=to) from e
    ledger = web_of(request).ledger
    await run_in_threadpool(
        lambda: batch_commands.move(
            ledger,
            actor=party,
            batch_id=batch_id,
            persons=[PersonRef(who, record)],
            to=state,
        )
    )
    return RedirectResponse(f"/site/{segment(batch_id)}", 303)
