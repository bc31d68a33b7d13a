"""Ids for the persons of a list that carries none: carried over from the roster, else new.

A person is identified by their names as written, birth date and service number (the
identity key, `identity_key`). A version of a list without ids is given ids in four
passes, always the same way for the same file and roster, whatever the order of its rows
(docs/rosters.md):

1. **Same person.** A row whose identity key is that of exactly one person of the current
   version takes that person's id.
2. **Corrected person.** Of the rows and persons left, a row and a person that are each
   other's only near match keep the person's id: one of names, birth date and service
   number was corrected a little, the others are the same (`near`).
3. **Back on the roster.** A row whose identity key is that of exactly one person removed
   from an earlier version (and not erased) takes that person's id again.
4. **New person.** The other rows, in the order of their identity keys, get the next free
   numbers of the roster: `P-00001`, `P-00002`, ...

A new id is a number, not a hash of the key: a hash of a name and a birth date can be
reversed by trying names and dates, and the id outlives the person's erasure in the log.

Two rows of one file with the same identity key are one person written twice, or two
persons the list does not tell apart: the file is refused naming both rows, never merged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from parley.domain.identifiers import identifier_key

IDENTITY_FIELDS = (
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "birth_date",
    "service_number",
)
NAME_EDITS = 2  # letters a spelling correction may change (swap, add, drop or replace)
_APOSTROPHES = str.maketrans("", "", "'’ʼ`‘")


def name_key(data: Mapping[str, Any]) -> str:
    """The names as written, compared without case, spacing, apostrophes or `ё`/`е`: family,
    given and father's name when the list splits them, else the full name."""
    parts = [str(data.get(f) or "") for f in ("family_name", "given_name", "patronymic")]
    if not any(parts):
        parts = [str(data.get("full_name") or "")]
    text = unicodedata.normalize("NFKC", " ".join(parts)).casefold().replace("ё", "е")
    return " ".join(text.translate(_APOSTROPHES).replace("-", " ").split())


def identity_key(data: Mapping[str, Any]) -> str:
    """What identifies a person on a list without ids: names, birth date, service number."""
    birth = str(data.get("birth_date") or "")
    service = identifier_key(str(data.get("service_number") or "")) or ""
    return f"{name_key(data)}|{birth}|{service}"


def numbered_id(number: int) -> str:
    """The id of a roster's `number`th new person of a list without ids: `P-00012`."""
    return f"P-{number:05d}"


_NUMBERED = re.compile(r"^P-(\d+)$")


def _date_close(a: str, b: str) -> bool:
    """A birth date corrected: one of day, month and year changed, day and month swapped,
    or a date made more or less precise (`1967` and `1967-02-03`)."""
    if not a or not b:
        return bool(a or b)  # a date added or removed
    if a.startswith(b) or b.startswith(a):
        return True
    pa, pb = a.split("-"), b.split("-")
    if len(pa) != len(pb):
        return False
    if len(pa) == 3 and pa[0] == pb[0] and (pa[1], pa[2]) == (pb[2], pb[1]):
        return True
    return sum(x != y for x, y in zip(pa, pb, strict=True)) == 1


class _Who(NamedTuple):
    """What identifies a person, as compared: name key, birth date, service number key."""

    name: str
    born: str
    service: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> _Who:
        service = identifier_key(str(data.get("service_number") or "")) or ""
        return cls(name_key(data), str(data.get("birth_date") or ""), service)


def _near(a: _Who, b: _Who) -> bool:
    same = (a.name == b.name, a.born == b.born, a.service == b.service)
    if sum(same) != 2:
        return False
    if a.name != b.name:  # a spelling fixed: the date or number that stayed must tell who it is
        return bool(a.born or a.service) and _names_close(a.name, b.name)
    if a.born != b.born:
        return _date_close(a.born, b.born)
    return not a.service or not b.service or OSA.distance(a.service, b.service, score_cutoff=1) <= 1


def _names_close(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=NAME_EDITS) <= NAME_EDITS or _name_added(a, b)


def _name_added(a: str, b: str) -> bool:
    """One list gives a name more at the end (the father's name added or dropped), the
    family and given names standing as they were."""
    short, long = sorted((a, b), key=len)
    return (
        len(short.split()) >= 2
        and long.startswith(short + " ")
        and " " not in long[len(short) + 1 :]
    )


