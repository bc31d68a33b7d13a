"""The plain record linkage takes: one party's description of one human, as written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import pyarrow as pa  # type: ignore[import-untyped]


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
    """A list of records held column by column, as a file is read: each field one Arrow
    string array, null where empty, so a long list costs its text and not a Python object a
    cell. Fields the list lacks are empty in every row."""

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: Mapping[str, Sequence[str | None] | pa.Array]) -> None:
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"not a field of a linkage record: {', '.join(unknown)}")
        if "record_id" not in columns:
            raise ValueError("a list of linkage records needs a record_id column")
        self._columns = {name: _strings(values) for name, values in columns.items()}
        self._length = len(self._columns["record_id"])
        for name, values in self._columns.items():
            if len(values) != self._length:
                raise ValueError(
                    f"column {name} has {len(values)} values, record_id has {self._length}"
                )

    def __len__(self) -> int:
        return self._length

    def array(self, name: str) -> pa.Array:
        """The values of one field in row order as an Arrow string array, null where empty."""
        if name not in FIELDS:
            raise KeyError(name)
        found = self._columns.get(name)
        return found if found is not None else pa.nulls(self._length, pa.string())

    def column(self, name: str) -> list[str | None]:
        """The values of one field in row order, None where empty."""
        values: list[str | None] = self.array(name).to_pylist()
        return values

    def records(self) -> list[LinkageRecord]:
        """One record a row (for small lists and for the functions that take records)."""
        present = list(self._columns)
        return [
            LinkageRecord(**dict(zip(present, row, strict=True)))
            for row in zip(*(self.column(n) for n in present), strict=True)
        ]

    @classmethod
    def of(cls, records: Iterable[LinkageRecord]) -> LinkageColumns:
        """The columns of records."""
        rows = list(records)
        return cls({name: [getattr(r, name) for r in rows] for name in FIELDS})

    @classmethod
    def concat(cls, parts: Sequence[LinkageColumns]) -> LinkageColumns:
        """The rows of several lists, one after the other."""
        if not parts:
            return cls({"record_id": []})
        names = [n for n in FIELDS if any(n in p._columns for p in parts)]
        return cls({n: pa.concat_arrays([p.array(n) for p in parts]) for n in names})


def _strings(values: Sequence[str | None] | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    return pa.array(list(values), type=pa.string())


def as_columns(records: Sequence[LinkageRecord] | LinkageColumns) -> LinkageColumns:
    """A list held column by column, whichever way it came."""
    return records if isinstance(records, LinkageColumns) else LinkageColumns.of(records)
