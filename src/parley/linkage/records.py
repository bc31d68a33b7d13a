"""The plain record linkage takes: one party's description of one human, as written."""

from __future__ import annotations

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
