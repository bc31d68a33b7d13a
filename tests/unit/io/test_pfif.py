"""PFIF 1.4 both ways, without a database: what Parley writes, it reads back as the same persons
(hypothesis over names in Cyrillic and Latin, partial birth dates, sex, aliases, notes)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.domain.dates import PartialDate
from parley.domain.persons import PersonRecord, Sex
from parley.io import pfif
from parley.io.rosters import parse_roster

LETTERS = (
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёъыэ" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)
name = st.lists(word, min_size=1, max_size=2).map(" ".join)


@st.composite
def records(draw: st.DrawFn) -> PersonRecord:
    year = draw(st.integers(1930, 2008))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return PersonRecord(
        draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)),
        family_name=draw(name),
        given_name=draw(st.just("") | name),
        patronymic=draw(st.just("") | word),
        aliases=tuple(draw(st.lists(name, max_size=2))),
        sex=draw(st.sampled_from([Sex.MALE, Sex.FEMALE, Sex.UNKNOWN])),
        birth_date=draw(st.none() | st.just(PartialDate(year, month, day))),
        notes=draw(st.just("") | name),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), min_size=1, max_size=6, unique_by=lambda r: r.record_id))
def test_what_parley_writes_it_reads_back_as_the_same_persons(people: list[PersonRecord]) -> None:
    document = pfif.write(
        [pfif.Sought(p.record_id, p.to_dict(), "sought") for p in people],
        domain="parley.ua",
        when=dt.datetime(2026, 12, 4, tzinfo=dt.UTC),
    )
    roster = parse_roster(pfif.parse("ua.xml", document))
    assert [r.record_id for r in roster.records] == [p.record_id for p in people]
    for before, after in zip(people, roster.records, strict=True):
        assert after.display_name == before.display_name
        assert after.family_name == before.family_name
        assert (after.birth_date, after.sex) == (before.birth_date, before.sex)
        assert after.aliases == before.aliases and after.notes == before.notes
