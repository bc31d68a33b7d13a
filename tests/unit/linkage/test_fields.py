"""Keys of the fields besides the name."""

from __future__ import annotations

import pytest

from parley.linkage.fields import (
    citizenship_key,
    place_keys,
    rank_key,
    unit_key,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Старший сержант", "senior sergeant"), ("Капітан", "Капитан"), ("kapitan", "captain")],
)
def test_ranks_in_any_language(a: str, b: str) -> None:
    assert rank_key(a) == rank_key(b) is not None


def test_units_places_and_citizenship() -> None:
    assert unit_key("в/ч А1234") == unit_key("військова частина A1234") == "A1234"
    assert unit_key("72 ОМБр") == unit_key("72nd brigade") == "72"
    assert place_keys("м. Київ")[1] == place_keys("Kiev")[1]
    assert place_keys("Донецьк") == place_keys("Donetsk")
    assert citizenship_key("громадянин України") == citizenship_key("Ukraine") == "UA"
