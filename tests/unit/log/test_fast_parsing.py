"""The fast paths of verification parse exactly as the general JSON path: whatever they accept,
the general path accepts with the same result, and any bytes they do not take go to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.log import entry as entry_mod
from parley.log import export
from parley.log.entry import EntryError, Header, StoredEntry
from parley.log.export import UNSIGNED_END, ExportError, entry_line, parse_line

T = TypeVar("T")
NEVER = re.compile(rb"(?!)")

# names with quotes, backslashes, control characters and characters beyond the BMP
TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["MED", 'a"b', "a\\b", "\x00", "\x7f", "é", "😀", ""]
)


@st.composite
def headers(draw: st.DrawFn) -> Header:
    return Header(
        index=draw(st.integers(0, 2**53 - 1) | st.integers(0, 2000)),
        type=draw(TEXT),
        actor=draw(TEXT),
        key_id=draw(TEXT | st.just("9ee34bd2b0bb6b15")),
        time=draw(TEXT | st.just("2026-11-25T06:00:00.000000Z")),
        payload_commitment=draw(st.binary(min_size=32, max_size=32)),
        # v2 binds a command's digest and names the run's signer; also one without the other
        command=draw(st.none() | st.binary(min_size=32, max_size=32)),
        signer=draw(st.none() | TEXT | st.just("1f2bb5b4563b42a3")),
    )


def _mutate(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, value in flips:
        if out:
            out[at % len(out)] = value
    return bytes(out)


FLIPS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=3)


def _outcome(parse: Callable[[], T], errors: tuple[type[Exception], ...]) -> T | str:
    try:
        return parse()
    except errors:
        return "refused"


def _general_header(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Header | str:
    with monkeypatch.context() as m:
        m.setattr(entry_mod, "_HEADER", NEVER)
        return _outcome(lambda: Header.from_bytes(data), (EntryError,))


@settings(max_examples=400)
@given(header=headers(), flips=FLIPS)
def test_header_fast_path_equals_the_general_path(
    header: Header, flips: list[tuple[int, int]]
) -> None:
    data = _mutate(header.to_bytes(), flips)
    with pytest.MonkeyPatch.context() as m:
        general = _general_header(data, m)
    assert _outcome(lambda: Header.from_bytes(data), (EntryError,)) == general
    if not flips and (header.command is None) == (header.signer is None):
        assert general == header  # (a command without its signer is no header: refused)


@st.composite
def stored(draw: st.DrawFn) -> StoredEntry:
    erased = draw(st.booleans())
    payload = draw(TEXT | st.sampled_from(['{"a":"b"}', '{"note":"x\\"y"}', "{}"]))
    return StoredEntry(
        index=draw(st.integers(0, 2**53 - 1) | st.integers(0, 2000)),
        header=draw(st.binary(max_size=40)),
        signature=draw(st.none() | st.binary(max_size=70)),
        payload=None if erased else payload.encode("utf-8"),
        salt=None if erased else draw(st.binary(max_size=20)),
    )


@settings(max_examples=400)
@given(e=stored(), flips=FLIPS)
def test_line_fast_path_equals_parse_line(e: StoredEntry, flips: list[tuple[int, int]]) -> None:
    raw = _mutate(entry_line(e) + b"\n", flips)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(export, "_LINE", NEVER)
        general = _outcome(lambda: parse_line(raw, 1), (ExportError,))
    assert _outcome(lambda: parse_line(raw, 1), (ExportError,)) == general
    if not flips:
        assert general == e


def test_the_fast_paths_take_the_usual_forms() -> None:
    header = Header(7, "commitment.status_set", "MED", "9ee34bd2b0bb6b15", "t", b"\x01" * 32)
    assert entry_mod._HEADER.fullmatch(header.to_bytes())
    bound = replace(header, command=b"\x02" * 32, signer="1f2bb5b4563b42a3")
    assert entry_mod._HEADER.fullmatch(bound.to_bytes())
    assert Header.from_bytes(bound.to_bytes()) == bound
    e = StoredEntry(7, header.to_bytes(), b"s" * 64, b'{"note":"x","status":1}', b"k" * 16)
    assert export._LINE.fullmatch(entry_line(e) + b"\n")
    inside = StoredEntry(7, header.to_bytes(), None, b'{"note":"x","status":1}', b"k" * 16)
    assert export._LINE.fullmatch(entry_line(inside) + b"\n")
    assert (entry_line(inside) + b"\n").endswith(UNSIGNED_END)
    assert not (entry_line(e) + b"\n").endswith(UNSIGNED_END)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"salt":"a2tr', b'"salt":"a2t\\u0072'),  # an escape in base64 text
        (b'"salt":"a2tr', b'"salt":"a2t*'),  # outside the alphabet
        (b'"salt":"a2tr', b'"salt":"a2t\xc3\xa9'),  # not even ASCII
        (b'raw=="', b'rax=="'),  # padding bits that are not zero: a second spelling
        (b'raw=="', b'raw"'),  # the padding left out
        (b'"x\\",', b'"x\x01",'),  # a bare control character in the payload
    ],
)
def test_what_the_line_fast_path_leaves_to_the_general_path(old: bytes, new: bytes) -> None:
    header = Header(7, "commitment.status_set", "MED", "9ee34bd2b0bb6b15", "t", b"\x01" * 32)
    e = StoredEntry(7, header.to_bytes(), None, b'{"note":"x","status":1}', b"k" * 16)
    line = entry_line(e) + b"\n"
    assert old in line
    raw = line.replace(old, new)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(export, "_LINE", NEVER)
        general = _outcome(lambda: parse_line(raw, 1), (ExportError,))
    assert _outcome(lambda: parse_line(raw, 1), (ExportError,)) == general == "refused"
