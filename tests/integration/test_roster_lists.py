"""Lists as offices keep them, through the CLI on both databases: no ids (or only a row
number), the offices' own words and dates, a second version re-sorted and renumbered with
persons added, removed and corrected; merges, explicit removals, and a replacement that
would empty the roster asking first."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from parley.cli.main import app

Row = dict[str, Any]

# (family, given, patronymic, birth date as a date, health, evidence)
PEOPLE: list[tuple[str, str, str, dt.date, str, str]] = [
    ("Коваль", "Петро", "Іванович", dt.date(1980, 3, 12), "здоровий", "підтверджено МКЧХ"),
    ("Бойко", "Іван", "Петрович", dt.date(1975, 6, 1), "важкопоранений", "відкриті джерела"),
    ("Мороз", "Олег", "Васильович", dt.date(1990, 4, 3), "хворий", "повідомлення родичів"),
    ("Шевченко", "Тарас", "Григорович", dt.date(1984, 3, 9), "", "свідчення звільненого"),
    ("Ткаченко", "Марія", "Олексіївна", dt.date(1970, 5, 17), "поранена", ""),
    ("Кравченко", "Анна", "Степанівна", dt.date(1988, 1, 30), "тяжелобольной", ""),
    ("Мельник", "Андрій", "Богданович", dt.date(1979, 11, 2), "раненый", "подтверждено МККК"),
    ("Олійник", "Сергій", "Миколайович", dt.date(1993, 7, 21), "Здорова", ""),
    ("Поліщук", "Віктор", "Олегович", dt.date(1968, 2, 14), "тяжелораненый", ""),
    ("Гнатюк", "Ольга", "Романівна", dt.date(1996, 9, 8), "важкохворий", ""),
]
NEW = [
    ("Лисенко", "Микола", "Віталійович", dt.date(1991, 12, 1), "поранений", ""),
    ("Савчук", "Дмитро", "Іванович", dt.date(1985, 8, 19), "", "открытые источники"),
    ("Руденко", "Ірина", "Павлівна", dt.date(1977, 4, 25), "здоровий", ""),
]


def versions() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The first list, and the next: re-sorted (and so renumbered), three persons added, one
    removed (Мороз), a spelling fixed (Ткаченко Марiя -> Марія) and a date fixed (Бойко)."""
    first = list(PEOPLE)
    first[4] = ("Ткаченко", "Марiя", *PEOPLE[4][2:])  # a Latin i typed for the Ukrainian one
    second = [p for p in PEOPLE if p[0] != "Мороз"]
    second = [(*p[:3], dt.date(1976, 6, 1), *p[4:]) if p[0] == "Бойко" else p for p in second]
    second = sorted(second + NEW, key=lambda p: p[0])  # the office sorts by family name now
    return first, second


def _date_text(day: dt.date, style: int) -> str:
    return [
        f"{day:%d.%m.%Y}",
        f"{day:%d/%m/%Y}",
        f"{day:%d.%m.%Y} р.",
        str((day - dt.date(1899, 12, 30)).days),
    ][style % 4]


