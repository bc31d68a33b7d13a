"""The mediator's desk: the reconciliation queue — pairs side by side, confirm or reject one
or the ticked ones, bulk-decide above a score once the count is shown, undo a confirmation by
a recorded reversal; ambiguous groups side by side, one candidate chosen or none. Every action with the mediator's key, which the server holds."""

from __future__ import annotations

import urllib.parse
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app import desk_queue, match_groups, reconcile
from parley.domain.matches import MatchState
from parley.errors import ParleyError
from parley.web import charts, i18n, labels, render, security, sessions
from parley.web.i18n import N_
from parley.web.state import web_of

router = APIRouter(prefix="/desk")
Party = Annotated[str, Depends(sessions.signed_in)]
Form = Annotated[FormData, Depends(security.checked_form)]
PAGE = 50

FIELD_LABELS = labels.FIELDS
# the parts of a name, where the candidates of an ambiguous group differ in them
NAME_LABELS = {
    "family_name": N_("Family name"),
    "given_name": N_("Given name"),
    "patronymic": N_("Father's name"),
    "full_name": N_("Name"),
}
STATE_LABELS = labels.MATCH_STATES
DATE_FIELDS = frozenset({"birth_date", "capture_date"})


def refused(request: Request, error: ParleyError) -> Response:
    """A refusal as a page: the sentence in the reader's language where the catalogs hold it
    (the pages' own), else as the app says it."""
    status = 403 if type(error).__name__ == "Forbidden" else 409
    detail = i18n.refusal(error, i18n.locale_of(request))
    return render.page(request, "refused.html", {"detail": detail, "kind": ""}, status)


def _score(text: object, default: float | None = None) -> float | None:
    """A score from a form or a query: 0.9, 90 or 90% all mean 0.9."""
    if not isinstance(text, str) or not text.strip():
        return default
    try:
        value = float(text.strip().rstrip("%").replace(",", "."))
    except ValueError:
        return default
    value = value / 100 if value > 1 else value
    return min(max(value, 0.0), 1.0)


def _state(text: str | None) -> MatchState | None:
    try:
        return MatchState(text) if text else MatchState.PROPOSED
    except ValueError:
        return MatchState.PROPOSED


@router.get("")
async def desk_home(_party: Party) -> Response:
    return RedirectResponse("/desk/queue", 303)


