"""Events: the only way state changes. Each event type has one frozen payload type, and its JSON
form is what the log signs, byte for byte; docs/domain.md lists every event with its fields.

A payload's fields declare its JSON shape: `to_json` writes it and `from_json` reads it back,
refusing a missing key, an unknown key or a value of the wrong type with a `MalformedPayload`
that names the event type and the field (an export is untrusted input). An optional field
(`X | None = None`) is left out of the JSON when it is None, as the log has always had it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from parley.domain.agreements import Agreement, ImplementationStatus, PersonRef, ReportKind
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.domain.shapes import DOMAIN_LEAVES
from parley.errors import N_
from parley.log.events import (
    INSTANCE_CREATED,
    INTERVIEW_RECORDED,
    KEY_RECOVERED,
    KEY_REVOKED,
    KEY_ROTATED,
    PARTY_REGISTERED,
    PERSON_ERASED,
    PERSON_RECORDED,
    ErasedEntry,
    InstanceCreated,
    KeyRecovered,
    KeyRevoked,
    KeyRotated,
    MalformedPayload,
    PartyRegistered,
    Payload,
    PersonErased,
    read_payload,
)
from parley.log.shapes import Shape, add_leaves, json_key

add_leaves(DOMAIN_LEAVES)  # before any payload below is first written or read

__all__ = [  # the log's own events, which the domain's registry holds beside its own
    "INSTANCE_CREATED",
    "INTERVIEW_RECORDED",
    "KEY_RECOVERED",
    "KEY_REVOKED",
    "KEY_ROTATED",
    "PARTY_REGISTERED",
    "PERSON_ERASED",
    "PERSON_RECORDED",
    "ErasedEntry",
    "InstanceCreated",
    "KeyRecovered",
    "KeyRevoked",
    "KeyRotated",
    "MalformedPayload",
    "PartyRegistered",
    "Payload",
    "PersonErased",
]

ROSTER_PUBLISHED = "roster.published"
AGREEMENT_DRAFTED = "agreement.drafted"
AGREEMENT_SIGNED = "agreement.signed"
COMMITMENT_STATUS_SET = "commitment.status_set"
BATCH_PLANNED = "batch.planned"
HANDOVER_ADVANCED = "handover.advanced"
HANDOVER_SUBSTITUTED = "handover.substituted"
BATCH_CLOSED = "batch.closed"
MONITOR_REPORTED = "monitor.reported"
MATCH_PROPOSED = "match.proposed"
MATCH_DECIDED = "match.decided"
MATCH_ACKNOWLEDGED = "match.acknowledged"
MATCH_REVERSED = "match.reversed"
MATCH_AMBIGUOUS = "match.ambiguous"
MATCH_SETTLED = "match.settled"
HANDOVER_CONFIRMED = "handover.confirmed"
AGREEMENT_AMENDED = "agreement.amended"
SIDE_LISTS_SUBMITTED = "batch.lists_submitted"
BATCH_AMENDED = "batch.amended"
BATCH_CANCELLED = "batch.cancelled"


# --- persons and rosters ---


@dataclass(frozen=True)
class PersonRecorded(Payload):
    """A revision of one person record on a roster (`PARTY:KIND`)."""

    TYPE: ClassVar[str] = PERSON_RECORDED
    roster_id: str
    revision: int
    record: PersonRecord


@dataclass(frozen=True)
class RosterPublished(Payload):
    """A new version of a roster: each member's record id with the revision it stands at."""

    TYPE: ClassVar[str] = ROSTER_PUBLISHED
    roster_id: str
    party_id: str
    kind: RosterKind
    version: int
    source: str
    source_sha256: str
    members: Mapping[str, int]
    added: int
    removed: int
    changed: int


# --- matches ---


@dataclass(frozen=True)
class MatchProposed(Payload):
    """The claim that two records (`PARTY:KIND/RECORD`) are one human, with its score.

    `basis` says how the pair was found in words that name no one; the explanation that
    quotes the records is computed when shown (parley.app.explanations), so that nothing a
    log can never erase holds a person's names, dates or numbers."""

    TYPE: ClassVar[str] = MATCH_PROPOSED
    match_id: str
    left: str
    right: str
    score: float
    basis: str
    duplicate: bool  # both records on one party's rosters: linked, never merged

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MatchProposed:
        """Also the first form, whose `explanation` quoted both records: read without it."""
        if "explanation" in data and "basis" not in data:
            data = {k: v for k, v in data.items() if k != "explanation"}
            data = {**data, "basis": LEGACY_BASIS}
        return super().from_json(data)


