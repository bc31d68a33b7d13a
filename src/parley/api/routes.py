"""/v1: one route per use case, each through `app` as the party that signed the request (the
use case asks app/authz.py whether that party may)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley.api.signed import SignedRoute, answer, ledger_of, refusal, signed_party
from parley.app import (
    agreements,
    batch_commands,
    batches,
    match_groups,
    planning,
    reconcile,
    roster_files,
    rosters,
    status,
)
from parley.app import person as person_view
from parley.app.ledger import Appended
from parley.app.requests import Caller
from parley.app.roster_search import roster_search
from parley.domain.agreements import ImplementationStatus, PersonRef, ReportKind
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState
from parley.domain.moments import parse_moment
from parley.domain.rosters import RosterKind
from parley.errors import ParleyError

router = APIRouter(prefix="/v1", route_class=SignedRoute)
Signed = Annotated[Caller, Depends(signed_party)]


class RosterRecords(BaseModel):
    """A roster as a file's rows: each record an object of column -> text."""

    records: list[dict[str, str]] = Field(max_length=200_000)
    source: str = Field(default="api", max_length=200)
    merge: bool = False  # add and correct, remove nobody (else the rows are the whole roster)
    confirmed: bool = False  # replace even when that removes more than half of the roster


class Person(BaseModel):
    party: str = Field(max_length=32)
    record: str = Field(max_length=128)

    def ref(self) -> PersonRef:
        return PersonRef(self.party, self.record)


class AgreementSignature(BaseModel):
    text_sha256: str = Field(pattern="^[0-9a-f]{64}$")


class HandoverMove(BaseModel):
    persons: list[Person] = Field(min_length=1, max_length=10_000)
    to: HandoverState
    note: str = Field(default="", max_length=2000)
    instead: Person | None = None
    interview: str | None = Field(default=None, max_length=20_000)
    at: str | None = Field(default=None, max_length=40)  # when it happened, if not now


class Confirmation(BaseModel):
    persons: list[Person] | None = None  # None: every transfer both sides recorded


class SideListsBody(BaseModel):
    must_include: list[Person] = Field(default_factory=list, max_length=10_000)
    veto: list[Person] = Field(default_factory=list, max_length=10_000)


class MonitorReport(BaseModel):
    kind: ReportKind
    place: str = Field(max_length=500)
    observed_on: dt.date
    text: str = Field(max_length=20_000)
    at: str | None = Field(default=None, max_length=40)  # the time of day observed, if given


def _appended(done: Appended) -> dict[str, int]:
    return {"first": done.first, "count": done.count}


# an exchange's handover steps first: one request per person and step, the most frequent
# writes, matched before the other routes are tried
@router.post("/batches/{batch_id}/handovers")
def move_handovers(request: Request, batch_id: str, body: HandoverMove, caller: Signed) -> Response:
    """Persons of a batch move to their next handover state."""
    try:
        with caller.acting():
            batch_commands.move(
                ledger_of(request),
                actor=caller.party_id,
                batch_id=batch_id,
                persons=[p.ref() for p in body.persons],
                to=body.to,
                note=body.note,
                instead=body.instead.ref() if body.instead is not None else None,
                interview=body.interview,
                at=None if body.at is None else parse_moment(body.at),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"moved": len(body.persons), "to": body.to.value})


