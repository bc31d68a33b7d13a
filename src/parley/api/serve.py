"""`parley serve`: uvicorn over the instance in the data directory (SQLite) or at
PARLEY_DATABASE_URL (PostgreSQL)."""

from __future__ import annotations

import gc
import logging
from typing import Any

import uvicorn

from parley.api.app import create_app
from parley.app import desk_views
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger

# uvicorn as the service runs it
OPTIONS: dict[str, Any] = {
    "access_log": False,  # ours carries the path template and the party, no query
    "timeout_keep_alive": 5,
    "timeout_graceful_shutdown": 10,
    "limit_concurrency": 256,
    "server_header": False,
}


def log_requests() -> None:
    """The access log (parley.access) to stderr, one JSON line per request."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")


def set_aside_start_up() -> None:
    """What start-up made (the modules, the app, its routes) lives as long as the process: it is
    set aside from the cycle collector, which would otherwise walk all of it again at each full
    collection, a pause every request waiting then shares (`gc.freeze`)."""
    gc.collect()
    gc.freeze()


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Serve until interrupted; the access log goes to stderr as one JSON line per request.
    On start, the mediator's one-time sign-in link to the desk is printed (as Jupyter does)."""
    ledger = Ledger.open(settings)
    log_requests()
    # a link to the wildcard address is opened on this machine: its loopback address
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host)
    shown = shown or (f"[{host}]" if ":" in host else host)
    desk = DeskAccess.start(settings.data_dir / "desk", f"http://{shown}:{port}")
    mediator = desk_views.mediator(ledger)
    if mediator is not None:
        print(f"The mediator's desk, signed in as {mediator} (the link works once):", flush=True)
        print(f"    {desk.link(ledger, party_id=mediator)}", flush=True)
    app = create_app(ledger, desk=desk)
    set_aside_start_up()
    try:
        uvicorn.run(app, host=host, port=port, **OPTIONS)
    finally:
        ledger.close()
