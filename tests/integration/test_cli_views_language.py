"""What `init`, `status`, `reconcile`, `person`, `search` and `verify` print, as a coordination
office reads it: in Ukrainian or Russian when PARLEY_LANG says so (the words of the catalogs,
numbers as the language writes them), in English otherwise; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HELD = "record_id,family_name,given_name,birth_date\nU-1,Коваль,Петро,1980-03-04\nU-2,Мельник,Іван,1975-01-02\n"
SOUGHT = "record_id,family_name,given_name,birth_date\nR-1,Koval,Petro,1980-03-04\nR-2,Melnyk,Ivan,1975-01-02\n"

# what each view says, in each language: a phrase of every line the commands print
SAID = {
    "en": {
        "init": ["is up to date."],
        "reconcile": ["Reconciliation", "already known", "new proposal(s). Review with"],
        "status": ["Parties: ", "Roster UA:held: v1, 2 persons", "Log: ", "signed entries"],
        "person": ["roster v1 from held.csv: on it (revision 1)", "(proposed, 0."],
        "search": ["of 4 records on RU:sought, UA:held", "s with indexing):", ", born 1980-03-04"],
        "verify": ["Verified ", "checkpoints with", "cosignatures; root"],
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
        ],
        "verify": ["Перевірено записів: ", "контрольних точок: ", "; корінь "],
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
        ],
        "verify": ["Проверено записей: ", "контрольных точек: ", "; корень "],
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
