"""A match's words are computed when shown, from the records as they stand; the log keeps a
basis that names no one."""

from __future__ import annotations

from parley.app.explanations import compare_records
from parley.domain import events as ev


def test_the_words_compare_both_records_and_quote_them() -> None:
    left = {
        "family_name": "Коваль",
        "given_name": "Олег",
        "birth_date": "1979-03-14",
        "service_number": "A1",
    }
    right = {
        "family_name": "Koval",
        "given_name": "Oleh",
        "birth_date": "1979-03-14",
        "service_number": "a1",
    }
    words = compare_records(left, right)
    assert "birth date 1979-03-14 / 1979-03-14: same birth date" in words
    assert "service number A1 / a1 agrees" in words
    assert words.endswith("(Коваль Олег / Koval Oleh)")


def test_an_erased_record_is_quoted_by_nothing() -> None:
    left = {"family_name": "Коваль", "given_name": "Олег", "birth_date": "1979-03-14"}
    words = compare_records(left, None)
    assert "erased" in words and "Коваль" not in words and "1979" not in words


def test_the_first_form_of_a_proposal_is_read_without_its_words() -> None:
    old = {
        "match_id": "m",
        "left": "UA:sought/s1",
        "right": "RU:held/h1",
        "score": 0.9,
        "explanation": "birth date 1979-03-14 agrees (Коваль / Koval)",
        "duplicate": False,
    }
    read = ev.payload_from_json(ev.MATCH_PROPOSED, old)
    assert isinstance(read, ev.MatchProposed)
    assert read.basis == ev.LEGACY_BASIS and "Коваль" not in repr(read)
    new = ev.MatchProposed("m", "UA:sought/s1", "RU:held/h1", 0.9, "record linkage", False)
    assert ev.payload_from_json(ev.MATCH_PROPOSED, new.to_json()) == new
    assert "explanation" not in new.to_json()
