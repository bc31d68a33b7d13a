"""`parley desk link --as MED`: a fresh one-time sign-in link to the desk `parley serve` serves
from this data directory."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.cli.console import failures, session, settings

desk_app = typer.Typer(no_args_is_help=True, help="The web desk of the server run from here.")


@desk_app.command("link")
def link_command(
    actor: Annotated[str, typer.Option("--as", help="The party to sign in (the mediator).")],
) -> None:
    """Print a fresh sign-in link: it works once, for ten minutes, while this server runs."""
    from parley.app.desk_access import DeskAccess

    with failures(), session() as ledger:
        access = DeskAccess.load(settings().data_dir / "desk")
        typer.echo(access.link(ledger, party_id=actor))