LEGACY_BASIS = N_("proposed before explanations were computed when shown")


@dataclass(frozen=True)
class MatchDecided(Payload):
    TYPE: ClassVar[str] = MATCH_DECIDED
    match_id: str
    state: MatchState
    note: str


@dataclass(frozen=True)
class MatchAcknowledged(Payload):
    """A side whose record a confirmed match names acknowledges it."""

    TYPE: ClassVar[str] = MATCH_ACKNOWLEDGED
    match_id: str


@dataclass(frozen=True)
class MatchReversed(Payload):
    """The mediator takes back a confirmed match, saying why; the confirmation stays on the
    log as it was, and the match counts as confirmed no more. A match chosen from an ambiguous
    group reopens it: the candidates rejected with that choice (sharing a record with it) are
    `reopened`, ambiguous again for the mediator to choose among."""

    TYPE: ClassVar[str] = MATCH_REVERSED
    match_id: str
    reason: str
    reopened: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AmbiguousCandidate(Shape):
    """One candidate of an ambiguous group, as a proposal would hold it (naming no one)."""

    match_id: str
    left: str
    right: str
    score: float
    basis: str


@dataclass(frozen=True)
class MatchAmbiguous(Payload):
    """Candidates too close to tell apart, found by one reconciliation: none of them is a
    proposal; the mediator chooses among them (`match.decided` on each, all in one command) or
    rejects them all. A group found again with more candidates takes them under the same
    `group_id`; a proposal still undecided that a run finds among them `joined` the group (it is
    no longer a proposal, and waits with them)."""

    TYPE: ClassVar[str] = MATCH_AMBIGUOUS
    group_id: str
    candidates: tuple[AmbiguousCandidate, ...]
    joined: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MatchSettled(Payload):
    """A later reconciliation, on the rosters as they then stood, set an open ambiguous group's
    candidates apart: those it links clearly now are proposals for the mediator to decide, the
    others are withdrawn (rejected, with `reason`, in words that name no one)."""

    TYPE: ClassVar[str] = MATCH_SETTLED
    group_id: str
    proposed: tuple[str, ...]
    withdrawn: tuple[str, ...]
    reason: str


# --- agreements ---


@dataclass(frozen=True)
class AgreementDrafted(Payload):
    """An agreement's first version, with the hash of its canonical text."""

    TYPE: ClassVar[str] = AGREEMENT_DRAFTED
    agreement: Agreement
    text_sha256: str


@dataclass(frozen=True)
class CarriedStatus(Shape):
    """A commitment's rating, kept across an amendment: status, note, the entry that set it."""

    status: ImplementationStatus
    note: str
    idx: int


@dataclass(frozen=True)
class AgreementAmended(Payload):
    """A new version of an agreement, to be signed again; ratings carry over by commitment id."""

    TYPE: ClassVar[str] = AGREEMENT_AMENDED
    agreement: Agreement
    version: int
    text_sha256: str
    carried_statuses: Mapping[str, CarriedStatus]


@dataclass(frozen=True)
class AgreementSigned(Payload):
    """A side signed (or the mediator witnessed) a version; `status` is the agreement's after."""

    TYPE: ClassVar[str] = AGREEMENT_SIGNED
    agreement_id: str
    version: int
    text_sha256: str
    status: str


@dataclass(frozen=True)
class CommitmentStatusSet(Payload):
    """The mediator rates a non-exchange commitment on the 0-3 implementation scale."""

    TYPE: ClassVar[str] = COMMITMENT_STATUS_SET
    commitment_id: str
    status: ImplementationStatus
    note: str
    at: dt.datetime | None = None  # when the rating holds, if not when entered


@dataclass(frozen=True)
class MonitorReported(Payload):
    TYPE: ClassVar[str] = MONITOR_REPORTED
    commitment_id: str
    kind: ReportKind
    place: str
    observed_on: dt.date
    text: str
    at: dt.datetime | None = None  # the time of day observed, when the monitor gave it


# --- batches and handovers ---


@dataclass(frozen=True)
class BatchPerson(Shape):
    """One person of a planned batch and the party that receives them."""

    person: PersonRef
    receiving_party: str


@dataclass(frozen=True)
class BatchPlanned(Payload):
    """A batch of an exchange commitment: who goes to whom, where and when."""

    TYPE: ClassVar[str] = BATCH_PLANNED
    batch_id: str
    agreement_id: str
    phase_id: str
    commitment_id: str
    place: str
    persons: tuple[BatchPerson, ...]
    planned_date: dt.date | None = None
    basis: str | None = None  # why these numbers: the planner's account


