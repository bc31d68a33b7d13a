"""The transliteration shown beside a Cyrillic name: by the standard of the language it is in."""

from __future__ import annotations

import pytest

from parley.app.desk_views import latin
from parley.names import Language


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Иванов Сергей Петрович", "Ivanov Sergey Petrovich"),  # Russian: BGN/PCGN
        ("Мельник Николай", "Mel’nik Nikolay"),
        ("Мельник Пётр", "Mel’nik Pëtr"),
        ("Сидорова Анна Петровна", "Sidorova Anna Petrovna"),
        ("Іванов Сергій Петрович", "Ivanov Serhii Petrovych"),  # Ukrainian: KMU 2010
        ("Мельник Микола", "Melnyk Mykola"),
        ("Коваленко Олег", "Kovalenko Oleh"),  # tells nothing: read as Ukrainian
        ("Ivanov Sergey", ""),
        ("", ""),
    ],
)
def test_latin_reads_each_name_in_its_language(name: str, shown: str) -> None:
    assert latin(name) == shown


def test_one_surname_on_a_russian_roster_is_spelt_one_way() -> None:
    assert latin("Мельник Николай").split()[0] == latin("Мельник Пётр").split()[0]


def test_a_name_that_tells_nothing_reads_as_its_roster() -> None:
    assert latin("Коваленко Олег", Language.RUSSIAN) == "Kovalenko Oleg"
    assert latin("Коваленко Олег", Language.UKRAINIAN) == "Kovalenko Oleh"
    # the name's own evidence comes first
    assert latin("Мельник Микола", Language.RUSSIAN) == "Melnyk Mykola"
