"""Ambiguous groups: candidates too close to tell apart, kept on the log for the mediator.

A reconciliation records each group its linkage finds (`match.ambiguous`); none of its
candidates is a proposal. Found again, a group is not recorded twice: only candidates never
recorded are added, to the open group they touch, or else as a new group. When a later run, on
the rosters as they then stand, answers the records a group was about clearly, the group is
settled (`match.settled`): its candidates linked clearly become proposals for the mediator to
decide, the others are withdrawn. The mediator resolves a group by choosing its candidate (a
confirmed match) and rejecting the others, or by rejecting them all: one `match.decided` each,
in one command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict
from parley.domain.events import Event
from parley.domain.matches import MatchState, RecordRef, group_decisions, group_id, match_id
from parley.errors import N_
from parley.store import Tx, rosters
from parley.store import matches as stored
from parley.store.matches import StoredMatch


class Scored(Protocol):
    """A candidate pair as a linkage pass gives it (parley.app.reconcile.Candidate)."""

    @property
    def left(self) -> RecordRef: ...
    @property
    def right(self) -> RecordRef: ...
    @property
    def score(self) -> float: ...
    @property
    def explanation(self) -> str: ...
    @property
    def basis(self) -> str | None: ...


# The linkage numbers a run's groups from 1 in the words it gives; the log keeps its own id.
_RUN_GROUP = re.compile(r"ambiguous \(group \d+\): ")
_OPEN = MatchState.AMBIGUOUS


@dataclass
class GroupOutcome:
    """What a reconciliation did with the groups it found: groups recorded, groups that took
    new candidates, groups found again with nothing new, and groups settled (by id)."""

    formed: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    # the run's label of each group it found -> the group on the log (none: all decided before)
    named: dict[str, str] = field(default_factory=dict)


def without_run_label(words: str) -> str:
    """A candidate's words without the number the linkage gave its group in one run (the log
    names the group by its own id)."""
    return _RUN_GROUP.sub("", words)


def _candidate(mid: str, c: Scored) -> ev.AmbiguousCandidate:
    basis = c.explanation if c.basis is None else c.basis
    return ev.AmbiguousCandidate(
        match_id=mid,
        left=str(c.left),
        right=str(c.right),
        score=round(float(c.score), 6),
        basis=without_run_label(basis),
    )


def _pivots(candidates: Sequence[StoredMatch]) -> set[RecordRef]:
    """The records a group is about: those with more than one candidate in it (a group of one
    candidate, or of pairs sharing no record, is about its sought records)."""
    seen: dict[RecordRef, int] = {}
    for m in candidates:
        for ref in (m.left, m.right):
            seen[ref] = seen.get(ref, 0) + 1
    shared = {ref for ref, n in seen.items() if n > 1}
    return shared or {m.left for m in candidates}


def record_groups(
    ledger: Ledger,
    *,
    actor: str,
    sought: str,
    held: str,
    clear: Sequence[Scored],
    ambiguous: Mapping[str, Sequence[Scored]],
) -> GroupOutcome:
    """Record the groups one linkage pass (`sought` against `held`) found too close to tell
    apart (`ambiguous`, by the run's label), and settle the open groups between these rosters
    that its `clear` answers decide."""
    outcome = GroupOutcome()
    linked = {match_id(c.left, c.right) for c in clear}
    answered = {ref for c in clear for ref in (c.left, c.right)}
    runs = [
        (label, [(match_id(c.left, c.right), c) for c in among])
        for label, among in sorted(ambiguous.items())
    ]
    still = {mid for _, run in runs for mid, _ in run}

    def decide(tx: Tx) -> Sequence[Event]:
        outcome.formed.clear()
        outcome.extended.clear()
        outcome.known.clear()
        outcome.settled.clear()
        outcome.named.clear()
        authz.require(tx, actor, authz.Action.MATCH_PROPOSE)
        known = stored.match_ids(tx)
        standing = stored.standing(tx, still)
        events = []
        for label, run in runs:
            new = [(mid, c) for mid, c in run if mid not in known]
            on_record = [standing[mid] for mid, _ in run if mid in standing]
            touched = sorted({g for g, s in on_record if g is not None and s is _OPEN})
            # a proposal no one decided yet, that the rosters now give a rival as close
            pending = tuple(
                mid for mid, _ in run if standing.get(mid) == (None, MatchState.PROPOSED)
            )
            if not new and not pending:
                outcome.known += touched
                if touched:
                    outcome.named[label] = touched[0]
                continue
            first = [mid for mid, _ in new] + list(pending)
            gid = touched[0] if touched else group_id(first)
            outcome.named[label] = gid
            added = tuple(_candidate(mid, c) for mid, c in new)
            events.append(Event(actor, ev.MatchAmbiguous(gid, added, pending or None)))
            known |= {mid for mid, _ in new}
            for mid in pending:
                standing[mid] = (gid, _OPEN)
            (outcome.extended if touched else outcome.formed).append(gid)
        versions = f"{sought} v{rosters.current_version(tx, sought)}"
        versions += f" and {held} v{rosters.current_version(tx, held)}"
        for gid, waiting in sorted(stored.open_groups(tx).items()):
            if any(m.left.roster_id != sought or m.right.roster_id != held for m in waiting):
                continue
            if any(m.match_id in still for m in waiting):
                continue  # still too close to call
            if not _pivots(waiting) <= answered:
                continue  # the linkage has no clear answer for the records yet: still open
            proposed = tuple(m.match_id for m in waiting if m.match_id in linked)
            withdrawn = tuple(m.match_id for m in waiting if m.match_id not in linked)
            reason = (
                f"ambiguous group {gid} settled by a later reconciliation: on {versions} the"
                " linkage answers its records clearly"
            )
            events.append(Event(actor, ev.MatchSettled(gid, proposed, withdrawn, reason)))
            outcome.settled.append(gid)
        return events

    ledger.execute(decide)
    return outcome


def reopened_by_reversal(tx: Tx, reversed_: StoredMatch) -> tuple[str, ...]:
    """The candidates a reversal of a match chosen from a group reopens: those of its group
    rejected with it, sharing a record with it (a choice rejected them, or a settlement
    withdrew them for it)."""
    if reversed_.group is None:
        return ()
    refs = {reversed_.left, reversed_.right}
    return tuple(
        m.match_id
        for m in stored.group(tx, reversed_.group)
        if m.state is MatchState.REJECTED and refs & {m.left, m.right}
    )


def choose(
    ledger: Ledger, *, actor: str, group: str, chosen: Sequence[str], note: str = ""
) -> Appended:
    """The mediator resolves an ambiguous group: the chosen candidates confirmed, every other
    open candidate rejected (none chosen: all rejected), one `match.decided` each."""
    chosen = list(dict.fromkeys(chosen))

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.MATCH_DECIDE)
        candidates = stored.group(tx, group)
        states = {m.match_id: (m.left, m.right, m.state) for m in candidates}
        decisions = group_decisions(group, states, chosen)
        for mid in chosen:
            for ref in states[mid][:2]:
                record = rosters.current_record(tx, ref.roster_id, ref.record_id)
                if record is not None and record.erased:
                    raise Conflict(
                        N_("match {match}: {record} was erased; reject the group instead"),
                        match=mid,
                        record=str(ref),
                    )
        said = f"; {note.strip()}" if note.strip() else ""
        events = []
        for mid, state in decisions:
            if mid in chosen:
                words = f"ambiguous group {group}: chosen"
            elif chosen:
                words = f"ambiguous group {group}: another candidate chosen ({', '.join(chosen)})"
            else:
                words = f"ambiguous group {group}: none of its candidates"
            events.append(Event(actor, ev.MatchDecided(mid, state, words + said)))
        return events

    return ledger.execute(decide)
