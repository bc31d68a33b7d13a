"""/v1 for reading an agreement's text from a party's own machine before signing it: the text
in all three languages with its SHA-256, exactly the bytes hashed, one language's, or what
changed between two versions. A side of the agreement or its mediator reads it (app/authz.py);
every choice is in the signed path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.api.signed import SignedRoute, answer, ledger_of, refusal, signed_party
from parley.app import agreements
from parley.app.requests import Caller
from parley.errors import ParleyError

router = APIRouter(prefix="/v1", route_class=SignedRoute)
Signed = Annotated[Caller, Depends(signed_party)]
ALL, HASHED = "all", "hashed"  # the forms of a text besides one language's


@router.get("/agreements/{agreement_id}/text/{form}")
def agreement_text(request: Request, agreement_id: str, form: str, caller: Signed) -> Response:
    """The current version's text: `all` (three languages and the SHA-256), `hashed` (exactly
    the text whose UTF-8 bytes the sides sign), or one language (uk, ru, en)."""
    try:
        text = agreements.agreement_text(
            ledger_of(request),
            agreement_id=agreement_id,
            lang=None if form in (ALL, HASHED) else form,
            hashed=form == HASHED,
            actor=caller.party_id,
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"agreement": agreement_id, "text": text})


@router.get("/agreements/{agreement_id}/diff/{before}/{after}/{lang}")
def agreement_diff(
    request: Request, agreement_id: str, before: int, after: int, lang: str, caller: Signed
) -> Response:
    """What changed between two versions' texts in one language (a unified diff)."""
    try:
        text = agreements.versions_diff(
            ledger_of(request),
            agreement_id=agreement_id,
            before=before,
            after=after,
            lang=lang,
            actor=caller.party_id,
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"agreement": agreement_id, "text": text})
