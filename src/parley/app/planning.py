"""Batch proposals: the app's persons and terms handed to the planner, and back as a batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

from parley import planning as p
from parley.app import authz
from parley.app.batches import MAY_RETURN, exchange_commitment, held_ids
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.agreements import ExchangeMode
from parley.domain.dates import PartialDate
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.events import Event
from parley.domain.persons import Health
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, Word
from parley.store import Tx, rosters
from parley.store import batches as stored
from parley.store.batches import SideLists


@dataclass(frozen=True)
class PlanRequest:
    """What the mediator asks of the next batch beyond the agreement's own terms."""

    commitment_id: str
    batch_size: int | None = None
    category_caps: Mapping[str, int] = field(default_factory=dict)
    tolerance: int = 0
    must_include: Mapping[str, Set[p.PersonRef]] = field(default_factory=dict)  # by requesting side
    veto: Mapping[str, Set[p.PersonRef]] = field(default_factory=dict)  # by vetoing side
    as_of: dt.date | None = None


@dataclass(frozen=True)
class NextBatch:
    """The batch the planner proposes next, with the party that is its side A and side B.

    `not_proposed`: in a named exchange, each person named in the agreement who is not a
    candidate, with where they stand (received, in another batch, off the held roster):
    nobody named is left out without a word."""

    sides: tuple[str, str]
    plan: p.BatchProposal
    not_proposed: tuple[tuple[p.PersonRef, str], ...] = ()

    @property
    def persons(self) -> list[p.PersonRef]:
        return [*self.plan.released_by_a, *self.plan.released_by_b]


def _first_day(text: str | None) -> dt.date | None:
    # the planner takes a partial capture date as its first day
    return PartialDate.parse(text).earliest() if text else None


def _candidates(tx: Tx, party: str, side: p.Side) -> list[p.Candidate]:
    ids = held_ids(tx, party)
    taken = stored.persons_in_batches(tx, unless=MAY_RETURN)
    rows = rosters.record_facts(tx, roster_id(party, RosterKind.HELD))
    return [
        p.Candidate(
            person=p.PersonRef(party, r.record_id),
            side=side,
            category=p.Category(r.category),
            sex=p.Sex(r.sex),
            seriously_wounded_or_sick=r.health == Health.SERIOUSLY_WOUNDED_OR_SICK.value,
            capture_date=_first_day(r.capture_date),
            birth_year=int(r.birth_date[:4]) if r.birth_date else None,
        )
        for r in rows
        if r.record_id in ids and p.PersonRef(party, r.record_id) not in taken
    ]


def submit_lists(
    ledger: Ledger,
    *,
    actor: str,
    commitment_id: str,
    must_include: Set[p.PersonRef],
    veto: Set[p.PersonRef],
) -> Appended:
    """A side signs its must-include list (persons it insists be in the exchange, usually its
    own people held by the other side) and its veto list (persons it will not release, or not
    receive, in this exchange); each submission replaces the last. The planner honours both."""

    def decide(tx: Tx) -> list[Event]:
        sides = exchange_commitment(tx, commitment_id)[0].sides
        authz.require(tx, actor, authz.Action.SIDE_LISTS_SUBMIT, parties=sides, about=commitment_id)
        both = must_include & veto
        if both:
            raise DomainError(
                N_("{person} is on both the must-include and veto lists"),
                person=sorted(map(str, both))[0],
            )
        for ref in [*must_include, *veto]:
            if ref.party_id not in sides:
                raise DomainError(
                    N_("{ref}: {party_id} is not a side of {commitment_id}"),
                    ref=ref,
                    party_id=ref.party_id,
                    commitment_id=commitment_id,
                )
            if ref.record_id not in held_ids(tx, ref.party_id):
                raise NotFound(
                    N_("{ref} is not on {party_id}'s current held roster"),
                    ref=ref,
                    party_id=ref.party_id,
                )
        payload = ev.SideListsSubmitted(
            commitment_id, tuple(sorted(must_include, key=str)), tuple(sorted(veto, key=str))
        )
        return [Event(actor, payload)]

    return ledger.execute(decide)


def side_lists(ledger: Ledger, *, actor: str, commitment_id: str) -> list[SideLists]:
    """The lists as the actor may see them: the mediator both sides', a side its own."""
    with ledger.reading() as tx:
        who = authz.require(tx, actor, authz.Action.SIDE_LISTS_READ)
        lists = stored.side_lists(tx, commitment_id)
    return [x for x in lists if authz.allows(who, authz.Action.SIDE_LISTS_SEE, owner=x.party_id)]


def propose(ledger: Ledger, *, actor: str, request: PlanRequest) -> NextBatch:
    """The next batch under a witnessed agreement's exchange commitment, with every reason."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.BATCH_PROPOSE)
        agreement, status, commitment = exchange_commitment(tx, request.commitment_id)
        if status != "witnessed":
            raise Conflict(
                N_(
                    "agreement {agreement_id} is {status}: batches follow only a witnessed agreement"
                ),
                agreement_id=agreement.agreement_id,
                status=Word(status),
            )
        assert commitment.exchange is not None
        exchange = commitment.exchange
        a, b = agreement.sides
        released = stored.released_counted(tx, commitment.commitment_id)
        candidates = _candidates(tx, a, p.Side.A) + _candidates(tx, b, p.Side.B)
        signed = stored.side_lists(tx, commitment.commitment_id)
    unknown = (set(request.must_include) | set(request.veto)) - {a, b}
    if unknown:
        raise DomainError(
            N_("{listed} is not a side of this agreement"), listed=", ".join(sorted(unknown))
        )

    pending = frozenset(x.person for x in candidates)

    def side_terms(party: str) -> p.SideTerms:
        # the side's signed lists, and whatever the mediator adds for this one proposal
        own = next(
            (x for x in signed if x.party_id == party), SideLists(party, frozenset(), frozenset())
        )
        named = frozenset(exchange.named_for(party))
        return p.SideTerms(
            # a signed list stands across batches: a person on it already released (or gone
            # from the held roster) has been served, and is no longer asked for
            must_include=frozenset(request.must_include.get(party, ()))
            | (own.must_include & pending),
            veto=frozenset(request.veto.get(party, ())) | own.veto,
            named=named if exchange.mode is ExchangeMode.NAMED else frozenset(),
            released=released.get(party, 0),
        )

    try:
        terms = p.ExchangeTerms(
            mode=exchange.mode,
            ratio=exchange.ratio if exchange.mode is ExchangeMode.RATIO else (1, 1),
            tolerance=request.tolerance,
            batch_size=request.batch_size,
            category_caps={p.Category(k): v for k, v in request.category_caps.items()},
            side_a=side_terms(a),
            side_b=side_terms(b),
        )
        plan = p.plan_batch(candidates, terms, as_of=request.as_of or dt.date.today())
    except p.PlanningError as e:
        raise DomainError(e.template or str(e), **e.params) from e  # said as e is
    if exchange.mode is not ExchangeMode.NAMED:
        return NextBatch((a, b), plan)
    named = [x for side in (a, b) for x in exchange.named_for(side) if x not in pending]
    with ledger.reading() as tx:
        where = stored.where_persons_stand(tx, named)
        on_roster = {side: held_ids(tx, side) for side in (a, b)}
    absent = []
    for ref in named:
        if ref in where:
            absent.append((ref, where[ref]))
        elif ref.record_id not in on_roster.get(ref.party_id, set()):
            absent.append((ref, f"not on {ref.party_id}'s current held roster"))
    return NextBatch((a, b), plan, tuple(absent))
