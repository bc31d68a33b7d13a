"""Fixtures shared by the tests that drive `parley` against a real server."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner that sees none of the caller's Parley settings."""
    for name in ("PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()
