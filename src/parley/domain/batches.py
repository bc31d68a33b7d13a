"""Batches: one concrete exchange, who goes from each side to the other, and when."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from parley.domain.agreements import PersonRef
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.handovers import Handover, HandoverState


class BatchStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # called off; persons already moved keep their states


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
            raise NotFound(f"{person} is not in batch {self.batch_id}") from None

    def _with(self, *changed: Handover) -> Batch:
        merged = dict(self.by_person)
        merged.update((h.person, h) for h in changed)
        return replace(self, status=BatchStatus.IN_PROGRESS, by_person=merged)

    def _check_open(self) -> None:
        if self.status in (BatchStatus.CLOSED, BatchStatus.CANCELLED):
            raise Conflict(
                f"batch {self.batch_id} is {self.status.value}; nothing in it can change"
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
            raise DomainError(f"an amendment of batch {self.batch_id} adds or withdraws someone")
        merged = dict(self.by_person)
        for person in withdrawn:
            merged[person] = self.handover(person).withdraw()
        for person, receiver in added:
            if person in merged:
                raise Conflict(f"{person} is already in batch {self.batch_id}")
            if receiver == person.party_id:
                raise DomainError(f"{person} cannot be handed over to the party that holds them")
            merged[person] = Handover(self.batch_id, person, receiver)
        return replace(self, by_person=merged)

    def cancel(self) -> Batch:
        """The batch called off. Persons already moved keep their states; refused while a
        person is in transit or a receipt awaits the mediator's confirmation."""
        self._check_open()
        for h in self.handovers:
            if h.state is HandoverState.TRANSFERRED:
                raise Conflict(
                    f"batch {self.batch_id} cannot be cancelled: {h.person} is in transit"
                    " (transferred); record the receipt or a dispute first"
                )
            if h.state is HandoverState.RECEIVED and not h.confirmed:
                raise Conflict(
                    f"batch {self.batch_id} cannot be cancelled: the receipt of {h.person} awaits"
                    " the mediator's confirmation"
                )
        return replace(self, status=BatchStatus.CANCELLED)

    def advance(self, person: PersonRef, to: HandoverState) -> Batch:
        self._check_open()
        return self._with(self.handover(person).advance(to))

    def substitute(self, person: PersonRef, other: PersonRef) -> Batch:
        self._check_open()
        if other in self.by_person:
            raise Conflict(f"{other} is already in batch {self.batch_id}")
        closed, new = self.handover(person).substituted_by(other)
        return self._with(closed, new)

    def open_handovers(self) -> list[Handover]:
        return [h for h in self.handovers if not h.final]

    def close(self) -> Batch:
        """The batch closed; refused while anyone in it has not reached a final state."""
        self._check_open()
        pending = self.open_handovers()
        if pending:
            who = ", ".join(f"{h.person} ({h.state.value})" for h in pending[:5])
            more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
            raise Conflict(
                f"batch {self.batch_id} cannot close: {len(pending)} persons are not in a final"
                f" state: {who}{more}"
            )
        unconfirmed = [
            h for h in self.handovers if h.state is HandoverState.RECEIVED and not h.confirmed
        ]
        if unconfirmed:
            who = ", ".join(str(h.person) for h in unconfirmed[:5])
            raise Conflict(
                f"batch {self.batch_id} cannot close: the mediator has not confirmed the transfer of"
                f" {len(unconfirmed)} received persons: {who}"
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
            raise DomainError(f"{person} is listed twice in batch {batch_id}")
        if receiver == person.party_id:
            raise DomainError(f"{person} cannot be handed over to the party that holds them")
        seen.add(person)
        handovers.append(Handover(batch_id=batch_id, person=person, receiving_party=receiver))
    if not handovers:
        raise DomainError(f"batch {batch_id} has nobody in it")
    return Batch(batch_id, agreement_id, phase_id, commitment_id, place, planned_date,
                 by_person={h.person: h for h in handovers})  # fmt: skip
