"""Rosters: a party's versioned list of persons it holds or seeks."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class RosterKind(enum.StrEnum):
    HELD = "held"
    SOUGHT = "sought"


def roster_id(party_id: str, kind: RosterKind) -> str:
    """A roster is named by its party and kind, e.g. `UA:held`."""
    return f"{party_id}:{kind.value}"


def roster_owner(rid: str) -> str:
    """The party whose roster it is: `UA` for `UA:held`."""
    return rid.partition(":")[0]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RosterDiff:
    """What changed between two versions of one roster."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[FieldChange, ...]], ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_snapshots(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> RosterDiff:
    """Compare two snapshots given as record id -> record fields."""
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    changed = []
    for rid in sorted(set(before) & set(after)):
        old, new = before[rid], after[rid]
        if old == new:
            continue
        names = sorted(set(old) | set(new))
        changes = tuple(
            FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)
        )
        changed.append((rid, changes))
    return RosterDiff(added, removed, tuple(changed))
