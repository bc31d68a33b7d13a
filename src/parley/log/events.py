"""The log's own events: the instance that names the log, the parties and their keys (who may
sign), and erasures (which payloads may be missing). A verifier reads these and nothing else;
the domain's events (parley.domain.events) are built on the same `Payload`.

A payload's fields declare its JSON shape (parley.log.shapes): `to_json` writes it and
`from_json` reads it back, refusing a missing key, an unknown key or a value of the wrong type
with a `MalformedPayload` that names the event type and the field.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from parley.log.errors import LogError
from parley.log.shapes import Malformed, Shape

INSTANCE_CREATED = "instance.created"
PARTY_REGISTERED = "party.registered"
KEY_ROTATED = "key.rotated"
KEY_REVOKED = "key.revoked"
KEY_RECOVERED = "key.recovered"
PERSON_ERASED = "person.erased"
PERSON_RECORDED = "person.recorded"
INTERVIEW_RECORDED = "interview.recorded"  # a consent interview, sealed to the mediator
# The event types whose payload an erasure may drop: what they hold is the person's.
ERASABLE = frozenset({PERSON_RECORDED, INTERVIEW_RECORDED})


class MalformedPayload(LogError):
    """A payload that does not have the shape of its event type."""

    def __init__(self, event_type: str, field_name: str, reason: str) -> None:
        where = f"field {field_name!r}" if field_name else "the payload"
        super().__init__(f"{event_type} payload: {where} {reason}")
        self.event_type = event_type
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Payload(Shape):
    """What an event of one type says; `TYPE` is the type name on the log."""

    TYPE: ClassVar[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        try:
            return cls.decode(data, "")
        except Malformed as e:
            raise MalformedPayload(cls.TYPE, e.path, e.reason) from None


def read_payload(types: Mapping[str, type[Payload]], event_type: str, data: Any) -> Payload:
    """The typed payload of an entry of `event_type`, one of `types`; MalformedPayload if the
    type is not among them or the data has not its shape."""
    cls = types.get(event_type)
    if cls is None:
        raise MalformedPayload(event_type, "", "is of an unknown event type")
    if not isinstance(data, Mapping):
        raise MalformedPayload(event_type, "", "is not a JSON object")
    return cls.from_json(data)


class Role(enum.StrEnum):
    """A party's standing; the mediator operates the log and signs its checkpoints."""

    SIDE = "side"
    MEDIATOR = "mediator"
    MONITOR = "monitor"


@dataclass(frozen=True)
class InstanceCreated(Payload):
    """The mediator started this instance: its id names the log (the checkpoint origin)."""

    TYPE: ClassVar[str] = INSTANCE_CREATED
    instance_id: str
    name: str
    demo: bool


@dataclass(frozen=True)
class PartyRegistered(Payload):
    """A party joined with its first key (Ed25519, hex) and that key's id, and the public half
    of the recovery key it keeps offline (which signs nothing but the party's `key.recovered`)."""

    TYPE: ClassVar[str] = PARTY_REGISTERED
    party_id: str
    name: str
    role: Role
    public_key: str
    key_id: str
    recovery_key: str | None = None
    recovery_key_id: str | None = None


@dataclass(frozen=True)
class KeyRotated(Payload):
    """A party's new key, announced under the previous one, which is retired."""

    TYPE: ClassVar[str] = KEY_ROTATED
    party_id: str
    public_key: str
    key_id: str
    previous_key_id: str


@dataclass(frozen=True)
class KeyRevoked(Payload):
    """A key revoked, with or without a replacement key."""

    TYPE: ClassVar[str] = KEY_REVOKED
    party_id: str
    key_id: str
    reason: str
    new_public_key: str | None = None
    new_key_id: str | None = None


@dataclass(frozen=True)
class KeyRecovered(Payload):
    """A party replaces its keys under its recovery key (or its current one): the new signing
    key and the next recovery key; the recovery key used retires, and `lost_key_id`, the
    party's key still active if any, is revoked."""

    TYPE: ClassVar[str] = KEY_RECOVERED
    party_id: str
    public_key: str
    key_id: str
    recovery_key_id: str
    new_recovery_key: str
    new_recovery_key_id: str
    lost_key_id: str | None = None


@dataclass(frozen=True)
class ErasedEntry(Shape):
    """A `person.recorded` entry whose payload an erasure drops."""

    idx: int
    revision: int


@dataclass(frozen=True)
class PersonErased(Payload):
    """A person's personal data leaves the log's payloads: the entries named here."""

    TYPE: ClassVar[str] = PERSON_ERASED
    roster_id: str
    record_id: str
    entries: tuple[ErasedEntry, ...]
    reason: str
    # the `interview.recorded` entries of the person whose payload it drops too (left out of
    # the JSON when None, as before interviews were their own entries)
    interviews: tuple[int, ...] | None = None

    def erased(self) -> set[int]:
        """Every entry whose payload this erasure drops."""
        return {e.idx for e in self.entries} | set(self.interviews or ())


LOG_PAYLOADS: Mapping[str, type[Payload]] = {
    p.TYPE: p
    for p in (InstanceCreated, PartyRegistered, KeyRotated, KeyRevoked, KeyRecovered, PersonErased)
}
