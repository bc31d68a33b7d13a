"""A side's office: it signs in by proving the key made in its browser, reads its rosters,
sought persons, agreements, lists, matches and batches here, and acts by requests its browser
signs (web/static/office.js) to the same /v1 routes, checked as the CLI's are. The server never
holds the party's key."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from parley.app import desk_views, office, papers, planning, reconcile
from parley.app.agreement_words import translated_words
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.requests import Unauthenticated
from parley.domain.errors import NotFound
from parley.domain.rosters import RosterKind
from parley.errors import N_, InvalidInput, ParleyError
from parley.web import i18n, render, security, sessions
from parley.web.state import web_of


class Refusing(APIRoute):
    """A refusal from app as a page in the reader's language (a side without a session: the
    office's sign-in page), never a server error."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except sessions.NeedSignIn:
                return render.page(request, "office/sign_in.html", status=401)
            except ParleyError as e:
                context = {
                    "detail": i18n.refusal(e, i18n.locale_of(request)),
                    "kind": type(e).__name__,
                }
                return render.page(request, "refused.html", context, _status(e))

        return run


def _status(error: ParleyError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden | security.FormRefused):
        return 403
    if isinstance(error, InvalidInput):
        return 422
    return 409


router = APIRouter(prefix="/office", route_class=Refusing)
Party = Annotated[str, Depends(sessions.signed_in)]
MAX_UPLOAD = 16 * 1024 * 1024  # as the server takes a roster by /v1


def _ledger(request: Request) -> Ledger:
    return web_of(request).ledger


def segment(text: str) -> str:
    """One path segment quoted as the CLI quotes it (the browser signs the path as written)."""
    return quote(text, safe="")


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    roster: Iterable[str] = (),
) -> Response:
    """An office page: names with their transliteration, paths quoted as the signer sends them.
    A name that does not tell its language is read in the language most of `roster` (the
    names of the one list the page shows) are written in."""
    values = {
        "latin": desk_views.list_latin(roster),
        "segment": segment,
        **(context or {}),
    }
    return render.page(request, template, values, status)


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    """The party's key in this browser: made here, shown to register, used to sign in."""
    return page(request, "office/sign_in.html")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """A request signed by the party's browser key opens its session (no password, no key
    sent): the same check as a /v1 request, its nonce used once."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    ledger = _ledger(request)
    try:
        done = await run_in_threadpool(
            lambda: office.sign_in(
                ledger, method=request.method, headers=headers, body=body, now=int(time.time())
            )
        )
    except Unauthenticated as e:
        return JSONResponse({"detail": i18n.refusal(e, i18n.locale_of(request))}, 401)
    except ParleyError as e:
        return JSONResponse({"detail": i18n.refusal(e, i18n.locale_of(request))}, 403)
    target = {"monitor": "/monitor", "mediator": "/desk"}.get(done.role.value, "/office")
    response = JSONResponse({"party": done.party_id, "next": target})
    await run_in_threadpool(sessions.open_session, request, response, done.party_id)
    return response


@router.get("")
async def home(request: Request, party: Party) -> Response:
    ledger = _ledger(request)
    key_id = await run_in_threadpool(office.key_id_of, ledger, party)
    return page(request, "office/home.html", {"me": party, "key_id": key_id})


@router.get("/rosters")
async def rosters(request: Request, party: Party) -> Response:
    ledger = _ledger(request)
    found = await run_in_threadpool(lambda: office.rosters_of(ledger, actor=party, party_id=party))
    return page(
        request, "office/rosters.html", {"me": party, "rosters": found, "kinds": list(RosterKind)}
    )


@router.post("/rosters/preview")
async def preview(
    request: Request, party: Party, form: Annotated[FormData, Depends(security.checked_form)]
) -> Response:
    """The uploaded file read by an import's rules: nothing is submitted until the party's
    browser signs the rows shown."""
    upload, kind = form.get("file"), form.get("kind")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput(N_("choose a roster file (CSV or XLSX) to upload"))
    if kind not in {k.value for k in RosterKind}:
        raise InvalidInput(N_("choose whether the roster lists persons held or sought"))
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(
            N_("the file is larger than {number} MB"), number=MAX_UPLOAD // (1024 * 1024)
        )
    seen = await run_in_threadpool(office.preview_roster, upload.filename, data)
    payload = {"records": seen.rows, "source": seen.file} if seen.ok else None
    return page(
        request,
        "office/preview.html",
        {"me": party, "kind": kind, "preview": seen, "payload": payload},
        200 if seen.ok else 422,
    )


@router.get("/rosters/{kind}")
async def roster_versions(
    request: Request, party: Party, kind: RosterKind, version: int | None = None
) -> Response:
    """What a version changed from the one before, by name."""
    ledger = _ledger(request)
    diff = await run_in_threadpool(
        lambda: office.roster_diff(ledger, actor=party, party_id=party, kind=kind, after=version)
    )
    names = [c.name for c in (*diff.added, *diff.removed, *diff.changed)]
    return page(request, "office/roster_diff.html", {"me": party, "diff": diff}, roster=names)


@router.get("/sought")
async def sought(request: Request, party: Party) -> Response:
    ledger = _ledger(request)
    persons = await run_in_threadpool(
        lambda: office.sought_persons(ledger, actor=party, party_id=party)
    )
    names = [p.name for p in persons]
    return page(request, "office/sought.html", {"me": party, "persons": persons}, roster=names)


@router.get("/matches")
async def matches(request: Request, party: Party) -> Response:
    ledger = _ledger(request)
    found = await run_in_threadpool(lambda: reconcile.matches(ledger, actor=party))
    return page(request, "office/matches.html", {"me": party, "matches": found})


@router.get("/agreements/{agreement_id}")
async def agreement(request: Request, party: Party, agreement_id: str) -> Response:
    """The agreement in the reader's language, and the text the sides sign with its hash."""
    ledger, lang = _ledger(request), i18n.locale_of(request)
    reading = await run_in_threadpool(
        lambda: office.read_agreement(ledger, actor=party, agreement_id=agreement_id, lang=lang)
    )
    words = await run_in_threadpool(translated_words, ledger, lang)
    return page(
        request, "office/agreement.html", {"me": party, "reading": reading, "translated": words}
    )


