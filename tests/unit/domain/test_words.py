"""The offices' words for category, health, sex and evidence, in three languages."""

from __future__ import annotations

import enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.errors import InvalidRecord
from parley.domain.persons import (
    CATEGORY_WORDS,
    EVIDENCE_WORDS,
    HEALTH_WORDS,
    SEX_WORDS,
    Category,
    Evidence,
    Health,
    Sex,
    parse_category,
    parse_evidence,
    parse_health,
    parse_sex,
    read_evidence,
)
from parley.domain.words import LANGUAGES, Words, user_language, word_key

VOCABULARIES: list[Words[enum.StrEnum]] = [CATEGORY_WORDS, HEALTH_WORDS, SEX_WORDS, EVIDENCE_WORDS]  # type: ignore[list-item]
EVERY_WORD = [
    (words, value, word)
    for words in VOCABULARIES
    for value, by_language in words.values.items()
    for language_words in by_language.values()
    for word in language_words
]


@pytest.mark.parametrize(("words", "value", "word"), EVERY_WORD)
def test_every_word_of_every_list_reads_as_its_value(
    words: Words[enum.StrEnum], value: enum.StrEnum, word: str
) -> None:
    assert words.read(word, value) is value
    assert words.read(word.upper(), value) is value
    assert words.read(f"  {word}. ", value) is value


@pytest.mark.parametrize("words", VOCABULARIES, ids=lambda w: w.column)
def test_no_word_stands_for_two_values_and_every_value_has_each_language(
    words: Words[enum.StrEnum],
) -> None:
    seen: dict[str, enum.StrEnum] = {}
    for value, by_language in words.values.items():
        assert set(by_language) == set(LANGUAGES), value
        for language_words in by_language.values():
            for word in language_words:
                assert seen.setdefault(word_key(word), value) is value, word
    assert set(words.values) == set(type(next(iter(words.values))))  # every value has words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("хворий", Health.SICK),
        ("Хвора", Health.SICK),
        ("больной", Health.SICK),
        ("важкохворий", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("Важко хвора", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("тяжелобольной", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("Тяжело больной", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("тяжелораненый", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("тяжелоранёный", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("ТЯЖЕЛО-РАНЕНЫЙ", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("важкопоранений", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("поранений", Health.WOUNDED),
        ("раненый", Health.WOUNDED),
        ("Ранена", Health.WOUNDED),
        ("здоровий", Health.FIT),
        ("здорова", Health.FIT),
        ("Здоров", Health.FIT),
        ("seriously_wounded_or_sick", Health.SERIOUSLY_WOUNDED_OR_SICK),
        ("", Health.UNKNOWN),
    ],
)
def test_health_words(text: str, expected: Health) -> None:
    assert parse_health(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("військовослужбовець", Category.MILITARY),
        ("Военнопленный", Category.MILITARY),
        ("цивільна особа", Category.CIVILIAN),
        ("Мирный житель", Category.CIVILIAN),
        ("журналістка", Category.JOURNALIST),
        ("", Category.OTHER),
    ],
)
def test_category_words(text: str, expected: Category) -> None:
    assert parse_category(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ж", Sex.FEMALE), ("жін.", Sex.FEMALE), ("Ч", Sex.MALE), ("М", Sex.MALE), ("m", Sex.MALE)],
)
def test_sex_words(text: str, expected: Sex) -> None:
    assert parse_sex(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("підтверджено МКЧХ", Evidence.CONFIRMED_BY_MEDIATOR),
        ("Подтверждено МККК", Evidence.CONFIRMED_BY_MEDIATOR),
        ("confirmed by ICRC", Evidence.CONFIRMED_BY_MEDIATOR),
        ("підтверджено стороною, що утримує", Evidence.CONFIRMED_BY_HOLDING_PARTY),
        ("подтверждено удерживающей стороной", Evidence.CONFIRMED_BY_HOLDING_PARTY),
        ("відкриті джерела", Evidence.OPEN_SOURCES),
        ("Открытые источники", Evidence.OPEN_SOURCES),
        ("свідчення звільненого", Evidence.RETURNEE_TESTIMONY),
        ("показания освобождённого", Evidence.RETURNEE_TESTIMONY),
        ("повідомлення родичів", Evidence.RELATIVE_REPORT),
        ("сообщение родственников", Evidence.RELATIVE_REPORT),
    ],
)
def test_evidence_words_in_both_languages(text: str, expected: Evidence) -> None:
    assert parse_evidence(text) is expected
    assert read_evidence(text) is expected


def test_free_evidence_words_are_no_evidence_value() -> None:
    assert read_evidence("бачили на відео 12.05") is None


_DECORATION = st.sampled_from(["", " ", "-", ".", "  "])


@given(st.sampled_from(EVERY_WORD), st.data())
def test_case_spacing_and_hyphens_do_not_count(
    entry: tuple[Words[enum.StrEnum], enum.StrEnum, str], data: st.DataObject
) -> None:
    words, value, word = entry
    written = "".join(
        (ch.upper() if data.draw(st.booleans()) else ch) + data.draw(_DECORATION) for ch in word
    )
    assert words.read(written, value) is value


def test_a_refusal_lists_the_accepted_words_in_english_and_in_the_users_language() -> None:
    with pytest.raises(InvalidRecord) as info:
        parse_health("космонавт")
    assert info.value.field == "health"
    assert info.value.reason == (
        "'космонавт' is not one of: fit, sick, wounded, seriously wounded or sick, unknown"
    )
    with pytest.raises(InvalidRecord) as uk:
        parse_health("космонавт", "uk")
    assert uk.value.reason.endswith(
        "(допустимі значення: здоровий, хворий, поранений, важкопоранений, невідомо)"
    )
    assert "fit, sick, wounded" in uk.value.reason
    with pytest.raises(InvalidRecord) as ru:
        parse_category("космонавт", "ru")
    assert ru.value.reason.endswith(
        "(допустимые значения: военный, гражданский, журналист, другое)"
    )


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (("uk",), "uk"),
        ((None, "ru_RU.UTF-8"), "ru"),
        (("", "uk_UA.UTF-8"), "uk"),
        (("C.UTF-8",), "en"),
        (("de_DE",), "en"),
        ((None, None), "en"),
        (("en", "uk_UA.UTF-8"), "en"),  # the first one set wins
    ],
)
def test_the_users_language(settings: tuple[str | None, ...], expected: str) -> None:
    assert user_language(*settings) == expected
