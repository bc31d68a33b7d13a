"""Dates as lists write them: a year, a month or a full day. The one date reader of Parley.

`parse_written_date` reads every form a list writes (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
`DD.MM.YYYY`, `DD/MM/YYYY`, `DD.MM.YY`, `MM.YYYY`, `YYYYMMDD`, `DDMMYYYY`, an Excel serial
day number; `-`, `.` or `/` between the numbers; a trailing `г.` or `р.`, "year", or a
time of day a spreadsheet added) and never refuses: an impossible date keeps its numbers
and names its problem, so linkage can still compare it as written. `PartialDate.parse` is the same reader for the ledger, which records
only a date that exists and whose reading was not a guess (a two-digit year's century, the
day before the month in `03-02-1967`). A slash is read day first, as Ukrainian and Russian
lists write it (`03/02/1967` is the 3rd of February).

An Excel serial day number is how a date cell formatted as a number reaches a CSV or a
text cell: five digits, 10000 (1927-05-18) to 73050 (2099-12-31); four digits are a year.

Years run from 1850 to 2100 (`YEARS`): wide enough for any person a list can name,
the long-missing included, and narrow enough to catch a mistyped century (1096, 2961).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from parley.domain.errors import DomainError, InvalidRecord
from parley.errors import N_, ParleyError, Word

YEARS = range(1850, 2101)

_ISO = re.compile(r"^(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})([-./])(\d{1,2})[-./](\d{2}|\d{4})$")
_MY = re.compile(r"^(\d{1,2})[-./](\d{4})$")
_COMPACT = re.compile(r"^(\d{8})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
# `1967 р.`, `03.02.1967г`, `1967 року`, `1967 года`: the word "year" after a date
_YEAR_WORD = re.compile(r"\s*(?:г|р|рік|року|год|года|гг|рр)\.?$", re.IGNORECASE)
# `12.03.1980 0:00:00`, `1980-03-12T00:00:00`: a date with the time a spreadsheet added
_TIME = re.compile(r"(?<=\d)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 after Excel's 1900 leap day
SERIALS = range(10000, 73051)

_CENTURY = "the century"
_DAY_FIRST = "the order of day and month"


@dataclass(frozen=True)
class WrittenDate:
    """A date as a list wrote it: the numbers read, what is wrong with them, what was guessed."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    problem: str | None = None
    guessed: str | None = None  # what the reading had to assume, e.g. a two-digit year's century

    def iso(self) -> str | None:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as far as known, impossible values kept."""
        if self.year is None:
            return None
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


# The months a refusal names ("in February 1961"): a catalog translates each in the form that
# follows "in" (у лютому, в феврале).
_MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
    N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip


class InvalidDate(DomainError, ValueError):
    """A date that does not exist, or whose reading would be a guess."""


def _refusal(y: int, m: int | None, d: int | None) -> InvalidDate | None:
    if m is not None and not 1 <= m <= 12:
        return InvalidDate(N_("month {month} does not exist"), month=m)
    if m is not None and d is not None and not 1 <= d <= calendar.monthrange(y, m)[1]:
        return InvalidDate(
            N_("day {day} does not exist in {month_name} {year}"),
            day=d,
            month_name=Word(_MONTHS[m - 1]),
            year=str(y),  # a year, not a number: never `1 961`
        )
    if y not in YEARS:
        return InvalidDate(N_("year {year} is out of range"), year=str(y))
    return None


def _problem(y: int, m: int | None, d: int | None) -> str | None:
    refusal = _refusal(y, m, d)
    return None if refusal is None else str(refusal)


def _read(
    text: str, y: int, m: int | None, d: int | None, guessed: str | None = None
) -> WrittenDate:
    return WrittenDate(text, y, m, d, _problem(y, m, d), guessed)


def problem_of(date: WrittenDate) -> ParleyError | None:
    """What is wrong with a date as written, as a refusal a face can say in its language."""
    if date.problem is None:
        return None
    if date.year is None:
        return ParleyError(N_("is not a date"))
    return _refusal(date.year, date.month, date.day) or ParleyError(date.problem)


@lru_cache(maxsize=65536)
def parse_written_date(text: str | None) -> WrittenDate | None:
    """Read a date in any form a list writes (see the module); None for empty text.

    An impossible date (1961-02-30) keeps its numbers and names its problem; text that is
    no date keeps no numbers.
    """
    if text is None or not text.strip():
        return None
    s = text.strip()
    if ":" in s:
        s = _TIME.sub("", s)
    if s[-1:].isalpha() or s.endswith("."):
        s = _YEAR_WORD.sub("", s) or s
    if m := _ISO.match(s):
        y, mo, d = m.groups()
        return _read(s, int(y), int(mo) if mo else None, int(d) if d else None)
    if m := _DMY.match(s):
        d, sep, mo, y = m.groups()
        # dots and slashes are day first, as these lists write them; a dash may be month first
        guessed = _CENTURY if len(y) == 2 else (_DAY_FIRST if sep == "-" else None)
        year = int(y) if len(y) == 4 else (1900 + int(y) if int(y) > 30 else 2000 + int(y))
        return _read(s, year, int(mo), int(d), guessed)
    if m := _MY.match(s):
        return _read(s, int(m.group(2)), int(m.group(1)), None)
    if m := _COMPACT.match(s):
        digits = m.group(1)
        if int(digits[:4]) in YEARS and 1 <= int(digits[4:6]) <= 12:
            return _read(s, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return _read(s, int(digits[4:]), int(digits[2:4]), int(digits[:2]), _DAY_FIRST)
    if (m := _SERIAL.match(s)) and int(m.group(1)) in SERIALS:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
        return _read(s, day.year, day.month, day.day)
    return WrittenDate(s, problem="is not a date")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is None and self.day is not None:
            raise InvalidDate(N_("a day needs a month"))
        refusal = _refusal(self.year, self.month, self.day)
        if refusal is not None:
            raise refusal

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a date as `parse_written_date` does; raise InvalidDate (a ValueError) unless it
        exists unguessed."""
        written = parse_written_date(text)
        if written is None or written.year is None:
            raise InvalidDate(
                N_("{text!r} is not a date (use YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY)"),
                text=text,
            )
        refusal = _refusal(written.year, written.month, written.day)
        if refusal is not None:
            raise refusal
        if written.guessed == _CENTURY:
            raise InvalidDate(
                N_("{text!r}: the century would be a guess (use YYYY-MM-DD or DD.MM.YYYY)"),
                text=text,
            )
        if written.guessed:
            raise InvalidDate(
                N_(
                    "{text!r}: the order of day and month would be a guess"
                    " (use YYYY-MM-DD or DD.MM.YYYY)"
                ),
                text=text,
            )
        return cls(written.year, written.month, written.day)

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
    except InvalidDate as exc:
        raise InvalidRecord(field, exc) from exc


def refuse_future(field: str, date: PartialDate | None, today: dt.date) -> None:
    """A birth or capture date has happened: one whose first possible day is after `today` is
    refused, naming its field (a month or year is in the future only when all of it is)."""
    if date is not None and date.earliest() > today:
        raise InvalidRecord(
            field,
            N_("{date} is in the future (today is {today})"),
            date=date.iso(),
            today=today.isoformat(),
        )
