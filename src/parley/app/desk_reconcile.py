"""The mediator's reconciliation from its desk: each side's sought roster against the other
side's held roster, by record linkage as `parley reconcile` runs it (and each roster against
itself for persons written twice), or by exact agreement of names and birth date; what each
pass proposed, found known, held back or left ambiguous, summed up for a page."""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from parley.app import authz, reconcile
from parley.app.ledger import Ledger
from parley.domain.parties import Role
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, Sentence
from parley.store import keys, rosters


class Method(enum.StrEnum):
    LINKED = "linked"  # record linkage (Splink) and search, as `parley reconcile`
    EXACT = "exact"  # the same family name, given name and birth date


# the methods as a page names them
METHOD_LABELS = {
    Method.LINKED: N_("by record linkage"),
    Method.EXACT: N_("exact names and birth date only"),
}


@dataclass(frozen=True)
class Pass:
    """One pass of a reconciliation: `left` against `right` (the same roster: duplicates)."""

    left: str
    right: str
    proposed: int
    known: int
    held: int  # pairs whose identifiers differ: the mediator's eye, never proposed
    ambiguous: int  # candidates in groups too close to tell apart
    seconds: float

    @property
    def duplicates(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class Summary:
    method: Method
    passes: tuple[Pass, ...]
    groups_formed: int = 0
    groups_settled: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def total(self) -> Pass:
        return Pass(
            "",
            "",
            sum(p.proposed for p in self.passes),
            sum(p.known for p in self.passes),
            sum(p.held for p in self.passes),
            sum(p.ambiguous for p in self.passes),
            sum(p.seconds for p in self.passes),
        )


def run(ledger: Ledger, *, actor: str, method: Method) -> Summary:
    """Reconcile every side's rosters now, as `actor` (the mediator) may."""
    if method is Method.LINKED:
        return _linked(ledger, actor)
    return _exact(ledger, actor)


def _linked(ledger: Ledger, actor: str) -> Summary:
    done = reconcile.reconcile_all(ledger, actor=actor)
    passes = tuple(
        Pass(
            left,
            right,
            len(proposed.proposed),
            len(proposed.known),
            len(found.held),
            sum(len(c) for c in found.ambiguous.values()),
            seconds,
        )
        for (left, right, proposed, found), seconds in zip(done.pairs, done.seconds, strict=True)
    )
    groups = list(done.groups.values())
    warnings = tuple(
        Sentence(N_("{left} ↔ {right}: {note}"), left=left, right=right, note=w)
        for left, right, _, found in done.pairs
        for w in found.warnings
    )
    return Summary(
        Method.LINKED,
        passes,
        sum(len(g.formed) for g in groups),
        sum(len(g.settled) for g in groups),
        warnings,
    )


def _exact(ledger: Ledger, actor: str) -> Summary:
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_RECONCILE)
        sides = sorted(p.party_id for p in keys.parties(tx) if p.role is Role.SIDE)
        known = {r.roster_id for r in rosters.roster_headings(tx)}
    passes = []
    for seeker in sides:
        for holder in sides:
            sought = roster_id(seeker, RosterKind.SOUGHT)
            held = roster_id(holder, RosterKind.HELD)
            if holder == seeker or sought not in known or held not in known:
                continue
            started = time.perf_counter()
            found = reconcile.exact_candidates(ledger, sought=sought, held=held)
            done = reconcile.propose(ledger, actor=actor, candidates=found)
            passes.append(
                Pass(
                    sought,
                    held,
                    len(done.proposed),
                    len(done.known),
                    len(done.refused),
                    0,
                    time.perf_counter() - started,
                )
            )
    return Summary(Method.EXACT, tuple(passes))
