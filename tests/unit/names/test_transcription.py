"""The transcription distance's cheap lower bound and the pruned best similarity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.names.transcription import (
    COSTS,
    MIN_COST,
    align,
    best_transcription_similarity,
    transcription_distance,
    transcription_distance_bound,
    transcription_similarity,
)

# Letters of the cost table and a few others, so that listed and unlisted edits both occur.
_LETTERS = sorted({c for pair in COSTS for c in "".join(pair)} | set("bflmnpry"))
_skeleton = st.text(alphabet=_LETTERS, max_size=12)


def test_min_cost_is_the_cheapest_edit() -> None:
    assert min(COSTS.values()) == MIN_COST
    assert 0 < MIN_COST < 1


@settings(max_examples=500)
@given(_skeleton, _skeleton)
def test_bound_never_exceeds_the_distance(a: str, b: str) -> None:
    assert transcription_distance_bound(a, b) <= transcription_distance(a, b) + 1e-9


def test_bound_is_zero_only_for_equal_strings() -> None:
    assert transcription_distance_bound("Sevcenko", "Sevcenko") == 0
    assert transcription_distance_bound("Sevcenko", "Sevcenka") == MIN_COST


@settings(max_examples=300)
@given(st.lists(_skeleton, max_size=4), _skeleton)
def test_best_similarity_equals_the_unpruned_maximum(spellings: list[str], b: str) -> None:
    expected = max((transcription_similarity(a, b) for a in spellings), default=0.0)
    assert best_transcription_similarity(spellings, b) == expected


def test_best_similarity_picks_the_closest_spelling() -> None:
    assert best_transcription_similarity(["kovalenko", "SevCenko"], "SevCenko") == 1.0
    assert best_transcription_similarity([], "SevCenko") == 0.0


@settings(max_examples=500)
@given(_skeleton, _skeleton)
def test_distance_equals_the_cost_of_the_cheapest_alignment(a: str, b: str) -> None:
    assert abs(transcription_distance(a, b) - align(a, b, COSTS)[0]) < 1e-9
