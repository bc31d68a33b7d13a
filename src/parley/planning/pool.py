"""Sorting the candidates of each side: who is always in, who is out, who competes.

Within one side, the batch size and the category caps form a laminar family of
limits, so the sets of persons that respect them are the independent sets of a
matroid. Taking candidates in priority order and skipping anyone whose category
is full (the *ladder*) therefore gives, for every count k, the best set of k in
the lexicographic priority order. Only the count each side releases remains to
be chosen, and parity couples the two counts: that is the solver's job.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from parley.domain.agreements import ExchangeMode, PersonRef
from parley.domain.persons import Category
from parley.errors import N_, Word
from parley.planning.errors import Constraint, InfeasibleTerms, InvalidTerms
from parley.planning.priority import priority_key
from parley.planning.terms import Candidate, ExchangeTerms, Side


class Standing(enum.Enum):
    """Where a candidate stands before any count is chosen."""

    SERIOUSLY_WOUNDED_OR_SICK = enum.auto()  # always in, not counted
    MUST_INCLUDE = enum.auto()  # in, counted
    NAMED = enum.auto()  # in: named in the signed agreement of a named exchange
    VETOED = enum.auto()  # out
    NOT_NAMED = enum.auto()  # out
    OPEN = enum.auto()  # competes for a place


@dataclass(frozen=True)
class SidePool:
    """One releasing side's candidates, ranked, with the ladder of open ones."""

    side: Side
    ranked: tuple[Candidate, ...]  # every candidate of the side, best first
    standing: Mapping[PersonRef, Standing]
    forced: tuple[Candidate, ...]  # counted must-include (or named) persons, best first
    ladder: tuple[Candidate, ...]  # open persons in the order they would take places

    @property
    def most(self) -> int:
        """The most counted persons this side can release in this batch."""
        return len(self.forced) + len(self.ladder)


def _check_candidates(candidates: Iterable[Candidate], as_of: dt.date) -> list[Candidate]:
    seen: set[PersonRef] = set()
    side_of_party: dict[str, Side] = {}
    out = []
    for c in candidates:
        if c.person in seen:
            raise InvalidTerms(
                N_("{person} is listed twice among the candidates"), person=str(c.person)
            )
        seen.add(c.person)
        first = side_of_party.setdefault(c.person.party_id, c.side)
        if first is not c.side:
            raise InvalidTerms(
                N_(
                    "party {party} holds candidates on both sides ({person} is on side {side});"
                    " a holding party releases from one side only"
                ),
                party=c.person.party_id,
                person=str(c.person),
                side=str(c.side),
            )
        if c.capture_date is not None and c.capture_date > as_of:
            raise InvalidTerms(
                N_("{person} was captured on {captured}, after {as_of}"),
                person=str(c.person),
                captured=str(c.capture_date),
                as_of=str(as_of),
            )
        out.append(c)
    return out


def _vetoed_by(terms: ExchangeTerms, person: PersonRef) -> list[Side]:
    return [s for s in Side if person in terms.side(s).veto]


def _included_by(terms: ExchangeTerms, person: PersonRef) -> list[Side]:
    return [s for s in Side if person in terms.side(s).must_include]


def _named_standing(c: Candidate, terms: ExchangeTerms) -> Standing:
    """A named exchange executes as signed: the named persons go, all of them, and nobody else."""
    named = c.person in terms.side(c.side).named
    insisting = _included_by(terms, c.person)
    vetoing = _vetoed_by(terms, c.person)
    if named and vetoing:
        raise InfeasibleTerms(
            Constraint.NAMED_VETOED,
            N_(
                "{person} is named in the signed agreement and vetoed by side {side}; a named"
                " exchange executes as signed: withdraw the veto, or take them out of a planned"
                " batch by an amendment both sides and the mediator agree"
            ),
            person=str(c.person),
            side=str(vetoing[0]),
        )
    if insisting and not named:
        raise InfeasibleTerms(
            Constraint.MUST_INCLUDE_NOT_NAMED,
            N_(
                "{person} is on side {insisting}'s must-include list but not on the list side"
                " {side} agreed to release in this named exchange"
            ),
            person=str(c.person),
            insisting=str(insisting[0]),
            side=str(c.side),
        )
    if not named:
        return Standing.NOT_NAMED
    return Standing.SERIOUSLY_WOUNDED_OR_SICK if c.seriously_wounded_or_sick else Standing.NAMED


