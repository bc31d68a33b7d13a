"""`parley witness serve`: a party's C2SP tlog-witness endpoint, for a log that pushes its
checkpoints to the party's machine instead of the party pulling them with `parley sync`."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response

from parley.app.party_witness import PartyWitness


def create_witness_app(witness: PartyWitness) -> FastAPI:
    api = FastAPI(title="Parley witness", version="1", docs_url=None, redoc_url=None)

    @api.post("/add-checkpoint", response_class=Response)
    async def add_checkpoint(request: Request) -> Response:
        """tlog-witness add-checkpoint: the cosignature line, or why not."""
        done = witness.add_checkpoint(await request.body())
        return Response(done.body, done.status, media_type=done.content_type)

    @api.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return api


def serve_witness(witness: PartyWitness, *, host: str, port: int) -> None:
    """Serve until interrupted."""
    uvicorn.run(
        create_witness_app(witness),
        host=host,
        port=port,
        timeout_keep_alive=5,
        limit_concurrency=64,
        server_header=False,
    )
