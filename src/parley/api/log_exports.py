"""/v1/log/export: a party's export of the log fetched from its own machine, as the party may
see it (every header, its own commands' payloads and the log's own events): the head (size,
checkpoints with cosignatures, keys) then the entries in pages, each line as the export writes
it. `parley export --server` writes the folder; `parley verify` checks it offline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from parley.api.routes import Signed
from parley.api.signed import SignedRoute, answer, ledger_of, refusal
from parley.app import audit
from parley.errors import ParleyError

router = APIRouter(prefix="/v1/log/export", route_class=SignedRoute)


@router.get("")
def export_head(request: Request, caller: Signed) -> Response:
    """The log's size, its checkpoints with their cosignatures, and every party key."""
    try:
        head = audit.export_head(ledger_of(request), actor=caller.party_id)
    except ParleyError as e:
        return refusal(request, e)
    data = {
        "size": head.size,
        "checkpoints": [{"size": c.size, "note": c.note.decode("utf-8")} for c in head.checkpoints],
        "keys": head.keys.to_json(),
    }
    return answer(request, data)


@router.get("/{start}/{end}")
def export_entries(request: Request, start: int, end: int, caller: Signed) -> Response:
    """Entries start..end-1 (at most 1000), each the line log.jsonl holds for it."""
    try:
        lines = audit.export_lines(ledger_of(request), actor=caller.party_id, start=start, end=end)
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"lines": lines})
