"""Helpers for the tests that run `parley` from a party's own data directory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from parley.cli.main import app


def run_cli(runner: CliRunner, data: Path, *args: str, server: str | None = None) -> str:
    """`parley --data-dir DATA [--server URL] ARGS…`, which must succeed; its standard output."""
    extra = ["--server", server] if server else []
    result = runner.invoke(app, ["--data-dir", str(data), *extra, *args])
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout


def verifier_key(output: str) -> str:
    """The verifier key `parley key init` printed."""
    return next(line.split()[-1] for line in output.splitlines() if "Verifier key" in line)
