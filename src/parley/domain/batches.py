"""Batches: one concrete exchange, who goes from each side to the other, and when."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from parley.domain.agreements import PersonRef
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.handovers import Handover, HandoverState, state_word
from parley.errors import N_, ParleyError, Word


class BatchStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # called off; persons already moved keep their states


# The statuses as a reader is shown them, on pages (`gettext(STATUS_LABELS[status])`) and in
# refusals (`Word(STATUS_LABELS[status])`).
STATUS_LABELS: dict[BatchStatus, str] = {
    BatchStatus.PLANNED: N_("planned"),
    BatchStatus.IN_PROGRESS: N_("in progress"),
    BatchStatus.CLOSED: N_("closed"),
    BatchStatus.CANCELLED: N_("cancelled"),
}


@dataclass(frozen=True)
class Batch:
    """A batch and the handover of every person in it; persons are never removed."""

    batch_id: str
    agreement_id: str
    phase_id: str
    commitment_id: str
    place: str
    planned_date: dt.date | None
    status: BatchStatus = BatchStatus.PLANNED
    # keyed by person, in the order persons joined the batch
    by_person: Mapping[PersonRef, Handover] = field(default_factory=dict)

    @property
    def handovers(self) -> tuple[Handover, ...]:
        return tuple(self.by_person.values())

    def handover(self, person: PersonRef) -> Handover:
        try:
            return self.by_person[person]
        except KeyError:
            raise NotFound(
                N_("{person} is not in batch {batch}"), person=str(person), batch=self.batch_id
            ) from None

    def _with(self, *changed: Handover) -> Batch:
        merged = dict(self.by_person)
        merged.update((h.person, h) for h in changed)
        return replace(self, status=BatchStatus.IN_PROGRESS, by_person=merged)

    def _check_open(self) -> None:
        if self.status in (BatchStatus.CLOSED, BatchStatus.CANCELLED):
            raise Conflict(
                N_("batch {batch} is {status}; nothing in it can change"),
                batch=self.batch_id,
                status=Word(STATUS_LABELS[self.status]),
            )

    def amend(
        self, added: Iterable[tuple[PersonRef, str]], withdrawn: Iterable[PersonRef]
    ) -> Batch:
        """Persons added (each with the party receiving them) and withdrawn by an agreed
        amendment; the withdrawn stay in the batch as withdrawn. Refused once closed or
        cancelled, for a person already in the batch, or one handed across or final."""
        self._check_open()
        added, withdrawn = list(added), list(withdrawn)
        if not added and not withdrawn:
            raise DomainError(
                N_("an amendment of batch {batch} adds or withdraws someone"), batch=self.batch_id
            )
        merged = dict(self.by_person)
        for person in withdrawn:
            merged[person] = self.handover(person).withdraw()
        for person, receiver in added:
            if person in merged:
                raise Conflict(
                    N_("{person} is already in batch {batch}"),
                    person=str(person),
                    batch=self.batch_id,
                )
            if receiver == person.party_id:
                raise DomainError(
                    N_("{person} cannot be handed over to the party that holds them"),
                    person=str(person),
                )
            merged[person] = Handover(self.batch_id, person, receiver)
        return replace(self, by_person=merged)

    def cancel(self) -> Batch:
        """The batch called off. Persons already moved keep their states; refused while a
        person is in transit or a receipt awaits the mediator's confirmation."""
        self._check_open()
        for h in self.handovers:
            if h.state is HandoverState.TRANSFERRED:
                raise Conflict(
                    N_(
                        "batch {batch} cannot be cancelled: {person} is in transit (transferred);"
                        " record the receipt or a dispute first"
                    ),
                    batch=self.batch_id,
                    person=str(h.person),
                )
            if h.state is HandoverState.RECEIVED and not h.confirmed:
                raise Conflict(
                    N_(
                        "batch {batch} cannot be cancelled: the receipt of {person} awaits the"
                        " mediator's confirmation"
                    ),
                    batch=self.batch_id,
                    person=str(h.person),
                )
        return replace(self, status=BatchStatus.CANCELLED)

    def advance(self, person: PersonRef, to: HandoverState) -> Batch:
        self._check_open()
        return self._with(self.handover(person).advance(to))

    def substitute(self, person: PersonRef, other: PersonRef) -> Batch:
        self._check_open()
        if other in self.by_person:
            raise Conflict(
                N_("{person} is already in batch {batch}"), person=str(other), batch=self.batch_id
            )
        closed, new = self.handover(person).substituted_by(other)
        return self._with(closed, new)

    def open_handovers(self) -> list[Handover]:
        return [h for h in self.handovers if not h.final]

    def close(self) -> Batch:
        """The batch closed; refused while anyone in it has not reached a final state."""
        self._check_open()
        pending = self.open_handovers()
        if pending:
            template = ", ".join(f"{{p{i}}} ({{s{i}}})" for i in range(len(pending[:5])))
            who = ParleyError(
                template,
                **{f"p{i}": str(h.person) for i, h in enumerate(pending[:5])},
                **{f"s{i}": state_word(h.state) for i, h in enumerate(pending[:5])},
            )
            if len(pending) > 5:
                raise Conflict(
                    N_(
                        "batch {batch} cannot close: {count} persons are not in a final state:"
                        " {who} and {more} more"
                    ),
                    batch=self.batch_id,
                    count=len(pending),
                    who=who,
                    more=len(pending) - 5,
                )
            raise Conflict(
                N_("batch {batch} cannot close: {count} persons are not in a final state: {who}"),
                batch=self.batch_id,
                count=len(pending),
                who=who,
            )
        unconfirmed = [
            h for h in self.handovers if h.state is HandoverState.RECEIVED and not h.confirmed
        ]
        if unconfirmed:
            raise Conflict(
                N_(
                    "batch {batch} cannot close: the mediator has not confirmed the transfer of"
                    " {count} received persons: {who}"
                ),
                batch=self.batch_id,
                count=len(unconfirmed),
                who=", ".join(str(h.person) for h in unconfirmed[:5]),
            )
        return replace(self, status=BatchStatus.CLOSED)

    def confirm(self, person: PersonRef) -> Batch:
        self._check_open()
        return self._with(self.handover(person).confirm())


def new_batch(
    batch_id: str,
    agreement_id: str,
    phase_id: str,
    commitment_id: str,
    place: str,
    planned_date: dt.date | None,
    persons: Iterable[tuple[PersonRef, str]],
) -> Batch:
    """A planned batch; `persons` pairs each person with the party that receives them."""
    handovers = []
    seen: set[PersonRef] = set()
    for person, receiver in persons:
        if person in seen:
            raise DomainError(
                N_("{person} is listed twice in batch {batch}"), person=str(person), batch=batch_id
            )
        if receiver == person.party_id:
            raise DomainError(
                N_("{person} cannot be handed over to the party that holds them"),
                person=str(person),
            )
        seen.add(person)
        handovers.append(Handover(batch_id=batch_id, person=person, receiving_party=receiver))
    if not handovers:
        raise DomainError(N_("batch {batch} has nobody in it"), batch=batch_id)
    return Batch(batch_id, agreement_id, phase_id, commitment_id, place, planned_date,
                 by_person={h.person: h for h in handovers})  # fmt: skip
