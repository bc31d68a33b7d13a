"""Hostile and careless input through the real `parley` command: per entry point, how many
tries, refused cleanly (one line, non-zero exit), accepted wrongly (exit 0) and tracebacks.

    .venv/bin/python benchmarks/hostile_inputs.py            # every case, a demo instance
    .venv/bin/python benchmarks/hostile_inputs.py --verbose  # each case's first error line
    .venv/bin/python benchmarks/hostile_inputs.py --seconds 120 --workers 8 --rounds 10

Then (hostile_integrity.py) tampering tried / detected, export and live; SIGKILL points
tried / clean; the load run's writes and errors (`--inputs-only` leaves these out).

Target: zero accepted wrongly and zero tracebacks. A refusal must also not quote the
passport number planted in every roster here (personal data never reaches an error line).
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from typer.testing import CliRunner

from parley.cli.main import app
from parley.log.entry import canonical_json

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_integrity  # type: ignore[import-not-found]  # a script beside this one

PASSPORT = "FX7734921"  # planted in the rosters: never in an error line
HEADER = ["ID", "Прізвище", "Ім'я", "Дата народження", "Номер паспорта", "Примітки"]
GOOD = ["H-1", "Коваль", "Петро", "1980-02-03", PASSPORT, ""]


@dataclass(frozen=True)
class Case:
    entry: str  # the entry point, as the figures group them
    name: str
    argv: Callable[[Path, Path], list[str]]  # (folder of files, data dir) -> argv after --data-dir
    # what must happen: "refuse" (non-zero, one line), or a check of the accepted outcome
    accept: Callable[[Path, Path, str], bool] | None = None


def _csv(folder: Path, name: str, rows: list[list[str]], delimiter: str = ";") -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def _text(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _xlsx(folder: Path, name: str, rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = change(entry.filename, old.read(entry.filename))
            if data is not None:
                new.writestr(entry.filename, data)
    return dst


def _good_xlsx(folder: Path) -> Path:
    return _xlsx(folder, "good.xlsx", [HEADER, GOOD, ["H-2", "Бойко", "Іван", "1979", "", ""]])


def _bomb(folder: Path) -> Path:
    src = _good_xlsx(folder)
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
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
    return path


def _many_rows(folder: Path) -> Path:
    path = folder / "3m.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("ID;Прізвище\n")
        f.writelines(f"R{n};N{n}\n" for n in range(3_000_000))
    return path


def _import(make: Callable[[Path], Path]) -> Callable[[Path, Path], list[str]]:
    return lambda folder, _: [
        "roster",
        "import",
        str(make(folder)),
        "--party",
        "UA",
        "--kind",
        "held",
        "--merge",
    ]


def _row(*cells: str) -> Callable[[Path], Path]:
    """A roster whose second person has these first cells."""
    return lambda folder: _csv(folder, "r.csv", [HEADER, GOOD, [*cells, *GOOD[len(cells) :]]])


def _agreement(change: Callable[[dict[str, object]], object]) -> Callable[[Path, Path], list[str]]:
    def argv(folder: Path, _: Path) -> list[str]:
        draft: dict[str, object] = {
            "agreement_id": "AG-X",
            "title": "Test",
            "sides": ["UA", "RU"],
            "mediator": "MED",
            "phases": [
                {
                    "phase_id": "PX1",
                    "ordinal": 1,
                    "title": "One",
                    "commitments": [
                        {
                            "commitment_id": "CX-1",
                            "kind": "exchange",
                            "description": "d",
                            "exchange": {"mode": "ratio", "ratio": [1, 1], "named": {}},
                        }
                    ],
                }
            ],
        }
        doc = change(draft)
        text = doc if isinstance(doc, str) else json.dumps(doc)
        return ["agreement", "draft", str(_text(folder, "ag.json", text))]

    return argv


def _set(path: str, value: object) -> Callable[[dict[str, object]], object]:
    def change(draft: dict[str, object]) -> object:
        target: object = draft
        *parents, last = path.split(".")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]  # type: ignore[index]
        target[last] = value  # type: ignore[index]
        return draft

    return change


def _export_line(
    change: Callable[[dict[str, object]], object],
) -> Callable[[Path, Path], list[str]]:
    """An export of the instance, its first log line changed."""

    def argv(folder: Path, data: Path) -> list[str]:
        out = folder / "exp"
        if not out.exists():
            result = CliRunner().invoke(app, ["--data-dir", str(data), "export", "--out", str(out)])
            assert result.exit_code == 0, result.output
        lines = (out / "log.jsonl").read_text(encoding="utf-8").splitlines()
        first = json.loads(lines[0])
        changed = change(first)
        lines[0] = changed if isinstance(changed, str) else json.dumps(changed)
        (out / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["verify", str(out)]

    return argv


def _header(change: Callable[[dict[str, object]], object]) -> Callable[[Path, Path], list[str]]:
    """An export whose first entry's header (inside its base64) is changed, the line kept
    canonical: the reader past the line's own checks meets it."""

    def line(entry: dict[str, object]) -> str:
        header = json.loads(base64.b64decode(str(entry["header"])))
        entry["header"] = base64.b64encode(canonical_json(change(header))).decode()
        return canonical_json(entry).decode()

    return _export_line(line)


