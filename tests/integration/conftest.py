"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from parley.app.config import Settings
from parley.cli.main import app


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`parley ARGS` on a fresh instance with UA, on SQLite and on PostgreSQL; `code=` the
    exit status it must end with (0 unless said)."""
    monkeypatch.setenv("PARLEY_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PARLEY_DATABASE_URL", settings.database_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    run("init")
    run("party", "add", "UA", "--name", "Ukraine", "--local-key")
    return run
