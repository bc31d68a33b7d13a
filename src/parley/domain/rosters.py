"""Rosters: a party's versioned list of persons it holds or seeks."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
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


def display_name(data: Mapping[str, Any]) -> str:
    """A record's name as the party wrote it, family name first (`PersonRecord.display_name`
    of record fields)."""
    if data.get("full_name"):
        return str(data["full_name"])
    parts = (data.get(f) for f in ("family_name", "given_name", "patronymic"))
    return " ".join(str(p) for p in parts if p) or str(data.get("record_id", ""))


@dataclass(frozen=True)
class RosterDiff:
    """What changed between two versions of one roster; `names` gives each record's name
    (its newer one when it changed) so the diff reads by person, not by bare id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[FieldChange, ...]], ...] = field(default=())
    names: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @cached_property
    def _by_id(self) -> dict[str, str]:
        return dict(self.names)

    def name(self, record_id: str) -> str:
        """The record's name, or its id when the diff does not know it."""
        return self._by_id.get(record_id, record_id)


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
    named = [*added, *removed, *(rid for rid, _ in changed)]
    shown = tuple((rid, display_name(after.get(rid) or before[rid])) for rid in named)
    return RosterDiff(added, removed, tuple(changed), shown)
