"""The priority order: seriously wounded and sick, then women, held longest, civilians."""

from __future__ import annotations

import datetime as dt

from parley.domain.persons import Category, Sex
from parley.planning.terms import Candidate

# Journalists are civilians (Additional Protocol I, art. 79), so they rank with them.
CIVILIAN_LIKE = frozenset({Category.CIVILIAN, Category.JOURNALIST})

PriorityKey = tuple[bool, bool, bool, dt.date, bool, str, str]


def priority_key(c: Candidate) -> PriorityKey:
    """Smaller goes first; an unknown capture date ranks after every known one."""
    return (
        not c.seriously_wounded_or_sick,
        c.sex is not Sex.FEMALE,
        c.capture_date is None,
        c.capture_date or dt.date.max,
        c.category not in CIVILIAN_LIKE,
        c.person.record_id,  # ties broken by record id, then holding party
        c.person.party_id,
    )


def days_held(c: Candidate, as_of: dt.date) -> int | None:
    return None if c.capture_date is None else (as_of - c.capture_date).days


def describe(c: Candidate, as_of: dt.date) -> str:
    """What the priority rules saw in a person, e.g. 'woman, held 530 days, civilian'."""
    parts = []
    if c.seriously_wounded_or_sick:
        parts.append("seriously wounded or sick")
    if c.sex is not Sex.UNKNOWN:
        parts.append("woman" if c.sex is Sex.FEMALE else "man")
    held = days_held(c, as_of)
    parts.append("capture date unknown" if held is None else f"held {held} days")
    parts.append(str(c.category))
    return ", ".join(parts)