def _exported(drop: str) -> Callable[[Path, Path], list[str]]:
    def argv(folder: Path, data: Path) -> list[str]:
        out = folder / "exp"
        result = CliRunner().invoke(app, ["--data-dir", str(data), "export", "--out", str(out)])
        assert result.exit_code == 0, result.output
        (out / drop).unlink()
        return ["verify", str(out)]

    return argv


def _keys_file(text: str) -> Callable[[Path, Path], list[str]]:
    def argv(folder: Path, data: Path) -> list[str]:
        out = folder / "exp"
        result = CliRunner().invoke(app, ["--data-dir", str(data), "export", "--out", str(out)])
        assert result.exit_code == 0, result.output
        return ["verify", str(out), "--keys", str(_text(folder, "keys.json", text))]

    return argv


def _all_rows_read(folder: Path, data: Path, output: str) -> bool:
    result = CliRunner().invoke(app, ["--data-dir", str(data), "person", "UA/H-3"])
    return result.exit_code == 0


def cases() -> list[Case]:
    def stale_dimension(folder: Path) -> Path:
        rows = [
            HEADER,
            GOOD,
            ["H-2", "Бойко", "Іван", "", "", ""],
            ["H-3", "Ткач", "Олег", "", "", ""],
        ]
        src = _xlsx(folder, "ok.xlsx", rows)
        return _rewrite(
            src,
            folder / "stale.xlsx",
            lambda n, d: (
                re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', d)
                if n.endswith("sheet1.xml")
                else d
            ),
        )

    def broken_xml(folder: Path) -> Path:
        return _rewrite(
            _good_xlsx(folder),
            folder / "broken.xlsx",
            lambda n, d: d[:-40] if n.endswith("sheet1.xml") else d,
        )

    def no_sheet(folder: Path) -> Path:
        return _rewrite(
            _good_xlsx(folder),
            folder / "nosheet.xlsx",
            lambda n, d: (
                re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d) if n == "xl/workbook.xml" else d
            ),
        )

    def xlsx_text_formula(folder: Path) -> Path:
        src = _xlsx(folder, "ok.xlsx", [HEADER, GOOD, ["PLACEHOLDER", "Бойко", "Іван", "", "", ""]])
        return _rewrite(
            src,
            folder / "f.xlsx",
            lambda n, d: d.replace(b"PLACEHOLDER", b'=HYPERLINK("http://x","y")'),
        )

    imports = [
        Case(
            "roster import",
            "XLSX with a stale <dimension>",
            _import(stale_dimension),
            _all_rows_read,
        ),
        Case("roster import", "XLSX with broken XML", _import(broken_xml)),
        Case("roster import", "XLSX with no sheet", _import(no_sheet)),
        Case(
            "roster import",
            "XLSX that is not a zip",
            _import(lambda f: _text(f, "x.xlsx", "ID;x\n1;2\n")),
        ),
        Case("roster import", "XLSX zip bomb (2.3 MB -> 600 MB)", _import(_bomb)),
        Case("roster import", "CSV of 3,000,000 rows", _import(_many_rows)),
        Case(
            "roster import",
            "unclosed quote",
            _import(
                lambda f: _text(
                    f,
                    "q.csv",
                    ";".join(HEADER) + f'\nH-1;"Коваль;Петро;;{PASSPORT};\nH-2;Бойко;Іван;;;\n',
                )
            ),
        ),
        Case(
            "roster import",
            "short row",
            _import(
                lambda f: _text(
                    f,
                    "s.csv",
                    ";".join(HEADER) + f"\nH-1;Коваль;Петро;1980;{PASSPORT};\nH-2;Бойко\n",
                )
            ),
        ),
        Case(
            "roster import", "long row", _import(_row("H-2", "Бойко", "Іван", "", "", "", "лишнє"))
        ),
        Case("roster import", "ESC in an id", _import(_row("H-\x1b[2J2", "Бойко"))),
        Case("roster import", "BEL in a name", _import(_row("H-2", "Бой\x07ко"))),
        Case("roster import", "newline in an id", _import(_row("H-\n2", "Бойко"))),
        Case("roster import", "C1 control in a name", _import(_row("H-2", "Бой\x9bко"))),
        Case("roster import", "U+202E in a name", _import(_row("H-2", "\u202eокйоБ"))),
        Case("roster import", "U+2066 in a name", _import(_row("H-2", "Бой\u2066ко"))),
        Case(
            "roster import",
            "formula in the header",
            _import(lambda f: _csv(f, "h.csv", [[*HEADER[:-1], '=HYPERLINK("http://x")'], GOOD])),
        ),
        Case(
            "roster import",
            "=HYPERLINK as a CSV id",
            _import(_row('=HYPERLINK("http://x","y")', "Бойко")),
        ),
        Case("roster import", "=HYPERLINK in an XLSX text cell", _import(xlsx_text_formula)),
        Case(
            "roster import", "@SUM in a name", _import(_row("H-2", "@SUM(1+1)*cmd|' /C calc'!A0"))
        ),
        Case("roster import", "tab-prefixed formula", _import(_row("H-2", "\t=1+2"))),
        Case(
            "roster import",
            "a birth date in the future",
            _import(_row("H-2", "Бойко", "Іван", "2999-01-01")),
        ),
        Case("roster import", "a 200-character id", _import(_row("H-" + "9" * 198, "Бойко"))),
        Case(
            "roster import",
            "missing file",
            lambda f, _: [
                "roster",
                "import",
                str(f / "none.csv"),
                "--party",
                "UA",
                "--kind",
                "held",
            ],
        ),
        Case(
            "roster import",
            "a folder",
            lambda f, _: ["roster", "import", str(f), "--party", "UA", "--kind", "held"],
        ),
        Case(
            "roster import",
            "binary file",
            _import(lambda f: _text(f, "b.csv", bytes(range(256)) * 8)),
        ),
    ]
    search = [
        Case(
            "search", "--queries missing", lambda f, _: ["search", "--queries", str(f / "none.csv")]
        ),
        Case(
            "search",
            "--queries binary",
            lambda f, _: ["search", "--queries", str(_text(f, "q.csv", bytes(range(256)) * 8))],
        ),
        Case("search", "--queries a folder", lambda f, _: ["search", "--queries", str(f)]),
        Case(
            "search",
            "--queries without a query column",
            lambda f, _: ["search", "--queries", str(_text(f, "q.csv", "name\nКоваль\n"))],
        ),
        Case(
            "search",
            "--queries with an ESC",
            lambda f, _: ["search", "--queries", str(_text(f, "q.csv", "query\nКо\x1bваль\n"))],
        ),
    ]

    def link(out: Callable[[Path], Path]) -> Callable[[Path, Path], list[str]]:
        def argv(folder: Path, _: Path) -> list[str]:
            left = _csv(folder, "l.csv", [HEADER, GOOD])
            right = _csv(folder, "r.csv", [HEADER, GOOD])
            return ["link", str(left), str(right), "-o", str(out(folder))]

        return argv

    links = [
        Case("link", "-o into a folder", link(lambda f: f)),
        Case("link", "-o into a missing folder", link(lambda f: f / "none" / "links.csv")),
        Case(
            "link",
            "a missing list",
            lambda f, _: ["link", str(f / "none.csv"), str(f / "none.csv"), "-o", str(f / "o.csv")],
        ),
        Case(
            "link",
            "a list with a bidi override",
            lambda f, _: [
                "link",
                str(_csv(f, "l.csv", [HEADER, ["H-\u202e1", "Коваль"]])),
                str(_csv(f, "r.csv", [HEADER, GOOD])),
                "-o",
                str(f / "o.csv"),
            ],
        ),
    ]

    def deep(_: dict[str, object]) -> str:
        return "[" * 100_000 + "]" * 100_000

    agreements = [
        Case(
            "agreement draft",
            "missing file",
            lambda f, _: ["agreement", "draft", str(f / "none.json")],
        ),
        Case("agreement draft", "not JSON", _agreement(lambda d: "{not json")),
        Case(
            "agreement draft",
            "binary",
            lambda f, _: ["agreement", "draft", str(_text(f, "b.json", bytes(range(256))))],
        ),
        Case("agreement draft", "a short `sides`", _agreement(_set("sides", ["UA"]))),
        Case(
            "agreement draft",
            "a short `ratio`",
            _agreement(_set("phases.0.commitments.0.exchange.ratio", [1])),
        ),
        Case("agreement draft", "deep JSON", _agreement(deep)),
        Case("agreement draft", '"title": null', _agreement(_set("title", None))),
        Case("agreement draft", "a number for a title", _agreement(_set("title", 5))),
        Case("agreement draft", "a list for the document", _agreement(lambda d: [1, 2])),
        Case("agreement draft", "phases as a string", _agreement(_set("phases", "x"))),
        Case(
            "agreement draft",
            "a bad date",
            _agreement(_set("phases.0.commitments.0.due_date", "2020-13-45")),
        ),
        Case("agreement draft", "ESC in the title", _agreement(_set("title", "T\x1b[2Jx"))),
    ]
    batches = [
        Case(
            "batch propose",
            "--cap tanks=5",
            lambda f, _: ["batch", "propose", "--commitment", "P2-EX", "--cap", "tanks=5"],
        ),
        Case(
            "batch propose",
            "--cap without =",
            lambda f, _: ["batch", "propose", "--commitment", "P2-EX", "--cap", "five"],
        ),
        Case(
            "batch propose",
            "--cap civilian=x",
            lambda f, _: ["batch", "propose", "--commitment", "P2-EX", "--cap", "civilian=x"],
        ),
    ]
    exports = [
        Case(
            "export",
            "into a non-empty folder",
            lambda f, _: ["export", "--out", str(_text(f, "x.txt", "x").parent)],
        ),
        Case(
            "export", "onto a file", lambda f, _: ["export", "--out", str(_text(f, "x.txt", "x"))]
        ),
        Case(
            "log entry",
            "--out into a missing folder",
            lambda f, _: ["log", "entry", "--index", "0", "--out", str(f / "none" / "e.bin")],
        ),
        Case(
            "log entry",
            "--out onto a folder",
            lambda f, _: ["log", "entry", "--index", "0", "--out", str(f)],
        ),
        Case(
            "log entry",
            "an index beyond SQLite's integers",
            lambda f, _: ["log", "entry", "--index", str(2**70), "--out", str(f / "e.bin")],
        ),
        Case(
            "log entry",
            "an index past the end",
            lambda f, _: ["log", "entry", "--index", "99999999", "--out", str(f / "e.bin")],
        ),
    ]
    verify = [
        Case("verify", "a folder without keys.json", _exported("keys.json")),
        Case("verify", "a folder without log.jsonl", _exported("log.jsonl")),
        Case("verify", "a missing folder", lambda f, _: ["verify", str(f / "none")]),
        Case(
            "verify",
            "a line's index as text",
            _export_line(lambda e: canonical_json({**e, "index": "zero"}).decode()),
        ),
        Case("verify", "a line as a list", _export_line(lambda e: "[1,2]")),
        Case(
            "verify",
            "a header's index as text (TypeError)",
            _header(lambda h: {**h, "index": "zero"}),
        ),
        Case("verify", "a header's time as a number", _header(lambda h: {**h, "time": 5})),
        Case(
            "verify",
            "a header without its type",
            _header(lambda h: {k: v for k, v in h.items() if k != "type"}),
        ),
        Case("verify", "a header as a list", _header(lambda h: [1, 2])),
        Case("verify", "a header's actor as null", _header(lambda h: {**h, "actor": None})),
        Case("verify", "a header's v as 99", _header(lambda h: {**h, "v": 99})),
        Case("verify", "a line that is not JSON", _export_line(lambda e: "{x")),
        Case("verify", "a deep line", _export_line(lambda e: "[" * 100_000 + "]" * 100_000)),
        Case(
            "verify",
            "non-hex --keys",
            _keys_file('[{"party_id": "MED", "key_id": "k", "public_key": "zz"}]'),
        ),
        Case("verify", "--keys not JSON", _keys_file("not json")),
        Case("verify", "--keys a dict", _keys_file('{"a": 1}')),
    ]
    keys = [
        Case(
            "party add",
            "--key not hex",
            lambda f, _: ["party", "add", "ZZ", "--name", "Z", "--key", "zz"],
        ),
        Case(
            "party add",
            "--public-key a file not hex",
            lambda f, _: [
                "party",
                "add",
                "ZZ",
                "--name",
                "Z",
                "--public-key",
                str(_text(f, "k.txt", "not hex")),
            ],
        ),
        Case(
            "party add",
            "--public-key a binary file",
            lambda f, _: [
                "party",
                "add",
                "ZZ",
                "--name",
                "Z",
                "--public-key",
                str(_text(f, "k.bin", bytes(range(256)))),
            ],
        ),
        Case(
            "party add",
            "--public-key missing",
            lambda f, _: ["party", "add", "ZZ", "--name", "Z", "--public-key", str(f / "none")],
        ),
        Case(
            "party add",
            "a 200-character party id",
            lambda f, _: ["party", "add", "P" * 200, "--name", "Z", "--local-key"],
        ),
        Case(
            "command line",
            "ESC in a report's text",
            lambda f, _: [
                "report",
                "--commitment",
                "P2-CF",
                "--kind",
                "observation",
                "--place",
                "x",
                "--text",
                "a\x1b[2Jb",
                "--as",
                "SMM",
                "--date",
                "2020-01-01",
            ],
        ),
        Case(
            "command line",
            "U+202E in a party name",
            lambda f, _: ["party", "add", "ZZ", "--name", "\u202eZZ"],
        ),
    ]
    database = [
        Case("database", "a write while another process holds it", _held_database),
        Case(
            "database",
            "a 200-character party id on PostgreSQL",
            _on_postgres(["party", "add", "P" * 200, "--name", PASSPORT, "--local-key"]),
        ),
        Case(
            "database",
            "a 200-character record id on PostgreSQL",
            _on_postgres(
                ["roster", "import", "ROSTER", "--party", "UA", "--kind", "held"],
                [["H-" + "9" * 198, "Бойко", "Іван", "", PASSPORT, ""]],
            ),
        ),
        Case(
            "database",
            "an index beyond SQLite's integers",
            lambda f, _: ["log", "checkpoint", "--size", str(2**70)],
        ),
    ]
    return imports + search + links + agreements + batches + exports + verify + keys + database