def near(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two records that are one person corrected: exactly one of names, birth date and service
    number changed a little, the other two are the same, and one of them says something."""
    return _near(_Who.of(a), _Who.of(b))


def same_key_rows(keys: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of positions (first, later) whose identity keys are the same."""
    first: dict[str, int] = {}
    out = []
    for pos, key in enumerate(keys):
        if key in first:
            out.append((first[key], pos))
        else:
            first[key] = pos
    return out


class _Left:
    """The persons of the roster no row took by its key, blocked where a near match can be:
    the same names (a date or number corrected), the same birth date or service number (a
    name corrected; those names searched by edit distance at once)."""

    def __init__(self, persons: Mapping[str, _Who]) -> None:
        self.persons = persons
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_other: dict[str, list[str]] = defaultdict(list)
        for rid in sorted(persons):
            who = persons[rid]
            self.by_name[who.name].append(rid)
            if who.born:
                self.by_other["d:" + who.born].append(rid)
            if who.service:
                self.by_other["s:" + who.service].append(rid)
        self.names = {b: [persons[rid].name for rid in ids] for b, ids in self.by_other.items()}

    def near(self, row: _Who) -> list[str]:
        """The persons left that are a near match of the row, in id order."""
        found = {rid for rid in self.by_name.get(row.name, ()) if _near(row, self.persons[rid])}
        for block in (
            f"d:{row.born}" if row.born else "",
            f"s:{row.service}" if row.service else "",
        ):
            ids = self.by_other.get(block)
            if not ids:
                continue
            close = process.extract(
                row.name,
                self.names[block],
                scorer=OSA.distance,
                score_cutoff=NAME_EDITS,
                limit=None,
            )
            found |= {ids[i] for _, _, i in close if _near(row, self.persons[ids[i]])}
            found |= {
                ids[i]
                for i, name in enumerate(self.names[block])
                if _name_added(row.name, name) and _near(row, self.persons[ids[i]])
            }
        return sorted(found)


def _unique_key_match(
    keys: Sequence[str], ids: list[str | None], persons: Mapping[str, Mapping[str, Any]]
) -> None:
    """Give each row still without an id the id of the one person with its identity key."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for rid, data in persons.items():
        by_key[identity_key(data)].append(rid)
    for pos, key in enumerate(keys):
        if ids[pos] is None and len(found := by_key.get(key, [])) == 1:
            ids[pos] = found[0]


def assign_ids(
    rows: Sequence[Mapping[str, Any]],
    current: Mapping[str, Mapping[str, Any]],
    earlier: Mapping[str, Mapping[str, Any]] | None = None,
    used: Collection[str] = (),
) -> list[str]:
    """Each row's id (see the module): carried from `current` (id -> record fields of the
    roster's current version) when it is the same or a corrected person, from `earlier`
    (persons removed from earlier versions) when it is the same person, else the roster's
    next free number, none of `used` (every id the roster ever had). The rows' identity keys
    must differ (`same_key_rows`)."""
    keys = [identity_key(r) for r in rows]
    ids: list[str | None] = [None] * len(rows)
    _unique_key_match(keys, ids, current)
    taken = {rid for rid in ids if rid is not None}

    left = _Left({rid: _Who.of(data) for rid, data in current.items() if rid not in taken})
    candidates: dict[int, list[str]] = {}
    chosen_by: dict[str, list[int]] = defaultdict(list)
    for pos, row in enumerate(rows):
        if ids[pos] is not None:
            continue
        candidates[pos] = left.near(_Who.of(row))
        for rid in candidates[pos]:
            chosen_by[rid].append(pos)
    for pos, found in candidates.items():
        if len(found) == 1 and len(chosen_by[found[0]]) == 1:
            ids[pos] = found[0]

    _unique_key_match(keys, ids, earlier or {})
    taken = {*used, *current, *(earlier or {}), *(rid for rid in ids if rid is not None)}
    numbers = [int(m.group(1)) for rid in taken if (m := _NUMBERED.match(rid))]
    number = max(numbers, default=0)
    for pos in sorted((p for p in range(len(rows)) if ids[p] is None), key=lambda p: keys[p]):
        number += 1
        while numbered_id(number) in taken:
            number += 1
        ids[pos] = numbered_id(number)
    return [rid for rid in ids if rid is not None]
