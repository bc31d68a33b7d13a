"""Files made to hurt: every row is read or the file is refused, within the caps, in seconds."""

from __future__ import annotations

import csv
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from parley.io import limits
from parley.io.links import write_links
from parley.io.tables import RawTable, RosterFileError, read_table
from parley.linkage import Link


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of a workbook with some entries changed (None drops one)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = change(entry.filename, old.read(entry.filename))
            if data is not None:
                new.writestr(entry.filename, data)
    return dst


def _refused(path: Path) -> RosterFileError:
    with pytest.raises(RosterFileError) as info:
        read_table(path)
    return info.value


def _csv(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PERSONS = [["ID", "Фамилия"], ["R1", "Иванов"], ["R2", "Петров"], ["R3", "Сидоров"]]


def test_a_stale_dimension_loses_no_row_and_no_column(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "ok.xlsx", [[*row, "x"] for row in PERSONS])

    def stale(name: str, data: bytes) -> bytes:
        if name.endswith("sheet1.xml"):
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', data)
        return data

    table = read_table(_rewrite(src, tmp_path / "stale.xlsx", stale))
    assert [row for _, row in table.rows] == [[*row, "x"] for row in PERSONS[1:]]


def test_a_second_sheet_with_data_is_refused_not_dropped(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    for row in PERSONS:
        first.append(row)
    book.create_sheet("Ще").append(["R4", "Коваль"])
    book.save(tmp_path / "two.xlsx")
    assert "sheet 'Ще' holds data too" in str(_refused(tmp_path / "two.xlsx"))
    book.create_sheet("empty")
    del book["Ще"]
    book.save(tmp_path / "one.xlsx")
    assert len(read_table(tmp_path / "one.xlsx").rows) == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda n, d: d[:-40] if n.endswith("sheet1.xml") else d, "not a readable XLSX"),
        (lambda n, d: None if n.endswith("sheet1.xml") else d, "no sheet"),
        (
            lambda n, d: (
                re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d) if n == "xl/workbook.xml" else d
            ),
            "the workbook has no sheet",
        ),
        (lambda n, d: None if n == "xl/workbook.xml" else d, "not a readable XLSX"),
    ],
)
def test_a_broken_workbook_is_one_clear_refusal(
    tmp_path: Path, change: Callable[[str, bytes], bytes | None], reason: str
) -> None:
    src = _xlsx(tmp_path / "ok.xlsx", PERSONS)
    assert reason in str(_refused(_rewrite(src, tmp_path / "bad.xlsx", change)))


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    (tmp_path / "r.xlsx").write_bytes(b"ID,Name\n1,x\n")
    assert "not a readable XLSX" in str(_refused(tmp_path / "r.xlsx"))


def test_an_unclosed_quote_is_refused_naming_its_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'ID;Фамилия\nR1;"Иванов\nR2;Петров\nR3;Сидоров\n')
    (problem,) = _refused(path).problems
    assert problem.row == 2
    assert "never closed" in problem.reason


def test_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    (problem,) = _refused(_csv(tmp_path, 'ID;Фамилия\nR1;"Иванов"ич\n')).problems
    assert problem.row == 2
    assert "not valid CSV" in problem.reason


def test_short_and_long_rows_are_refused_each_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, "ID;Фамилия;Имя\nR1;Иванов;Иван\nR2;Петров\nR3;Сидоров;Пётр;лишнее\n")
    problems = _refused(path).problems
    assert [(p.row, p.reason.split(" but")[0]) for p in problems] == [
        (3, "has 2 cells"),
        (4, "has 4 cells"),
    ]


def test_trailing_empty_cells_are_not_a_long_row(tmp_path: Path) -> None:
    table = read_table(_csv(tmp_path, "ID;Фамилия;;\nR1;Иванов;;\n"))
    assert table.rows == [(2, ["R1", "Иванов"])]


def test_rows_are_numbered_as_a_spreadsheet_numbers_them(tmp_path: Path) -> None:
    # a quoted cell over two lines is one row; the bad cell is on spreadsheet row 3
    text = 'ID;Фамилия;Примітки\nR1;Иванов;"два\nрядки"\nR2;\x1b[31mПетров;\n'
    (problem,) = _refused(_csv(tmp_path, text)).problems
    assert (problem.row, problem.column) == (3, "family_name (Фамилия)")


@pytest.mark.parametrize(
    ("cell", "what"),
    [
        ("R\x1b[2J", "control character (U+001B)"),
        ("R\x07", "control character (U+0007)"),
        ("R\x85x", "control character (U+0085)"),
        ("A\u202eB", "bidirectional override (U+202E)"),
        ("A\u2066B", "bidirectional override (U+2066)"),
        ("R1\tR2", "control character (U+0009)"),
    ],
)
def test_control_and_bidi_characters_are_refused_with_row_and_column(
    tmp_path: Path, cell: str, what: str
) -> None:
    for column in (0, 1):
        row = ["R1", "Иванов"]
        row[column] = cell
        path = tmp_path / "c.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([["ID", "Фамилия"], row])
        (problem,) = _refused(path).problems
        assert problem.row == 2
        assert problem.column == ("record_id (ID)", "family_name (Фамилия)")[column]
        assert what in problem.reason
        assert cell not in str(problem)  # the text itself is never repeated


