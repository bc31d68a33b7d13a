"""The index of given names and patronymics read at run time is the one the tables build."""

from __future__ import annotations

from pathlib import Path

from parley.names import lexicon_index
from parley.names.lexicon import build_lexicon, index_source, lexicon


def test_the_index_written_is_the_index_the_tables_build() -> None:
    written = Path(lexicon_index.__file__).read_text(encoding="utf-8")
    # After a change to the tables or to folding: .venv/bin/python -m parley.names.lexicon
    assert written == index_source(build_lexicon())


def test_the_index_read_equals_the_index_built() -> None:
    assert lexicon() == build_lexicon()
