"""What `init`, `status`, `reconcile`, `person`, `search` and `verify` print, as a coordination
office reads it: in Ukrainian or Russian when PARLEY_LANG says so (the words of the catalogs,
numbers as the language writes them), in English otherwise; SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parley.cli.main import app

HELD = "record_id,family_name,given_name,birth_date\nU-1,Коваль,Петро,1980-03-04\nU-2,Мельник,Іван,1975-01-02\n"
SOUGHT = "record_id,family_name,given_name,birth_date\nR-1,Koval,Petro,1980-03-04\nR-2,Melnyk,Ivan,1975-01-02\n"

# what each view says, in each language: a phrase of every line the commands print
SAID = {
    "en": {
        "init": ["is up to date."],
        "reconcile": ["Reconciliation", "already known", "new proposal(s). Review with"],
        "status": ["Parties: ", "Roster UA:held: v1, 2 persons", "Log: ", "signed entries"],
        "person": ["roster v1 from held.csv: on it (revision 1)", "(proposed, 0."],
        "search": [
            "of 4 records on RU:sought, UA:held",
            "s with indexing):",
            ", born 1980-03-04",
            "  1.000 ",
        ],
        "verify": ["Verified ", "checkpoints with", "cosignatures; root"],
        "confirm": ["2 cross-side proposal(s) at or above 0.5 (lowest 0."],
    },
    "uk": {
        "init": ["актуальний."],
        "reconcile": ["Звірка списків", "уже відомі", "Нових пропозицій: "],
        "status": ["Сторони: ", "Список UA:held: v1, осіб — 2", "Журнал: підписаних записів — "],
        "person": ["список v1 з held.csv: є в ньому (редакція 1)", "(чекає рішення, 0,"],
        "search": [
            "із 4 записів у списках RU:sought, UA:held",
            "с разом з індексуванням):",
            ", дата народження 1980-03-04",
            "  1,000 ",
        ],
        "verify": ["Перевірено записів: ", "контрольних точок: ", "; корінь "],
        "confirm": ["Пропозицій між сторонами з оцінкою 0,5 або вище: 2 (найнижча 0,"],
    },
    "ru": {
        "init": ["актуален."],
        "reconcile": ["Сверка списков", "уже известны", "Новых предложений: "],
        "status": ["Стороны: ", "Список UA:held: v1, лиц — 2", "Журнал: подписанных записей — "],
        "person": ["список v1 из held.csv: есть в нём (редакция 1)", "(ожидает решения, 0,"],
        "search": [
            "из 4 записей в списках RU:sought, UA:held",
            "с вместе с индексированием):",
            ", дата рождения 1980-03-04",
            "  1,000 ",
        ],
        "verify": ["Проверено записей: ", "контрольных точек: ", "; корень "],
        "confirm": ["Предложений между сторонами с оценкой 0,5 или выше: 2 (самая низкая 0,"],
    },
}


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_the_views_are_said_in_the_users_language(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    cli("party", "add", "RU", "--name", "Russia", "--local-key")
    for party, kind, rows in (("UA", "held", HELD), ("RU", "sought", SOUGHT)):
        roster = tmp_path / f"{kind}.csv"
        roster.write_text(rows, encoding="utf-8")
        cli("roster", "import", str(roster), "--party", party, "--kind", kind)
    said = {
        "init": cli("init").output,
        "reconcile": cli("reconcile").stdout,
        "status": cli("status").output,
        "person": cli("person", "UA:held/U-1").output,
        "search": cli("search", "Koval Petro").output,
        "confirm": cli("match", "confirm", "--min-score", "0.5", "--cross-side", "--yes").output,
    }
    cli("export", "--out", str(tmp_path / "audit"))
    said["verify"] = cli("verify", str(tmp_path / "audit"), "--allow-unwitnessed").output
    for view, phrases in SAID[language].items():
        for phrase in phrases:
            assert phrase in said[view], f"{view}: {phrase!r} not in\n{said[view]}"
    if language != "en":  # no English word left in the lines the views print
        for view in ("status", "person", "verify"):
            for english in ("Parties", "Roster ", "Log:", "roster v", "Verified"):
                assert english not in said[view], said[view]


# the demo's exchange as `status` and a substituted person's `person` say it
STORY = {
    "uk": [
        "Угода ROADMAP-2019",
        "Етап 1: First step: 35 for 35",
        "P1-EX обмін (поіменний)",
        "звільняє",
        "підтверджено ×3",
        "паритет: звільнено UA 34 / RU 35, баланс -1; партії: B1 закрито",
        "ПРОСТРОЧЕНО",
        "Винятки: усі, хто зійшов з основного шляху",
        "замінено на RU/RU-H-00036",
        "список v1 з ru_held.csv: є в ньому (редакція 1)",
        "партія B1: допущено → замінено, учасник MED",
    ],
    "ru": [
        "Соглашение ROADMAP-2019",
        "Этап 1: First step: 35 for 35",
        "P1-EX обмен (поимённый)",
        "освобождает",
        "подтверждено ×3",
        "паритет: освобождено UA 34 / RU 35, баланс -1; партии: B1 закрыто",
        "ПРОСРОЧЕНО",
        "Исключения: все, кто сошёл с основного пути",
        "заменён на RU/RU-H-00036",
        "список v1 из ru_held.csv: есть в нём (редакция 1)",
        "партия B1: допущено → заменено, участник MED",
    ],
}
# our English words the status view and a person's history used to print
ENGLISH = (
    "Agreement",
    "Phase",
    "released by",
    "parity",
    "Exceptions",
    "PAST DUE",
    " by MED",
    "Log:",
)


def test_the_status_of_an_exchange_is_said_in_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_LANG", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--size", "40"]).exit_code == 0
    for language, phrases in STORY.items():
        monkeypatch.setenv("PARLEY_LANG", language)
        status = runner.invoke(app, ["status"])
        person = runner.invoke(app, ["person", "RU/RU-H-00034"])
        assert status.exit_code == 0 and person.exit_code == 0, status.output + person.output
        said = status.output + person.output
        for phrase in phrases:
            assert phrase in said, f"{phrase!r} not in\n{said}"
        for english in ENGLISH:
            assert english not in said, said
        # a count of signed entries in the thousands, grouped as the language writes it
        assert re.search(r"— \d{1,3}\u00a0\d{3}, ", status.output), status.output


@pytest.mark.parametrize(
    ("language", "registered", "checked", "replayed"),
    [
        ("en", "Registered RU (side).", "log entries: the projections equal", " s."),
        ("uk", "Зареєстровано RU (сторона).", "; проєкції збігаються з робочими", " с."),
        ("ru", "Зарегистрирован RU (сторона).", "; проекции совпадают с рабочими", " с."),
    ],
)
def test_a_party_registered_and_a_rebuild_are_said_in_the_users_language(
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    registered: str,
    checked: str,
    replayed: str,
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    assert registered in cli("party", "add", "RU", "--name", "Russia", "--local-key").output
    assert checked in cli("rebuild", "--check").output
    assert cli("rebuild").output.rstrip().endswith(replayed)


AGREEMENT = {
    "agreement_id": "AG",
    "title": "Exchange of 4 December",
    "language": "en",
    "sides": ["UA", "RU"],
    "mediator": "MED",
    "translations": {
        "Exchange of 4 December": {"uk": "Обмін 4 грудня", "ru": "Обмен 4 декабря"},
        "all for all": {"uk": "всіх на всіх"},
        "exchange": {"uk": "обмін", "ru": "обмен"},
    },
    "phases": [
        {
            "phase_id": "AG-P1",
            "ordinal": 1,
            "title": "all for all",
            "commitments": [
                {
                    "commitment_id": "AG-EX",
                    "kind": "exchange",
                    "description": "exchange",
                    "exchange": {"mode": "all_for_all", "ratio": [1, 1], "named": {}},
                }
            ],
        }
    ],
}


@pytest.mark.parametrize(
    ("language", "title", "phase", "exchange"),
    [
        ("en", "— Exchange of 4 December (", "Phase 1: all for all", ": exchange"),
        ("uk", "— Обмін 4 грудня (", "Етап 1: всіх на всіх", ": обмін"),
        ("ru", "— Обмен 4 декабря (", "Этап 1: all for all", ": обмен"),  # no Russian given
    ],
)
def test_the_status_says_an_agreements_words_as_it_translates_them(
    cli: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    title: str,
    phase: str,
    exchange: str,
) -> None:
    cli("party", "add", "RU", "--name", "Russia", "--local-key")
    draft = tmp_path / "agreement.json"
    draft.write_text(json.dumps(AGREEMENT), encoding="utf-8")
    cli("agreement", "draft", str(draft))
    monkeypatch.setenv("PARLEY_LANG", language)
    said = cli("status").output
    for phrase in (title, phase, exchange):
        assert phrase in said, f"{phrase!r} not in\n{said}"
