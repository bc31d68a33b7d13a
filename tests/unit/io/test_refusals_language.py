"""A roster file's refusal said in Ukrainian and Russian: the file, row and column as found,
the reason translated (a bad cell, a word no list knows, a formula, a file cut short), and
the count of the other problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.app.language import refusal
from parley.io.rosters import read_roster
from parley.io.tables import RosterFileError, read_table


def _refused(path: Path, language: str | None = None) -> RosterFileError:
    with pytest.raises(RosterFileError) as info:
        read_roster(path, language=language)
    return info.value


def _csv(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_cell_is_said_with_its_row_and_column_in_each_language(tmp_path: Path) -> None:
    error = _refused(_csv(tmp_path, "Прізвище;Дата народження\nКоваль;30.02.1961\n"))
    (problem,) = error.problems
    assert str(error) == (
        "list.csv, row 2, column birth_date (Дата народження): day 30 does not exist in"
        " February 1961"
    )
    assert refusal(error, "uk") == (
        "list.csv, рядок 2, стовпець birth_date (Дата народження): у лютому 1961 р. немає"
        " 30-го числа"
    )
    assert refusal(error, "ru") == (
        "list.csv, строка 2, столбец birth_date (Дата народження): в феврале 1961 г. нет"
        " 30-го числа"
    )
    assert refusal(problem.refusal(), "uk") == refusal(error, "uk")


def test_several_problems_say_the_first_and_how_many_more(tmp_path: Path) -> None:
    error = _refused(_csv(tmp_path, "Прізвище;Стать\nКоваль;андроїд\nБойко;робот\n"), "uk")
    assert [(p.row, p.column) for p in error.problems] == [(2, "sex (Стать)"), (3, "sex (Стать)")]
    assert str(error).endswith("(and 1 more problems)")
    assert refusal(error, "uk") == (
        "list.csv, рядок 2, стовпець sex (Стать): 'андроїд' не є допустимим значенням"
        " (допустимі значення: жінка, чоловік, невідомо; англійською: female, male, unknown)"
        " (інших проблем: 1)"
    )
    assert refusal(error.problems[1].refusal(), "ru") == (
        "list.csv, строка 3, столбец sex (Стать): 'робот' не является допустимым значением"
        " (допустимі значення: жінка, чоловік, невідомо; по-английски: female, male, unknown)"
    )


def test_a_file_refused_whole_is_said_in_each_language(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError) as info:
        read_table(_csv(tmp_path, 'ID;Фамилия\nR1;"Иванов\n'))
    assert refusal(info.value, "uk") == (
        'list.csv, рядок 2: не є коректним CSV: клітинку в лапках не закрито (пропущено "?);'
        " вона триває до кінця файлу"
    )
    assert refusal(info.value, "ru").startswith("list.csv, строка 2: не является корректным CSV")
