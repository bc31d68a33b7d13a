"""The database's refusals, raised by a real statement, said in Ukrainian and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from parley.app.language import refusal
from parley.store.engine import ValueRefused, make_engine, sqlite_url


def test_a_number_too_large_for_the_database_is_refused_in_each_language(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    try:
        with pytest.raises(ValueRefused) as info, engine.connect() as conn:
            conn.execute(text("SELECT :n"), {"n": 2**70})
    finally:
        engine.dispose()
    assert str(info.value) == "a number in this command is larger than the database can hold"
    assert refusal(info.value, "uk") == "число в цій команді більше, ніж може зберегти база даних"
    assert refusal(info.value, "ru") == (
        "число в этой команде больше, чем может сохранить база данных"
    )
