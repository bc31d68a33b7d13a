"""Fixtures shared by the tests that drive `parley` against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.ledger import Ledger
from tests.api.helpers import Sites, run_cli, serving, verifier_key


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner that sees none of the caller's Parley settings."""
    for name in ("PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.fixture
def sites(runner: CliRunner, tmp_path: Path) -> Iterator[Sites]:
    """MED's instance served, UA, RU (sides) and SMM (monitor) registered with their own keys."""
    data = {p: tmp_path / p.lower() for p in ("MED", "UA", "RU", "SMM")}
    run_cli(runner, data["MED"], "init")
    for party, name, role in (
        ("UA", "Ukraine", "side"),
        ("RU", "Russia", "side"),
        ("SMM", "Monitors", "monitor"),
    ):
        key = verifier_key(run_cli(runner, data[party], "key", "init", "--party", party))
        run_cli(
            runner, data["MED"], "party", "add", party, "--name", name, "--key", key, "--role", role
        )
    ledger = Ledger.open(Settings.from_env(data["MED"]))
    try:
        with serving(create_app(ledger)) as url:
            yield Sites(url, data, ledger, tmp_path)
    finally:
        ledger.close()
