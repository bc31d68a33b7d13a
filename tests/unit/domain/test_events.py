"""Typed event payloads: every type written and read back unchanged, through canonical JSON;
a malformed payload refused with its event type and field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
from collections.abc import Mapping
from typing import Any, get_args, get_origin, get_type_hints

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.dates import PartialDate
from parley.domain.handovers import HandoverState
from parley.domain.persons import Category, Evidence, Health, PersonRecord, Sex
from parley.log.entry import canonical_json, loads_canonical
from parley.log.shapes import Shape

_text = st.text(max_size=12)
_word = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8)
_ids = st.lists(_word, min_size=1, max_size=4, unique=True)


@st.composite
def _person_ref(draw: st.DrawFn) -> PersonRef:
    return PersonRef(draw(_word), draw(st.text(min_size=1, max_size=10)))


@st.composite
def _partial_date(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)))
    known = draw(st.sampled_from(["year", "month", "day"]))
    if known == "year":
        return PartialDate(day.year)
    return PartialDate(day.year, day.month, day.day if known == "day" else None)


@st.composite
def _person_record(draw: st.DrawFn) -> PersonRecord:
    extra = draw(st.dictionaries(_word, _text, max_size=2))
    return PersonRecord(
        record_id=draw(_word),
        family_name=draw(st.text(min_size=1, max_size=12)),
        given_name=draw(_text),
        aliases=tuple(draw(st.lists(_text, max_size=2))),
        sex=draw(st.sampled_from(Sex)),
        birth_date=draw(st.none() | _partial_date()),
        rank=draw(_text),
        category=draw(st.sampled_from(Category)),
        health=draw(st.sampled_from(Health)),
        capture_date=draw(st.none() | _partial_date()),
        evidence=draw(st.sampled_from(Evidence)),
        extra=tuple(sorted(extra.items())),
    )


@st.composite
def _agreement(draw: st.DrawFn) -> Agreement:
    sides = draw(st.lists(_word, min_size=2, max_size=2, unique=True))
    phase_ids = draw(_ids)
    commitment_ids = iter(draw(st.lists(_word, min_size=8, max_size=8, unique=True)))
    phases = []
    for ordinal, phase_id in enumerate(phase_ids, 1):
        commitments = []
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(CommitmentKind))
            terms = None
            if kind is CommitmentKind.EXCHANGE:
                mode = draw(st.sampled_from(ExchangeMode))
                named: tuple[tuple[str, tuple[PersonRef, ...]], ...] = ()
                if mode is ExchangeMode.NAMED:
                    refs = st.lists(_person_ref(), max_size=2).map(tuple)
                    named = tuple((side, draw(refs)) for side in sorted(sides))
                ratio = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
                terms = ExchangeTerms(mode, named, ratio)
            commitments.append(
                Commitment(
                    next(commitment_ids),
                    kind,
                    draw(_text),
                    terms,
                    draw(_text),
                    draw(st.none() | st.dates()),
                )
            )
        phases.append(Phase(phase_id, ordinal, draw(_text), tuple(commitments)))
    return Agreement(draw(_word), draw(_text), (sides[0], sides[1]), draw(_word), tuple(phases))


_JSON_INT = st.integers(-(2**53) + 1, 2**53 - 1)
_LEAVES: dict[Any, st.SearchStrategy[Any]] = {
    str: _text,
    int: _JSON_INT,
    bool: st.booleans(),
    float: st.floats(allow_nan=False, allow_infinity=False),
    dt.date: st.dates(),
    # a claimed time: UTC, to the second, as `domain.moments` writes it
    dt.datetime: st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)
    ).map(lambda t: t.replace(microsecond=0, tzinfo=dt.UTC)),
    PersonRef: _person_ref(),
    PersonRecord: _person_record(),
    Agreement: _agreement(),
}


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a payload field's declared type, as `domain.shapes` reads them."""
    if isinstance(hint, types.UnionType):
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        return st.none() | _strategy(inner)
    if hint in _LEAVES:
        return _LEAVES[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if isinstance(hint, type) and issubclass(hint, Shape):
        return _shape(hint)
    if get_origin(hint) is tuple:
        return st.lists(_strategy(get_args(hint)[0]), max_size=3).map(tuple)
    if get_origin(hint) is Mapping:
        return st.dictionaries(_text, _strategy(get_args(hint)[1]), max_size=3)
    raise AssertionError(f"no strategy for {hint!r}")


def _shape(cls: type[Shape]) -> st.SearchStrategy[Any]:
    hints = get_type_hints(cls)
    fields = {f.name: _strategy(hints[f.name]) for f in dataclasses.fields(cls)}
    return st.builds(cls, **fields)


@pytest.mark.parametrize("cls", list(ev.PAYLOADS.values()), ids=list(ev.PAYLOADS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_each_payload_type_reads_back_what_it_writes(cls: type[ev.Payload], data: Any) -> None:
    payload = data.draw(_shape(cls))
    written = canonical_json(payload.to_json())
    read = ev.payload_from_json(cls.TYPE, loads_canonical(written))
    assert read == payload
    assert canonical_json(read.to_json()) == written


def test_every_event_type_has_one_payload_type() -> None:
    assert len(ev.PAYLOADS) == len(ev.ALL_TYPES) >= 23  # each helper adds its own
    assert all(name == cls.TYPE for name, cls in ev.PAYLOADS.items())


def test_absent_optional_fields_stay_absent() -> None:
    p = ev.HandoverAdvanced(
        "B1", PersonRef("UA", "u1"), HandoverState.AGREED, HandoverState.CLEARED
    )
    assert p.to_json() == {"batch_id": "B1", "person": "UA/u1", "from": "agreed", "to": "cleared"}


_ADVANCED = {"batch_id": "B1", "person": "UA/u1", "from": "agreed", "to": "cleared"}


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({k: v for k, v in _ADVANCED.items() if k != "to"}, "to", "is missing"),
        ({**_ADVANCED, "colour": "red"}, "colour", "is not a field"),
        ({**_ADVANCED, "batch_id": 7}, "batch_id", "is not a string"),
        ({**_ADVANCED, "to": "flying"}, "to", "is not one of"),
        ({**_ADVANCED, "person": "u1"}, "person", "is not a person reference"),
        ({**_ADVANCED, "note": None}, "note", "is null"),
    ],
)
def test_a_malformed_payload_names_its_type_and_field(
    data: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(ev.MalformedPayload, match=reason) as e:
        ev.HandoverAdvanced.from_json(data)
    assert e.value.event_type == "handover.advanced"
    assert e.value.field == field


def test_nested_fields_are_named_by_their_path() -> None:
    record = {"record_id": "u1", "family_name": "Шевченко", "category": "military"}
    good = {"roster_id": "UA:held", "revision": 1, "record": record}
    assert ev.PersonRecorded.from_json(good).to_json() == good
    with pytest.raises(ev.MalformedPayload) as e:
        ev.PersonRecorded.from_json({**good, "record": {**record, "sex": "unknown"}})
    assert e.value.field == "record.sex"
    with pytest.raises(ev.MalformedPayload) as e:
        ev.PersonRecorded.from_json({**good, "revision": True})
    assert e.value.field == "revision"
    planned = {
        "batch_id": "B",
        "agreement_id": "A",
        "phase_id": "P",
        "commitment_id": "C",
        "place": "",
        "persons": [{"person": "UA/u1"}],
    }
    with pytest.raises(ev.MalformedPayload) as e:
        ev.BatchPlanned.from_json(planned)
    assert e.value.field == "persons[0].receiving_party"
    with pytest.raises(ev.MalformedPayload, match="unknown event type"):
        ev.payload_from_json("person.teleported", {})


def test_a_text_that_reads_unknown_is_kept_where_an_unknown_sex_is_left_out() -> None:
    person = PersonRecord("u1", family_name="Шевченко", patronymic="unknown", notes="unknown")
    assert person.to_dict() == {
        "record_id": "u1",
        "family_name": "Шевченко",
        "patronymic": "unknown",
        "notes": "unknown",
        "category": "other",
    }
    recorded = ev.PersonRecorded("UA:held", 1, person)
    assert ev.PersonRecorded.from_json(recorded.to_json()) == recorded
