"""Batch commands as a face offers them, each made of the use cases it needs, so that the
CLI and the HTTP API call one function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from parley.app import batches
from parley.app.ledger import Ledger
from parley.app.planning import NextBatch, PlanRequest, propose
from parley.domain.agreements import PersonRef
from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState
from parley.errors import N_


def plan_proposed(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    place: str,
    planned_date: dt.date | None,
    request: PlanRequest,
) -> NextBatch:
    """Plan, as batch `batch_id`, the batch the planner proposes for `request`; the planner's
    summary is recorded as the batch's basis."""
    proposal = propose(ledger, actor=actor, request=request)
    batches.plan(
        ledger,
        actor=actor,
        batch_id=batch_id,
        commitment_id=request.commitment_id,
        place=place,
        planned_date=planned_date,
        persons=proposal.persons,
        basis=proposal.plan.summary(),
    )
    return proposal


def move(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    persons: Sequence[PersonRef],
    to: HandoverState,
    note: str = "",
    instead: PersonRef | None = None,
    interview: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Move persons of a batch to `to`; a substitution names one person and the one brought
    `instead`; `interview` is the consent interview's record, the same for each person; `at`
    when it happened, if not now."""
    if to is HandoverState.SUBSTITUTED:
        if instead is None or len(persons) != 1:
            raise DomainError(N_("a substitution names one person and --instead the one brought"))
        batches.substitute(
            ledger,
            actor=actor,
            batch_id=batch_id,
            person=persons[0],
            brought=instead,
            note=note,
            at=at,
        )
        return
    batches.advance(
        ledger,
        actor=actor,
        batch_id=batch_id,
        moves=[(r, to, note) for r in persons],
        interviews=dict.fromkeys(persons, interview) if interview is not None else None,
        at=at,
    )
