"""What a command prints when it has done its work is said in the user's language (PARLEY_LANG
or the locale), as its refusals are: the line's template through the catalog, a state or a
kind among its fields in words of that language too; English where none is asked for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import agreements
from parley.cli.console import day, moment, said, stage_said, warn
from parley.cli.main import app
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


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Sep 2, 2019, 2:00:00\u202fPM UTC"),
        ("uk", "2 вер. 2019\u202fр., 14:00:00 UTC"),
        ("ru", "2 сент. 2019\u202fг., 14:00:00 UTC"),
    ],
)
def test_a_time_is_written_as_the_users_language_writes_one(
    monkeypatch: pytest.MonkeyPatch, language: str, written: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    assert moment("2019-09-02T14:00:00Z") == written
    assert moment("2019-09-02T17:00:00.250000+03:00") == written  # any offset, said in UTC
    assert moment("1980-03-04") == "1980-03-04"  # a date alone is no time
    assert moment("not a time") == "not a time"


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "Sep 10, 2019"), ("uk", "10 вер. 2019\u202fр."), ("ru", "10 сент. 2019\u202fг.")],
)
def test_a_due_date_or_a_day_observed_is_written_as_the_users_language_writes_one(
    monkeypatch: pytest.MonkeyPatch, language: str, written: str
) -> None:
    from parley.cli.status import _due

    monkeypatch.setenv("PARLEY_LANG", language)
    assert day("2019-09-10") == written
    assert day("2019-09") == "2019-09" and day("not a day") == "not a day"  # as written
    assert written in _due({"due_date": "2019-09-10", "past_due": False})


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "warning: 3 rows"), ("uk", "попередження: 3 rows"), ("ru", "предупреждение: 3 rows")],
)
def test_a_warning_says_so_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], language: str, line: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    warn("3 rows")
    assert capsys.readouterr().err == line + "\n"


@pytest.mark.parametrize(
    ("language", "stage", "said"),
    [
        ("en", "UA:held (duplicates): compared", "UA:held (duplicates): compared"),
        ("uk", "UA:held (duplicates): compared", "UA:held (дублікати): порівняно"),
        ("ru", "RU:sought ↔ UA:held: scoring candidate pairs", "RU:sought ↔ UA:held: оценка пар-кандидатов"),
        ("uk", "UA:held (duplicates)", "UA:held (дублікати)"),
        ("uk", "a stage not known", "a stage not known"),
    ],
)  # fmt: skip
def test_a_runs_stage_is_said_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, language: str, stage: str, said: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    assert stage_said(stage) == said


@pytest.mark.parametrize(
    ("language", "head", "note"),
    [
        ("en", "# An agreement draft: ", "# short id, unique on this instance"),
        ("uk", "# Проєкт угоди: ", "# коротке позначення, єдине в цьому екземплярі"),
        ("ru", "# Проект соглашения: ", "# короткое обозначение, единственное в этом экземпляре"),
    ],
)
def test_the_agreement_template_is_annotated_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, language: str, head: str, note: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    annotated = CliRunner().invoke(app, ["agreement", "template"])
    assert annotated.exit_code == 0, annotated.output
    assert annotated.stdout.startswith(head)
    assert f'"agreement_id": "ROADMAP-2019",  {note}\n' in annotated.stdout
    # the notes taken off, the JSON that drafts
    bare = "".join(
        re.sub(r"  # .*$", "", line) + "\n"
        for line in annotated.stdout.splitlines()
        if not line.startswith("#")
    )
    assert json.loads(bare) == agreements.TEMPLATE


def test_a_demo_too_small_is_refused_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PARLEY_LANG", "ru")
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    refused = CliRunner().invoke(app, ["demo", "--size", "3"])
    assert refused.exit_code == 1
    assert "для этапа «всех на всех» нужно не меньше 40 лиц с каждой стороны" in refused.output


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ("Verifier key: ", "Fingerprint:  ", "Recovery key: ", "Recovery fingerprint: ",
                "Give the verifier keys to the mediator (`parley party add UA --key ")),
        ("uk", ("Ключ перевірки: ", "Відбиток:  ", "Ключ відновлення: ", "Відбиток ключа відновлення: ",
                "Передайте ключі перевірки посереднику (`parley party add UA --key ")),
        ("ru", ("Ключ проверки: ", "Отпечаток:  ", "Ключ восстановления: ", "Отпечаток ключа восстановления: ",
                "Передайте ключи проверки посреднику (`parley party add UA --key ")),
    ],
)  # fmt: skip
def test_a_key_made_is_said_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, language: str, lines: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    made = CliRunner().invoke(app, ["key", "init", "--party", "UA"])
    assert made.exit_code == 0, made.output
    said = re.sub(r" *\n", " ", made.output)  # lines wrapped at the console's width joined
    for line in lines:
        assert line in said, said
