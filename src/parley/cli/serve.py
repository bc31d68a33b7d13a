"""`parley serve`: the mediator's instance as an HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.cli.console import failures, settings


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the port and the database (one per core; each"
            " answers any request, a retry included).",
        ),
    ] = 1,
) -> None:
    """Serve this instance over HTTP: every /v1 request signed by its party's key; /checkpoint
    and /tile/… public."""
    from parley.api.serve import serve  # FastAPI and uvicorn: this command only

    with failures():
        serve(settings(), host=host, port=port, workers=workers)
