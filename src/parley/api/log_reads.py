"""/v1/log for a party's `parley log …` from its own machine: an entry's inclusion proof, a
consistency proof in the form `log consistency` prints, a stored checkpoint, a witness's
cosignature key and an entry's exact bytes. All of it is what the public tiles and checkpoint
already show (headers and tree hashes, no payload); asked here by a registered party, signed."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request
from fastapi.responses import Response

from parley.api.routes import Signed
from parley.api.signed import SignedRoute, answer, ledger_of, refusal
from parley.app import transparency
from parley.errors import ParleyError

router = APIRouter(prefix="/v1/log", route_class=SignedRoute)


def _text(request: Request, text: str) -> Response:
    return answer(request, {"text": text})


@router.get("/proofs/inclusion/{index}")
def inclusion_latest(request: Request, index: int, caller: Signed) -> Response:
    """A C2SP tlog-proof of entry `index` against the latest stored checkpoint."""
    return _inclusion(request, index, None)


@router.get("/proofs/inclusion/{index}/{size}")
def inclusion_at(request: Request, index: int, size: int, caller: Signed) -> Response:
    """A C2SP tlog-proof of entry `index` against the stored checkpoint of `size`."""
    return _inclusion(request, index, size)


def _inclusion(request: Request, index: int, size: int | None) -> Response:
    try:
        proof = transparency.prove(ledger_of(request), index=index, size=size)
    except ParleyError as e:
        return refusal(request, e)
    return _text(request, proof.decode("utf-8"))


@router.get("/proofs/consistency/{size1}/{size2}")
def consistency(request: Request, size1: int, size2: int, caller: Signed) -> Response:
    """The consistency proof between two sizes: the tlog-witness form when a checkpoint of
    `size2` is stored, else the hashes one a line."""
    try:
        data = transparency.consistency_text(ledger_of(request), size1=size1, size2=size2)
    except ParleyError as e:
        return refusal(request, e)
    return _text(request, data.decode("utf-8"))


@router.get("/checkpoints/{size}")
def checkpoint(request: Request, size: int, caller: Signed) -> Response:
    """The stored checkpoint of `size`, with its cosignatures."""
    try:
        note = transparency.stored_checkpoint(ledger_of(request), size)
    except ParleyError as e:
        return refusal(request, e)
    return _text(request, note.decode("utf-8"))


@router.get("/witness-keys/{party}")
def witness_key(request: Request, party: str, caller: Signed) -> Response:
    """A party's cosignature verifier key, in the signed-note form."""
    try:
        return _text(request, transparency.witness_key(ledger_of(request), party))
    except ParleyError as e:
        return refusal(request, e)


@router.get("/entries/{index}")
def entry(request: Request, index: int, caller: Signed) -> Response:
    """The exact bytes whose RFC 9162 leaf hash is entry `index` (base64)."""
    try:
        data = transparency.entry_bytes(ledger_of(request), index)
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"entry": base64.b64encode(data).decode("ascii")})
