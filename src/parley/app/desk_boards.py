"""The mediator's batches as pages show them: each exchange's batches with their counts, the
planner's next batch with a reason for every person, a batch's handover board (every person by
name, both ways), and the exceptions. Names as written, a transliteration beside each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from parley.app import authz, status
from parley.app.desk_views import latin
from parley.app.ledger import Ledger
from parley.app.planning import PlanRequest, propose
from parley.domain.agreements import PersonRef
from parley.domain.errors import NotFound
from parley.domain.handovers import ORDER
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, ParleyError
from parley.names import roster_language
from parley.store import Tx, rosters
from parley.store import batches as batch_store


@dataclass(frozen=True)
class Named:
    """A person as the holder wrote them."""

    ref: str
    party: str
    name: str
    latin: str


def _names(tx: Tx, refs: Iterable[PersonRef]) -> dict[PersonRef, Named]:
    """Each person's name on its holder's held roster; one query a party."""
    wanted = set(refs)
    out: dict[PersonRef, Named] = {}
    for party in sorted({r.party_id for r in wanted}):
        found = rosters.display_names(tx, roster_id(party, RosterKind.HELD))
        mine = {r: found.get(r.record_id) or "" for r in wanted if r.party_id == party}
        language = roster_language(mine.values())  # a name that doesn't tell reads as its list
        for ref, name in mine.items():
            out[ref] = Named(str(ref), party, name, latin(name, language))
    return out


@dataclass(frozen=True)
class BoardRow:
    person: Named
    receiving: str
    state: str
    confirmed: bool
    substitute: str | None
    substitute_for: str | None


@dataclass(frozen=True)
class Board:
    batch_id: str
    commitment_id: str
    place: str
    planned_date: str | None
    status: str
    rows: tuple[BoardRow, ...]
    counts: Mapping[str, int]  # by handover state, in the path's order


def board(ledger: Ledger, *, actor: str, batch_id: str) -> Board:
    """Every person of a batch by name, with their handover's state."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.BATCH_BOARD)
        found = batch_store.board_lines(tx, batch_id)
        if found is None:
            raise NotFound(N_("there is no batch {batch_id}"), batch_id=batch_id)
        heading, lines = found
        names = {
            party: rosters.display_names(tx, roster_id(party, RosterKind.HELD))
            for party in sorted({x.party_id for x in lines})
        }
    counts = Counter(x.state for x in lines)
    languages = {
        party: roster_language(found.get(x.record_id) or "" for x in lines if x.party_id == party)
        for party, found in names.items()
    }
    rows = []
    for x in lines:
        name = names[x.party_id].get(x.record_id) or ""
        language = languages[x.party_id]
        person = Named(f"{x.party_id}/{x.record_id}", x.party_id, name, latin(name, language))
        rows.append(
            BoardRow(
                person, x.receiving_party, x.state, x.confirmed, x.substitute, x.substitute_for
            )
        )
    return Board(
        heading.batch_id,
        heading.commitment_id,
        heading.place,
        heading.planned_date,
        heading.status,
        tuple(rows),
        {s.value: counts[s.value] for s in ORDER if counts[s.value]},
    )


def exchanges(ledger: Ledger, *, actor: str) -> list[dict[str, Any]]:
    """Each exchange commitment with its agreement, counts per side and its batches."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.BATCH_BOARD)
    data = status.summary(ledger, actor)
    return [
        {**c, "agreement": a["title"], "agreement_status": a["status"], "phase": ph["title"]}
        for a in data["agreements"]
        for ph in a["phases"]
        for c in ph["commitments"]
        if c["kind"] == "exchange"
    ]


@dataclass(frozen=True)
class PlannedPerson:
    person: Named
    side: str  # the releasing party
    rank: int
    included: bool
    explanation: str
    said: ParleyError  # the explanation as a template with fields, said in the reader's language


@dataclass(frozen=True)
class Proposal:
    sides: tuple[str, str]
    summary: str
    persons: tuple[PlannedPerson, ...]  # side A then B, each in priority order
    summary_said: ParleyError  # the summary as a template with fields


def proposal(ledger: Ledger, *, actor: str, request: PlanRequest) -> Proposal:
    """The planner's next batch with every candidate's reason, names as written."""
    found = propose(ledger, actor=actor, request=request)
    a, b = found.sides
    with ledger.reading() as tx:
        names = _names(tx, (d.person for d in found.plan.decisions))
    persons = tuple(
        PlannedPerson(
            names[d.person],
            a if d.side.value == "A" else b,
            d.rank,
            d.included,
            d.explanation,
            d.said,
        )
        for d in found.plan.decisions
    )
    return Proposal(found.sides, found.plan.summary(), persons, found.plan.summary_said())


def exceptions(ledger: Ledger, *, actor: str) -> list[dict[str, Any]]:
    """Every person whose handover left the main path, named as the holder wrote them."""
    data = status.summary(ledger, actor)
    return [{**e, "latin": latin(e["name"] or "")} for e in data["exceptions"]]
