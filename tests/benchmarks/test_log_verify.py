"""benchmarks/log_verify.py builds its log as the app appends today and verifies it: a
benchmark whose synthetic log the verifier refuses measures nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "log_verify.py"


@pytest.mark.parametrize("commands", ["demo", "single"])
def test_the_built_export_verifies(commands: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--entries", "600", "--commands", commands],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "verify: 600 entries, 1 checkpoint" in done.stdout
