"""The plain record linkage takes: one party's description of one human, as written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class LinkageRecord:
    """A person record with every field as the list wrote it; any field but the id may be
    empty. `birth_date` may be partial (`1967`, `1967-02`, `03.02.1967`) or impossible
    (`1961-02-30`): it is compared as written and reported."""

    record_id: str
    family_name: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    full_name: str | None = None
    birth_date: str | None = None
    birth_place: str | None = None
    citizenship: str | None = None
    rank: str | None = None
    service_number: str | None = None
    unit: str | None = None
    national_id: str | None = None
    sex: str | None = None
    category: str | None = None
    home_address: str | None = None

    @classmethod
    def from_mapping(cls, row: dict[str, object]) -> LinkageRecord:
        """A record from a row of named values; unknown names are ignored, blanks are None."""
        names = {f.name for f in fields(cls)}
        values = {
            k: (str(v).strip() or None) if v is not None else None
            for k, v in row.items()
            if k in names
        }
        if not values.get("record_id"):
            raise ValueError("a linkage record needs a record_id")
        return cls(**values)  # type: ignore[arg-type]


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(LinkageRecord))


class LinkageColumns:
    """A list of records held column by column, as a file is read: a long list costs one
    list a field, not an object a record. Fields the list lacks are empty in every row."""

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: Mapping[str, Sequence[str | None]]) -> None:
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"not a field of a linkage record: {', '.join(unknown)}")
        if "record_id" not in columns:
            raise ValueError("a list of linkage records needs a record_id column")
        self._length = len(columns["record_id"])
        for name, values in columns.items():
            if len(values) != self._length:
                raise ValueError(
                    f"column {name} has {len(values)} values, record_id has {self._length}"
                )
        self._columns = {name: list(values) for name, values in columns.items()}

    def __len__(self) -> int:
        return self._length

    def column(self, name: str) -> list[str | None]:
        """The values of one field in row order, None where empty."""
        if name not in FIELDS:
            raise KeyError(name)
        return self._columns.get(name) or [None] * self._length

    def records(self) -> list[LinkageRecord]:
        """One record a row (for small lists and for the functions that take records)."""
        present = list(self._columns)
        return [
            LinkageRecord(**dict(zip(present, row, strict=True)))
            for row in zip(*self._columns.values(), strict=True)
        ]

    @classmethod
    def of(cls, records: Iterable[LinkageRecord]) -> LinkageColumns:
        """The columns of records."""
        rows = list(records)
        return cls({name: [getattr(r, name) for r in rows] for name in FIELDS})

    @classmethod
    def concat(cls, parts: Sequence[LinkageColumns]) -> LinkageColumns:
        """The rows of several lists, one after the other."""
        names = [n for n in FIELDS if any(n in p._columns for p in parts)]
        return cls({n: [v for p in parts for v in p.column(n)] for n in names})


def as_columns(records: Sequence[LinkageRecord] | LinkageColumns) -> LinkageColumns:
    """A list held column by column, whichever way it came."""
    return records if isinstance(records, LinkageColumns) else LinkageColumns.of(records)
