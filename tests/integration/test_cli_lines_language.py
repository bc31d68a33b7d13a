"""A roster import's summary, as a coordination office reads it: in Ukrainian or Russian when
PARLEY_LANG (or the locale) says so, in English otherwise; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROWS = "record_id,family_name,given_name\nU-1,Коваль,Петро\nU-2,Мельник,Іван\n"
DATED = "record_id,family_name,given_name,birth_date\nU-1,Коваль,Петро,{date}\nU-2,Мельник,Іван,\n"


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


@pytest.mark.parametrize(
    ("language", "compared", "changed"),
    [
        ("en", "0 added, 0 removed, 1 corrected", "(U-1) birth_date: '1980-03-04' → '1980-04-03'"),
        ("uk", "додано 0, вилучено 0, виправлено 1", "(U-1) Дата народження: '1980-03-04' →"),
        ("ru", "добавлено 0, удалено 0, исправлено 1", "(U-1) Дата рождения: '1980-03-04' →"),
    ],
)
def test_a_rosters_comparison_names_its_columns_in_the_users_language(
    cli: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    compared: str,
    changed: str,
) -> None:
    monkeypatch.setenv("PARLEY_LANG", language)
    held = tmp_path / "held.csv"
    held.write_text(DATED.format(date="1980-03-04"), encoding="utf-8")
    cli("roster", "import", str(held), "--party", "UA", "--kind", "held")
    held.write_text(DATED.format(date="1980-04-03"), encoding="utf-8")
    said = cli("roster", "diff", str(held), "--party", "UA", "--kind", "held").output
    assert f"UA:held v1 → held.csv: {compared}" in said, said
    assert changed in said, said
