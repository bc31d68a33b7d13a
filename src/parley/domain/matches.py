"""Matches: the claim that two person records are the same human."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.identifiers import identifiers_differ
from parley.domain.rosters import RosterKind, roster_id, roster_owner
from parley.errors import N_, Word


class MatchState(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    REVERSED = "reversed"  # confirmed, then taken back by a recorded reversal
    # one of a group of candidates too close to tell apart: no proposal, the mediator chooses
    AMBIGUOUS = "ambiguous"


# The states as words a refusal shows in the reader's language (`Word(state.value)`).
STATE_WORDS = (N_("proposed"), N_("confirmed"), N_("rejected"), N_("reversed"), N_("ambiguous"))


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
                N_("{text!r} is not a record reference (PARTY[:held|:sought]/RECORD_ID)"),
                text=text,
            )
        return cls(roster, record)


def match_id(left: RecordRef, right: RecordRef) -> str:
    """One id per unordered pair, so a pair is never proposed twice."""
    a, b = sorted((str(left), str(right)))
    return f"{a}={b}"


# the identifiers that tell two records apart, with their words in a refusal
_IDENTIFIERS = (("service_number", N_("service numbers")), ("national_id", N_("national ids")))


def _differing(left: Mapping[str, Any], right: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """The first identifier both records carry and that is not the same: (its words, a, b)."""
    for name, words in _IDENTIFIERS:
        a, b = str(left.get(name) or "").strip(), str(right.get(name) or "").strip()
        if identifiers_differ(a, b):
            return words, a, b
    return None


def identifiers_conflict(left: Mapping[str, Any], right: Mapping[str, Any]) -> str | None:
    """Why two records cannot be linked automatically: different service numbers or ids."""
    found = _differing(left, right)
    return None if found is None else f"their {found[0]} differ ({found[1]} and {found[2]})"


def check_identifiers(match_id: str, left: Mapping[str, Any], right: Mapping[str, Any]) -> None:
    """A pair the mediator names is refused, as a run's would be skipped, when the records'
    identifiers differ; the way on is to correct the wrong one."""
    found = _differing(left, right)
    if found is not None:
        raise Conflict(
            N_(
                "{match} is not linked: their {identifier} differ ({left} and {right}); records"
                " whose identifiers differ are never linked, not even when named: if one of"
                " them is wrong, correct it on its roster"
            ),
            match=match_id,
            identifier=Word(found[0]),
            left=found[1],
            right=found[2],
        )


def check_reversal(state: MatchState) -> None:
    """Only a confirmed match is reversed; a proposal is rejected instead."""
    if state is not MatchState.CONFIRMED:
        if state is MatchState.PROPOSED:
            raise Conflict(
                N_(
                    "the match is {state}: only a confirmed match is reversed; reject a proposal"
                    " instead"
                ),
                state=Word(state.value),
            )
        raise Conflict(
            N_("the match is {state}: only a confirmed match is reversed"), state=Word(state.value)
        )


def check_decision(state: MatchState, to: MatchState) -> None:
    if state is not MatchState.PROPOSED:
        raise Conflict(N_("the match is already {state}"), state=Word(state.value))
    if to not in (MatchState.CONFIRMED, MatchState.REJECTED):
        raise DomainError(N_("a decision confirms or rejects"))


def group_id(match_ids: Iterable[str]) -> str:
    """One id per ambiguous group, from the pairs that formed it (`A-` and 12 hex digits), so
    that the same group found twice is the same group."""
    digest = hashlib.sha256("\n".join(sorted(match_ids)).encode()).hexdigest()
    return f"A-{digest[:12]}"


def check_not_ambiguous(match_id: str, state: MatchState) -> None:
    """A candidate of an ambiguous group is decided with its group, never alone."""
    if state is MatchState.AMBIGUOUS:
        raise Conflict(
            N_(
                "match {match} is one of an ambiguous group's candidates: choose among the"
                " group (parley match choose) or reject them all"
            ),
            match=match_id,
        )


def check_proposable(match_id: str, state: MatchState, group: str | None) -> None:
    """A pair the mediator names again is not proposed apart from the group it waits in."""
    if state is MatchState.AMBIGUOUS:
        raise Conflict(
            N_(
                "{match} is one of the ambiguous group {group}, awaiting the mediator's choice:"
                " parley match choose {group} MATCH_ID (or --none); it is not proposed alone"
            ),
            match=match_id,
            group=group or "?",
        )


def group_decisions(
    group: str,
    candidates: Mapping[str, tuple[RecordRef, RecordRef, MatchState]],
    chosen: Sequence[str],
) -> list[tuple[str, MatchState]]:
    """The mediator's answer to an ambiguous group: each chosen candidate confirmed, every other
    open candidate rejected; none chosen rejects them all. Chosen candidates name no record
    twice, nor one a confirmed candidate of the group names (one human has one partner on the
    other list)."""
    open_ = {mid: refs for mid, refs in candidates.items() if refs[2] is MatchState.AMBIGUOUS}
    if not candidates:
        raise NotFound(N_("there is no ambiguous group {group}"), group=group)
    if not open_:
        raise Conflict(N_("ambiguous group {group} is already resolved"), group=group)
    joined = {
        ref: mid
        for mid, (left, right, state) in candidates.items()
        if state is MatchState.CONFIRMED
        for ref in (left, right)
    }
    seen: dict[RecordRef, str] = {}
    for mid in chosen:
        if mid not in open_:
            raise DomainError(
                N_("match {match} is not an open candidate of ambiguous group {group}"),
                match=mid,
                group=group,
            )
        for ref in open_[mid][:2]:
            if ref in joined:
                raise Conflict(
                    N_("match {match} names {record}, which the confirmed match {confirmed} names"),
                    match=mid,
                    record=str(ref),
                    confirmed=joined[ref],
                )
            if ref in seen and seen[ref] != mid:
                raise DomainError(
                    N_("matches {first} and {second} both name {record}: choose one of them"),
                    first=seen[ref],
                    second=mid,
                    record=str(ref),
                )
            seen[ref] = mid
    return [(mid, MatchState.CONFIRMED if mid in chosen else MatchState.REJECTED) for mid in open_]
