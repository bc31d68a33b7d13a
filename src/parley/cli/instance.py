"""`parley init`, `parley party`, `parley key` and `parley rebuild`: the instance and its parties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.app import instance, keys_admin, setup
from parley.app.rebuild import replay
from parley.cli.console import fail, failures, out, session, settings, with_ledger
from parley.domain.parties import Party, Role
from parley.errors import InvalidInput

party_app = typer.Typer(no_args_is_help=True, help="Register parties.")
key_app = typer.Typer(no_args_is_help=True, help="Rotate and revoke signing keys.")


def _public_key(path: Path | None) -> bytes | None:
    """A raw Ed25519 public key written as hex in a file."""
    if path is None:
        return None
    try:
        return bytes.fromhex(path.read_text().strip())
    except ValueError as e:
        raise InvalidInput(f"{path.name}: not a public key written in hex ({e})") from e


def init(
    name: Annotated[str, typer.Option(help="A name for this instance.")] = "Parley",
    mediator_id: Annotated[str, typer.Option(help="The mediator's party id.")] = "MED",
    mediator_name: Annotated[str, typer.Option(help="The mediator's name.")] = "Mediator",
) -> None:
    """Create the database (or bring its schema up to date) and the mediator's key."""
    with failures(), session(create=True) as ledger:
        created = setup.initialise(
            ledger, name=name, mediator_id=mediator_id, mediator_name=mediator_name
        )
    if not created:
        out.print(f"Instance in {settings().data_dir} is up to date.")
        return
    out.print(f"Initialised [bold]{name}[/] in {settings().data_dir}; mediator {mediator_id}.")


@party_app.command("add")
def party_add(
    party_id: Annotated[str, typer.Argument(help="Short id, e.g. UA.")],
    name: Annotated[str, typer.Option(help="Full name of the party.")],
    role: Annotated[Role, typer.Option(help="side or monitor.")] = Role.SIDE,
    public_key: Annotated[
        Path | None,
        typer.Option(help="The party's raw 32-byte Ed25519 public key, hex, in a file."),
    ] = None,
    actor: Annotated[str, typer.Option("--as", help="The mediator registering the party.")] = "MED",
) -> None:
    """Register a side or a monitor (by the mediator)."""
    with failures():
        key = _public_key(public_key)
        with_ledger(
            lambda ledger: instance.register_party(
                ledger, actor=actor, party=Party(party_id, name, role), public_key=key
            )
        )
        out.print(f"Registered {party_id} ({role.value}).")


@key_app.command("rotate")
def key_rotate(party: Annotated[str, typer.Option(help="The party whose key to rotate.")]) -> None:
    """Make a new key for a party, announced under its current key."""
    with failures():
        with_ledger(lambda ledger: keys_admin.rotate(ledger, party_id=party))
    out.print(f"Rotated the signing key of {party}.")


@key_app.command("revoke")
def key_revoke(
    party: Annotated[str, typer.Option(help="The party whose key is revoked.")],
    key_id: Annotated[str, typer.Option(help="The key id to revoke.")],
    reason: Annotated[str, typer.Option(help="Why, for the log.")],
    actor: Annotated[str, typer.Option("--as", help="The mediator, or the party itself.")] = "MED",
    new_public_key: Annotated[
        Path | None, typer.Option(help="A replacement: raw Ed25519 public key, hex, in a file.")
    ] = None,
) -> None:
    """Revoke a key; signatures under it are refused from now on."""
    with failures():
        replacement = _public_key(new_public_key)
        with_ledger(
            lambda ledger: keys_admin.revoke(
                ledger,
                actor=actor,
                party_id=party,
                revoked_key_id=key_id,
                reason=reason,
                replacement=replacement,
            )
        )
    out.print(f"Revoked key {key_id} of {party}.")


def rebuild_command(
    check: Annotated[
        bool,
        typer.Option("--check", help="Also compare the rebuilt projections with the live ones."),
    ] = False,
) -> None:
    """Drop the projections and replay the log."""
    with failures():
        done = with_ledger(lambda ledger: replay(ledger, compare=check))
    if done.differing:
        fail(", ".join(done.differing), "Rebuilt projections differ from the live ones")
    note = "; rebuilt projections equal the live ones" if check else ""
    out.print(f"Replayed {done.entries} log entries in {done.seconds:.1f} s{note}.")
