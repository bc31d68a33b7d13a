"""Importing a list without ids again: the same file changes nothing and writes nothing; a
few rows changed give a version with just those changes, every other person keeping their id
(with and without --merge)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FAMILY = ["Коваль", "Бойко", "Мороз", "Шевченко", "Ткаченко", "Кравченко", "Мельник"]
GIVEN = ["Петро", "Іван", "Олег", "Тарас", "Марія", "Анна", "Андрій"]
PERSONS = 300


def _people(n: int) -> list[tuple[str, str, dt.date]]:
    return [
        (f"{FAMILY[i % 7]}{chr(0x430 + i % 26)}{chr(0x430 + i // 26)}", GIVEN[i // 7 % 7],
         dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28))
        for i in range(n)
    ]  # fmt: skip


def _csv(path: Path, people: list[tuple[str, str, dt.date]]) -> Path:
    lines = ["Прізвище;Ім'я;Дата народження"]
    lines += [f"{fam};{giv};{born:%d.%m.%Y}" for fam, giv, born in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ids(cli: Callable[..., Any]) -> dict[str, str]:
    """Each person's name -> id on the roster's latest version."""
    data = json.loads(
        cli("roster", "diff", "--party", "UA", "--kind", "held", "--json", "--from", "0").stdout
    )
    return {name: rid for rid, name in data["names"].items()}


def _log_size(cli: Callable[..., Any]) -> Any:
    return json.loads(cli("status", "--json").stdout)


@pytest.mark.parametrize("merge", [True, False], ids=["merge", "replace"])
def test_the_same_list_again_keeps_every_id_and_writes_nothing(
    cli: Callable[..., Any], tmp_path: Path, merge: bool
) -> None:
    people = _people(PERSONS)
    first = _csv(tmp_path / "v1.csv", people)
    how = ["--merge"] if merge else []
    one = cli("roster", "import", str(first), "--party", "UA", "--kind", "held", *how)
    assert f"UA:held v1: {PERSONS} persons ({PERSONS} added" in one.output
    ids = _ids(cli)
    status = _log_size(cli)

    resorted = _csv(tmp_path / "again.csv", people[::-1])
    again = cli("roster", "import", str(resorted), "--party", "UA", "--kind", "held", *how)
    assert f"UA:held: unchanged ({PERSONS} persons); no new version." in again.output
    assert _log_size(cli) == status  # nothing written
    assert _ids(cli) == ids

    # two dates corrected, one person added: a version of just that
    changed = list(people)
    for k in (5, 77):
        fam, giv, born = changed[k]
        changed[k] = (fam, giv, born.replace(year=born.year + 1))
    changed.append(("Лисенко", "Микола", dt.date(1991, 12, 1)))
    third = _csv(tmp_path / "v2.csv", changed)
    two = cli("roster", "import", str(third), "--party", "UA", "--kind", "held", *how)
    assert f"UA:held v2: {PERSONS + 1} persons (1 added, 0 removed, 2 corrected)" in two.output
    after = _ids(cli)
    assert {n: after[n] for n in ids} == ids
    assert after["Лисенко Микола"] not in ids.values()


def test_a_bad_file_refused_by_diff_or_search_says_nothing_was_compared(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Прізвище;Ім'я;Дата народження\nКоваль;Петро;31.02.1980\n", encoding="utf-8")
    diff = cli("roster", "diff", str(bad), "--party", "UA", "--kind", "held", code=1)
    assert diff.stderr.startswith("Refused, nothing was compared: 1 problem(s)"), diff.stderr
    queries = tmp_path / "queries.csv"
    queries.write_text("name\nКоваль\n", encoding="utf-8")
    found = cli("search", "--queries", str(queries), code=1)
    assert found.stderr.startswith("Refused, nothing was searched: 1 problem(s)"), found.stderr
