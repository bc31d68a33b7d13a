"""Batch use cases: plan a batch, move each person through the handover, close the batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from parley.app import authz
from parley.app.agreements import load as load_agreement
from parley.app.interview import open_with, seal_for
from parley.app.ledger import Appended, Ledger
from parley.app.reconcile import substitute_proposal
from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    PersonRef,
)
from parley.domain.batches import Batch, new_batch
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.events import Event
from parley.domain.handovers import FINAL, STATE_LABELS, HandoverState
from parley.domain.matches import RecordRef
from parley.domain.moments import check_claimed, write_moment
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, ParleyError, Word
from parley.store import Tx, keys, rosters
from parley.store import agreements as stored_agreements
from parley.store import batches as stored

# A person whose handover ended in one of these states never left: they may go in a batch again.
MAY_RETURN = frozenset(
    {HandoverState.NOT_DELIVERED, HandoverState.SUBSTITUTED, HandoverState.WITHDRAWN}
)


def load(tx: Tx, batch_id: str, only: Iterable[PersonRef] | None = None) -> Batch:
    """A batch and its handovers, as the projections hold them; with `only`, just those
    persons' handovers (enough to move them, and much cheaper in a large batch)."""
    batch = stored.batch(tx, batch_id, only)
    if batch is None:
        raise NotFound(N_("there is no batch {batch_id}"), batch_id=batch_id)
    return batch


def held_ids(tx: Tx, party_id: str) -> set[str]:
    """Record ids on the current version of a party's held roster."""
    return rosters.current_members(tx, roster_id(party_id, RosterKind.HELD))


def exchange_commitment(tx: Tx, commitment_id: str) -> tuple[Agreement, str, Commitment]:
    """An exchange commitment with its agreement and the agreement's status; refused when
    there is no such commitment or it is not an exchange."""
    c = stored_agreements.commitment(tx, commitment_id)
    if c is None:
        raise NotFound(N_("there is no commitment {commitment_id}"), commitment_id=commitment_id)
    if c.kind is not CommitmentKind.EXCHANGE:
        raise DomainError(
            N_("commitment {commitment_id} is not an exchange"), commitment_id=commitment_id
        )
    current = load_agreement(tx, c.agreement_id)
    agreement, status = current.agreement, current.status
    commitment = next(
        x for ph in agreement.phases for x in ph.commitments if x.commitment_id == commitment_id
    )
    return agreement, status, commitment


