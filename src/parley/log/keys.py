"""The key timeline: which key signs for which party, from which entry to which, as the log's
own events say (docs/log-format.md §4). `party.registered` adds a party's first key,
`key.rotated` retires the previous key and adds the next, `key.revoked` ends a key and may add
its replacement, `key.recovered` replaces a party's keys under its recovery key; a key signs up
to and including the entry that ends it.

A recovery key (status `recovery`) is registered with its party's first key, kept offline by
the party, and signs nothing but its party's `key.recovered`, which retires it and registers
the next one; a lost key is so replaced by its party alone, never by the operator.

Nobody installs a key in another's name: a party's first key comes with its registration (the
mediator registers the verifier key the party made on its own machine and read out by its
fingerprint); every later key of party P is added only by an entry whose actor is P, signed
with a key P still holds (`key.rotated`, or P's own `key.revoked` naming a replacement). The
mediator may revoke another party's key (stop it), never replace it (`installs_for_other`);
a key is ended only by its own party or, revoked, by the operator (`ending_fault`).

The verifier, the key projector and the ledger's check before it signs all read it here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from parley.errors import N_, ParleyError, Word
from parley.log.errors import LogError
from parley.log.events import (
    KEY_RECOVERED,
    KeyRecovered,
    KeyRevoked,
    KeyRotated,
    PartyRegistered,
    Payload,
)

ACTIVE = "active"
RETIRED = "retired"
REVOKED = "revoked"
RECOVERY = "recovery"  # a live recovery key: it signs its party's key.recovered alone
# The statuses as words a refusal shows in the reader's language (`Word(status)`).
STATUS_WORDS = (N_("active"), N_("retired"), N_("revoked"), N_("recovery"))


@dataclass(frozen=True)
class KeyAdded:
    """A key starts signing for a party; `reason` is why (registered, rotation, replacement)."""

    key_id: str
    party_id: str
    public_key: bytes
    reason: str
    status: str = ACTIVE  # or RECOVERY


@dataclass(frozen=True)
class KeyEnded:
    """A key stops signing: retired by a rotation, or revoked (`reason` says why)."""

    key_id: str
    status: str
    reason: str


KeyChange = KeyAdded | KeyEnded


def key_changes(p: Payload) -> tuple[KeyChange, ...]:
    """What an event changes in the timeline, in order: an ending before the key that follows."""
    if isinstance(p, PartyRegistered):
        first = KeyAdded(p.key_id, p.party_id, bytes.fromhex(p.public_key), "registered")
        if p.recovery_key is None or p.recovery_key_id is None:
            return (first,)
        recovery = bytes.fromhex(p.recovery_key)
        return (first, KeyAdded(p.recovery_key_id, p.party_id, recovery, "registered", RECOVERY))
    if isinstance(p, KeyRecovered):
        used: tuple[KeyChange, ...] = (KeyEnded(p.recovery_key_id, RETIRED, "recovery used"),)
        if p.lost_key_id is not None:
            used = (KeyEnded(p.lost_key_id, REVOKED, "lost: recovered"), *used)
        return (
            *used,
            KeyAdded(p.key_id, p.party_id, bytes.fromhex(p.public_key), "recovered"),
            KeyAdded(
                p.new_recovery_key_id,
                p.party_id,
                bytes.fromhex(p.new_recovery_key),
                "recovered",
                RECOVERY,
            ),
        )
    if isinstance(p, KeyRotated):
        return (
            KeyEnded(p.previous_key_id, RETIRED, "rotated"),
            KeyAdded(p.key_id, p.party_id, bytes.fromhex(p.public_key), "rotation"),
        )
    if isinstance(p, KeyRevoked):
        ended = KeyEnded(p.key_id, REVOKED, p.reason)
        if p.new_public_key and p.new_key_id is not None:
            added = KeyAdded(
                p.new_key_id, p.party_id, bytes.fromhex(p.new_public_key), "replacement"
            )
            return (ended, added)
        return (ended,)
    return ()


@dataclass
class Key:
    """A key as the timeline holds it at some entry."""

    party: str
    public: bytes
    ended_at: int | None = None  # the last entry it may sign
    status: str = ACTIVE
    recovery: bool = False  # a recovery key: it signs its party's key.recovered alone


class SignerFault(enum.Enum):
    """Why a key may not sign an entry."""

    UNREGISTERED = "the log never registered the key"
    OTHER_PARTY = "the key is another party's"
    ENDED = "the key was retired or revoked before the entry"
    RECOVERY_ONLY = "a recovery key signs its party's key.recovered and nothing else"


def signer_fault(
    key: Key | None, actor: str, at: int, event_type: str | None = None
) -> SignerFault | None:
    """Whether `key` may sign entry `at` (of `event_type`, None: any but a recovery) for
    `actor`: None if it may."""
    if key is None:
        return SignerFault.UNREGISTERED
    if key.party != actor:
        return SignerFault.OTHER_PARTY
    if key.ended_at is not None and at > key.ended_at:
        return SignerFault.ENDED
    if key.recovery and event_type != KEY_RECOVERED:
        return SignerFault.RECOVERY_ONLY
    return None


def installs_for_other(p: Payload, actor: str) -> str | None:
    """The party an event adds a key to when that party is not the event's actor, other than by
    its registration; None when the event installs no key in another's name."""
    if isinstance(p, PartyRegistered):
        return None
    for change in key_changes(p):
        if isinstance(change, KeyAdded) and change.party_id != actor:
            return change.party_id
    return None


