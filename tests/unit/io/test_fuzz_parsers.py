"""Every parser of outside bytes, fuzzed: it answers or refuses with a ParleyError, nothing else
(no IndexError, RecursionError, UnicodeDecodeError, zipfile or XML error escapes)."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from parley.app.documents import read_json_document
from parley.domain.agreements import agreement_from_dict
from parley.errors import ParleyError
from parley.io.tables import read_table
from parley.log.checkpoint import Checkpoint
from parley.log.entry import Header, canonical_json
from parley.log.export import parse_line
from parley.log.note import parse_note
from parley.log.tiles import read_bundle
from parley.log.tlog_proof import TlogProof

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _only_refused(parse: Callable[[], object]) -> None:
    with contextlib.suppress(ParleyError):
        parse()


# CSV: characters that matter to a CSV reader, a spreadsheet and a terminal.
_CSV_CHARS = st.sampled_from(
    [*';,\t"\r\n =+-@\x00\x1b\x07\x85\u202e\u2066\ufeff', "ID", "Прізвище", "1", "Ж", "é"]
)


@FUZZ
@given(body=st.lists(_CSV_CHARS, max_size=80).map("".join))
def test_csv_text(tmp_path: Path, body: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text("ID;Прізвище\n" + body, encoding="utf-8", errors="surrogatepass")
    _only_refused(lambda: read_table(path))


@FUZZ
@given(data=st.binary(max_size=300))
def test_csv_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    _only_refused(lambda: read_table(path))


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Прізвище", "Дата народження"])
    sheet.append(["R1", "Коваль", 1970])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = _workbook()
with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as _zip:
    ENTRIES = {e.filename: _zip.read(e.filename) for e in _zip.infolist()}


@FUZZ
@given(at=st.integers(0, len(WORKBOOK) - 1), junk=st.binary(min_size=1, max_size=8))
def test_xlsx_bytes_damaged(tmp_path: Path, at: int, junk: bytes) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(WORKBOOK[:at] + junk + WORKBOOK[at + len(junk) :])
    _only_refused(lambda: read_table(path))


@FUZZ
@given(
    entry=st.sampled_from(sorted(ENTRIES)),
    cut=st.floats(0, 1),
    junk=st.sampled_from(
        [
            *(b"", b"<", b"&", b"\x00", b'<row r="0">', b'<c r="ZZZZ9"><v>x</v></c>'),
            *(b"<!DOCTYPE x>", b'<c r="A1" t="d"><v>99999-99</v></c>'),
            b'<c r="A2" t="n"><v>1e999</v></c>',
        ]
    ),
    drop=st.booleans(),
)
def test_xlsx_entries_damaged(
    tmp_path: Path, entry: str, cut: float, junk: bytes, drop: bool
) -> None:
    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(path, "w") as new:
        for name, data in ENTRIES.items():
            if name == entry:
                if drop:
                    continue
                at = int(len(data) * cut)
                data = data[:at] + junk + data[at:]
            new.writestr(name, data)
    _only_refused(lambda: read_table(path))


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_AGREEMENT_KEYS = st.sampled_from(
    [
        *("agreement_id", "title", "sides", "mediator", "phases", "phase_id", "ordinal"),
        *("commitments", "commitment_id", "kind", "description", "exchange", "mode", "ratio"),
        *("named", "due_date"),
    ]
)


def _draft() -> dict[str, Any]:
    return {
        "agreement_id": "AG",
        "title": "T",
        "sides": ["UA", "RU"],
        "mediator": "MED",
        "phases": [
            {
                "phase_id": "P",
                "ordinal": 1,
                "title": "t",
                "commitments": [
                    {
                        "commitment_id": "C",
                        "kind": "exchange",
                        "description": "d",
                        "due_date": "2020-01-01",
                        "exchange": {"mode": "named", "ratio": [1, 1], "named": {"UA": ["RU/1"]}},
                    }
                ],
            }
        ],
    }


@FUZZ
@given(key=_AGREEMENT_KEYS, value=_JSON, depth=st.integers(0, 4))
def test_agreement_json_with_one_field_replaced(key: str, value: object, depth: int) -> None:
    draft = _draft()
    # the field at one of the draft's levels: the top, a phase, a commitment, its exchange
    levels: list[dict[str, Any]] = [draft, draft["phases"][0]]
    levels.append(levels[1]["commitments"][0])
    levels.append(levels[2]["exchange"])
    levels.append(levels[3]["named"])
    levels[min(depth, len(levels) - 1)][key] = value
    _only_refused(lambda: agreement_from_dict(draft))


@FUZZ
@given(value=_JSON)
def test_agreement_json_of_any_shape(value: object) -> None:
    _only_refused(lambda: agreement_from_dict(value))


@FUZZ
@given(data=st.binary(max_size=200) | _JSON.map(lambda v: json.dumps(v).encode()))
def test_json_documents(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(data)
    _only_refused(lambda: read_json_document(path))


_LINE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "index": _JSON | st.integers(-5, 2**53 - 1),
        "header": _JSON | st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()),
        "payload": _JSON,
        "salt": _JSON,
        "signature": _JSON,
        "payload_withheld": _JSON,
        "command": _JSON,
        "command_body": _JSON,
    },
)


@FUZZ
@given(line=_LINE_FIELDS.map(lambda d: canonical_json(d) + b"\n") | st.binary(max_size=200))
def test_export_lines(line: bytes) -> None:
    _only_refused(lambda: parse_line(line, 1))


_HEADER = st.fixed_dictionaries(
    {},
    optional={
        k: _JSON | st.text(alphabet="0123456789abcdef", min_size=16, max_size=64)
        for k in ("actor", "command", "index", "key_id", "payload_commitment", "signer")
    }
    | {"time": _JSON | st.just("2019-07-10T09:00:01.000000Z"), "type": _JSON, "v": _JSON},
)


@FUZZ
@given(header=_HEADER.map(canonical_json) | st.binary(max_size=120))
def test_entry_headers(header: bytes) -> None:
    _only_refused(lambda: Header.from_bytes(header))


_NOTE_CHARS = st.sampled_from(
    ["example.org/log\n", "12\n", "AAAA=\n", "\n", "— ", "parley ", "AQID+/==", "\x00", "\u202e"]
)


@FUZZ
@given(note=st.lists(_NOTE_CHARS, max_size=12).map("".join) | st.text(max_size=80))
def test_notes_and_checkpoints(note: str) -> None:
    _only_refused(lambda: parse_note(note.encode("utf-8", "surrogatepass")))
    _only_refused(lambda: Checkpoint.parse(note))


@FUZZ
@given(data=st.binary(max_size=200))
def test_proofs_and_bundles(data: bytes) -> None:
    _only_refused(lambda: TlogProof.parse(data))
    _only_refused(lambda: read_bundle(data))
