"""One rule for "these records carry different identifiers", in matching and in linkage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parley.domain.identifiers import identifier_key, identifiers_differ
from parley.domain.matches import identifiers_conflict

# Latin capitals and the Cyrillic letters a clerk types for them.
LOOK_ALIKE = {
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О",
    "P": "Р", "C": "С", "T": "Т", "X": "Х", "Y": "У", "I": "І",
}  # fmt: skip
SEPARATORS = [" ", "-", ".", "/", "№", "#", "_", "  "]

identifiers = st.text(alphabet="ABCDEHIKMOPTXYZ0123456789", min_size=1, max_size=12)


@st.composite
def as_typed(draw: st.DrawFn, identifier: str) -> str:
    """The identifier as a list may write it: look-alike letters, any case, separators."""
    out = []
    for ch in identifier:
        if ch in LOOK_ALIKE and draw(st.booleans()):
            ch = LOOK_ALIKE[ch]
        if draw(st.booleans()):
            ch = ch.lower()
        out.append(ch + (draw(st.sampled_from(SEPARATORS)) if draw(st.booleans()) else ""))
    return draw(st.sampled_from(["", " "])) + "".join(out)


def test_the_issue_example_is_one_identifier_everywhere() -> None:
    assert identifier_key("АВ-123") == identifier_key("AB123") == "AB123"
    assert not identifiers_differ("АВ-123", "AB123")
    assert identifiers_conflict({"service_number": "АВ-123"}, {"service_number": "AB123"}) is None


@given(identifiers.flatmap(lambda i: st.tuples(st.just(i), as_typed(i), as_typed(i))))
def test_look_alikes_case_and_separators_do_not_make_identifiers_differ(
    typed: tuple[str, str, str],
) -> None:
    identifier, left, right = typed
    assert identifier_key(left) == identifier_key(right) == identifier
    assert not identifiers_differ(left, right)
    assert identifiers_conflict({"national_id": left}, {"national_id": right}) is None


@given(identifiers, identifiers)
def test_different_identifiers_differ_and_matching_says_why(a: str, b: str) -> None:
    assert identifiers_differ(a, b) is (a != b)
    why = identifiers_conflict({"service_number": a}, {"service_number": b})
    assert (why is not None) is (a != b)
    if why is not None:
        assert why == f"their service numbers differ ({a} and {b})"


def test_a_missing_identifier_differs_from_nothing() -> None:
    assert not identifiers_differ(None, "AB123457")
    assert not identifiers_differ("", "AB123457")
    assert not identifiers_differ(" - ", "AB123457")
    assert identifiers_conflict({"service_number": None}, {"service_number": "AB1"}) is None
    assert identifiers_conflict({}, {"service_number": "AB1"}) is None
