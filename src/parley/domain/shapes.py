"""The domain's leaves of the JSON shapes (parley.log.shapes): person references, person
records and agreements, each read back strictly in the one form its type writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from parley.domain.agreements import (
    Agreement,
    PersonRef,
    agreement_from_dict,
    agreement_to_dict,
)
from parley.domain.errors import DomainError, InvalidRecord
from parley.domain.moments import read_moment, write_moment
from parley.domain.persons import PersonRecord
from parley.log.shapes import Decode, Encode, Malformed, join_path, same_when_written


def _person_ref(value: Any, parent: str, key: str) -> PersonRef:
    path = join_path(parent, key)
    if isinstance(value, str):
        try:
            ref = PersonRef.parse(value)
        except DomainError:
            pass
        else:
            if str(ref) == value:
                return ref
    raise Malformed(path, f"{value!r} is not a person reference (PARTY/RECORD_ID)")


_RECORD_FIELDS = frozenset(f.name for f in fields(PersonRecord))
_RECORD_NOT_TEXT = {"aliases": list, "extra": dict}
_RECORD_DATES = ("birth_date", "capture_date")
_RECORD_WORDS = ("sex", "health", "evidence")  # fields whose unknown is said by absence


def _person_record(value: Any, parent: str, key: str) -> PersonRecord:
    """A record in the form `PersonRecord.to_dict` writes: empty and unknown fields left out."""
    path = join_path(parent, key)
    if not isinstance(value, Mapping):
        raise Malformed(path, "is not a JSON object")
    for name, v in value.items():
        if name not in _RECORD_FIELDS:
            raise Malformed(join_path(path, str(name)), "is not a field of a person record")
        kind = _RECORD_NOT_TEXT.get(name, str)
        if type(v) is not kind:
            raise Malformed(join_path(path, str(name)), f"is not a {kind.__name__}")
        if not v or (name in _RECORD_WORDS and v == "unknown"):  # as `to_dict` leaves out
            raise Malformed(
                join_path(path, str(name)), f"is {v!r}: an empty or unknown field is left out"
            )
        if kind is list and not all(type(x) is str for x in v):
            raise Malformed(join_path(path, str(name)), "is not a list of strings")
        if kind is dict and not all(type(x) is str for x in v.values()):
            raise Malformed(join_path(path, str(name)), "does not map names to strings")
    if "category" not in value:
        raise Malformed(join_path(path, "category"), "is missing")
    try:
        record = PersonRecord.from_dict(value)
    except InvalidRecord as e:
        raise Malformed(join_path(path, e.field), e.reason) from None
    except (DomainError, ValueError) as e:
        raise Malformed(path, f"is not a person record ({e})") from None
    for name in _RECORD_DATES:
        day = getattr(record, name)
        if day is not None and day.iso() != value[name]:
            raise Malformed(join_path(path, name), f"{value[name]!r} is not written YYYY[-MM[-DD]]")
    return record


def _agreement(value: Any, parent: str, key: str) -> Agreement:
    path = join_path(parent, key)
    if not isinstance(value, Mapping):
        raise Malformed(path, "is not a JSON object")
    try:
        agreement = agreement_from_dict(value)
    except KeyError as e:
        raise Malformed(path, f"lacks {e.args[0]!r}") from None
    except (DomainError, ValueError, TypeError, AttributeError, IndexError) as e:
        raise Malformed(path, f"is not an agreement ({e})") from None
    same_when_written(agreement_to_dict(agreement), value, path)
    return agreement


def _moment(value: Any, parent: str, key: str) -> dt.datetime:
    moment = read_moment(value) if isinstance(value, str) else None
    if moment is None:
        raise Malformed(join_path(parent, key), f"{value!r} is not a time (YYYY-MM-DDTHH:MM:SSZ)")
    return moment


DOMAIN_LEAVES: Mapping[type, tuple[Encode, Decode]] = {
    dt.datetime: (write_moment, _moment),
    PersonRef: (str, _person_ref),
    PersonRecord: (PersonRecord.to_dict, _person_record),
    Agreement: (agreement_to_dict, _agreement),
}
