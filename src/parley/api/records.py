"""/v1 for what a party does to and reads of its own records from its own machine: persons
taken off a roster, a person erased, its sought persons not located yet. Each route runs one
`app` use case as the party that signed the request (app/authz.py decides)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley.api.signed import SignedRoute, answer, ledger_of, refusal, signed_party
from parley.app import erasure, reconcile, roster_files
from parley.app.requests import Caller
from parley.domain.rosters import RosterKind
from parley.errors import ParleyError

router = APIRouter(prefix="/v1", route_class=SignedRoute)
Signed = Annotated[Caller, Depends(signed_party)]


class RosterRemoval(BaseModel):
    """Persons to take off a roster: by id, and the rows of a removal list (a roster file's
    rows: with ids, or names and birth dates as the roster's own list writes them)."""

    record_ids: list[str] = Field(default_factory=list, max_length=200_000)
    records: list[dict[str, str]] | None = Field(default=None, max_length=200_000)
    source: str = Field(default="removal", min_length=1, max_length=200)
    confirmed: bool = False  # remove even more than half of the roster


@router.post("/rosters/{party}/{kind}/removals")
def remove_from_roster(
    request: Request, party: str, kind: RosterKind, body: RosterRemoval, caller: Signed
) -> Response:
    """A new version of a party's roster without the persons named (only the party itself)."""
    try:
        with caller.acting():
            r = roster_files.remove_rows(
                ledger_of(request),
                party_id=party,
                kind=kind,
                record_ids=body.record_ids,
                rows=body.records,
                source=body.source,
                actor=caller.party_id,
                confirmed=body.confirmed,
            )
    except ParleyError as e:
        return refusal(request, e)
    data: dict[str, Any] = {
        "roster": r.roster_id,
        "version": r.version,
        "records": r.record_count,
        "added": 0,
        "removed": len(r.diff.removed),
        "changed": 0,
        "notes_columns": [],
        "diff": roster_files.diff_json(r.diff),
    }
    return answer(request, data, 201 if r.version is not None else 200)


class ErasureBody(BaseModel):
    reason: str = Field(default="erasure request", min_length=1, max_length=2000)


@router.post("/persons/{roster_id}/{record_id}/erasure")
def erase_person(
    request: Request, roster_id: str, record_id: str, body: ErasureBody, caller: Signed
) -> Response:
    """Erase a person: the record named (the mediator's, or the signing party's own) and every
    record joined to it that the party may erase; the others are named with why not."""
    try:
        with caller.acting():
            done = erasure.erase_person(
                ledger_of(request),
                actor=caller.party_id,
                roster_id=roster_id,
                record_id=record_id,
                reason=body.reason,
            )
    except ParleyError as e:
        return refusal(request, e)
    appended = done.appended
    data = {
        "first": None if appended is None else appended.first,
        "count": 0 if appended is None else appended.count,
        "erased": [str(r) for r in done.erased],
        "already": [str(r) for r in done.already],
        "not_erased": [{"record": str(r), "why": why} for r, why in done.not_erased],
        "interviews": done.interviews,
    }
    return answer(request, data)


@router.get("/rosters/{party}/sought/unlocated")
def unlocated(request: Request, party: str, caller: Signed) -> Response:
    """A party's sought persons found on no other party's held roster yet (the party itself or
    the mediator)."""
    try:
        rows = reconcile.not_located(ledger_of(request), actor=caller.party_id, party_id=party)
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, rows)
