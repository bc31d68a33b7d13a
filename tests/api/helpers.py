"""Helpers for the tests that run `parley` from a party's own data directory."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from typer.testing import CliRunner, Result

from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.store import log as stored_log

HEADER = "record_id,family_name,given_name,birth_date,capture_date\n"


def run_cli(runner: CliRunner, data: Path, *args: str, server: str | None = None) -> str:
    """`parley --data-dir DATA [--server URL] ARGS…`, which must succeed; its standard output."""
    extra = ["--server", server] if server else []
    result = runner.invoke(app, ["--data-dir", str(data), *extra, *args])
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout


def verifier_key(output: str) -> str:
    """The verifier key `parley key init` printed."""
    return next(line.split()[-1] for line in output.splitlines() if "Verifier key" in line)


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(asgi_app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port in a thread; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi_app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Sites:
    """A served instance and each party's own data directory: the mediator MED (whose data
    directory the server runs on), the sides UA and RU and the monitor SMM, each registered
    with the key it made on its own machine (the `sites` fixture)."""

    url: str
    data: dict[str, Path]
    ledger: Ledger
    tmp: Path

    def run(self, runner: CliRunner, party: str, *args: str) -> str:
        """`parley --server URL ARGS` from the party's own data directory; it must succeed."""
        return run_cli(runner, self.data[party], *args, server=self.url)

    def try_(self, runner: CliRunner, party: str, *args: str) -> Result:
        at = ["--data-dir", str(self.data[party]), "--server", self.url]
        return runner.invoke(app, [*at, *args])

    def file(self, name: str, rows: str, header: str = HEADER) -> Path:
        path = self.tmp / name
        path.write_text(header + rows, encoding="utf-8")
        return path

    def size(self) -> int:
        with self.ledger.reading() as tx:
            return stored_log.size(tx)
