"""Moments: when something observed happened, as a party claims it (`--at`), beside the time
the log entered it. Written in UTC to the second, `YYYY-MM-DDTHH:MM:SSZ`."""

from __future__ import annotations

import datetime as dt

from parley.domain.errors import DomainError
from parley.errors import N_, ParleyError

# How far ahead of the ledger's clock a claimed time may stand: the two clocks differ a little.
CLOCK_SKEW = dt.timedelta(minutes=5)


def parse_moment(text: str) -> dt.datetime:
    """A moment as a person types it: `2019-09-07T14:30+03:00`, `2019-09-07 11:30Z`, or a
    date alone (midnight); without an offset it is UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            N_(
                "{text!r} is not a time: write it as YYYY-MM-DDTHH:MM, with an offset such as"
                " +03:00 (UTC without one)"
            ),
            text=text,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def write_moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_moment(text: str) -> dt.datetime | None:
    """The moment `write_moment` wrote, or None if `text` is not in exactly that form."""
    try:
        moment = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return moment if write_moment(moment) == text else None


def check_claimed(what: str | ParleyError, at: dt.datetime, now: dt.datetime) -> None:
    """A claimed time may not stand in the future of the entry that records it; `what` names
    the act (a refusal, to be said in the reader's language: `the report on {commitment}`)."""
    if at > now + CLOCK_SKEW:
        raise DomainError(
            N_(
                "{what} is claimed at {at}, after the time it is entered ({now}): what is"
                " recorded has happened already"
            ),
            what=what,
            at=write_moment(at),
            now=write_moment(now),
        )