def ending_fault(
    p: Payload, actor: str, keys: dict[str, Key], operator: str | None
) -> ParleyError | None:
    """Why an event may not end the key it ends (None if it may): a key is retired by its own
    party's rotation, and revoked by its party or by the operator; a recovery key is used
    (retired) only by its party's `key.recovered`, which revokes a signing key, never one."""
    if isinstance(p, KeyRecovered):
        if actor != p.party_id:
            return ParleyError(
                N_("{actor} recovers a key of {party}: only {party} may"),
                actor=actor,
                party=p.party_id,
            )
        used = keys.get(p.recovery_key_id)
        if used is None or used.party != p.party_id or not used.recovery:
            return ParleyError(
                N_("key {key_id} is not a recovery key of {party}"),
                key_id=p.recovery_key_id,
                party=p.party_id,
            )
        if used.ended_at is not None:
            return ParleyError(
                N_("recovery key {key_id} of {party} was already {status}"),
                key_id=p.recovery_key_id,
                party=p.party_id,
                status=Word(used.status),
            )
        lost = keys.get(p.lost_key_id) if p.lost_key_id is not None else None
        if p.lost_key_id is not None and (lost is None or lost.party != p.party_id):
            return ParleyError(
                N_("ends key {key_id} as if it were {party}'s"),
                key_id=p.lost_key_id,
                party=p.party_id,
            )
        if lost is not None and (lost.recovery or lost.ended_at is not None):
            return ParleyError(
                N_("key {key_id} of {party} is not its active signing key"),
                key_id=p.lost_key_id,
                party=p.party_id,
            )
        active = [
            kid
            for kid, k in keys.items()
            if k.party == p.party_id and not k.recovery and k.ended_at is None
        ]
        if active and p.lost_key_id not in active:
            return ParleyError(
                N_("leaves key {key_id} of {party} active beside the recovered one"),
                key_id=active[0],
                party=p.party_id,
            )
        return None
    if isinstance(p, KeyRotated):
        ended = p.previous_key_id
    elif isinstance(p, KeyRevoked):
        ended = p.key_id
    else:
        return None
    key = keys.get(ended)
    if key is not None and key.party != p.party_id:
        return ParleyError(
            N_("ends key {key_id} of {owner} as if it were {party}'s"),
            key_id=ended,
            owner=key.party,
            party=p.party_id,
        )
    if key is not None and key.recovery and isinstance(p, KeyRotated):
        return ParleyError(
            N_("rotates recovery key {key_id} of {party}, which only key.recovered replaces"),
            key_id=ended,
            party=p.party_id,
        )
    if actor != p.party_id and not (isinstance(p, KeyRevoked) and actor == operator):
        return ParleyError(
            N_("{actor} ends a key of {party}: only {party} or the operator may"),
            actor=actor,
            party=p.party_id,
        )
    return None


def registers_itself(p: Payload, actor: str, key_id: str) -> bool:
    """A party's first key may sign the party's own registration, before the log knows it."""
    return isinstance(p, PartyRegistered) and p.party_id == actor and p.key_id == key_id


class TimelineError(LogError):
    """An event that ends a key the log never registered, or registers one twice (the
    caller names the entry)."""


class KeyTimeline:
    """Every key the log has registered, with where it ended, replayed event by event."""

    def __init__(self) -> None:
        self.keys: dict[str, Key] = {}
        self.parties: set[str] = set()

    def apply(self, at: int, change: KeyChange) -> None:
        if isinstance(change, KeyAdded):
            if change.key_id in self.keys:
                raise TimelineError(N_("key {key_id} is registered twice"), key_id=change.key_id)
            recovery = change.status == RECOVERY
            self.keys[change.key_id] = Key(
                change.party_id, change.public_key, status=change.status, recovery=recovery
            )
            self.parties.add(change.party_id)
            return
        key = self.keys.get(change.key_id)
        if key is None:
            raise TimelineError(
                N_("ends key {key_id}, which the log never registered"), key_id=change.key_id
            )
        key.ended_at = at
        key.status = change.status
