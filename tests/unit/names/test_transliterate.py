"""Latin forms under the standards, checked against the official examples of KMU 2010."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names.scripts import Language
from parley.names.transliterate import Standard, all_latin_forms, readings, to_latin

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "names"


def _kmu_examples() -> list[tuple[str, str]]:
    with (VECTORS / "kmu2010_examples.csv").open(encoding="utf-8") as f:
        return [(r["cyrillic"], r["latin_kmu2010"]) for r in csv.DictReader(f)]


def test_all_74_official_examples_are_read() -> None:
    assert len(_kmu_examples()) == 74


@pytest.mark.parametrize(("cyrillic", "latin"), _kmu_examples())
def test_kmu_2010_official_example(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic, Standard.KMU_2010, Language.UKRAINIAN) == latin


def test_both_readings_of_a_ukrainian_spelling() -> None:
    r = readings("Вишинський Кирило")
    assert r[Language.UKRAINIAN] == "Vyshynskyi Kyrylo"
    assert r[Language.RUSSIAN].startswith("Vishins")


@pytest.mark.parametrize(
    ("standard", "expected"),
    [
        (Standard.BGN_PCGN, "Vyshinskiy Kirill"),
        (Standard.ICAO_9303, "Vyshinskii Kirill"),
        (Standard.ISO_9, "Vyšinskij Kirill"),
        (Standard.GOST_7_79, "Vy`shinskij Kirill"),
        (Standard.SCHOLARLY, "Vyšinskij Kirill"),
        (Standard.PRESS_EN, "Vyshinsky Kirill"),
        (Standard.PRESS_DE, "Wyschinski Kirill"),
        (Standard.PRESS_FR, "Vychinskii Kirill"),
        (Standard.PRESS_PL, "Wyszinski Kiriłl"),
    ],
)
def test_russian_spelling_under_each_standard(standard: Standard, expected: str) -> None:
    assert to_latin("Вышинский Кирилл", standard) == expected


def test_polish_press_softens_after_consonants_only() -> None:
    assert to_latin("Пескова Лебедев", Standard.PRESS_PL, Language.RUSSIAN) == "Pieskowa Lebiediew"
    assert to_latin("Ярошенко", Standard.PRESS_PL, Language.UKRAINIAN) == "Jaroszenko"


def test_yo_is_written_as_the_standard_writes_it() -> None:
    assert to_latin("Ковалёв", Standard.BGN_PCGN) == "Kovalëv"
    assert to_latin("Ковалёв", Standard.PRESS_EN) == "Kovalyov"


@given(st.text(max_size=30))
def test_every_standard_accepts_any_text(text: str) -> None:
    for standard, latin in all_latin_forms(text).items():
        assert isinstance(latin, str), standard