def plan(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    commitment_id: str,
    place: str,
    planned_date: dt.date | None,
    persons: Sequence[PersonRef],
    basis: str = "",
) -> Appended:
    """Plan a batch under a witnessed agreement's exchange commitment; `basis` says how it was
    chosen (the planner's summary), for the record."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.BATCH_PLAN)
        if stored.batch_exists(tx, batch_id):
            raise Conflict(N_("batch {batch_id} already exists"), batch_id=batch_id)
        agreement, status, commitment = exchange_commitment(tx, commitment_id)
        if status != "witnessed":
            raise Conflict(
                N_(
                    "agreement {agreement_id} is {status}: batches follow only a signed and"
                    " witnessed agreement"
                ),
                agreement_id=agreement.agreement_id,
                status=Word(status),
            )
        assert commitment.exchange is not None
        phase_id = next(ph.phase_id for ph in agreement.phases if commitment in ph.commitments)
        a, b = agreement.sides
        held = {a: held_ids(tx, a), b: held_ids(tx, b)}
        busy = stored.persons_in_open_batches(tx)
        named = (
            {side: set(commitment.exchange.named_for(side)) for side in agreement.sides}
            if commitment.exchange.mode is ExchangeMode.NAMED
            else None
        )
        pairs = []
        for person in persons:
            if person.party_id not in held:
                raise DomainError(
                    N_("{person}: {party_id} is not a side of agreement {agreement_id}"),
                    person=person,
                    party_id=person.party_id,
                    agreement_id=agreement.agreement_id,
                )
            if person.record_id not in held[person.party_id]:
                raise NotFound(
                    N_("{person} is not on {party_id}'s current held roster"),
                    person=person,
                    party_id=person.party_id,
                )
            if person in busy:
                raise Conflict(N_("{person} is already in an open batch"), person=person)
            if named is not None and person not in named[person.party_id]:
                raise DomainError(
                    N_("{person} is not on the named list of commitment {commitment_id}"),
                    person=person,
                    commitment_id=commitment_id,
                )
            pairs.append((person, b if person.party_id == a else a))
        batch = new_batch(
            batch_id, agreement.agreement_id, phase_id, commitment_id, place, planned_date, pairs
        )
        payload = ev.BatchPlanned(
            batch_id=batch.batch_id,
            agreement_id=batch.agreement_id,
            phase_id=batch.phase_id,
            commitment_id=commitment_id,
            place=place,
            persons=tuple(ev.BatchPerson(h.person, h.receiving_party) for h in batch.handovers),
            planned_date=planned_date,
            basis=basis or None,
        )
        return [Event(actor, payload)]

    return ledger.execute(decide)


def check_step_time(
    tx: Tx, ledger: Ledger, batch_id: str, person: PersonRef, at: dt.datetime
) -> None:
    """A handover step claimed at `at` must have happened: not in the future, not before its
    batch was planned, nor before the person's previous step in it."""
    check_claimed(
        ParleyError(
            N_("the handover of {person} in batch {batch_id}"), person=person, batch_id=batch_id
        ),
        at,
        ledger.clock(),
    )
    claimed = write_moment(at)
    planned = stored.planned_time(tx, batch_id)
    if planned is not None and claimed < planned[:19] + "Z":
        raise DomainError(
            N_(
                "the handover of {person} in batch {batch_id} is claimed at {claimed}, before"
                " the batch was planned ({planned}Z)"
            ),
            person=person,
            batch_id=batch_id,
            claimed=claimed,
            planned=planned[:19],
        )
    last = stored.last_step_time(tx, batch_id, person)
    if last is not None and claimed < last[:19] + "Z":
        raise DomainError(
            N_(
                "the handover of {person} in batch {batch_id} is claimed at {claimed}, before"
                " its previous step ({last}Z)"
            ),
            person=person,
            batch_id=batch_id,
            claimed=claimed,
            last=last[:19],
        )


def advance(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    moves: Iterable[tuple[PersonRef, HandoverState, str]],
    interviews: Mapping[PersonRef, str] | None = None,
    at: dt.datetime | None = None,
) -> Appended:
    """Move persons to their next states, one event each; any refused move refuses them all.
    `at`: when the moves happened, if not now (checked against the batch and earlier steps)."""
    moves = list(moves)
    interviews = dict(interviews or {})

    def decide(tx: Tx) -> Sequence[Event]:
        batch = load(tx, batch_id, only=[person for person, _, _ in moves])
        who = authz.acting(tx, actor)
        events = []
        for person, to, note in moves:
            if at is not None:
                check_step_time(tx, ledger, batch_id, person, at)
            before = batch.handover(person)
            resuming = before.state is HandoverState.DISPUTED and to is before.before_dispute
            authz.check(
                who,
                authz.handover_action(to, resuming),
                releasing=person.party_id,
                receiving=before.receiving_party,
                about=STATE_LABELS[to],  # the state as a refusal says it
            )
            batch = batch.advance(person, to)
            after = batch.handover(person)
            sealed = None
            if person in interviews:
                authz.check(who, authz.Action.INTERVIEW_RECORD)
                if to not in _INTERVIEW_OUTCOMES:
                    raise DomainError(
                        N_("the consent interview is recorded by the mediator, with its outcome")
                    )
                sealed = seal_for(keys.mediator_key(tx).public_key, interviews.pop(person))
            payload = ev.HandoverAdvanced(
                batch_id=batch_id,
                person=person,
                from_=before.state,
                to=to,
                note=note or None,
                before_dispute=after.before_dispute,
                at=at,
            )
            events.append(Event(actor, payload))
            if sealed is not None:  # its own entry, right after its step: erasable with them
                events.append(Event(actor, ev.InterviewRecorded(batch_id, person, sealed)))
        return events

    return ledger.execute(decide)


_INTERVIEW_OUTCOMES = frozenset(
    {HandoverState.CONSENT_VERIFIED, HandoverState.DECLINED, HandoverState.RELEASED_TO_THIRD_STATE}
)


