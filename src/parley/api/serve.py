"""`parley serve`: uvicorn over the instance in the data directory (SQLite) or at
PARLEY_DATABASE_URL (PostgreSQL)."""

from __future__ import annotations

import logging

import uvicorn

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.ledger import Ledger


def serve(settings: Settings, *, host: str, port: int) -> None:
    """Serve until interrupted; the access log goes to stderr as one JSON line per request."""
    ledger = Ledger.open(settings)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        uvicorn.run(
            create_app(ledger),
            host=host,
            port=port,
            access_log=False,  # ours carries the path template and the party, no query
            timeout_keep_alive=5,
            timeout_graceful_shutdown=10,
            limit_concurrency=256,
            server_header=False,
        )
    finally:
        ledger.close()
