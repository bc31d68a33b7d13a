"""A linkage's and a search's explanations, and a match's basis, in the reader's language: every
comparison and level of the linkage's model read back and said through the catalogs, the
values and names as written, the numbers as the language writes them; English as it stands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from parley.app.explanations import explained
from parley.app.language import said_in
from parley.app.linkage_words import COMPARISONS, LEVELS, QUESTIONS, explanation_said, match_said
from parley.cli.main import app
from parley.linkage import LinkageRecord, SearchIndex, model

# a word of two Latin letters or more: ours, in English (the values here are Cyrillic)
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _every_level() -> list[str]:
    """Each level of each comparison as linkage/explain.py's SQL writes it, with the values it
    quotes (an explanation) and without (a basis), with a weight."""
    said = []
    for c in model.ALL:
        for at, level in enumerate(c.levels):
            weight = f"{(-1) ** at * (at + 0.25):+.1f}"
            said.append(f"{c.name}: {level.said()} ({weight})")
            if level.names is not None:
                said.append(f"{c.name}: {level.said('Олег', 'Павло')} ({weight})")
    return said


def test_the_tables_hold_every_word_of_the_linkages_model() -> None:
    assert {c.name for c in model.ALL} <= set(COMPARISONS)
    assert {lv.label for c in model.ALL for lv in c.levels} <= set(LEVELS)
    assert {lv.question for c in model.ALL for lv in c.levels if lv.question} <= set(QUESTIONS)


@pytest.mark.parametrize("locale", ["uk", "ru"])
def test_every_level_is_said_in_the_readers_language(locale: str) -> None:
    for text in _every_level():
        said = explanation_said(text)
        assert str(said) == text
        shown = said_in(said, locale)
        assert not ENGLISH.search(shown), shown
        assert "Олег / Павло" in shown or "Олег" not in text


EXPLANATION = (
    "ambiguous (group 2): as likely as another candidate; service number and national id"
    " differ: review before acting; birth date: the same day (+8.0); given name: different"
    " given names, the same father's name or birthday: Олег / Павло — a brother or a twin?"
    " (-3.2); not on both records: birth place, home address"
)


@pytest.mark.parametrize(
    ("locale", "shown"),
    [
        (
            "uk",
            "неоднозначно (група 2): так само ймовірно, як інший кандидат; особистий номер і"
            " ідентифікаційний номер не збігаються: перевірте, перш ніж діяти; дата народження:"
            " той самий день (+8,0); ім'я: різні імена, те саме по батькові або день народження:"
            " Олег / Павло — брат або близнюк? (-3,2); немає в обох записах: місце народження,"
            " домашня адреса",
        ),
        (
            "ru",
            "неоднозначно (группа 2): так же вероятно, как другой кандидат; личный номер и"
            " идентификационный номер не совпадают: проверьте, прежде чем действовать; дата"
            " рождения: тот же день (+8,0); имя: разные имена, то же отчество или день рождения:"
            " Олег / Павло — брат или близнец? (-3,2); нет в обеих записях: место рождения,"
            " домашний адрес",
        ),
        ("en", EXPLANATION),
    ],
)
def test_a_linkage_explanation_in_each_language(locale: str, shown: str) -> None:
    assert said_in(explanation_said(EXPLANATION), locale) == shown


def test_a_match_on_record_linkage_is_explained_in_ukrainian() -> None:
    left = {"family_name": "Коваль", "given_name": "Олег", "birth_date": "1980-03-04"}
    right = {"family_name": "Koval", "given_name": "Oleh", "birth_date": "1980-03-04"}
    basis = "record linkage: family name: the same once transliterated (+5.0)"
    said = explained(basis, left, right)
    shown = said_in(said, "uk")
    assert "зіставлення записів: прізвище: збігається після транслітерації (+5,0);" in shown
    assert not ENGLISH.search(
        shown.replace("Koval Oleh", "").replace("koval", "").replace("oleh", "")
    )
    # a server answers it in English: the client reads it back the same
    assert said_in(match_said(str(said)), "uk") == shown


def test_a_search_hit_is_explained_in_russian() -> None:
    index = SearchIndex(
        [
            LinkageRecord("R1", family_name="Вышинский", given_name="Кирилл", birth_date="1967"),
            LinkageRecord("R2", family_name="Петренко", given_name="Олег", birth_date="1980-03-04"),
        ]
    )
    for query, born in (("Вишинський Кирило", "1967-02-11"), ("Petrenko Oleh", "04.03.1980")):
        for hit in index.search(query, born, 2):
            said = explanation_said(hit.explanation)
            assert str(said) == hit.explanation
            shown = said_in(said, "ru")
            names = {w.casefold() for w in re.findall(r"[A-Za-z]{2,}", query)}
            left = {w for w in ENGLISH.findall(shown) if w.casefold() not in names}
            assert not left, (hit.explanation, shown)


@given(st.text(alphabet=st.sampled_from("ab ~:;/()+-.0123456789—Ол"), max_size=80))
def test_any_text_reads_in_english_as_it_stands(text: str) -> None:
    for said in (explanation_said(text), match_said(text)):
        assert str(said) == text
        said_in(said, "uk")  # and says something


@given(st.lists(st.sampled_from(_every_level()), min_size=1, max_size=4))
def test_parts_joined_read_back(parts: list[str]) -> None:
    text = "record linkage: " + "; ".join(parts)
    assert str(explanation_said(text)) == text
    assert not ENGLISH.search(said_in(explanation_said(text), "ru"))


def test_the_cli_search_says_why_in_ukrainian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = tmp_path / "held.csv"
    roster.write_text(
        "ID;Прізвище;Ім'я;Дата народження\nR1;Шевченко;Тарас;1961-03-09\n", encoding="utf-8"
    )
    monkeypatch.setenv("PARLEY_LANG", "uk")
    done = CliRunner().invoke(
        app, ["search", "Shevchenko Taras", "--roster", str(roster), "--birth-date", "1961"]
    )
    assert done.exit_code == 0, done.output
    line = " ".join(done.output.split())  # as the terminal would show it, unwrapped
    assert "прізвище shevchenko ~ шевченко: збігається після транслітерації (1,00)" in line
    assert "написання латиницею" in line and "дата народження 1961-03-09:" in line


@pytest.mark.parametrize(
    ("born", "shown"),
    [
        ("1814-03-09", "рік 1814 поза допустимим діапазоном"),
        ("30.02.1961", "у лютому 1961 р. немає 30-го числа"),
    ],
)
def test_a_search_rosters_warning_writes_a_year_as_a_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, born: str, shown: str
) -> None:
    roster = tmp_path / "held.csv"
    roster.write_text(f"ID;Прізвище;Ім'я;Дата народження\nR1;Шевченко;Тарас;{born}\n", "utf-8")
    monkeypatch.setenv("PARLEY_LANG", "uk")
    done = CliRunner().invoke(app, ["search", "Shevchenko Taras", "--roster", str(roster)])
    assert done.exit_code == 0, done.output
    assert shown in " ".join(done.output.split())


def test_a_basis_of_our_own_words_with_a_semicolon_is_said_whole() -> None:
    basis = "birth date and capture date agree exactly; service number agrees"
    shown = said_in(explanation_said(basis), "uk")
    assert (
        shown
        == "дата народження та дата потрапляння в полон точно збігаються; особистий номер збігається"
    )
    compared = "given name Олег ~ Олег: same (1.00) (Коваль Олег / Коваль Олег)"
    served = said_in(match_said(f"{basis}; {compared}"), "uk")
    assert served.startswith("як знайдено (запис журналу): " + shown + "; ім'я Олег ~ Олег:")