@router.get("/lists/{commitment_id}")
async def side_lists(request: Request, party: Party, commitment_id: str) -> Response:
    """The side's must-include and veto lists for an exchange, and a new pair to sign."""
    ledger = _ledger(request)
    seen = await run_in_threadpool(
        lambda: planning.side_lists(ledger, actor=party, commitment_id=commitment_id)
    )
    mine = next((x for x in seen if x.party_id == party), None)
    must = {f"{p.party_id}/{p.record_id}" for p in mine.must_include} if mine else set()
    veto = {f"{p.party_id}/{p.record_id}" for p in mine.veto} if mine else set()
    located, held = await run_in_threadpool(
        lambda: office.list_candidates(ledger, actor=party, party_id=party)
    )
    shown = {c.ref for c in (*located, *held)}
    return page(
        request,
        "office/lists.html",
        {
            "me": party,
            "commitment_id": commitment_id,
            "must": must,
            "veto": veto,
            "located": located,
            "held": held,
            "extra_must": sorted(must - shown),
            "extra_veto": sorted(veto - shown),
        },
    )


@router.get("/batches")
async def batches(request: Request, party: Party) -> Response:
    """The agreements the side signs, the lists it keeps for each exchange, and its batches."""
    ledger = _ledger(request)
    found = await run_in_threadpool(lambda: office.batches_of(ledger, actor=party))
    signed = await run_in_threadpool(lambda: office.agreements_of(ledger, actor=party))
    words = await run_in_threadpool(translated_words, ledger, i18n.locale_of(request))
    return page(
        request,
        "office/batches.html",
        {"me": party, "batches": found, "agreements": signed, "translated": words},
    )


@router.get("/batches/{batch_id}/manifest.pdf")
async def manifest(request: Request, party: Party, batch_id: str) -> Response:
    """The batch's printable manifest as this side may see it (app.papers), read through its
    session as the other office pages are; `?en=1` adds English to Ukrainian and Russian."""
    languages = "uk,ru,en" if request.query_params.get("en") else "uk,ru"
    _, pdf = await run_in_threadpool(
        lambda: papers.manifest_pdf(
            _ledger(request), actor=party, batch_id=batch_id, languages=languages
        )
    )
    return render.download(pdf, f"manifest-{batch_id}")
