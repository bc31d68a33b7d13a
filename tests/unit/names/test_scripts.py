"""Scripts: detection, clean-up and repair of mixed-script words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names.given_names import GIVEN_NAMES, GivenName
from parley.names.reading import NameReader
from parley.names.scripts import (
    Language,
    Script,
    _letter_script,
    clean_text,
    cleaned,
    cyrillic_language,
    detect_script,
    name_language,
    normalise_text,
    recleaned,
    repair_mixed_script,
    roster_language,
    script_of,
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


@given(st.text(alphabet="aZšČìłÆøЕеїЙҐ αΩ王'-1_\u0301"))
def test_the_script_of_a_text_is_that_of_its_letters(text: str) -> None:
    letters = {_letter_script(c) for c in text} - {None}
    expected = Script.EMPTY if not letters else Script.MIXED if len(letters) > 1 else letters.pop()
    assert script_of(text) is expected


def test_language_from_letters_only_one_language_has() -> None:
    assert cyrillic_language("Вишинський") is Language.UKRAINIAN
    assert cyrillic_language("Вышинский") is Language.RUSSIAN
    assert cyrillic_language("Погребинский") is Language.RUSSIAN
    assert cyrillic_language("Петренко Олег") is None


@pytest.mark.parametrize("mark", ["ʼ", "’", "'", "`", "′", "‘", "”", "″"])
def test_every_apostrophe_becomes_one(mark: str) -> None:
    assert clean_text(f"Мар{mark}яна") == "Мар'яна"


@pytest.mark.parametrize("marks", ["``", "''", "ʼʼ", "`'", "”"])
def test_a_doubled_apostrophe_is_one_and_the_word_stays_whole(marks: str) -> None:
    # GOST 7.79 writes the Ukrainian apostrophe as two marks, BGN/PCGN the Russian hard sign
    # as a closing quote: `Luk``yan`, `Luk”yan` are one word.
    assert clean_text(f"Luk{marks}yan") == "Luk'yan"
    assert NameReader().parts(f"VISOCHAN Luk{marks}yan", None, None, None)[:2] == (
        "visochan",
        "luk'yan",
    )


def test_stress_marks_and_invisible_characters_go_but_letters_stay() -> None:
    assert clean_text("Олекса\u0301ндр\u200b  Йо\u0301сип") == "Олександр Йосип"
    assert clean_text("Ёлкин й") == "Ёлкин й"


# Letters, marks, spaces, apostrophes, dashes and invisible characters that cleaning touches.
_MESSY = st.text(
    alphabet=st.sampled_from(
        list("aeéëiïšžЕЁеёйЙіїІЇİß' \t\u00a0ʼ’`´′ʹ”–—\u00ad\u200b\u200d\u0301\u0300\u0308\u030c")
    ),
    max_size=12,
)


@given(_MESSY)
def test_a_clean_text_cleaned_again_is_recleaned(text: str) -> None:
    clean = cleaned(text)
    assert recleaned(clean) == cleaned(clean)


def test_a_clean_text_can_clean_to_another() -> None:
    clean = cleaned("Zoe\u200d\u0308")  # the joiner kept e and its mark apart
    assert clean == "Zoe\u0308"
    assert recleaned(clean) == cleaned(clean) == "Zo\u00eb"


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


@pytest.mark.parametrize(
    ("name", "language"),
    [
        # Russian names without ё, ы, э or ъ: the given name, the father's name, an initial И
        ("Иванов Сергей Петрович", Language.RUSSIAN),
        ("Мельник Николай", Language.RUSSIAN),
        ("Мельник Пётр", Language.RUSSIAN),
        ("Сидорова Анна Петровна", Language.RUSSIAN),
        ("Шевченко Андрей Сергеевич", Language.RUSSIAN),
        ("Кириленко Олег Васильевич", Language.RUSSIAN),
        ("Бондаренко Олег Игоревич", Language.RUSSIAN),
        ("Ковальчук Ирина", Language.RUSSIAN),
        ("Петров Петр", Language.RUSSIAN),
        # Ukrainian ones
        ("Мельник Микола", Language.UKRAINIAN),
        ("Іванов Сергій Петрович", Language.UKRAINIAN),
        ("Петренко Олена Миколаївна", Language.UKRAINIAN),
        ("Шевченко Андрій Сергійович", Language.UKRAINIAN),
        ("Кириленко Олег Васильович", Language.UKRAINIAN),
        ("Петров Петро", Language.UKRAINIAN),
        ("Вишинський", Language.UKRAINIAN),
        # Nothing to tell: names both languages write alike
        ("Коваленко Олег", None),
        ("Бондаренко Борис", None),
        ("Мельник Антон Петрович", None),
        ("", None),
        ("Ivanov Sergey", None),
    ],
)
def test_name_language_weighs_every_word(name: str, language: Language | None) -> None:
    assert name_language(name) is language


def test_name_language_majority_of_words_decides() -> None:
    # A Ukrainian given name under a Russian-looking surname: two words against one.
    assert name_language("Иванов Сергій Петрович") is None
    assert name_language("Иванов Сергій Миколайович") is Language.UKRAINIAN
    assert name_language("Іванов Сергей Петрович") is None
    assert name_language("Іванов Сергей Николаевич") is Language.RUSSIAN


_BOTH = [g for g in GIVEN_NAMES if set(g.ukrainian) != set(g.russian)]


@given(
    st.sampled_from(_BOTH),
    st.sampled_from(["Мельник", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Петров"]),
    st.booleans(),
    st.booleans(),
)
def test_name_language_reads_the_given_names_table(
    name: GivenName, surname: str, surname_first: bool, upper: bool
) -> None:
    """A neutral surname beside a given name's Ukrainian-only (Russian-only) form is read as
    Ukrainian (Russian), in either order and in capitals."""
    for forms, other, language in (
        (name.ukrainian, name.russian, Language.UKRAINIAN),
        (name.russian, name.ukrainian, Language.RUSSIAN),
    ):
        for form in (f for f in forms if f not in other):
            words = [surname, form] if surname_first else [form, surname]
            text = " ".join(words)
            assert name_language(text.upper() if upper else text) is language


def test_roster_language_follows_most_of_the_names_that_tell() -> None:
    russian = ["Иванов Сергей Петрович", "Мельник Николай", "Коваленко Олег", "Мельник Пётр"]
    assert roster_language(russian) is Language.RUSSIAN
    assert roster_language(["Мельник Микола", "Коваленко Олег"]) is Language.UKRAINIAN
    assert roster_language(["Мельник Микола", "Мельник Николай"]) is None
    assert roster_language(["Коваленко Олег", ""]) is None
