"""The mediator's agreements: upload a draft (the JSON file `parley agreement draft` takes),
read its text in Ukrainian, Russian and English before it is put up for signature, then follow
each agreement's signatures and witness it once both sides have signed — all with the
mediator's key, which the server holds."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from parley.app import desk_agreements
from parley.app.agreement_words import translated_words
from parley.errors import InvalidInput, ParleyError
from parley.web import i18n, render, security, sessions
from parley.web.i18n import N_
from parley.web.pages.desk import refused
from parley.web.state import web_of

router = APIRouter(prefix="/desk/agreements")
Party = Annotated[str, Depends(sessions.signed_in)]
Form = Annotated[FormData, Depends(security.checked_form)]
MAX_UPLOAD = 4 * 1024 * 1024  # an agreement's JSON, its names referred to, never whole rosters
LANGUAGE_NAMES = {"uk": N_("Ukrainian"), "ru": N_("Russian"), "en": N_("English")}


def segment(text: str) -> str:
    """`text` as one path segment of a link."""
    return quote(text, safe="")


def _to(agreement_id: str, done: str = "") -> RedirectResponse:
    where = f"/desk/agreements/{segment(agreement_id)}"
    return RedirectResponse(where + (f"?done={done}" if done else ""), 303)


@router.get("")
async def overview(request: Request, party: Party) -> Response:
    ledger = web_of(request).ledger
    try:
        found = await run_in_threadpool(lambda: desk_agreements.headings(ledger, actor=party))
    except ParleyError as e:
        return refused(request, e)
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    return render.page(
        request,
        "desk/agreements.html",
        {"agreements": found, "segment": segment, "translated": words},
    )


async def _draft_of(form: FormData) -> tuple[str, bytes]:
    """The uploaded draft (the preview's form) or the one previewed (sent back as text)."""
    upload, kept, name = form.get("file"), form.get("document"), form.get("file_name")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(
                N_("the file is larger than {number} MB"), number=MAX_UPLOAD // (1024 * 1024)
            )
        return upload.filename, data
    if isinstance(kept, str) and kept:
        return (name if isinstance(name, str) else ""), kept.encode("utf-8")
    raise InvalidInput(N_("choose the agreement's file (JSON, as `parley agreement draft` takes)"))


@router.post("/preview")
async def preview(request: Request, party: Party, form: Form) -> Response:
    """The draft's text in the three languages; nothing is recorded until it is put up."""
    ledger = web_of(request).ledger
    try:
        sessions.require_desk(request)
        name, data = await _draft_of(form)
        texts = await run_in_threadpool(
            lambda: desk_agreements.preview(
                ledger, actor=party, agreement=desk_agreements.read_draft(name, data)
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request,
        "desk/agreement_preview.html",
        {
            "draft": texts,
            "document": data.decode("utf-8-sig"),
            "file_name": name,
            "languages": LANGUAGE_NAMES,
        },
    )


@router.post("")
async def put_up(request: Request, party: Party, form: Form) -> Response:
    """Draft the previewed agreement on the log: the sides may read and sign it."""
    ledger = web_of(request).ledger
    try:
        sessions.require_desk(request)
        name, data = await _draft_of(form)
        agreement = await run_in_threadpool(lambda: desk_agreements.read_draft(name, data))
        await run_in_threadpool(
            lambda: desk_agreements.put_up(ledger, actor=party, agreement=agreement)
        )
    except ParleyError as e:
        return refused(request, e)
    return _to(agreement.agreement_id, "drafted")


@router.get("/{agreement_id}")
async def agreement(request: Request, party: Party, agreement_id: str) -> Response:
    try:
        found = await run_in_threadpool(
            lambda: desk_agreements.reading(
                web_of(request).ledger, actor=party, agreement_id=agreement_id
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return render.page(
        request,
        "desk/agreement.html",
        {
            "reading": found,
            "languages": LANGUAGE_NAMES,
            "done": request.query_params.get("done", ""),
            "me": party,
            "segment": segment,
        },
    )


@router.post("/{agreement_id}/signatures")
async def witness(request: Request, party: Party, agreement_id: str, form: Form) -> Response:
    """The mediator signs the text it read (the hash the page showed it)."""
    digest = form.get("text_sha256")
    try:
        sessions.require_desk(request)  # a side signs in its own browser, from its office
        await run_in_threadpool(
            lambda: desk_agreements.witness(
                web_of(request).ledger,
                actor=party,
                agreement_id=agreement_id,
                text_sha256=digest if isinstance(digest, str) else "",
            )
        )
    except ParleyError as e:
        return refused(request, e)
    return _to(agreement_id, "signed")
