"""/v1/log: what a party's `parley sync` needs to witness the log from its own machine — the
operator's key, a consistency proof, the payloads it may see for its mirror, and a door for the
cosignature it made there."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley.api.routes import Signed
from parley.api.signed import SignedRoute, answer, ledger_of, refusal
from parley.app import sync, transparency
from parley.errors import ParleyError

router = APIRouter(prefix="/v1/log", route_class=SignedRoute)


class Cosignature(BaseModel):
    size: int = Field(ge=0)
    line: str = Field(max_length=1000)


@router.get("/key")
def operator_key(request: Request, caller: Signed) -> Response:
    """The operator's checkpoint verifier key, for a party to pin on first use."""
    try:
        return answer(request, {"key": transparency.verifier_key(ledger_of(request))})
    except ParleyError as e:
        return refusal(request, e)


@router.get("/consistency/{size1}/{size2}")
def consistency(request: Request, size1: int, size2: int, caller: Signed) -> Response:
    """The RFC 9162 consistency proof between two tree sizes, one base64 hash a line."""
    try:
        hashes = transparency.consistency(ledger_of(request), size1=size1, size2=size2)
    except ParleyError as e:
        return refusal(request, e)
    return answer(
        request,
        {"from": size1, "to": size2, "proof": [base64.b64encode(h).decode() for h in hashes]},
    )


@router.get("/payloads/{start}/{end}")
def payloads(request: Request, start: int, end: int, caller: Signed) -> Response:
    """The payloads of entries start..end-1 (at most 1000) the signing party may see, each with
    its salt, to check against the entry's header; erased and withheld ones are left out."""
    try:
        entries = sync.visible_payloads(
            ledger_of(request), party_id=caller.party_id, start=start, end=end
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"entries": entries})


@router.post("/cosignatures")
def cosign(request: Request, body: Cosignature, caller: Signed) -> Response:
    """A party's C2SP tlog-cosignature line of a stored checkpoint, kept beside it."""
    try:
        transparency.add_cosignature(
            ledger_of(request), party_id=caller.party_id, size=body.size, line=body.line
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"size": body.size, "witness": caller.party_id}, 201)
