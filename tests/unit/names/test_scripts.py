"""Scripts: detection, clean-up and repair of mixed-script words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names.scripts import (
    Language,
    Script,
    clean_text,
    cyrillic_language,
    detect_script,
    normalise_text,
    repair_mixed_script,
)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Вишинський", Script.CYRILLIC),
        ("Vyshynskyi", Script.LATIN),
        ("Wyszyński", Script.LATIN),
        ("Iванiвна", Script.MIXED),
        ("123 -", Script.EMPTY),
        ("王", Script.OTHER),
    ],
)
def test_detect_script(text: str, script: Script) -> None:
    assert detect_script(text) is script


def test_language_from_letters_only_one_language_has() -> None:
    assert cyrillic_language("Вишинський") is Language.UKRAINIAN
    assert cyrillic_language("Вышинский") is Language.RUSSIAN
    assert cyrillic_language("Погребинский") is Language.RUSSIAN
    assert cyrillic_language("Петренко Олег") is None


@pytest.mark.parametrize("mark", ["ʼ", "’", "'", "`", "′", "‘"])
def test_every_apostrophe_becomes_one(mark: str) -> None:
    assert clean_text(f"Мар{mark}яна") == "Мар'яна"


def test_stress_marks_and_invisible_characters_go_but_letters_stay() -> None:
    assert clean_text("Олекса\u0301ндр\u200b  Йо\u0301сип") == "Олександр Йосип"
    assert clean_text("Ёлкин й") == "Ёлкин й"


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("Iванiвна", "Іванівна"),  # Latin I and i typed into Ukrainian
        ("Пeтpенко", "Петренко"),  # Latin e and p
        ("Vоlоdymyr", "Volodymyr"),  # Cyrillic о in a Latin word
        ("Cop Сор", "Cop Сор"),  # all look-alikes: each word keeps what it is
        ("Сор Петренко", "Сор Петренко"),
    ],
)
def test_repair_mixed_script(text: str, repaired: str) -> None:
    assert repair_mixed_script(text) == repaired


def test_a_look_alike_word_follows_the_rest_of_the_text() -> None:
    assert repair_mixed_script("Cоp Петренко") == "Сор Петренко"


@given(st.text())
def test_normalise_text_never_fails_and_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text(alphabet="аеіорсхуАВСЕНІКМОРТХУaceiopxyABCEHIKMOPTXY їєґщ"))
def test_repair_leaves_no_word_mixed_when_a_side_is_certain(text: str) -> None:
    repaired = repair_mixed_script(text)
    assert repair_mixed_script(repaired) == repaired
    assert len(repaired) == len(text)
