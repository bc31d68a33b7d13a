"""A consent interview's text is refused when `parley interview` would print something other
than what was written: a control character for the terminal or a bidirectional override."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.app.interview import read_interview
from parley.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("Відмовився \x1b[2J твердо\n", r"control character \(U\+001B\) at character 12"),
        ("Отказался\x07\n", r"control character \(U\+0007\) at character 10"),
        ("\u202eтвердо\n", r"bidirectional override \(U\+202E\) at character 1"),
    ],
)
def test_an_interview_with_terminal_controls_is_refused(
    tmp_path: Path, text: str, refusal: str
) -> None:
    notes = tmp_path / "interview.txt"
    notes.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=refusal) as caught:
        read_interview(str(notes))
    assert str(caught.value).startswith(f"{notes}: the interview holds")


def test_line_breaks_and_tabs_are_kept(tmp_path: Path) -> None:
    text = "Питання:\tчи бажаєте повернутися?\r\nВідповідь:\tні.\n"
    notes = tmp_path / "interview.txt"
    notes.write_bytes(text.encode("utf-8"))
    assert read_interview(str(notes)) == text


def test_a_byte_that_is_not_utf8_is_counted_from_one(tmp_path: Path) -> None:
    notes = tmp_path / "interview.txt"
    notes.write_bytes(b"ok\xff")
    with pytest.raises(InvalidInput, match=r"not UTF-8 text \(byte 3\)"):
        read_interview(str(notes))
