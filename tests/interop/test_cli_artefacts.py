"""Issue 3, point 8, through the commands a person runs: what `parley log key`, `log
checkpoint`, `log entry`, `log prove` and `log consistency` print, Go's sumdb code accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.main import app
from tests.interop.helpers import run_checker


def _out(runner: CliRunner, *args: str) -> bytes:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_go_accepts_what_the_cli_prints(
    checker: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    runner = CliRunner()
    _out(runner, "demo", "--size", "40")
    _out(runner, "log", "checkpoint")
    _out(runner, "log", "witness", "--as", "UA")
    old = json.loads(_out(runner, "status", "--json"))["log"]["size"]
    _out(runner, "erase", "--person", "RU/RU-H-00003")
    _out(runner, "log", "checkpoint")
    _out(runner, "log", "witness", "--as", "UA")
    new = json.loads(_out(runner, "status", "--json"))["log"]["size"]
    art = tmp_path / "artefacts"
    art.mkdir()
    (art / "log.vkey").write_bytes(_out(runner, "log", "key"))
    (art / "witness.vkey").write_bytes(_out(runner, "log", "key", "--witness", "UA"))
    (art / "checkpoint").write_bytes(_out(runner, "log", "checkpoint"))
    (art / "old-checkpoint").write_bytes(_out(runner, "log", "checkpoint", "--size", str(old)))
    _out(runner, "log", "entry", "--index", "7", "--out", str(art / "entry"))
    (art / "entry.tlog-proof").write_bytes(_out(runner, "log", "prove", "--index", "7"))
    consistency = _out(runner, "log", "consistency", "--from", str(old), "--to", str(new))
    (art / "consistency").write_bytes(consistency)
    result = run_checker(checker, "verify", str(art))
    assert result.returncode == 0, result.stderr
    assert f"tlog: entry 7 is in the tree of size {new}" in result.stdout
    assert f"tlog: tree {old} is a prefix of tree {new}" in result.stdout
    # the bytes of another entry do not pass for entry 7
    _out(runner, "log", "entry", "--index", "8", "--out", str(art / "entry"))
    assert run_checker(checker, "verify", str(art)).returncode == 1
