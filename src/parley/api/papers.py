"""/v1 for the files a party prints or hands on from its own machine: a side's own view as a
workbook or as PFIF 1.4, and a batch's manifest for the handover site. Each file is made on the
server as the signing party may see it (app/authz.py decides) and sent base64 in the JSON
answer, so a retry gets the same bytes back."""

from __future__ import annotations

import base64
import enum
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley.api.signed import SignedRoute, answer, ledger_of, refusal, signed_party
from parley.app import papers
from parley.app.requests import Caller
from parley.errors import ParleyError

router = APIRouter(prefix="/v1", route_class=SignedRoute)
Signed = Annotated[Caller, Depends(signed_party)]


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    PFIF = "pfif"


class SideExport(BaseModel):
    format: ExportFormat
    domain: str | None = Field(default=None, min_length=1, max_length=200)  # PFIF's record ids
    language: Literal["en", "uk", "ru"] = "en"  # the workbook's sheets and headers


def _file(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@router.post("/parties/{party}/exports")
def export_side(request: Request, party: str, body: SideExport, caller: Signed) -> Response:
    """A side's own view as a file (the side itself or the mediator): XLSX, its rosters, sought
    persons with their outcome and its handovers; PFIF 1.4, its sought persons and their status."""
    try:
        if body.format is ExportFormat.XLSX:
            data = papers.export_xlsx(
                ledger_of(request), actor=caller.party_id, party=party, locale=body.language
            )
        else:
            data = papers.export_pfif(
                ledger_of(request), actor=caller.party_id, party=party, domain=body.domain
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"party": party, "format": body.format.value, "file": _file(data)})


class ManifestBody(BaseModel):
    languages: str = Field(default="uk,ru", min_length=2, max_length=40)  # side by side


@router.post("/batches/{batch_id}/manifest")
def batch_manifest(request: Request, batch_id: str, body: ManifestBody, caller: Signed) -> Response:
    """A batch's manifest as a PDF, each cell as the signing party may see it (a side of the
    batch or the mediator)."""
    try:
        found, pdf = papers.manifest_pdf(
            ledger_of(request), actor=caller.party_id, batch_id=batch_id, languages=body.languages
        )
    except ParleyError as e:
        return refusal(request, e)
    data = {
        "batch": batch_id,
        "persons": len(found.rows),
        "planned_index": found.planned_index,
        "short_hash": found.short_hash,
        "file": _file(pdf),
    }
    return answer(request, data)
