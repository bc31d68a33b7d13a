"""Matches: the claim that two person records are the same human."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parley.domain.errors import Conflict, DomainError
from parley.domain.identifiers import identifiers_differ
from parley.domain.rosters import RosterKind, roster_id, roster_owner


class MatchState(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    REVERSED = "reversed"  # confirmed, then taken back by a recorded reversal


@dataclass(frozen=True)
class RecordRef:
    """A record on a roster: `UA:sought/UA-S-00001`."""

    roster_id: str
    record_id: str

    @property
    def party_id(self) -> str:
        return roster_owner(self.roster_id)

    @property
    def kind(self) -> str:
        return self.roster_id.split(":")[1]

    def __str__(self) -> str:
        return f"{self.roster_id}/{self.record_id}"

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """`UA:sought/S-1`; a bare `UA/H-1` means the party's held roster."""
        roster, sep, record = text.partition("/")
        if ":" not in roster:
            roster = roster_id(roster, RosterKind.HELD)
        party, _, kind = roster.partition(":")
        if not sep or not party or kind not in ("held", "sought") or not record:
            raise DomainError(
                f"{text!r} is not a record reference (PARTY[:held|:sought]/RECORD_ID)"
            )
        return cls(roster, record)


def match_id(left: RecordRef, right: RecordRef) -> str:
    """One id per unordered pair, so a pair is never proposed twice."""
    a, b = sorted((str(left), str(right)))
    return f"{a}={b}"


def identifiers_conflict(left: Mapping[str, Any], right: Mapping[str, Any]) -> str | None:
    """Why two records cannot be linked automatically: different service numbers or ids."""
    for name in ("service_number", "national_id"):
        a, b = str(left.get(name) or "").strip(), str(right.get(name) or "").strip()
        if identifiers_differ(a, b):
            return f"their {name.replace('_', ' ')}s differ ({a} and {b})"
    return None


def check_reversal(state: MatchState) -> None:
    """Only a confirmed match is reversed; a proposal is rejected instead."""
    if state is not MatchState.CONFIRMED:
        hint = "; reject a proposal instead" if state is MatchState.PROPOSED else ""
        raise Conflict(f"the match is {state.value}: only a confirmed match is reversed{hint}")


def check_decision(state: MatchState, to: MatchState) -> None:
    if state is not MatchState.PROPOSED:
        raise Conflict(f"the match is already {state.value}")
    if to not in (MatchState.CONFIRMED, MatchState.REJECTED):
        raise DomainError("a decision confirms or rejects")