@dataclass(frozen=True)
class HandoverAdvanced(Payload):
    """One person's handover moved from one state to the next."""

    TYPE: ClassVar[str] = HANDOVER_ADVANCED
    batch_id: str
    person: PersonRef
    from_: HandoverState = field(metadata=json_key("from"))
    to: HandoverState
    note: str | None = None
    interview: str | None = None  # sealed to the mediator's key
    before_dispute: HandoverState | None = None  # where a dispute may resume
    at: dt.datetime | None = None  # when it happened, if not when entered


@dataclass(frozen=True)
class HandoverSubstituted(Payload):
    """Another person was brought instead: both stay in the batch, the new one at `seq`."""

    TYPE: ClassVar[str] = HANDOVER_SUBSTITUTED
    batch_id: str
    person: PersonRef
    substitute: PersonRef
    note: str
    from_: HandoverState = field(metadata=json_key("from"))
    receiving_party: str
    seq: int
    at: dt.datetime | None = None  # when it happened, if not when entered


@dataclass(frozen=True)
class InterviewRecorded(Payload):
    """A person's consent interview, sealed to the mediator's key. It follows, in the same
    command, the `handover.advanced` entry of the outcome it was held for, and is erased with
    the person (`person.erased` lists it in `interviews`). Earlier logs kept it in that entry's
    `interview`, which no erasure can drop."""

    TYPE: ClassVar[str] = INTERVIEW_RECORDED
    batch_id: str
    person: PersonRef
    sealed: str


@dataclass(frozen=True)
class HandoverConfirmed(Payload):
    """The mediator, the third witness, confirms a transfer both sides recorded."""

    TYPE: ClassVar[str] = HANDOVER_CONFIRMED
    batch_id: str
    person: PersonRef


@dataclass(frozen=True)
class SideListsSubmitted(Payload):
    """A side's must-include and veto lists for an exchange; each replaces the last."""

    TYPE: ClassVar[str] = SIDE_LISTS_SUBMITTED
    commitment_id: str
    must_include: tuple[PersonRef, ...]
    veto: tuple[PersonRef, ...]


@dataclass(frozen=True)
class BatchClosed(Payload):
    TYPE: ClassVar[str] = BATCH_CLOSED
    batch_id: str


@dataclass(frozen=True)
class PersonState(Shape):
    """A person of a batch and the state their handover stands in."""

    person: PersonRef
    state: HandoverState


@dataclass(frozen=True)
class BatchAmended(Payload):
    """One party agrees to an amendment of a batch: persons added (joining at `seq`) or
    withdrawn (with the state each stood in), and why. The first to agree proposes it; it is
    in force with the entry of the last of both sides and the mediator (`in_force`)."""

    TYPE: ClassVar[str] = BATCH_AMENDED
    batch_id: str
    amendment: int
    added: tuple[BatchPerson, ...]
    withdrawn: tuple[PersonState, ...]
    reason: str
    seq: int
    in_force: bool


@dataclass(frozen=True)
class BatchCancelled(Payload):
    """The mediator calls a batch off; persons not final (`open`) keep their states."""

    TYPE: ClassVar[str] = BATCH_CANCELLED
    batch_id: str
    reason: str
    open: tuple[PersonState, ...]


PAYLOADS: Mapping[str, type[Payload]] = {
    p.TYPE: p
    for p in (
        InstanceCreated, PartyRegistered, KeyRotated, KeyRevoked, KeyRecovered, PersonRecorded,
        RosterPublished, PersonErased, MatchProposed, MatchDecided, MatchAcknowledged,
        MatchReversed, MatchAmbiguous, MatchSettled, AgreementDrafted, AgreementAmended,
        AgreementSigned, CommitmentStatusSet, MonitorReported, BatchPlanned, HandoverAdvanced,
        HandoverSubstituted, HandoverConfirmed, SideListsSubmitted, BatchClosed, BatchAmended,
        BatchCancelled, InterviewRecorded,
    )
}  # fmt: skip
ALL_TYPES: frozenset[str] = frozenset(PAYLOADS)


def payload_from_json(event_type: str, data: Any) -> Payload:
    """The typed payload of an entry of `event_type`; MalformedPayload if it has not its shape."""
    return read_payload(PAYLOADS, event_type, data)


@dataclass(frozen=True)
class Event:
    """What happened, by whom; the log gives it an index and a time."""

    actor: str
    payload: Payload

    @property
    def type(self) -> str:
        return self.payload.TYPE
