"""How a served body is read is part of the log format (docs/log-format.md §4, "What a command
binds"): entries written under a body must still read as it asked when the code changes, so
the keys of fixed bodies are pinned here. A change here breaks the verification of old logs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parley.app import authz
from parley.io.rosters import roster_from_rows
from parley.log.command import command_body
from parley.log.entry import canonical_json

ROWS = [
    {"id": "u0", "family_name": "Коваль", "given_name": "Петро", "birth_date": "1990-01-02"},
    {"№": "2", "Прізвище": "Шевчук", "Ім’я": "Іван", "Примітки": "поранений"},
]


def test_a_roster_body_reads_as_it_always_has() -> None:
    body = command_body({"records": ROWS[:1], "source": "a.csv"})
    wants = authz.AUTHORITY.asked("POST", "/v1/rosters/UA/held", body)
    assert wants is not None
    assert wants.each == {
        'UA:held version from "a.csv" sha256'
        " 8be71b6dab4524c1d19cc8bb26970a174b8aa512a9599da3824d7e4938d8a508"
        " members a69ee31fb4cffffa": 1
    }
    assert wants.most == {"UA:held record u0 content 8bb7685ce65fd6c5": 1}
    merged = command_body({"records": ROWS[1:], "source": "a.csv", "merge": True})
    wants = authz.AUTHORITY.asked("POST", "/v1/rosters/UA/held", merged)
    assert wants is not None
    assert wants.most == {"UA:held record * columns ed1f3d066d513ea4": 1}


def test_a_recorded_person_says_what_a_row_asks() -> None:
    record = {"record_id": "u0", "family_name": "Коваль", "given_name": "Петро",
              "birth_date": "1990-01-02", "category": "other"}  # fmt: skip
    payload = {"roster_id": "UA:held", "revision": 1, "record": record}
    said = authz.AUTHORITY.said("person.recorded", canonical_json(payload))
    assert said is not None
    assert said[:2] == (
        "UA:held record u0 content 8bb7685ce65fd6c5",
        "UA:held record * content 8bb7685ce65fd6c5",
    )


def test_a_body_todays_rules_refuse_binds_no_row() -> None:
    """A formula-looking cell, refused since an earlier version took such rows: unbound."""
    body = command_body({"records": [{"id": "u0", "family_name": "=cmd()"}]})
    assert authz.AUTHORITY.asked("POST", "/v1/rosters/UA/held", body) is None


def test_texts_in_keys_are_quoted_or_digested() -> None:
    body = command_body({"status": 2, "note": "x" * 41, "at": "2026-03-01T10:00+02:00"})
    wants = authz.AUTHORITY.asked("POST", "/v1/commitments/C%201/status", body)
    assert wants is not None
    assert wants.each == {
        'C 1 2 note "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… sha256:3164596df4fd at 2026-03-01T08:00:00Z': 1
    }


_NAME = st.text(alphabet="АБВгдеКоваль Петро", min_size=1, max_size=12).filter(str.strip)
_ROW = st.fixed_dictionaries(
    {"family_name": _NAME},
    optional={"given_name": _NAME, "notes": _NAME, "birth_date": st.just("1990-01-02")},
)


@given(
    st.lists(_ROW, min_size=1, max_size=6, unique_by=lambda r: r["family_name"].strip()),
    st.booleans(),
    st.sampled_from(["", "old"]),
)
def test_each_person_an_import_records_says_a_row_it_asked_for(
    rows: list[dict[str, str]], merge: bool, kept: str
) -> None:
    """The import's reading of rows with ids and the recorded person's reading agree; a
    merge keeps what the rows have no column for (here `unit`) and is still its row; another
    family name is no row's."""
    rows = [{"id": f"u{i}", **r} for i, r in enumerate(rows)]
    body = command_body({"records": rows, "source": "s", "merge": merge})
    wants = authz.AUTHORITY.asked("POST", "/v1/rosters/UA/held", body)
    assert wants is not None
    for r in roster_from_rows("s", rows).records:
        record = r.to_dict()
        if merge and kept:
            record["unit"] = kept  # as the roster had it: the rows have no unit column
        payload = {"roster_id": "UA:held", "revision": 2, "record": record}
        assert authz.AUTHORITY.said("person.recorded", canonical_json(payload)) in wants
        other = {**payload, "record": {**record, "family_name": record["family_name"] + "х"}}
        assert authz.AUTHORITY.said("person.recorded", canonical_json(other)) not in wants
