"""Foreign names as a Russian list transcribes them, read back in the press romanisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names import Language, Standard, to_latin
from parley.names.respelling import russian_respellings


def _press(cyrillic: str) -> str:
    return to_latin(cyrillic, Standard.PRESS_EN, Language.RUSSIAN).lower()


def test_each_convention_gives_the_russian_writing_back() -> None:
    assert _press("Татихара") in russian_respellings("Tachihara")  # Japanese, Polivanov
    assert _press("Чжунли") in russian_respellings("Zhongli")  # Chinese, Palladius
    assert "dzhamieson" in russian_respellings("Jamieson")  # English: j is дж
    assert russian_respellings("Шевченко") == ()


@pytest.mark.parametrize(
    ("latin", "russian"),
    [
        ("Francesco", "Франческо"),  # Italian: c before e is ч
        ("Giuseppina", "Джузеппина"),  # gi before a vowel is дж, s between vowels з
        ("Troglio", "Трольо"),  # gli
        ("Cioffi", "Чоффи"),  # ci before a vowel is ч alone
        ("Marujita", "Марухита"),  # Spanish: j is х
        ("Villalobos", "Вильялобос"),  # ll before a vowel is soft
        ("Coutinho", "Коутиньо"),  # Portuguese: nh
        ("Jordão", "Жордан"),  # j is ж, ão
        ("Bajolet", "Бажоле"),  # French: j is ж, final t mute
        ("Aufray", "Офрэ"),  # au is о, ay э
        ("Dejoux", "Дежу"),  # ou is у, final x mute
        ("Schäuble", "Шойбле"),  # German: sch, äu
        ("Steuermann", "Штойерманн"),  # st at the start, eu
        ("Hilchen", "Хильхен"),  # ch is х
        ("Kates", "Кейтс"),  # English by ear: a before a consonant and mute e
        ("McHale", "Макхейл"),  # Mc
        ("Coolidge", "Кулидж"),  # dge
        ("Şadiye", "Шадие"),  # Turkish ş
        ("Çölaşan", "Чолашан"),  # ç, ö after ч
        ("Jakšić", "Якшич"),  # South Slavic j, š, ć
        ("Mihăiță", "Михэицэ"),  # Romanian ă, ț
        ("Garics", "Гарич"),  # Hungarian cs
        ("Jovanovic", "Йованович"),  # -ić printed without its mark
        ("Troyes", "Труа"),  # French oy, mute es
        ("Stan", "Стэн"),  # English a in a closed syllable
        ("Wyle", "Уайл"),  # y before a consonant and mute e
    ],
)
def test_a_language_s_convention_gives_the_russian_writing_back(latin: str, russian: str) -> None:
    assert _press(russian) in russian_respellings(latin)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20))
def test_a_respelling_is_plain_latin_and_never_the_text_itself(text: str) -> None:
    for spelt in russian_respellings(text):
        assert spelt != text and all(c in "abcdefghijklmnopqrstuvwxyz '-" for c in spelt)


@given(st.text(alphabet="acdeghijlnorstuzşçğıəšžčćđřěůăâîșțőűñãõéäöüßSCZD -'", max_size=16))
def test_marked_letters_come_out_plain_whatever_the_mix(text: str) -> None:
    # A convention writes some marked letters as a capital first (S for ш): none is left.
    for spelt in russian_respellings(text):
        assert all(c in "abcdefghijklmnopqrstuvwxyz '-" for c in spelt)
