"""/v1/keys: a party's keys from its own machine — the key the server holds current for it,
its rotation (announced under its current key), a revocation, and its recovery (the one
request its offline recovery key may sign). The server never makes or holds a party's key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley.api.routes import Signed
from parley.api.signed import SignedRoute, answer, ledger_of, refusal
from parley.app import keys_admin
from parley.app.keys import parse_verifier_key
from parley.app.ledger import Appended
from parley.errors import ParleyError

router = APIRouter(prefix="/v1/keys", route_class=SignedRoute)
_HEX_KEY = "^[0-9a-f]{64}$"


class Rotation(BaseModel):
    public_key: str = Field(pattern=_HEX_KEY)


class Revocation(BaseModel):
    party: str = Field(max_length=32)
    key_id: str = Field(pattern="^[0-9a-f]{16}$")
    reason: str = Field(max_length=500)
    replacement: str | None = Field(default=None, pattern=_HEX_KEY)


class Recovery(BaseModel):
    public_key: str = Field(pattern=_HEX_KEY)
    recovery_key: str = Field(pattern=_HEX_KEY)


def _appended(done: Appended) -> dict[str, int]:
    return {"first": done.first, "count": done.count}


@router.get("/current")
def current_key(request: Request, caller: Signed) -> Response:
    """The key that signed this request, which the server holds current for its party."""
    return answer(request, {"party": caller.party_id, "key_id": caller.key_id})


@router.post("/rotation")
def rotate(request: Request, body: Rotation, caller: Signed) -> Response:
    """The party's new key, announced under its current key (which signs the request)."""
    try:
        with caller.acting():
            done = keys_admin.rotate_to(
                ledger_of(request),
                party_id=caller.party_id,
                public=parse_verifier_key(body.public_key),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


@router.post("/revocation")
def revoke(request: Request, body: Revocation, caller: Signed) -> Response:
    """A key revoked by its party or by the mediator; only the party names a replacement."""
    try:
        with caller.acting():
            done = keys_admin.revoke(
                ledger_of(request),
                actor=caller.party_id,
                party_id=body.party,
                revoked_key_id=body.key_id,
                reason=body.reason,
                replacement=None
                if body.replacement is None
                else parse_verifier_key(body.replacement),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


@router.post("/recovery")
def recover(request: Request, body: Recovery, caller: Signed) -> Response:
    """The party's new key and next recovery key, signed by its recovery key."""
    try:
        with caller.acting():
            done = keys_admin.recover_to(
                ledger_of(request),
                party_id=caller.party_id,
                public=parse_verifier_key(body.public_key),
                new_recovery=parse_verifier_key(body.recovery_key),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))
