"""Partial dates as lists carry them: a year, a month, or a full day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from parley.domain.errors import InvalidRecord

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1800 <= self.year <= 2200:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None:
            assert self.month is not None
            dt.date(self.year, self.month, self.day)  # raises ValueError for 30 February

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `DD.MM.YYYY`; raise ValueError otherwise."""
        s = text.strip()
        if m := _ISO.match(s):
            year, month, day = m.group(1), m.group(2), m.group(3)
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        if m := _DOTTED.match(s):
            return cls(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY)")

    def iso(self) -> str:
        """The ISO 8601 text at the precision known."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> dt.date:
        """The first calendar day this partial date may stand for."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso()


def parse_partial_date(field: str, text: str) -> PartialDate | None:
    """Parse a record field's date, empty meaning unknown; a bad date names its field."""
    if not text.strip():
        return None
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        raise InvalidRecord(field, str(exc)) from exc
