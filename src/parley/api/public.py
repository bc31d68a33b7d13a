"""The public transparency surface, without an account: the latest checkpoint and the tree as
C2SP tlog-tiles (entry bundles hold headers only, never payloads)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from parley.api.errors import body_of, status_of
from parley.api.signed import ledger_of
from parley.app import tiles
from parley.errors import ParleyError

router = APIRouter()
_IMMUTABLE = {"cache-control": "public, max-age=31536000, immutable"}


def _refused(error: ParleyError) -> Response:
    return Response(json.dumps(body_of(error)), status_of(error), media_type="application/json")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/checkpoint", response_class=Response)
def checkpoint(request: Request) -> Response:
    """The latest checkpoint signed by the operator, with its witnesses' cosignatures."""
    try:
        note = tiles.latest_checkpoint(ledger_of(request))
    except ParleyError as e:
        return _refused(e)
    return Response(
        note, media_type="text/plain; charset=utf-8", headers={"cache-control": "no-cache"}
    )


@router.get("/tile/{path:path}", response_class=Response)
def tile(request: Request, path: str) -> Response:
    """A hash tile `L/N[.p/W]` or an entry bundle `entries/N[.p/W]`; each never changes."""
    try:
        data = tiles.tile(ledger_of(request), path)
    except ParleyError as e:
        return _refused(e)
    return Response(data, media_type="application/octet-stream", headers=_IMMUTABLE)
