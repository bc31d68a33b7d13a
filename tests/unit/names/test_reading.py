"""A batch of names read column by column gives each name the parts it gets alone, and a
plainly written name read the short way reads as it does the long way."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.names import NameReader, normalise_person_name
from parley.names.batch import read_names, read_parts
from parley.names.reading import _LETTERS

# Words that make the parser choose: patronymics, given names it knows, Latin, Cyrillic and
# mixed scripts, capitals, a stray initial, Turkic markers, clerk's marks, stress marks,
# invisible characters, apostrophes and dashes of every kind, blanks and punctuation.
WORDS = [
    "Шевченко", "Вишинський", "Вышинский", "Vyshynskyi", "Wyschinski", "Кирило", "Кирилл",
    "Kyrylo", "Валерійович", "Валерьевич", "Valeriyovych", "Олена", "Іванівна", "Петро",
    "Аксенова", "Mar``yana", "Тарас", "огли", "Огли", "кызы", "ogli", "Раміз", "А.", "А",
    "ср", "вн", "Iванiвна", "  ", "-", "o'Brien", "Ковальчук-Бондар", "SHEVCHENKO", "ПЕТРО",
    "Орхип", "Цвєтков", "Tsvietkov", "Orkhyp", "Іва\u0301н", "Ива\u0300н", "e\u200b\u0308",
    "Ѓорѓи", "İsmail", "ǅ", "ß", "Ab", "CD", "Єschtschenko", "Wyszyński", "Vy`shinskij",
    "ŁUKASZ", "Jean-Pierre", "Mykola", "Nikolaevna", "Ivanovna", "Петрівна", "Марія",
    "Сидоренко", "Олег", "Михайльчук", "Тетяна", "Володимирович", "ме", "є", "x", "123",
    "_", "Ab'", "'", "--", "Mar'iana", "Maryana", "Yeremiyivna", "Andriyevych", "Arsenich",
    "Nadezhda", "Д'Артаньян", "Дем’ян", "ANNA", "Anna", "Smith-Jones", "Ш", "ш.",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", ", ", "\t", "\u00a0"]

written = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=5
).map(lambda ws: "".join(w + s for w, s in ws).rstrip(" ") if ws else "")
LATIN = [c for c in _LETTERS if c.isascii()]
CYRILLIC = [c for c in _LETTERS if not c.isascii()]


def _plain_in(letters: list[str], words: list[str]) -> st.SearchStrategy[str]:
    word = st.text(alphabet=letters, min_size=1, max_size=8) | st.sampled_from(words)
    return st.lists(word, min_size=1, max_size=6).map(" ".join)


# Names in one script, one space apart: the ones read the short way, and their edges.
plain = _plain_in(LATIN, [w for w in WORDS if w.isascii()]) | _plain_in(
    [*CYRILLIC, "'", "-"], [w for w in WORDS if not w.isascii()]
)
any_text = written | plain | st.text(max_size=30)
maybe = st.none() | st.just("") | any_text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(maybe, maybe, maybe, maybe), min_size=1, max_size=10))
def test_a_batch_reads_each_name_as_it_reads_alone(
    rows: list[tuple[str | None, str | None, str | None, str | None]],
) -> None:
    rows = rows + rows[:2]  # repeated values are read once and taken back to every row
    full_c, family_c, given_c, patronymic_c = (
        np.array(column, dtype=object) for column in zip(*rows, strict=True)
    )
    parts = read_names(full_c, family_c, given_c, patronymic_c, NameReader())
    for i, (full, family, given_, patronymic) in enumerate(rows):
        alone = NameReader().parts(full, family, given_, patronymic)
        batch = (parts.family[i], parts.given[i], parts.patronymic[i], bool(parts.certain[i]))
        assert batch == alone
        keys = normalise_person_name(full, family=family, given=given_, patronymic=patronymic)
        parts_alone = (keys.family, keys.given, keys.patronymic)
        texts = tuple(p.text if p is not None else None for p in parts_alone)
        assert batch == (*texts, keys.order_certain)


@settings(max_examples=500, deadline=None)
@given(plain | written)
def test_a_plain_name_reads_the_short_way_as_the_long_way(text: str) -> None:
    reader = NameReader()
    assert reader.read_once(text) == reader._read_written(text)
    words = reader._written_words(text)
    assert reader.part(text) == (" ".join(words) if words else None)


many_words = st.lists(st.sampled_from(WORDS[:20]), min_size=9, max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(plain | written | many_words | st.just(""), max_size=12))
def test_names_read_together_read_as_each_alone(texts: list[str]) -> None:
    together = read_parts(NameReader(), texts)
    assert together.shape == (len(texts), 4)
    for text, row in zip(texts, together.tolist(), strict=True):
        alone = NameReader().read_once(text)
        assert tuple(row) == (*alone.parts(), alone.certain)


def test_a_bounded_reader_forgets_rather_than_grows() -> None:
    reader = NameReader(limit=3)
    for word in ("Петро", "Олена", "Тарас", "Кирило", "Марія"):
        reader.token(word, "given")
        reader.read(f"Шевченко {word}")
    assert all(len(table) <= 3 for table in reader._tokens.values())
    assert len(reader._readings) <= 3
    assert reader.token("Петро", "given").groups == {"Петро"}
