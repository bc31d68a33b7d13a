"""Running the Go checker that the `checker` fixture built."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_checker(checker: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(checker), *args], capture_output=True, text=True, timeout=60, check=False
    )