def _standing(c: Candidate, terms: ExchangeTerms) -> Standing:
    if terms.mode is ExchangeMode.NAMED:
        return _named_standing(c, terms)
    if c.seriously_wounded_or_sick:
        return Standing.SERIOUSLY_WOUNDED_OR_SICK
    insisting = _included_by(terms, c.person)
    vetoing = _vetoed_by(terms, c.person)
    if insisting and vetoing:
        raise InfeasibleTerms(
            Constraint.MUST_INCLUDE_VETOED,
            N_(
                "{person} is on side {insisting}'s must-include list and vetoed by side"
                " {vetoing}; the sides must settle it before a batch can be planned"
            ),
            person=str(c.person),
            insisting=str(insisting[0]),
            vetoing=str(vetoing[0]),
        )
    if vetoing:
        return Standing.VETOED
    return Standing.MUST_INCLUDE if insisting else Standing.OPEN


def _check_lists(terms: ExchangeTerms, by_ref: Mapping[PersonRef, Candidate]) -> None:
    for s in Side:
        missing = sorted(p for p in terms.side(s).must_include if p not in by_ref)
        if missing:
            if len(missing) > 5:
                raise InfeasibleTerms(
                    Constraint.MUST_INCLUDE_ABSENT,
                    N_(
                        "side {side}'s must-include list names {persons} and more, not among the"
                        " candidates (already released, or not on a held roster)"
                    ),
                    side=str(s),
                    persons=", ".join(map(str, missing[:5])),
                )
            raise InfeasibleTerms(
                Constraint.MUST_INCLUDE_ABSENT,
                N_(
                    "side {side}'s must-include list names {persons}, not among the candidates"
                    " (already released, or not on a held roster)"
                ),
                side=str(s),
                persons=", ".join(map(str, missing)),
            )
        foreign = sorted(p for p in terms.side(s).named if p in by_ref and by_ref[p].side != s)
        if foreign:
            raise InvalidTerms(
                N_(
                    "side {side}'s named list holds {person}, whom side {other} releases; each"
                    " named list names the persons its own side releases"
                ),
                side=str(s),
                person=str(foreign[0]),
                other=str(s.other),
            )


def _forced_limits(side: Side, forced: list[Candidate], terms: ExchangeTerms) -> None:
    size = terms.batch_size
    if size is not None and len(forced) > size:
        raise InfeasibleTerms(
            Constraint.BATCH_SIZE,
            N_(
                "the must-include lists name {count} persons side {side} releases, more than the"
                " batch size of {size} a side"
            ),
            count=len(forced),
            side=str(side),
            size=size,
        )
    for category, n in sorted(Counter(c.category for c in forced).items()):
        cap = terms.cap(category)
        if cap is not None and n > cap:
            raise InfeasibleTerms(
                Constraint.CATEGORY_CAP,
                N_(
                    "the must-include lists name {count} {category} persons side {side}"
                    " releases, more than the {category} cap of {cap} a side"
                ),
                count=n,
                category=Word(category.value),
                side=str(side),
                cap=cap,
            )


def _ladder(
    open_: list[Candidate], forced: list[Candidate], terms: ExchangeTerms
) -> list[Candidate]:
    room = None if terms.batch_size is None else terms.batch_size - len(forced)
    used: Counter[Category] = Counter(c.category for c in forced)
    ladder: list[Candidate] = []
    for c in open_:
        if room is not None and len(ladder) >= room:
            break
        cap = terms.cap(c.category)
        if cap is not None and used[c.category] >= cap:
            continue
        used[c.category] += 1
        ladder.append(c)
    return ladder


_FORCED = frozenset({Standing.MUST_INCLUDE, Standing.NAMED})


def sort_pools(
    candidates: Iterable[Candidate], terms: ExchangeTerms, as_of: dt.date
) -> tuple[SidePool, SidePool]:
    """Each side's pool, after checking the candidates and the lists against each other."""
    checked = _check_candidates(candidates, as_of)
    by_ref = {c.person: c for c in checked}
    _check_lists(terms, by_ref)
    pools = []
    for s in Side:
        ranked = sorted((c for c in checked if c.side is s), key=priority_key)
        standing = {c.person: _standing(c, terms) for c in ranked}
        forced = [c for c in ranked if standing[c.person] in _FORCED]
        _forced_limits(s, forced, terms)
        open_ = [c for c in ranked if standing[c.person] is Standing.OPEN]
        ladder = _ladder(open_, forced, terms)
        pools.append(SidePool(s, tuple(ranked), standing, tuple(forced), tuple(ladder)))
    return pools[0], pools[1]
