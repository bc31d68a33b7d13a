"""Skeletons, phonetic codes, given-name groups, patronymics and name parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names import (
    GIVEN_NAMES,
    Standard,
    given_key,
    normalise_person_name,
    phonetic_code,
    skeletons,
    stem,
    to_latin,
)
from parley.names.keys import given_keys, patronymic_keys

ONE_HUMAN = [
    "Вишинський",  # Ukrainian
    "Вышинский",  # Russian
    "Vyshynskyi",  # Ukrainian passport (KMU 2010)
    "Vyshinsky",  # English press
    "Vyshinskiy",  # BGN/PCGN
    "Wyschinski",  # German press
    "Wyszyński",  # Polish press
    "Vychinski",  # French press
    "Višinskij",  # ISO 9
    "Vy`shinskij",  # GOST 7.79 B
]


@pytest.mark.parametrize("spelling", ONE_HUMAN)
def test_every_spelling_of_one_name_shares_a_skeleton(spelling: str) -> None:
    assert "viSinski" in skeletons(spelling)


@pytest.mark.parametrize("standard", list(Standard))
@pytest.mark.parametrize("name", ["Шевченко", "Ковальчук", "Бондаренко", "Мельник", "Ткаченко"])
def test_ukrainian_names_keep_their_skeleton_under_every_standard(
    standard: Standard, name: str
) -> None:
    assert skeletons(name)[0] in skeletons(to_latin(name, standard))


@pytest.mark.parametrize(
    ("mistranslated", "original"),
    [("Poloshenko", "Порошенко"), ("Vyshenski", "Вишинський"), ("Poglibinski", "Погребинський")],
)
def test_machine_translation_errors_keep_the_phonetic_code(
    mistranslated: str, original: str
) -> None:
    code = phonetic_code(stem(skeletons(original)[0]))
    assert code in {phonetic_code(stem(s)) for s in skeletons(mistranslated)}


@pytest.mark.parametrize(
    ("male", "female"),
    [
        ("Вишинський", "Вишинська"),
        ("Вышинский", "Вышинская"),
        ("Vyshinsky", "Vyshinskaya"),
        ("Wyszyński", "Wyszyńska"),
        ("Іванов", "Іванова"),
        ("Ivanov", "Ivanova"),
        ("Ivanoff", "Ivanova"),
        ("Білий", "Біла"),
    ],
)
def test_gendered_endings_share_a_stem_or_a_code(male: str, female: str) -> None:
    a = normalise_person_name(family=male).family
    b = normalise_person_name(family=female).family
    assert a is not None and b is not None
    assert set(a.stems) & set(b.stems) or set(a.codes) & set(b.codes)


def test_a_cyrillic_letter_left_in_a_latin_word_is_read() -> None:
    assert skeletons("Єschtschenko")[0] == skeletons("Єщенко")[0]


def test_enko_names_have_no_gender() -> None:
    assert normalise_person_name(family="Шевченко").sex is None


@pytest.mark.parametrize(
    "forms",
    [
        ("Володимир", "Владимир", "Volodymyr", "Vladimir", "Wladimir", "Włodzimierz"),
        ("Олександр", "Александр", "Oleksandr", "Aleksandr", "Alexander", "Alexandre"),
        ("Микола", "Николай", "Mykola", "Nikolai", "Nikolay", "Nicolas", "Mikołaj"),
        ("Сергій", "Сергей", "Serhiy", "Serhii", "Sergei", "Sergey", "Serge"),
        ("Кирило", "Кирилл", "Kyrylo", "Kirill", "Cyril"),
        ("Юрій", "Юрий", "Yurii", "Yuri", "Yury", "Jurij"),
        ("Григорій", "Григорий", "Hryhorii", "Grigory", "Grzegorz"),
        ("Наталія", "Наталья", "Nataliia", "Natalya", "Natalia"),
        ("Тетяна", "Татьяна", "Tetiana", "Tatyana", "Tatiana"),
    ],
)
def test_given_name_forms_fall_in_one_group(forms: tuple[str, ...]) -> None:
    groups = [given_keys(f).groups for f in forms]
    assert all(g == groups[0] and len(g) == 1 for g in groups), list(
        zip(forms, groups, strict=True)
    )


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Мхиаил", "Михайло"),  # two letters swapped
        ("Ateksandr", "Олександр"),  # one changed
        ("Wasiłaj", "Василь"),  # one added
        ("Ktrylo", "Кирило"),
        ("Olig", "Олег"),
    ],
)
def test_a_name_a_keystroke_from_the_tables_is_keyed_as_that_name(written: str, name: str) -> None:
    keys = given_keys(written)
    assert not keys.groups and not keys.diminutive_of  # not a name the table knows,
    assert given_key(keys) == given_key(given_keys(name))  # but keyed as the one it is near


@pytest.mark.parametrize("written", ["Иван", "Ivan", "Дан", "Xqzwv", "Олександра"])
def test_a_known_name_a_short_one_or_one_near_no_name_has_no_near_name(written: str) -> None:
    assert not given_keys(written).near


def test_near_names_of_one_sound_are_preferred() -> None:
    # `ilina` is a keystroke from Ірина, Аліна and Ілона: all stay, the key is one of them.
    near = given_keys("Ilyna").near
    assert {"Ірина", "Аліна"} <= near
    assert given_key(given_keys("Ilyna")) in near


def test_the_table_is_a_real_table() -> None:
    assert len(GIVEN_NAMES) >= 150
    assert all(n.ukrainian and n.russian for n in GIVEN_NAMES)


@pytest.mark.parametrize(
    ("patronymic", "father"),
    [
        ("Валерійович", "Валерій"),
        ("Валерьевич", "Валерій"),
        ("Valeriiovych", "Валерій"),
        ("Valeryevich", "Валерій"),
        ("Миколайович", "Микола"),
        ("Николаевна", "Микола"),
        ("Іванівна", "Іван"),
        ("Ivanovna", "Іван"),
        ("Ігоревич", "Ігор"),
        ("Ільїч", "Ілля"),
    ],
)
def test_patronymic_knows_the_fathers_name(patronymic: str, father: str) -> None:
    assert father in patronymic_keys(patronymic).groups


@pytest.mark.parametrize(
    ("text", "family", "given", "patronymic"),
    [
        ("Вишинський Кирило Валерійович", "вишинський", "кирило", "валерійович"),
        ("Кирило Валерійович Вишинський", "вишинський", "кирило", "валерійович"),
        ("Kirill Vyshinsky", "vyshinsky", "kirill", None),
        ("VYSHYNSKYI Kyrylo", "vyshynskyi", "kyrylo", None),
        ("Зейналов Фазрі Раміз огли", "зейналов", "фазрі", "раміз огли"),
        ("є Бойко Інна Іванівна", "бойко", "інна", "іванівна"),
        ("Гетманцева Олена Дмитрівна ме", "гетманцева", "олена", "дмитрівна"),
        ("Mar'iana Jeriemiejewna Andrijewicz", "andrijewicz", "mar'iana", "jeriemiejewna"),
        ("Kirill Valerievich Vyshinsky", "vyshinsky", "kirill", "valerievich"),
        ("Nadezhda Arsenich", "arsenich", "nadezhda", None),
    ],
)
def test_full_name_parts(text: str, family: str, given: str, patronymic: str | None) -> None:
    keys = normalise_person_name(text)
    assert keys.family is not None and keys.family.text == family
    assert keys.given is not None and keys.given.text == given
    assert (keys.patronymic.text if keys.patronymic else None) == patronymic


def test_columns_win_and_a_given_column_with_the_patronymic_is_split() -> None:
    keys = normalise_person_name("Петренко Олег", family="Вишинський", given="Кирило Валерійович")
    assert keys.family is not None and keys.family.text == "вишинський"
    assert keys.patronymic is not None and keys.patronymic.groups == {"Валерій"}
    assert keys.sex == "m"


def test_sex_from_patronymic_given_name_or_ending() -> None:
    assert normalise_person_name("Іванова Марія Петрівна").sex == "f"
    assert normalise_person_name("Сидоренко Олег").sex == "m"
    assert normalise_person_name(family="Вишинська").sex == "f"
    assert normalise_person_name("Михайльчук Тетяна Володимирович").sex is None  # disagree


def test_blocking_keys_carry_stems_codes_and_family_with_given() -> None:
    keys = normalise_person_name("Вишинський Кирило").blocking_keys()
    assert "s:viSinsk" in keys
    assert "c:vSnsk" in keys
    assert "fg:vSnsk|Кирило" in keys


@given(st.text(max_size=60))
def test_any_text_gives_keys(text: str) -> None:
    keys = normalise_person_name(text)
    assert keys == normalise_person_name(text)
    for part in (keys.family, keys.given, keys.patronymic, *keys.extra):
        if part is not None:
            assert part.skeletons and part.stems and part.codes


@given(st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэё' -", min_size=1, max_size=20))
def test_cyrillic_skeleton_is_stable(word: str) -> None:
    (sk,) = skeletons(word)
    assert sk == sk.strip()
    assert skeletons(word.upper()) == (sk,)
