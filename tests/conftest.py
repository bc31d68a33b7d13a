"""Shared fixtures: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from parley.app.config import Settings
from parley.app.ledger import Ledger

# no test is timed (benchmarks print figures): on a loaded machine hypothesis's 200 ms
# deadline per example failed tests whose code was right
hypothesis_settings.register_profile("parley", deadline=None)
hypothesis_settings.load_profile("parley")

POSTGRES_URL = os.environ.get(
    "PARLEY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _english_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI says refusals in the user's language (PARLEY_LANG, else the locale): tests read
    them in English whatever the machine's locale, unless a test chooses another language."""
    monkeypatch.setenv("PARLEY_LANG", "en")


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except OperationalError as e:
        return str(e).splitlines()[0]
    return None


_PG_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_postgres_available())
    return _PG_PROBLEM[0]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the PostgreSQL server; dropped afterwards."""
    problem = postgres_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL must be reachable under CI=true ({POSTGRES_URL}): {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a fresh instance on each database."""
    data_dir = (tmp_path / "data").resolve()
    if request.param == "sqlite":
        return Settings(data_dir, f"sqlite:///{data_dir / 'parley.db'}")
    return Settings(data_dir, request.getfixturevalue("postgres_url"))


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    """An open, empty ledger (schema created, nothing on the log)."""
    led = Ledger.open(settings, create=True)
    try:
        yield led
    finally:
        led.close()
