"""`parley witness serve`: the party's own witness, answering a log that pushes checkpoints."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.app.keys import KeyRing
from parley.cli.console import failures, settings

witness_app = typer.Typer(no_args_is_help=True, help="Your party as a witness of the log.")


@witness_app.command("serve")
def serve_command(
    party: Annotated[str, typer.Option("--as", help="Your party; its key is in this data dir.")],
    mediator_key: Annotated[
        str | None,
        typer.Option(help="The mediator's checkpoint verifier key (default: the pinned one)."),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
) -> None:
    """Answer C2SP tlog-witness add-checkpoint at /add-checkpoint: cosign each checkpoint that
    extends the last one you cosigned (the same state `parley sync` keeps)."""
    from parley.api.witness import serve_witness  # FastAPI and uvicorn: this command only
    from parley.app.party_witness import PartyWitness

    local = settings()
    with failures():
        witness = PartyWitness(
            local.data_dir, party, KeyRing(local.keys_dir).get(party), mediator_key
        )
        serve_witness(witness, host=host, port=port)
