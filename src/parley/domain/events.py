"""Events: the only way state changes. A type name and a JSON payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INSTANCE_CREATED = "instance.created"
PARTY_REGISTERED = "party.registered"
PERSON_RECORDED = "person.recorded"
ROSTER_PUBLISHED = "roster.published"
AGREEMENT_DRAFTED = "agreement.drafted"
AGREEMENT_SIGNED = "agreement.signed"
COMMITMENT_STATUS_SET = "commitment.status_set"
BATCH_PLANNED = "batch.planned"
HANDOVER_ADVANCED = "handover.advanced"
HANDOVER_SUBSTITUTED = "handover.substituted"
BATCH_CLOSED = "batch.closed"
KEY_ROTATED = "key.rotated"
KEY_REVOKED = "key.revoked"
PERSON_ERASED = "person.erased"
MONITOR_REPORTED = "monitor.reported"
MATCH_PROPOSED = "match.proposed"
MATCH_DECIDED = "match.decided"
MATCH_ACKNOWLEDGED = "match.acknowledged"
HANDOVER_CONFIRMED = "handover.confirmed"
AGREEMENT_AMENDED = "agreement.amended"
SIDE_LISTS_SUBMITTED = "batch.lists_submitted"

ALL_TYPES: frozenset[str] = frozenset(
    {
        INSTANCE_CREATED, PARTY_REGISTERED, PERSON_RECORDED, ROSTER_PUBLISHED, AGREEMENT_DRAFTED,
        AGREEMENT_SIGNED, COMMITMENT_STATUS_SET, BATCH_PLANNED, HANDOVER_ADVANCED,
        HANDOVER_SUBSTITUTED, BATCH_CLOSED, KEY_ROTATED, KEY_REVOKED, PERSON_ERASED,
        MONITOR_REPORTED, MATCH_PROPOSED, MATCH_DECIDED, MATCH_ACKNOWLEDGED,
        HANDOVER_CONFIRMED, AGREEMENT_AMENDED, SIDE_LISTS_SUBMITTED,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Event:
    """What happened, by whom; the log gives it an index and a time."""

    type: str
    actor: str
    payload: dict[str, Any]

    def __post_init__(self) -> None:
        if self.type not in ALL_TYPES:
            raise ValueError(f"unknown event type {self.type!r}")