def interview(ledger: Ledger, *, actor: str, batch_id: str, person: PersonRef) -> list[str]:
    """The mediator reads the sealed interview records of one person in a batch."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.INTERVIEW_READ)
        sealed = stored.sealed_interviews(tx, batch_id, person)
    if not sealed:
        raise NotFound(
            N_("no interview of {person} is recorded in batch {batch_id}"),
            person=person,
            batch_id=batch_id,
        )
    keys = ledger.keys.held(actor)  # the current key and every retired one
    return [open_with(keys, s) for s in sealed]


def substitute(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    person: PersonRef,
    brought: PersonRef,
    note: str,
    at: dt.datetime | None = None,
) -> Appended:
    """Record that `brought` was presented instead of `person`: both stay in the batch."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(
            tx, actor, authz.Action.HANDOVER_SUBSTITUTED, about=HandoverState.SUBSTITUTED.value
        )
        if at is not None:
            check_step_time(tx, ledger, batch_id, person, at)
        batch = load(tx, batch_id)
        if brought.party_id != person.party_id:
            raise DomainError(
                N_("{brought} is not held by {party_id}, who releases {person}"),
                brought=brought,
                party_id=person.party_id,
                person=person,
            )
        if brought.record_id not in held_ids(tx, brought.party_id):
            raise NotFound(
                N_("{brought} is not on {party_id}'s current held roster"),
                brought=brought,
                party_id=brought.party_id,
            )
        if brought in stored.persons_in_open_batches(tx):
            raise Conflict(N_("{brought} is already in an open batch"), brought=brought)
        before = batch.handover(person)
        batch.substitute(person, brought)
        payload = ev.HandoverSubstituted(
            batch_id=batch_id,
            person=person,
            substitute=brought,
            note=note,
            from_=before.state,
            receiving_party=before.receiving_party,
            seq=len(batch.handovers),
            at=at,
        )
        events = [Event(actor, payload)]
        # The person brought is matched against the receiving side's sought roster, in the
        # same transaction: a proposal for the mediator to confirm, never a silent link.
        match = substitute_proposal(
            tx,
            actor=actor,
            brought=RecordRef(roster_id(brought.party_id, RosterKind.HELD), brought.record_id),
            sought=roster_id(before.receiving_party, RosterKind.SOUGHT),
        )
        return [*events, match] if match is not None else events

    return ledger.execute(decide)