@router.post("/batches/{batch_id}/confirmations")
def confirm_handovers(
    request: Request, batch_id: str, body: Confirmation, caller: Signed
) -> Response:
    """The mediator confirms transfers both sides recorded."""
    persons = None if body.persons is None else [p.ref() for p in body.persons]
    try:
        with caller.acting():
            done = batches.confirm(
                ledger_of(request), actor=caller.party_id, batch_id=batch_id, persons=persons
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


@router.get("/status")
def read_status(request: Request, caller: Signed) -> Response:
    """The instance as the signing party may see it."""
    try:
        return answer(request, status.summary(ledger_of(request), caller.party_id))
    except ParleyError as e:
        return refusal(request, e)


@router.post("/rosters/{party}/{kind}")
def import_roster(
    request: Request, party: str, kind: RosterKind, body: RosterRecords, caller: Signed
) -> Response:
    """A new version of a party's roster (only the party itself may import it)."""
    try:
        with caller.acting():
            done = roster_files.import_rows(
                ledger_of(request),
                rows=body.records,
                source=body.source,
                party_id=party,
                kind=kind,
                actor=caller.party_id,
                mode=rosters.ImportMode.MERGE if body.merge else rosters.ImportMode.REPLACE,
                confirmed=body.confirmed,
            )
    except ParleyError as e:
        return refusal(request, e)
    r = done.result
    data: dict[str, Any] = {
        "roster": r.roster_id,
        "version": r.version,
        "records": r.record_count,
        "added": len(r.diff.added),
        "removed": len(r.diff.removed),
        "changed": len(r.diff.changed),
        "notes_columns": list(done.unknown_columns),
        "diff": roster_files.diff_json(r.diff),
    }
    return answer(request, data, 201 if r.version is not None else 200)


class RosterComparison(BaseModel):
    """Two versions of a roster (by default the latest and the one before), or the current
    version and records not imported."""

    before: int | None = Field(default=None, ge=0)
    after: int | None = Field(default=None, ge=0)
    records: list[dict[str, str]] | None = Field(default=None, max_length=200_000)
    merge: bool = False  # the records as `import --merge` would take them


@router.post("/rosters/{party}/{kind}/comparisons")
def compare_roster(
    request: Request, party: str, kind: RosterKind, body: RosterComparison, caller: Signed
) -> Response:
    """What changed in a roster (the owning side or the mediator); appends nothing."""
    ledger = ledger_of(request)
    try:
        if body.records is not None:
            version, d = roster_files.diff_rows(
                ledger,
                rows=body.records,
                party_id=party,
                kind=kind,
                actor=caller.party_id,
                mode=rosters.ImportMode.MERGE if body.merge else rosters.ImportMode.REPLACE,
            )
            return answer(request, {"version": version, **roster_files.diff_json(d)})
        frm, to, d = rosters.diff_versions(
            ledger,
            party_id=party,
            kind=kind,
            before=body.before,
            after=body.after,
            actor=caller.party_id,
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, {"from": frm, "to": to, **roster_files.diff_json(d)})


@router.get("/matches")
def list_matches(request: Request, caller: Signed) -> Response:
    """The matches the signing party may see."""
    try:
        return answer(request, reconcile.matches(ledger_of(request), actor=caller.party_id))
    except ParleyError as e:
        return refusal(request, e)


@router.get("/persons/{roster_id}/{record_id}")
def person_history(request: Request, roster_id: str, record_id: str, caller: Signed) -> Response:
    """One person's history across rosters and handovers, as the signing party may see it."""
    try:
        data = person_view.history(
            ledger_of(request), actor=caller.party_id, roster_id=roster_id, record_id=record_id
        )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, data)


@router.post("/matches/{match_id:path}/acknowledgement")  # a match id holds slashes
def acknowledge_match(request: Request, match_id: str, caller: Signed) -> Response:
    """A party acknowledges a confirmed match about one of its records."""
    try:
        with caller.acting():
            done = reconcile.acknowledge(ledger_of(request), actor=caller.party_id, mid=match_id)
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class MatchDecision(BaseModel):
    """The mediator's decision on proposals, named one by one (a bulk decision names exactly
    those it showed: one decided meanwhile refuses the whole lot)."""

    matches: list[str] = Field(min_length=1, max_length=100_000)
    state: MatchState
    note: str = Field(default="", max_length=2000)


