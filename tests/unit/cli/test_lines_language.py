"""What a command prints when it has done its work is said in the user's language (PARLEY_LANG
or the locale), as its refusals are: the line's template through the catalog, a state or a
kind among its fields in words of that language too; English where none is asked for."""

from __future__ import annotations

import pytest

from parley.cli.console import said
from parley.domain.handovers import STATE_LABELS, HandoverState
from parley.errors import N_, Word


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "2 person(s) in B1: received."),
        ("uk", "Осіб у партії B1: 2 — прийнято."),
        ("ru", "Лиц в партии B1: 2 — принято."),
    ],
)
def test_a_moves_line_says_the_state_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, language: str, line: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    state = Word(STATE_LABELS[HandoverState.RECEIVED])
    assert said(N_("{count} person(s) in {batch}: {state}."), count=2, batch="B1", state=state) == (
        line
    )


def test_a_line_the_catalog_lacks_stays_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_LANG", "uk")
    assert said("{n} things done", n=3) == "3 things done"


def test_the_recovery_files_warning_is_said_in_ukrainian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_LANG", "uk")
    line = said(N_("Recovery key file: {file}\nMove it off this machine now."), file="/k/UA.pem")
    assert line == "Файл ключа відновлення: /k/UA.pem\nНегайно перенесіть його з цієї машини."
