"""`parley key`: a party makes its key on its own machine, rotates it, and keys are revoked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.app import keys_admin
from parley.app.keys import KeyRing, init_party_key, read_verifier_key
from parley.cli.console import failures, out, settings, with_ledger

key_app = typer.Typer(
    no_args_is_help=True, help="Make a party's key on its own machine; rotate and revoke keys."
)


@key_app.command("init")
def key_init(
    party: Annotated[str, typer.Option(help="Your party's id, as the mediator registers it.")],
) -> None:
    """Make your party's signing key in this data directory (on your own machine); an existing
    key is kept, never overwritten."""
    with failures():
        made = init_party_key(KeyRing(settings().keys_dir), party)
    if made.created:
        out.print(f"Made the signing key of {party} in {settings().keys_dir} (keep it there).")
    else:
        out.print(f"{party} already has a signing key in {settings().keys_dir}; kept as it is.")
    out.print(f"Verifier key: {made.public.hex()}")
    out.print(f"Fingerprint:  {made.fingerprint}")
    out.print(
        f"Give the verifier key to the mediator (`parley party add {party} --key …`) and read"
        " the fingerprint out to it over the phone: `party add` prints the same."
    )


@key_app.command("rotate")
def key_rotate(
    actor: Annotated[
        str, typer.Option("--as", help="Your party: you rotate your own key, on your machine.")
    ],
) -> None:
    """Make a new key for your party, announced under its current key, which then retires."""
    with failures():
        with_ledger(lambda ledger: keys_admin.rotate(ledger, party_id=actor))
    out.print(f"Rotated the signing key of {actor}.")


@key_app.command("revoke")
def key_revoke(
    party: Annotated[str, typer.Option(help="The party whose key is revoked.")],
    key_id: Annotated[str, typer.Option(help="The key id to revoke.")],
    reason: Annotated[str, typer.Option(help="Why, for the log.")],
    actor: Annotated[str, typer.Option("--as", help="The mediator, or the party itself.")] = "MED",
    new_public_key: Annotated[
        Path | None,
        typer.Option(
            help="The party's own replacement (raw Ed25519 public key, hex, in a file); only"
            " the party itself (--as the party) may name one."
        ),
    ] = None,
) -> None:
    """Revoke a key; signatures under it are refused from now on."""
    with failures():
        replacement = None if new_public_key is None else read_verifier_key(new_public_key)
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