def test_a_line_break_inside_an_id_is_refused_but_kept_in_notes(tmp_path: Path) -> None:
    text = 'ID,Фамилия,Примечания\n"R\n1",Иванов,\n'
    (problem,) = _refused(_csv(tmp_path, text)).problems
    assert "line break" in problem.reason
    table = read_table(_csv(tmp_path, 'ID,Фамилия,Примечания\nR1,Иванов,"ранен\r\nв ногу"\n'))
    assert table.rows[0][1][2] == "ранен\r\nв ногу"


def test_control_characters_in_an_xlsx_are_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "c.xlsx", [["ID", "Фамилия"], ["R1", "Ива\u202eнов"]])
    (problem,) = _refused(path).problems
    assert (problem.row, problem.column) == (2, "family_name (Фамилия)")


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "@SUM(A1)", "+1+cmd|' /C calc'!A0", "-2+A1", "\t=1+1", "\r=1", "＝1", "- ранен"],
)
def test_formula_looking_cells_are_refused_in_csv(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["ID", "Фамилия", "Примечания"], ["R1", "Иванов", cell]])
    (problem,) = _refused(path).problems
    assert "formula" in problem.reason


@pytest.mark.parametrize("cell", ["+380 67 123-45-67", "-", "+1 (202) 555-0100", "-5"])
def test_numbers_and_phone_numbers_are_values(tmp_path: Path, cell: str) -> None:
    table = read_table(_csv(tmp_path, f"ID;Фамилия;Примечания\nR1;Иванов;{cell}\n"))
    assert table.rows[0][1][2] == cell


def test_a_formula_header_is_refused(tmp_path: Path) -> None:
    (problem,) = _refused(_csv(tmp_path, 'ID;=HYPERLINK("http://x")\nR1;Иванов\n')).problems
    assert (problem.row, problem.column) == (1, "#2 (the header)")


def test_an_xlsx_text_cell_that_looks_like_a_formula_is_refused(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "ok.xlsx", [["ID", "Фамилия"], ["PLACEHOLDER", "Иванов"]])

    def text_cell(name: str, data: bytes) -> bytes:
        # a shared string, not a formula cell
        return data.replace(b"PLACEHOLDER", b'=HYPERLINK("http://x","y")')

    path = _rewrite(src, tmp_path / "t.xlsx", text_cell)
    assert "formula" in str(_refused(path))


def test_written_links_neutralise_formula_looking_cells(tmp_path: Path) -> None:
    link = Link('=HYPERLINK("http://x")', "+1+cmd|x!A0", 0.9, 3.0, "-names agree")
    write_links(tmp_path / "links.csv", [link])
    with (tmp_path / "links.csv").open(encoding="utf-8", newline="") as f:
        _, row = list(csv.reader(f))
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[1] == "'+1+cmd|x!A0"
    assert row[4] == "'-names agree"