@router.post("/matches/decisions")
def decide_matches(request: Request, body: MatchDecision, caller: Signed) -> Response:
    """The mediator confirms or rejects proposals, one event each, all or none."""
    try:
        with caller.acting():
            done = reconcile.decide_matches(
                ledger_of(request),
                actor=caller.party_id,
                mids=body.matches,
                state=body.state,
                note=body.note,
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class GroupChoice(BaseModel):
    """The mediator's answer to an ambiguous group: the candidates chosen (none: all rejected)."""

    chosen: list[str] = Field(default_factory=list, max_length=1000)
    note: str = Field(default="", max_length=2000)


@router.post("/match-groups/{group_id}/choice")
def choose_in_group(request: Request, group_id: str, body: GroupChoice, caller: Signed) -> Response:
    """The mediator resolves an ambiguous group: the chosen candidates confirmed, the others
    rejected, one event each, all or none."""
    try:
        with caller.acting():
            done = match_groups.choose(
                ledger_of(request),
                actor=caller.party_id,
                group=group_id,
                chosen=body.chosen,
                note=body.note,
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class MatchReversal(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/matches/{match_id:path}/reversal")
def reverse_match(request: Request, match_id: str, body: MatchReversal, caller: Signed) -> Response:
    """The mediator takes back a confirmed match, saying why."""
    try:
        with caller.acting():
            done = reconcile.reverse_match(
                ledger_of(request), actor=caller.party_id, mid=match_id, reason=body.reason
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class SearchBody(BaseModel):
    """A name in any script and order, and optionally a birth date as written."""

    query: str = Field(min_length=1, max_length=500)
    birth_date: str | None = Field(default=None, max_length=40)
    top: int = Field(default=10, ge=1, le=1000)


@router.post("/searches")
def search(request: Request, body: SearchBody, caller: Signed) -> Response:
    """The records most like a name across the rosters the signing party may read."""
    try:
        index = roster_search(ledger_of(request), actor=caller.party_id)
        hits = index.search(body.query, body.birth_date, body.top)
    except ParleyError as e:
        return refusal(request, e)
    data = {
        "records": len(index),
        "rosters": index.rosters,
        "hits": [
            {
                "roster_id": h.roster_id,
                "record_id": h.record_id,
                "name": h.name,
                "birth_date": h.birth_date,
                "score": round(h.score, 6),
                "explanation": h.explanation,
            }
            for h in hits
        ],
    }
    return answer(request, data)


@router.post("/agreements/{agreement_id}/signatures")
def sign_agreement(
    request: Request, agreement_id: str, body: AgreementSignature, caller: Signed
) -> Response:
    """A side signs the agreement text it read, named by its hash."""
    try:
        with caller.acting():
            done = agreements.sign(
                ledger_of(request),
                actor=caller.party_id,
                agreement_id=agreement_id,
                text_sha256=body.text_sha256,
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class BatchAmendmentBody(BaseModel):
    """A new amendment (persons added or withdrawn, and why), or `agree` to one as proposed."""

    add: list[Person] = Field(default_factory=list, max_length=10_000)
    withdraw: list[Person] = Field(default_factory=list, max_length=10_000)
    reason: str = Field(default="", max_length=2000)
    agree: int | None = Field(default=None, ge=1)


def _amendment(a: Any) -> dict[str, Any]:
    return {
        "amendment": a.amendment,
        "added": [{"person": _people([p])[0], "receiving_party": r} for p, r in a.added],
        "withdrawn": _people(a.withdrawn),
        "reason": a.reason,
        "agreed_by": list(a.agreed_by),
        "in_force": a.in_force,
    }


@router.post("/batches/{batch_id}/amendments")
def amend_batch(
    request: Request, batch_id: str, body: BatchAmendmentBody, caller: Signed
) -> Response:
    """A side or the mediator proposes an amendment of a batch, or agrees to one as proposed;
    in force once both sides and the mediator agreed."""
    try:
        with caller.acting():
            done = batches.amend(
                ledger_of(request),
                actor=caller.party_id,
                batch_id=batch_id,
                add=[p.ref() for p in body.add],
                withdraw=[p.ref() for p in body.withdraw],
                reason=body.reason,
                agree=body.agree,
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


@router.get("/batches/{batch_id}/amendments")
def read_batch_amendments(request: Request, batch_id: str, caller: Signed) -> Response:
    """A batch's amendments: what each changes, who agreed, whether it is in force."""
    try:
        known = batches.amendments(ledger_of(request), actor=caller.party_id, batch_id=batch_id)
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, [_amendment(a) for a in known])


class CancellationBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/batches/{batch_id}/cancellation")
def cancel_batch(
    request: Request, batch_id: str, body: CancellationBody, caller: Signed
) -> Response:
    """The mediator calls a batch off; persons already moved keep their states."""
    try:
        with caller.acting():
            done = batches.cancel(
                ledger_of(request), actor=caller.party_id, batch_id=batch_id, reason=body.reason
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


def _people(refs: Iterable[PersonRef]) -> list[dict[str, str]]:
    return [{"party": r.party_id, "record": r.record_id} for r in sorted(refs)]


@router.get("/commitments/{commitment_id}/lists")
def read_side_lists(request: Request, commitment_id: str, caller: Signed) -> Response:
    """The sides' signed lists for an exchange as the party may see them (a side its own)."""
    try:
        seen = planning.side_lists(
            ledger_of(request), actor=caller.party_id, commitment_id=commitment_id
        )
    except ParleyError as e:
        return refusal(request, e)
    lists = [
        {"party": x.party_id, "must_include": _people(x.must_include), "veto": _people(x.veto)}
        for x in seen
    ]
    return answer(request, lists)


@router.post("/commitments/{commitment_id}/lists")
def submit_side_lists(
    request: Request, commitment_id: str, body: SideListsBody, caller: Signed
) -> Response:
    """A side signs its must-include and veto lists for an exchange (replacing its last)."""
    try:
        with caller.acting():
            done = planning.submit_lists(
                ledger_of(request),
                actor=caller.party_id,
                commitment_id=commitment_id,
                must_include={p.ref() for p in body.must_include},
                veto={p.ref() for p in body.veto},
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


class CommitmentRating(BaseModel):
    status: ImplementationStatus
    note: str = Field(default="", max_length=2000)
    at: str | None = Field(default=None, max_length=40)  # when the rating holds, if not now


@router.post("/commitments/{commitment_id}/status")
def rate_commitment(
    request: Request, commitment_id: str, body: CommitmentRating, caller: Signed
) -> Response:
    """The mediator rates a commitment 0-3 under the verification rules."""
    try:
        with caller.acting():
            done = agreements.set_commitment_status(
                ledger_of(request),
                actor=caller.party_id,
                commitment_id=commitment_id,
                status=body.status,
                note=body.note,
                at=None if body.at is None else parse_moment(body.at),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))


@router.get("/reports")
def read_reports(request: Request, caller: Signed) -> Response:
    """The monitors' reports the signing party may see, oldest observation first."""
    try:
        return answer(request, status.reports(ledger_of(request), caller.party_id))
    except ParleyError as e:
        return refusal(request, e)


@router.get("/commitments/{commitment_id}/reports")
def read_commitment_reports(request: Request, commitment_id: str, caller: Signed) -> Response:
    """The monitors' reports on one commitment the signing party may see."""
    try:
        return answer(request, status.reports(ledger_of(request), caller.party_id, commitment_id))
    except ParleyError as e:
        return refusal(request, e)


@router.post("/commitments/{commitment_id}/reports")
def report(request: Request, commitment_id: str, body: MonitorReport, caller: Signed) -> Response:
    """A monitor's report against a roadmap commitment."""
    try:
        with caller.acting():
            done = agreements.report(
                ledger_of(request),
                actor=caller.party_id,
                commitment_id=commitment_id,
                kind=body.kind,
                place=body.place,
                observed_on=body.observed_on,
                text=body.text,
                at=None if body.at is None else parse_moment(body.at),
            )
    except ParleyError as e:
        return refusal(request, e)
    return answer(request, _appended(done))
