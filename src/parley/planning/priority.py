"""The priority order: seriously wounded and sick, then women, held longest, civilians."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from parley.domain.persons import Category, Sex
from parley.errors import N_, ParleyError, Word
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


def described(c: Candidate, as_of: dt.date) -> ParleyError:
    """What the priority rules saw in a person, as words a face translates (`describe`)."""
    parts: list[object] = []
    if c.seriously_wounded_or_sick:
        parts.append(Word(N_("seriously wounded or sick")))
    if c.sex is not Sex.UNKNOWN:
        parts.append(Word(N_("woman")) if c.sex is Sex.FEMALE else Word(N_("man")))
    held = days_held(c, as_of)
    if held is None:
        parts.append(Word(N_("capture date unknown")))
    else:
        parts.append(ParleyError(N_("held {days} days"), days=held))
    parts.append(Word(c.category.value))  # its word is in the catalogs (domain.persons)
    return joined(parts, ", ")


def describe(c: Candidate, as_of: dt.date) -> str:
    """What the priority rules saw in a person, e.g. 'woman, held 530 days, civilian'."""
    return str(described(c, as_of))


def joined(parts: Sequence[object], separator: str) -> ParleyError:
    """Words and phrases said one after another (`a, b, c`), each translated where a face says
    it in another language; the joining template itself is not a message of the catalogs."""
    params = {f"p{i}": part for i, part in enumerate(parts)}
    return ParleyError(separator.join("{" + name + "}" for name in params), **params)
