"""`parley serve` prints the mediator's one-time sign-in link as it starts (as Jupyter does),
and `parley desk link --as MED` prints a fresh one from the same data directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from parley.app import instance
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from tests.api.helpers import free_port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    data = tmp_path / "data"
    ledger = Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="t", mediator_id="MED", mediator_name="Mediator")
    ledger.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    command = ["--data-dir", str(data), "serve", "--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, "-c", "from parley.cli.main import main; main()", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        said = server.stdout.readline() + server.stdout.readline()
        yield data, said, server
    finally:
        server.terminate()
        server.wait(10)


def _get(url: str) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(url, follow_redirects=False)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_prints_a_link_that_signs_in_once(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    data, said, _ = served
    assert "The mediator's desk, signed in as MED" in said
    link = said.split()[-1]
    assert link.startswith("http://127.0.0.1:") and "/desk/sign-in?token=" in link
    first = _get(link)
    assert first.status_code == 303
    assert "parley_session=" in first.headers["set-cookie"]
    assert _get(link).status_code == 403  # used
    fresh = CliRunner().invoke(app, ["--data-dir", str(data), "desk", "link", "--as", "MED"])
    assert fresh.exit_code == 0, fresh.output
    assert _get(fresh.stdout.strip()).status_code == 303
    refused = CliRunner().invoke(app, ["--data-dir", str(data), "desk", "link", "--as", "UA"])
    assert refused.exit_code == 1