@router.get("/queue")
async def queue(request: Request, party: Party) -> Response:
    q = request.query_params
    state = _state(q.get("state"))
    min_score = _score(q.get("min"))
    try:
        page = max(int(q.get("page", "1")), 1)
    except ValueError:
        page = 1
    if state is MatchState.AMBIGUOUS:
        return await _groups(request, party, page)
    try:
        found = await run_in_threadpool(
            lambda: desk_queue.queue(
                web_of(request).ledger,
                actor=party,
                state=state,
                min_score=min_score,
                offset=(page - 1) * PAGE,
                limit=PAGE,
            )
        )
    except ParleyError as e:
        return refused(request, e)
    pages = max((found.total + PAGE - 1) // PAGE, 1)

    def link(to: int) -> str:
        query = {"state": state.value if state else "", "page": str(to)}
        if min_score is not None:
            query["min"] = str(min_score)
        return "/desk/queue?" + urllib.parse.urlencode(query)

    return render.page(
        request,
        "desk/queue.html",
        {
            "queue": found,
            "state": state.value if state else "",
            "min_score": min_score,
            "page": page,
            "pages": pages,
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "progress": charts.progress(found.counts),
            "fields": FIELD_LABELS,
            "date_fields": DATE_FIELDS,
            "states": STATE_LABELS,
            "done": q.get("done"),
        },
    )


GROUP_PAGE = 20


async def _groups(request: Request, party: str, page: int) -> Response:
    """The open ambiguous groups, each side by side, for the mediator to choose from."""
    try:
        found = await run_in_threadpool(
            lambda: desk_queue.groups(
                web_of(request).ledger,
                actor=party,
                offset=(page - 1) * GROUP_PAGE,
                limit=GROUP_PAGE,
            )
        )
    except ParleyError as e:
        return refused(request, e)
    pages = max((found.total + GROUP_PAGE - 1) // GROUP_PAGE, 1)

    def link(to: int) -> str:
        return "/desk/queue?" + urllib.parse.urlencode({"state": "ambiguous", "page": str(to)})

    return render.page(
        request,
        "desk/queue.html",
        {
            "queue": found,
            "state": MatchState.AMBIGUOUS.value,
            "min_score": None,
            "page": page,
            "pages": pages,
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
            "progress": charts.progress(found.counts),
            "fields": FIELD_LABELS,
            "names": NAME_LABELS,
            "date_fields": DATE_FIELDS,
            "states": STATE_LABELS,
            "done": request.query_params.get("done"),
        },
    )


def _back(form: FormData, done: int | None = None) -> RedirectResponse:
    """Back to the queue as it was filtered, saying how many were decided."""
    query = {}
    for key in ("state", "min", "page"):
        value = form.get(key)
        if isinstance(value, str) and value:
            query[key] = value
    if done is not None:
        query["done"] = str(done)
    return RedirectResponse("/desk/queue?" + urllib.parse.urlencode(query), 303)


@router.post("/queue/decisions")
async def decide(request: Request, party: Party, form: Form) -> Response:
    """Confirm or reject one pair (its own button) or the ticked pairs."""
    one = {k: form.get(k) for k in ("confirm_one", "reject_one")}
    if isinstance(one["confirm_one"], str):
        mids, to = [one["confirm_one"]], MatchState.CONFIRMED
    elif isinstance(one["reject_one"], str):
        mids, to = [one["reject_one"]], MatchState.REJECTED
    else:
        mids = [m for m in form.getlist("mid") if isinstance(m, str)]
        to = MatchState.REJECTED if form.get("decision") == "reject" else MatchState.CONFIRMED
    note = form.get("note")
    try:
        done = await run_in_threadpool(
            lambda: desk_queue.decide_some(
                web_of(request).ledger,
                actor=party,
                mids=mids,
                state=to,
                note=note if isinstance(note, str) else "",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return _back(form, done.count)


@router.post("/queue/groups")
async def choose(request: Request, party: Party, form: Form) -> Response:
    """Resolve an ambiguous group: the ticked candidate confirmed and the others rejected, or
    (`none`) every candidate rejected."""
    group = form.get("group")
    chosen = [m for m in form.getlist("choose") if isinstance(m, str)]
    if form.get("decision") == "none":
        chosen = []
    elif not chosen:
        return refused(
            request,
            ParleyError(N_("tick the candidate who is the same person, or reject them all")),
        )
    note = form.get("note")
    try:
        done = await run_in_threadpool(
            lambda: match_groups.choose(
                web_of(request).ledger,
                actor=party,
                group=group if isinstance(group, str) else "",
                chosen=chosen,
                note=note if isinstance(note, str) else "",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return _back(form, done.count)


@router.post("/queue/bulk-preview")
async def bulk_preview(request: Request, party: Party, form: Form) -> Response:
    """How many proposals a bulk decision at this score would decide, before it does."""
    min_score = _score(form.get("min_score"))
    decision = "reject" if form.get("decision") == "reject" else "confirm"
    if min_score is None:
        return refused(request, ParleyError(N_("give a score between 0 and 1 (or a percentage)")))
    try:
        mids = await run_in_threadpool(
            lambda: desk_queue.proposals_above(
                web_of(request).ledger, actor=party, min_score=min_score
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request,
        "desk/bulk.html",
        {"count": len(mids), "min_score": min_score, "decision": decision},
    )


@router.post("/queue/bulk")
async def bulk(request: Request, party: Party, form: Form) -> Response:
    min_score = _score(form.get("min_score"))
    to = MatchState.REJECTED if form.get("decision") == "reject" else MatchState.CONFIRMED
    try:
        expected = int(str(form.get("expected", "")))
    except ValueError:
        expected = -1
    if min_score is None:
        return refused(request, ParleyError(N_("give a score between 0 and 1 (or a percentage)")))
    try:
        done = await run_in_threadpool(
            lambda: desk_queue.decide_above(
                web_of(request).ledger,
                actor=party,
                min_score=min_score,
                state=to,
                expected=expected,
                note=f"bulk decision at {min_score} or more",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse(f"/desk/queue?done={done.count}", 303)


@router.post("/queue/reversals")
async def reverse(request: Request, party: Party, form: Form) -> Response:
    """Undo a confirmation: a reversal on the log with its reason, never an edit."""
    mid, reason = form.get("mid"), form.get("reason")
    try:
        await run_in_threadpool(
            lambda: reconcile.reverse_match(
                web_of(request).ledger,
                actor=party,
                mid=mid if isinstance(mid, str) else "",
                reason=reason if isinstance(reason, str) else "",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return RedirectResponse("/desk/queue?state=reversed&done=1", 303)