def confirm(
    ledger: Ledger, *, actor: str, batch_id: str, persons: Sequence[PersonRef] | None = None
) -> Appended:
    """The mediator confirms transfers both sides recorded (all not yet confirmed, by default)."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.BATCH_CONFIRM)
        # named persons: only their handovers are read, however large the batch
        batch = load(tx, batch_id, only=persons)
        chosen = list(persons) if persons is not None else [
            h.person for h in batch.handovers if h.state is HandoverState.RECEIVED and not h.confirmed
        ]  # fmt: skip
        events = []
        for person in chosen:
            batch = batch.confirm(person)
            events.append(Event(actor, ev.HandoverConfirmed(batch_id, person)))
        return events

    one = stored.Wanted(batch_id, persons[0]) if persons is not None and len(persons) == 1 else None
    return ledger.execute(decide, wanted=one)


def close(ledger: Ledger, *, actor: str, batch_id: str) -> Appended:
    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.BATCH_CLOSE)
        load(tx, batch_id).close()
        return [Event(actor, ev.BatchClosed(batch_id))]

    return ledger.execute(decide)


def amend(
    ledger: Ledger,
    *,
    actor: str,
    batch_id: str,
    add: Sequence[PersonRef] = (),
    withdraw: Sequence[PersonRef] = (),
    reason: str = "",
    agree: int | None = None,
) -> Appended:
    """Propose an amendment of a batch (persons added or withdrawn, with the reason), or agree
    to amendment `agree` as proposed. It takes effect with the agreement of the last of both
    sides and the mediator; persons already moved keep their states, the withdrawn stay in the
    batch as withdrawn. Checked again at each agreement against the batch as it then stands."""

    def decide(tx: Tx) -> Sequence[Event]:
        batch = load(tx, batch_id)
        agreement = load_agreement(tx, batch.agreement_id).agreement
        signers = (*agreement.sides, agreement.mediator)
        authz.require(tx, actor, authz.Action.BATCH_AMEND, parties=signers, about=batch_id)
        known = stored.amendments(tx, batch_id)
        if agree is None:
            if not reason.strip():
                raise DomainError(N_("an amendment of a batch says why: give --reason"))
            number = len(known) + 1
            added = [(x, _receiver(agreement, x)) for x in add]
            withdrawn, why = list(withdraw), reason
            agreed_by: tuple[str, ...] = ()
        else:
            found = next((x for x in known if x.amendment == agree), None)
            if found is None:
                raise NotFound(
                    N_("batch {batch_id} has no amendment {agree}"), batch_id=batch_id, agree=agree
                )
            if found.in_force:
                raise Conflict(
                    N_("amendment {agree} of batch {batch_id} is already in force"),
                    agree=agree,
                    batch_id=batch_id,
                )
            if actor in found.agreed_by:
                raise Conflict(
                    N_("{actor} has already agreed to amendment {agree} of {batch_id}"),
                    actor=actor,
                    agree=agree,
                    batch_id=batch_id,
                )
            number, added, withdrawn = found.amendment, list(found.added), list(found.withdrawn)
            why, agreed_by = found.reason, found.agreed_by
        for person, _ in added:
            if person.record_id not in held_ids(tx, person.party_id):
                raise NotFound(
                    N_("{person} is not on {party_id}'s current held roster"),
                    person=person,
                    party_id=person.party_id,
                )
        busy = stored.persons_in_open_batches(tx) - set(batch.by_person)
        served = stored.persons_in_batches(tx, unless=MAY_RETURN)
        for person, _ in added:
            if person in busy:
                raise Conflict(N_("{person} is already in an open batch"), person=person)
            if person in served and person not in batch.by_person:
                where = stored.where_persons_stand(tx, [person]).get(person, "in another batch")
                raise Conflict(
                    N_("{person} cannot be added: already {where}"), person=person, where=where
                )
        batch.amend(added, withdrawn)  # refuses what the batch cannot take
        payload = ev.BatchAmended(
            batch_id=batch_id,
            amendment=number,
            added=tuple(ev.BatchPerson(p, r) for p, r in added),
            withdrawn=tuple(ev.PersonState(p, batch.handover(p).state) for p in withdrawn),
            reason=why,
            seq=len(batch.handovers),
            in_force=set(signers) <= {*agreed_by, actor},
        )
        return [Event(actor, payload)]

    return ledger.execute(decide)


def _receiver(agreement: Agreement, person: PersonRef) -> str:
    a, b = agreement.sides
    if person.party_id not in (a, b):
        raise DomainError(
            N_("{person}: {party_id} is not a side of agreement {agreement_id}"),
            person=person,
            party_id=person.party_id,
            agreement_id=agreement.agreement_id,
        )
    return b if person.party_id == a else a


def amendments(ledger: Ledger, *, actor: str, batch_id: str) -> list[stored.Amendment]:
    """A batch's amendments, for the sides and the mediator of its agreement."""
    with ledger.reading() as tx:
        batch = load(tx, batch_id)
        agreement = load_agreement(tx, batch.agreement_id).agreement
        signers = (*agreement.sides, agreement.mediator)
        authz.require(tx, actor, authz.Action.BATCH_AMEND, parties=signers, about=batch_id)
        return stored.amendments(tx, batch_id)


def cancel(ledger: Ledger, *, actor: str, batch_id: str, reason: str) -> Appended:
    """The mediator calls a batch off, with the reason; persons already moved keep their
    states, and those not final may be planned again."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.BATCH_CANCEL)
        if not reason.strip():
            raise DomainError(N_("a batch is cancelled with a reason: give --reason"))
        batch = load(tx, batch_id)
        batch.cancel()
        still = tuple(
            ev.PersonState(h.person, h.state) for h in batch.handovers if h.state not in FINAL
        )
        return [Event(actor, ev.BatchCancelled(batch_id, reason, still))]

    return ledger.execute(decide)
