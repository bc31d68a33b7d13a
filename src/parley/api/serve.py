"""`parley serve`: uvicorn over the instance in the data directory (SQLite) or at
PARLEY_DATABASE_URL (PostgreSQL), in one process or in several worker processes that share the
listening socket and the database (`workers`)."""

from __future__ import annotations

import atexit
import gc
import logging
import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from parley.api.app import create_app
from parley.app import desk_views
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger, pool_share
from parley.app.requests import share_running

# uvicorn as the service runs it
OPTIONS: dict[str, Any] = {
    "http": "httptools",  # the HTTP/1.1 parser in C (h11, uvicorn's other, is pure Python)
    "loop": "uvloop",  # the event loop on libuv
    "access_log": False,  # ours carries the path template and the party, no query
    "timeout_keep_alive": 5,
    "timeout_graceful_shutdown": 10,
    "limit_concurrency": 256,
    "server_header": False,
}
# a worker busy with a large import still answers the supervisor's ping from its own thread;
# one that does not for this long is hung, and is replaced
WORKER_HEALTHCHECK_SECONDS = 30
# with several workers, about one answer in this many closes its connection, so that a client's
# kept connections spread over the workers (a burst of new ones goes to one worker whole)
CLOSE_ONE_IN = 20
# what the supervisor tells each worker process it starts (spawned: nothing else is inherited)
_WORKER_ENV = "PARLEY_SERVE_WORKERS"


def log_requests() -> None:
    """The access log (parley.access) to stderr, one JSON line per request."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")


def set_aside_start_up() -> None:
    """What start-up made (the modules, the app, its routes) lives as long as the process: it is
    set aside from the cycle collector, which would otherwise walk all of it again at each full
    collection, a pause every request waiting then shares (`gc.freeze`)."""
    gc.collect()
    gc.freeze()


def running_file(settings: Settings) -> Path:
    """Where the processes serving this data directory hold the requests they are running."""
    return settings.data_dir / "serving" / "requests.lock"


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted; the access log goes to stderr as one JSON line per request.
    On start, the mediator's one-time sign-in link to the desk is printed (as Jupyter does).

    With `workers` > 1, uvicorn's supervisor binds the socket and starts that many worker
    processes (spawned, each opening its own connections: nothing open is shared across a
    fork), replacing any that dies; each builds the app afresh (`worker_app`). Their shared
    state lives in the database (a request's nonce and first answer) and in the data
    directory (the desk's secret, its used sign-in links and sessions)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    ledger = Ledger.open(settings)
    log_requests()
    # a link to the wildcard address is opened on this machine: its loopback address
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host)
    shown = shown or (f"[{host}]" if ":" in host else host)
    desk = DeskAccess.start(settings.data_dir / "desk", f"http://{shown}:{port}")
    try:
        mediator = desk_views.mediator(ledger)
        if mediator is not None:
            print(
                f"The mediator's desk, signed in as {mediator} (the link works once):", flush=True
            )
            print(f"    {desk.link(ledger, party_id=mediator)}", flush=True)
        if workers > 1:
            ledger.close()  # the supervisor serves nothing itself
            _supervise(settings, host=host, port=port, workers=workers)
            return
        share_running(ledger, running_file(settings))
        app = create_app(ledger, desk=desk)
        set_aside_start_up()
        uvicorn.run(app, host=host, port=port, **OPTIONS)
    finally:
        ledger.close()


def _supervise(settings: Settings, *, host: str, port: int, workers: int) -> None:
    os.environ["PARLEY_DATA_DIR"] = str(settings.data_dir)
    os.environ["PARLEY_DATABASE_URL"] = settings.database_url
    os.environ[_WORKER_ENV] = str(workers)
    uvicorn.run(
        f"{__name__}:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **OPTIONS,
    )


def worker_app() -> FastAPI:
    """One worker process's app (uvicorn's factory): its own ledger and connections, the desk
    the supervisor started (its secret read from the data directory), start-up set aside."""
    settings = Settings.from_env()
    workers = int(os.environ.get(_WORKER_ENV, "1"))
    ledger = Ledger.open(settings, pool_size=pool_share(workers))
    atexit.register(ledger.close)
    share_running(ledger, running_file(settings))
    log_requests()
    desk = DeskAccess.load(settings.data_dir / "desk")
    app = create_app(ledger, desk=desk, close_one_in=CLOSE_ONE_IN if workers > 1 else 0)
    set_aside_start_up()
    return app