def cp1251_csv(path: Path, people: Sequence[tuple[Any, ...]]) -> None:
    """A `;` CSV in Windows-1251 with `№` and Ukrainian headers, dates in four forms."""
    lines = ["№;Прізвище;Ім'я;По батькові;Дата народження;Стан здоров'я;Підстава"]
    for n, (fam, giv, pat, born, health, evidence) in enumerate(people, start=1):
        born_text = _date_text(born, n)
        lines.append(f"{n};{fam};{giv};{pat};{born_text};{health};{evidence}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def xlsx(path: Path, people: Sequence[tuple[Any, ...]]) -> None:
    """A workbook with Ukrainian headers and no id: real date cells, serial numbers and text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["№ п/п", "ПІБ", "Дата народження", "Стан здоров'я", "Особливі прикмети"])
    for n, (fam, giv, pat, born, health, _) in enumerate(people, start=1):
        cell: Any = [dt.datetime(born.year, born.month, born.day), born, _date_text(born, 3)]
        cell = cell[n % 3]
        if n % 3 == 2:  # a number cell that holds Excel's day number
            cell = (born - dt.date(1899, 12, 30)).days
        sheet.append([n, f"{fam} {giv} {pat}", cell, health, "шрам" if fam == "Коваль" else None])
    book.save(path)


def utf16_text(path: Path, people: Sequence[tuple[Any, ...]]) -> None:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated, Russian headers, no ids."""
    lines = ["Фамилия\tИмя\tОтчество\tДата рождения\tСостояние здоровья\tОснование"]
    for fam, giv, pat, born, health, evidence in people:
        lines.append(f"{fam}\t{giv}\t{pat}\t{born:%d.%m.%Y}г.\t{health}\t{evidence}")
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


FORMATS: dict[str, tuple[str, Callable[[Path, Sequence[tuple[Any, ...]]], None]]] = {
    "cp1251-csv": ("csv", cp1251_csv),
    "xlsx": ("xlsx", xlsx),
    "utf16-text": ("txt", utf16_text),
}


def _roster_json(cli: Callable[..., Any], *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        cli("roster", "diff", "--party", "UA", "--kind", "held", "--json", *extra).stdout
    )
    return data


def _names(data: dict[str, Any], key: str) -> set[str]:
    return {data["names"][rid] for rid in data[key]}


@pytest.mark.parametrize("shape", FORMATS)
def test_a_list_without_ids_and_its_next_version(
    cli: Callable[..., Any], tmp_path: Path, shape: str
) -> None:
    suffix, write = FORMATS[shape]
    first, second = versions()
    v1, v2 = tmp_path / f"v1.{suffix}", tmp_path / f"v2.{suffix}"
    write(v1, first)
    write(v2, second)

    one = cli("roster", "import", str(v1), "--party", "UA", "--kind", "held")
    assert "UA:held v1: 10 persons (10 added, 0 removed, 0 corrected)" in one.output
    ids_v1 = _roster_json(cli)["names"]

    preview = _roster_json(cli, str(v2))
    two = cli("roster", "import", str(v2), "--party", "UA", "--kind", "held")
    assert "UA:held v2: 12 persons (3 added, 1 removed, 2 corrected)" in two.output
    assert "+ Лисенко Микола Віталійович" in two.output
    if shape != "utf16-text":  # the row of the file, and the list's own number, are shown
        assert "Віталійович (P-00011; row 6, № 5)" in two.output
    assert "- Мороз Олег Васильович" in two.output
    diff = _roster_json(cli)
    assert {k: diff[k] for k in ("added", "removed")} == {
        k: preview[k] for k in ("added", "removed")
    }
    assert _names(diff, "added") == {f"{p[0]} {p[1]} {p[2]}" for p in NEW}
    assert _names(diff, "removed") == {"Мороз Олег Васильович"}
    changed = {
        diff["names"][c["record_id"]]: {f["field"]: (f["before"], f["after"]) for f in c["fields"]}
        for c in diff["changed"]
    }
    name_field = "full_name" if shape == "xlsx" else "given_name"
    fixed = "Ткаченко Марія Олексіївна" if shape == "xlsx" else "Марія"
    assert changed == {
        "Бойко Іван Петрович": {"birth_date": ("1975-06-01", "1976-06-01")},
        "Ткаченко Марія Олексіївна": {name_field: (fixed.replace("Марія", "Марiя"), fixed)},
    }
    # the persons on both versions kept their ids; nobody's id is a row number
    v2_ids = set(_roster_json(cli, "--to", "2", "--from", "0")["added"])
    assert set(ids_v1) - {diff["removed"][0]} <= v2_ids
    assert all(rid.startswith("P-") for rid in v2_ids)

    # the same file again changes nothing
    again = cli("roster", "import", str(v2), "--party", "UA", "--kind", "held")
    assert "unchanged (12 persons)" in again.output
    # the first list again: Мороз is back with the id he had, the new ones are removed
    back = cli("roster", "import", str(v1), "--party", "UA", "--kind", "held")
    assert "UA:held v3: 10 persons (1 added, 3 removed, 2 corrected)" in back.output
    (moroz,) = diff["removed"]
    assert _roster_json(cli)["added"] == [moroz]


def test_the_offices_words_and_dates_are_read(cli: Callable[..., Any], tmp_path: Path) -> None:
    first, _ = versions()
    path = tmp_path / "v1.csv"
    cp1251_csv(path, first)
    cli("roster", "import", str(path), "--party", "UA", "--kind", "held")
    shown = json.loads(cli("person", "UA/" + _id_of(cli, "Кравченко"), "--json").stdout)
    assert shown["name"] == "Кравченко Анна Степанівна"
    # the record as recorded: health word and evidence read, the date from its serial number
    data = _roster_json(cli, "--from", "0")
    assert "Кравченко Анна Степанівна" in data["names"].values()


def _id_of(cli: Callable[..., Any], family: str) -> str:
    names = _roster_json(cli, "--from", "0")["names"]
    (rid,) = [rid for rid, name in names.items() if name.startswith(family)]
    return str(rid)


def test_merge_adds_and_corrects_and_removes_nobody(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    first, _ = versions()
    v1 = tmp_path / "v1.csv"
    cp1251_csv(v1, first)
    cli("roster", "import", str(v1), "--party", "UA", "--kind", "held")
    extra = tmp_path / "more.csv"
    corrected = ("Ткаченко", "Марія", *PEOPLE[4][2:])
    cp1251_csv(extra, [NEW[0], corrected])
    merged = cli("roster", "import", str(extra), "--party", "UA", "--kind", "held", "--merge")
    assert "UA:held v2: 11 persons (1 added, 0 removed, 1 corrected)" in merged.output
    # a removal is explicit: by id, or a list of the persons as the roster's list writes them
    gone = tmp_path / "gone.csv"
    cp1251_csv(gone, [PEOPLE[2]])
    removed = cli("roster", "remove", "--party", "UA", "--kind", "held", "--list", str(gone))
    assert "UA:held v3: 10 persons (0 added, 1 removed, 0 corrected)" in removed.output
    assert "- Мороз Олег Васильович" in removed.output
    cli("roster", "remove", "--party", "UA", "--kind", "held", _id_of(cli, "Бойко"))
    unknown = cli("roster", "remove", "--party", "UA", "--kind", "held", "P-NOBODY", code=1)
    assert "not on UA:held" in unknown.output


def test_a_replacement_that_would_empty_the_roster_asks_first(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    first, _ = versions()
    v1 = tmp_path / "v1.csv"
    cp1251_csv(v1, first)
    cli("roster", "import", str(v1), "--party", "UA", "--kind", "held")
    one = tmp_path / "one.csv"
    cp1251_csv(one, [PEOPLE[0]])
    refused = cli("roster", "import", str(one), "--party", "UA", "--kind", "held", code=1)
    assert "this would remove 9 of the 10 persons of UA:held" in refused.output
    assert "--yes" in refused.output and "--merge" in refused.output
    assert _roster_json(cli)["names"] and len(_roster_json(cli, "--from", "0")["added"]) == 10
    done = cli("roster", "import", str(one), "--party", "UA", "--kind", "held", "--yes")
    assert "UA:held v2: 1 persons (0 added, 9 removed, 0 corrected)" in done.output


def test_rows_that_are_one_person_are_reported_not_merged(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    cp1251_csv(path, [PEOPLE[0], PEOPLE[1], PEOPLE[0]])
    result = cli("roster", "import", str(path), "--party", "UA", "--kind", "held", code=1)
    assert "twice.csv, row 4: (№ 3) is the same person as row 2 (№ 1)" in result.output


def test_a_bad_word_is_refused_in_english_and_the_users_language(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.csv"
    cp1251_csv(path, [(*PEOPLE[0][:4], "космонавт", "")])
    monkeypatch.setenv("PARLEY_LANG", "uk")
    result = cli("roster", "import", str(path), "--party", "UA", "--kind", "held", code=1)
    # said in Ukrainian: where, the accepted words in Ukrainian, and in English too
    assert "bad.csv, рядок 2, стовпець health (Стан здоров'я):" in result.output
    assert "допустимі значення: здоровий, хворий, поранений, важкопоранений" in result.output
    assert "англійською: fit, sick, wounded, seriously wounded or sick, unknown" in result.output
    monkeypatch.setenv("PARLEY_LANG", "")
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    russian = cli("roster", "import", str(path), "--party", "UA", "--kind", "held", code=1)
    assert "bad.csv, строка 2, столбец health (Стан здоров'я):" in russian.output
    assert "допустимые значения: здоров, больной, раненый, тяжелораненый" in russian.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = cli("roster", "import", str(path), "--party", "UA", "--kind", "held", code=1)
    assert "bad.csv, row 2, column health (Стан здоров'я):" in english.output
    assert "is not one of: fit, sick, wounded, seriously wounded or sick, unknown" in english.output


def test_a_future_birth_date_and_an_overlong_id_are_refused_before_the_database(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "future.csv"
    cp1251_csv(path, [(*PEOPLE[0][:3], dt.date.today() + dt.timedelta(days=2), "", "")])
    result = cli("roster", "import", str(path), "--party", "UA", "--kind", "held", code=1)
    assert "future.csv, row 2, column birth_date (Дата народження):" in result.output
    assert "is in the future" in result.output
    long_id = tmp_path / "long.csv"
    long_id.write_text(f"ID;Прізвище\n{'A' * 101};Коваль\n{'B' * 100};Бойко\n", "utf-8")
    result = cli("roster", "import", str(long_id), "--party", "UA", "--kind", "held", code=1)
    assert "long.csv, row 2, column record_id (ID): has 101 characters" in result.output
    assert "Traceback" not in result.output
    long_id.write_text(f"ID;Прізвище\n{'B' * 100};Бойко\n", "utf-8")
    cli("roster", "import", str(long_id), "--party", "UA", "--kind", "held")


def test_files_with_ids_keep_their_ids_and_a_row_number_is_no_id(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("№;ID;Прізвище\n1;UA-7;Коваль\n2;UA-9;Бойко\n", "utf-8")
    cli("roster", "import", str(path), "--party", "UA", "--kind", "held")
    path.write_text("№;ID;Прізвище\n1;UA-9;Бойко\n2;UA-7;Коваль\n", "utf-8")
    again = cli("roster", "import", str(path), "--party", "UA", "--kind", "held")
    assert "unchanged (2 persons)" in again.output
    assert set(_roster_json(cli, "--from", "0")["added"]) == {"UA-7", "UA-9"}


def _at_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    """`parley ARGS` with its standard input a terminal (a pseudo-terminal) that answers."""
    main, terminal = os.openpty()
    try:
        with os.fdopen(main, "wb", buffering=0) as keys:
            keys.write(answer.encode())
            done = subprocess.run(
                [sys.executable, "-c", "from parley.cli.main import main; main()", *args],
                stdin=terminal,
                capture_output=True,
                env=env,
                timeout=120,
                check=False,
            )
    finally:
        os.close(terminal)
    return done.returncode, done.stdout.decode() + done.stderr.decode()


def test_at_a_terminal_a_large_removal_is_listed_and_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("PARLEY_DATABASE_URL", None)
    env.pop("PARLEY_SERVER", None)
    monkeypatch.setenv("PARLEY_DATA_DIR", env["PARLEY_DATA_DIR"])
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    runner = CliRunner()
    for args in (["init"], ["party", "add", "UA", "--name", "Ukraine", "--local-key"]):
        assert runner.invoke(app, args).exit_code == 0
    first, _ = versions()
    v1, one = tmp_path / "v1.csv", tmp_path / "one.csv"
    cp1251_csv(v1, first)
    cp1251_csv(one, [PEOPLE[0]])
    assert runner.invoke(app, ["roster", "import", str(v1), "--party", "UA", "--kind", "held"])
    args = ["roster", "import", str(one), "--party", "UA", "--kind", "held"]
    code, said = _at_a_terminal(args, "n\n", env)
    assert code == 1, said
    assert "UA:held: this would remove 9 of 10 persons:" in said
    assert "- Мороз Олег Васильович" in said and "Remove them? [y/N]" in said
    assert "Nothing was changed." in said
    code, said = _at_a_terminal(args, "y\n", env)
    assert code == 0, said
    assert "UA:held v2: 1 persons (0 added, 9 removed, 0 corrected)" in said


def test_a_merge_keeps_what_the_file_has_no_column_for(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """A file correcting one column (health) blanks none of the others (evidence here)."""
    first, _ = versions()
    v1 = tmp_path / "v1.csv"
    cp1251_csv(v1, first)
    cli("roster", "import", str(v1), "--party", "UA", "--kind", "held")
    koval = _id_of(cli, "Коваль")
    before = json.loads(cli("person", f"UA/{koval}", "--json").stdout)
    fix = tmp_path / "health.csv"
    fix.write_bytes(
        "Прізвище;Ім'я;По батькові;Дата народження;Стан здоров'я\r\n"
        "Коваль;Петро;Іванович;12.03.1980;важкопоранений\r\n".encode("cp1251")
    )
    merged = cli("roster", "import", str(fix), "--party", "UA", "--kind", "held", "--merge")
    assert "(0 added, 0 removed, 1 corrected)" in merged.output
    assert "health" in merged.output and "evidence" not in merged.output
    after = json.loads(cli("person", f"UA/{koval}", "--json").stdout)
    assert after["current"]["health"] != before["current"]["health"]
    assert after["current"]["evidence"] == before["current"]["evidence"]
