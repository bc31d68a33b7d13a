"""Foreign names as a Russian list transcribes them, read back in the press romanisation."""

from __future__ import annotations

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


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20))
def test_a_respelling_is_plain_latin_and_never_the_text_itself(text: str) -> None:
    for spelt in russian_respellings(text):
        assert spelt != text and all(c in "abcdefghijklmnopqrstuvwxyz '-" for c in spelt)