def test_an_xlsx_row_written_with_the_quote_prefix_stays_text(tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(limits.xlsx_row(sheet, ["=1+1", "plain", 3]))
    book.save(tmp_path / "w.xlsx")
    row = next(load_workbook(tmp_path / "w.xlsx", read_only=True).worksheets[0].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [("=1+1", "s"), ("plain", "s"), (3, "n")]


def test_a_zip_bomb_is_refused_fast(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "ok.xlsx", PERSONS)
    path = tmp_path / "bomb.xlsx"
    packed = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with zipfile.ZipFile(src) as old, packed as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            if not entry.filename.endswith("sheet1.xml"):
                new.writestr(entry.filename, data)
                continue
            head, _, tail = data.partition(b"</sheetData>")
            with new.open(entry.filename, "w") as f:
                f.write(head + b'<row r="9"><c r="A9" t="inlineStr"><is><t>')
                for _ in range(600):
                    f.write(b"x" * 2**20)
                f.write(b"</t></is></c></row></sheetData>" + tail)
    assert path.stat().st_size < 3 * 2**20
    started = time.perf_counter()
    assert "unpacks to more than" in str(_refused(path))
    assert time.perf_counter() - started < 5


def test_an_entry_that_unpacks_far_beyond_its_packed_size_is_refused(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "ok.xlsx", PERSONS)

    def padded(name: str, data: bytes) -> bytes:
        return data + b" " * 20 * 2**20 if name == "docProps/app.xml" else data

    assert "zip bomb" in str(_refused(_rewrite(src, tmp_path / "b.xlsx", padded)))


def _rows_sheet(src: Path, path: Path, rows: int) -> Path:
    """The workbook with a first sheet of `rows` one-cell rows, stored unpacked (so that the
    count of rows, not the packing ratio, is what refuses it)."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            if entry.filename.endswith("sheet1.xml"):
                head, _, rest = data.partition(b"<sheetData>")
                body = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows
                data = (
                    head
                    + b"<sheetData>"
                    + body
                    + b"</sheetData>"
                    + rest.split(b"</sheetData>", 1)[1]
                )
            new.writestr(entry.filename, data)
    return path


def test_a_sheet_of_three_million_rows_is_refused_in_seconds(tmp_path: Path) -> None:
    path = _rows_sheet(_xlsx(tmp_path / "ok.xlsx", PERSONS), tmp_path / "3m.xlsx", 3_000_000)
    started = time.perf_counter()
    assert "more than 1,048,576 rows" in str(_refused(path))
    assert time.perf_counter() - started < 10


def test_a_csv_of_three_million_rows_is_refused_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "3m.csv"
    path.write_bytes(b"ID,Name\n" + b"R1,N1\n" * 3_000_000)
    started = time.perf_counter()
    assert "more than 1,048,576 rows" in str(_refused(path))
    assert time.perf_counter() - started < 10


def test_a_file_over_the_size_cap_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    path = _csv(tmp_path, "ID;Фамилия\n" + "R1;Иванов\n" * 200)
    assert "larger than" in str(_refused(path))


def test_a_cell_over_the_length_cap_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "ID;Фамилия\nR1;" + "Я" * (limits.MAX_CELL_CHARS + 1) + "\n")
    (problem,) = _refused(path).problems
    assert (problem.row, problem.column) == (2, "family_name (Фамилия)")
    assert "32,767" in problem.reason


def test_a_giant_line_is_refused_before_it_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 10_000)
    from parley.io import tables

    monkeypatch.setattr(tables, "_LONG_LINE", re.compile("(?:^|[\r\n])[^\r\n]{10000}"))
    path = _csv(tmp_path, "ID;Фамилия\nR1;" + ";" * 20_000 + "\n")
    assert "line 2 is longer" in str(_refused(path))


@pytest.mark.parametrize("name", ["missing.csv", "folder"])
def test_a_file_that_cannot_be_read_is_one_refusal(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    assert "cannot be read" in str(_refused(tmp_path / name))


def test_a_device_is_read_no_further_than_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10_000)
    assert "larger than" in str(_refused(Path("/dev/zero")))


def test_every_row_of_a_good_file_is_read(tmp_path: Path) -> None:
    table: RawTable = read_table(_xlsx(tmp_path / "ok.xlsx", PERSONS))
    assert [number for number, _ in table.rows] == [2, 3, 4]


def test_rows_sent_as_json_are_held_to_the_same_cell_rules() -> None:
    from parley.io.rosters import roster_from_rows

    rows = [{"ID": "R1", "Фамилия": "Иванов"}, {"ID": "R\x1b2", "Фамилия": "=1+1"}]
    with pytest.raises(RosterFileError) as info:
        roster_from_rows("sent", rows)
    assert [(p.row, p.column) for p in info.value.problems] == [
        (3, "record_id (ID)"),
        (3, "family_name (Фамилия)"),
    ]
    header = [{"ID": "R1", "=cmd|x!A0": "Иванов"}]
    with pytest.raises(RosterFileError):
        roster_from_rows("sent", header)


def test_an_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    # "billion laughs": nine levels of ten, a gigabyte of text from a few hundred bytes
    entities = b"".join(
        b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10)
    )
    dtd = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY l0 "lol">' + entities + b"]>"
    src = _xlsx(tmp_path / "ok.xlsx", PERSONS)

    def laughs(name: str, data: bytes) -> bytes:
        if not name.endswith("sheet1.xml"):
            return data
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(b"<t>R1</t>", b"<t>&l9;</t>")
        return dtd + body

    started = time.perf_counter()
    assert "not a readable XLSX" in str(_refused(_rewrite(src, tmp_path / "lol.xlsx", laughs)))
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    "cell",
    [
        "Ко\x1bваль",
        "Ко\u202eваль",
        "Ко\nваль",  # quoted: a line break in a cell, not between rows
        "Ко\rваль",
        "Ко\tваль",  # quoted in a tab-separated file
        '=HYPERLINK("x")',
        "Я" * (limits.MAX_CELL_CHARS + 1),
    ],
)
@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_the_fast_reader_of_lists_refuses_what_the_careful_one_does(
    tmp_path: Path, cell: str, delimiter: str
) -> None:
    from parley.io.linkage_input import read_linkage_columns

    path = tmp_path / "l.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        rows = [["ID", "Прізвище"], ["R1", "Коваль"], ["R2", cell]]
        csv.writer(f, delimiter=delimiter).writerows(rows)
    with pytest.raises(RosterFileError) as info:
        read_linkage_columns(path)
    assert info.value.problems[0].row == 3


def test_a_table_of_texts_over_its_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared strings are the part a reader holds whole: a workbook whose table of texts
    unpacks to more than the cap is refused before any of it is parsed."""
    path = _xlsx(tmp_path / "strings.xlsx", [["ID", "Фамилия"], ["R1", "Иванов"]])
    texts = "".join(f"<si><t>Прізвище{i:05d}</t></si>" for i in range(2000))
    table = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{texts}</sst>'
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", table)
    assert len(read_table(path).rows) == 1  # under the cap it is read as before
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS_BYTES", len(table.encode()) - 1)
    assert "table of texts" in str(_refused(path))
