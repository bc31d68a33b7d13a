"""Ids for the persons of a list that carries none: carried over from the roster, else derived.

A person is identified by their names as written, birth date and service number (the
identity key, `identity_key`). A new version of a list without ids is given ids in three
passes, always the same way for the same file and roster (docs/rosters.md):

1. **Same person.** A row whose identity key is that of exactly one person of the current
   version takes that person's id.
2. **Corrected person.** Of the rows and persons left, a row and a person that are each
   other's only near match keep the person's id: one of names, birth date and service
   number was corrected a little, the others are the same (`near`).
3. **New person.** Every other row gets an id derived from its identity key:
   `P-` and the first 10 letters of the base32 SHA-256 of the key. Should that id already
   belong to another person of the roster, the key is followed by `#2`, `#3`, ... until the
   id is free.

Two rows of one file with the same identity key are one person written twice, or two
persons the list does not tell apart: the file is refused naming both rows, never merged.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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


def derived_id(key: str) -> str:
    """The id a person's identity key gives: `P-` and 10 letters of its hash."""
    digest = base64.b32encode(hashlib.sha256(key.encode()).digest()).decode()
    return f"P-{digest[:10]}"


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


def near(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two records that are one person corrected: exactly one of names, birth date and service
    number changed a little, the other two are the same, and one of them says something."""
    na, nb = name_key(a), name_key(b)
    da, db = str(a.get("birth_date") or ""), str(b.get("birth_date") or "")
    sa = identifier_key(str(a.get("service_number") or "")) or ""
    sb = identifier_key(str(b.get("service_number") or "")) or ""
    same = (na == nb, da == db, sa == sb)
    if sum(same) != 2:
        return False
    if na != nb:  # a spelling fixed: the date or number that stayed must tell who it is
        return bool(da or sa) and OSA.distance(na, nb, score_cutoff=NAME_EDITS) <= NAME_EDITS
    if da != db:
        return _date_close(da, db)
    return not sa or not sb or OSA.distance(sa, sb, score_cutoff=1) <= 1


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


def _blocks(data: Mapping[str, Any]) -> Iterable[str]:
    """Where a near match can be: the same names, birth date or service number."""
    yield "n:" + name_key(data)
    if birth := str(data.get("birth_date") or ""):
        yield "d:" + birth
    if service := identifier_key(str(data.get("service_number") or "")):
        yield "s:" + service


def assign_ids(
    rows: Sequence[Mapping[str, Any]], current: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Each row's id (see the module): carried from `current` (id -> record fields of the
    roster's current version) when it is the same or a corrected person, else derived.
    The rows' identity keys must differ (`same_key_rows`)."""
    keys = [identity_key(r) for r in rows]
    ids: list[str | None] = [None] * len(rows)
    by_key: dict[str, list[str]] = defaultdict(list)
    for rid, data in current.items():
        by_key[identity_key(data)].append(rid)
    taken: set[str] = set()
    for pos, key in enumerate(keys):
        if len(found := by_key.get(key, [])) == 1:
            ids[pos] = found[0]
            taken.add(found[0])

    left = {rid: data for rid, data in current.items() if rid not in taken}
    block: dict[str, list[str]] = defaultdict(list)
    for rid in sorted(left):
        for b in _blocks(left[rid]):
            block[b].append(rid)
    candidates: dict[int, list[str]] = {}
    chosen_by: dict[str, list[int]] = defaultdict(list)
    for pos, row in enumerate(rows):
        if ids[pos] is not None:
            continue
        seen = {rid for b in _blocks(row) for rid in block.get(b, [])}
        candidates[pos] = [rid for rid in sorted(seen) if near(row, left[rid])]
        for rid in candidates[pos]:
            chosen_by[rid].append(pos)
    for pos, found in candidates.items():
        if len(found) == 1 and len(chosen_by[found[0]]) == 1:
            ids[pos] = found[0]
            taken.add(found[0])

    taken |= set(current)
    out: list[str] = []
    for pos, key in enumerate(keys):
        carried = ids[pos]
        if carried is not None:
            out.append(carried)
            continue
        rid, n = derived_id(key), 1
        while rid in taken:
            n += 1
            rid = derived_id(f"{key}#{n}")
        taken.add(rid)
        out.append(rid)
    return out
