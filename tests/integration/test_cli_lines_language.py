"""A roster import's summary, as a coordination office reads it: in Ukrainian or Russian when
PARLEY_LANG (or the locale) says so, in English otherwise; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROWS = "record_id,family_name,given_name\nU-1,Коваль,Петро\nU-2,Мельник,Іван\n"


@pytest.mark.parametrize(
    ("language", "first", "again"),
    [
        ("en", "UA:held v1: 2 persons (2 added, 0 removed, 0 corrected).", "UA:held: unchanged"),
        ("uk", "UA:held v1: осіб — 2 (додано 2, вилучено 0, виправлено 0).", "UA:held: без змін"),
        (
            "ru",
            "UA:held v1: лиц — 2 (добавлено 2, удалено 0, исправлено 0).",
            "UA:held: без изменений",
        ),
    ],
)
def test_a_roster_imports_summary_is_said_in_the_users_language(
    cli: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    first: str,
    again: str,
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    held = tmp_path / "held.csv"
    held.write_text(ROWS, encoding="utf-8")
    args = ("roster", "import", str(held), "--party", "UA", "--kind", "held")
    assert first in cli(*args).output
    assert again in cli(*args).output