# Work a case leaves to undo once its command has run (a lock holder, a schema, a setting).
_AFTER: list[Callable[[], None]] = []

_HOLD = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _held_database(folder: Path, data: Path) -> list[str]:
    """Another process holds the write lock longer than a write waits (cut to 2 s here)."""
    import subprocess
    import sys

    from parley.store import engine

    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(data / "parley.db"), "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    waited = engine.BUSY_TIMEOUT_MS
    engine.BUSY_TIMEOUT_MS = 2000

    def undo() -> None:
        holder.kill()
        holder.wait()
        engine.BUSY_TIMEOUT_MS = waited

    _AFTER.append(undo)
    return [
        "roster",
        "import",
        str(_csv(folder, "r.csv", [HEADER, GOOD])),
        "--party",
        "RU",
        "--kind",
        "held",
    ]


def _on_postgres(
    argv: list[str], rows: list[list[str]] | None = None
) -> Callable[[Path, Path], list[str]]:
    """The command on a fresh instance on PostgreSQL (PARLEY_TEST_POSTGRES_URL or the local
    server's `test` database), with UA and RU registered."""

    def made(folder: Path, _: Path) -> list[str]:
        import os
        import uuid

        from sqlalchemy import create_engine, text

        url = os.environ.get(
            "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
        schema = f"hostile_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        before = os.environ.get("PARLEY_DATABASE_URL")
        os.environ["PARLEY_DATABASE_URL"] = f"{url}?options=-csearch_path%3D{schema}"

        def undo() -> None:
            if before is None:
                os.environ.pop("PARLEY_DATABASE_URL", None)
            else:
                os.environ["PARLEY_DATABASE_URL"] = before
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        _AFTER.append(undo)
        pg = folder / "pg"
        for setup in (
            ["init"],
            *(["party", "add", p, "--name", p, "--local-key"] for p in ("UA", "RU")),
        ):
            done = CliRunner().invoke(app, ["--data-dir", str(pg), *setup])
            assert done.exit_code == 0, done.output
        roster = _csv(folder, "pg.csv", [HEADER, GOOD, *(rows or [])])
        return ["--data-dir", str(pg), *(str(roster) if a == "ROSTER" else a for a in argv)]

    return made


@dataclass
class Outcome:
    case: Case
    verdict: str  # refused, accepted, wrong, traceback
    line: str
    seconds: float


def run(case: Case, base: Path, scratch: Path) -> Outcome:
    data = scratch / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(base, data)
    folder = scratch / "files"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    try:
        argv = ["--data-dir", str(data), *case.argv(folder, data)]
        started = time.perf_counter()
        result = CliRunner().invoke(app, argv)
        seconds = time.perf_counter() - started
    finally:
        while _AFTER:
            _AFTER.pop()()
    output = result.output
    lines = [line for line in output.splitlines() if line.strip()]
    first = next(
        (line for line in lines if "rror" in line or "efused" in line), lines[0] if lines else ""
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        name = type(result.exception).__name__
        return Outcome(case, "traceback", f"{name}: {str(result.exception)[:120]}", seconds)
    if "Traceback" in output:
        return Outcome(case, "traceback", first, seconds)
    if PASSPORT in output and result.exit_code != 0:
        return Outcome(case, "wrong", f"the passport number is in the error: {first}", seconds)
    if case.accept is not None:
        ok = result.exit_code == 0 and case.accept(folder, data, output)
        return Outcome(case, "accepted" if ok else "wrong", first, seconds)
    if result.exit_code == 0:
        return Outcome(case, "wrong", "accepted: " + (lines[-1] if lines else ""), seconds)
    return Outcome(case, "refused", first, seconds)


# The sweep: every command, one parameter at a time given a hostile value, the others a sane
# one. It cannot tell a wrong acceptance from a right one; it counts tracebacks.
_SKIP = {"demo", "serve", "sync", "witness serve", "desk link"}
_SANE = {
    "--party": "UA",
    "--as": "MED",
    "--kind": "held",
    "batch_id": "B1",
    "--commitment": "P2-EX",
    "commitment": "P2-EX",
    "record": "UA:held/UA-H-00001",
    "--person": "UA:held/UA-H-00001",
    "persons": "UA/UA-H-00001",
    "person": "UA/UA-H-00001",
    "--to": "presented",
    "--name": "N",
    "party_id": "ZZ",
    "--key-id": "0000000000000000",
    "--reason": "r",
    "--index": "0",
    "--from": "1",
    "agreement_id": "ROADMAP-2019",
    "--hash": "00",
    "--place": "x",
    "--status": "1",
    "mid": "x",
    "--why": "w",
    "left": "UA:held/UA-H-00001",
    "right": "RU:sought/RU-S-00001",
}
_TEXTS = ["", "\x1b[2J\x07", "X" * 5000, "../../x", "\u202eAU", "UA/\x00", "-1", "9999-99-99"]
_NUMBERS = ["-1", "0", str(2**70), "nan", "1e309"]


def _annotation(param: object) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    return str(getattr(descriptor, "annotation", descriptor))


def _hostile_paths(folder: Path) -> list[str]:
    return [
        str(folder / "none"),
        str(folder),
        str(_text(folder, "bin.csv", bytes(range(256)) * 16)),
        str(_text(folder, "empty.json", "")),
        str(_text(folder, "esc.txt", "\x1b[2J" + PASSPORT + "\n")),
        str(folder / "none" / "x.csv"),
    ]


def sweep(base: Path, scratch: Path, only: str | None = None) -> list[Outcome]:
    """One run a (command, parameter, hostile value)."""
    import typer.main

    root = typer.main.get_command(app)

    def commands(group: object, path: list[str]) -> list[tuple[list[str], Any]]:
        subs = getattr(group, "commands", None)
        if not subs:
            return [(path, group)]
        return [c for name, sub in subs.items() for c in commands(sub, [*path, name])]

    outcomes = []
    for path, command in commands(root, []):
        if " ".join(path) in _SKIP or (only and only not in " ".join(path)):
            continue
        params = [
            p for p in command.params if p.name != "help" and not getattr(p, "is_flag", False)
        ]
        for target in params:
            kind = _annotation(target)
            values: list[str] | None = None
            if "Path" in kind:
                values = ["PATHS"]
            elif "int" in kind or "float" in kind:
                values = _NUMBERS
            elif "str" in kind or "datetime" in kind:
                values = _TEXTS
            for value in values or []:
                case = Case(
                    "sweep",
                    f"{' '.join(path)} {target.name}={value[:12]!r}",
                    _sweep_argv(path, params, target, value),
                )
                outcomes.extend(_expand(case, base, scratch))
    return outcomes


def _sweep_argv(
    path: list[str], params: list[Any], target: Any, value: str
) -> Callable[[Path, Path], list[str]]:
    def argv(folder: Path, _: Path) -> list[str]:
        args = list(path)
        for p in params:
            if p is target:
                given = value
            elif p.required:
                kind = _annotation(p)
                opt = (
                    p.opts[0] if getattr(p, "opts", None) and p.opts[0].startswith("-") else p.name
                )
                if "Path" in kind:
                    given = str(_csv(folder, "good.csv", [HEADER, GOOD]))
                else:
                    given = _SANE.get(opt, "1" if "int" in kind else "x")
            else:
                continue
            if getattr(p, "opts", None) and p.opts[0].startswith("-"):
                args += [p.opts[0], given]
            else:
                args.append(given)
        return args

    return argv


def _expand(case: Case, base: Path, scratch: Path) -> list[Outcome]:
    """A sweep case whose value is PATHS runs once per hostile path."""
    if "'PATHS'" not in case.name:
        return [_swept(run(case, base, scratch))]
    outcomes = []
    for i in range(6):

        def argv(folder: Path, data: Path, i: int = i) -> list[str]:
            hostile = _hostile_paths(folder)[i]
            return [hostile if a == "PATHS" else a for a in case.argv(folder, data)]

        named = Case(case.entry, case.name.replace("'PATHS'", f"path#{i}"), argv)
        outcomes.append(_swept(run(named, base, scratch)))
    return outcomes


def _swept(outcome: Outcome) -> Outcome:
    """In the sweep an acceptance is not judged wrong: the value may be a fine one."""
    if outcome.verdict == "wrong" and not outcome.line.startswith("the passport"):
        outcome.verdict = "accepted"
    return outcome


def demo_instance(folder: Path) -> Path:
    data = folder / "base"
    result = CliRunner().invoke(app, ["--data-dir", str(data), "demo", "--size", "40"])
    assert result.exit_code == 0, result.output
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="each case's first error line")
    parser.add_argument("--only", help="run the cases whose entry point or name holds this")
    parser.add_argument("--base", type=Path, help="a data directory `parley demo` made")
    parser.add_argument(
        "--sweep", action="store_true", help="also every command's every parameter (minutes)"
    )
    parser.add_argument("--seconds", type=float, default=20, help="the load run's length")
    parser.add_argument("--workers", type=int, default=4, help="the load run's processes")
    parser.add_argument("--rounds", type=int, default=3, help="appends killed, this many times")
    parser.add_argument(
        "--inputs-only",
        action="store_true",
        help="only the first table (no tampering, kills, load)",
    )
    args = parser.parse_args()
    chosen = [c for c in cases() if not args.only or args.only in c.entry or args.only in c.name]
    with tempfile.TemporaryDirectory() as tmp:
        base = args.base or demo_instance(Path(tmp))
        outcomes = [run(case, base, Path(tmp)) for case in chosen]
        if args.sweep:
            outcomes += sweep(base, Path(tmp), args.only if args.only != "sweep" else None)
    counts: dict[str, Counter[str]] = {}
    for o in outcomes:
        counts.setdefault(o.case.entry, Counter())[o.verdict] += 1
        if args.verbose or o.verdict in ("wrong", "traceback"):
            print(f"  {o.verdict:9} {o.case.entry} / {o.case.name} ({o.seconds:.1f} s): {o.line}")
    print(
        f"{'entry point':18} {'tried':>5} {'refused cleanly':>15} {'accepted wrongly':>16} {'tracebacks':>10}"
    )
    total: Counter[str] = Counter()
    for entry, c in counts.items():
        tried = sum(c.values())
        total.update(c)
        clean = c["refused"] + c["accepted"]
        print(f"{entry:18} {tried:5} {clean:15} {c['wrong']:16} {c['traceback']:10}")
    print(
        f"{'all':18} {sum(total.values()):5} {total['refused'] + total['accepted']:15} {total['wrong']:16} {total['traceback']:10}"
    )
    if not args.inputs_only:
        with tempfile.TemporaryDirectory() as tmp:
            hostile_integrity.report(
                Path(tmp),
                rounds=args.rounds,
                workers=args.workers,
                seconds=args.seconds,
                verbose=args.verbose,
            )


if __name__ == "__main__":
    main()
