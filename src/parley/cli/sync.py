"""`parley sync`: a party's verified mirror of the server's log, and its witness cosignature."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.app.keys import KeyRing
from parley.app.language import refusal, user_locale
from parley.cli.console import client, fail, failures, out, said, server, settings, words
from parley.errors import N_


def sync_command(
    party: Annotated[
        str | None, typer.Option("--as", help="Your party (default: the one key here).")
    ] = None,
    mediator_key: Annotated[
        str | None,
        typer.Option(help="The mediator's checkpoint verifier key (default: pinned on first use)."),
    ] = None,
) -> None:
    """Check the server's latest checkpoint and entry headers against the last checkpoint you
    cosigned, cosign it as witness and send the cosignature back; alarm on a split view."""
    from parley.app import sync  # the party's mirror: a database of its own

    with failures():
        if server() is None:
            fail(words(N_("sync needs a server: give --server URL (or PARLEY_SERVER)")))
        signing = client(party)
        acting = party or _only_party()  # client() made sure there is exactly one
        local = settings()
        try:
            done = sync.sync(
                signing,
                party=acting,
                key=KeyRing(local.keys_dir).get(acting),
                data_dir=local.data_dir,
                mediator_key=mediator_key,
            )
        except sync.SplitView as e:
            fail(refusal(e, user_locale()), "ALARM")
    out.print(
        said(
            N_(
                "{party} checked and cosigned the checkpoint of size {size} (last cosigned: "
                "{old_size}); {fetched} new entry headers and {payloads} payloads mirrored "
                "(mediator key pinned)."
            )
            if done.pinned
            else N_(
                "{party} checked and cosigned the checkpoint of size {size} (last cosigned: "
                "{old_size}); {fetched} new entry headers and {payloads} payloads mirrored."
            ),
            party=done.party,
            size=done.size,
            old_size=done.old_size,
            fetched=done.fetched,
            payloads=done.payloads,
        )
    )


def _only_party() -> str:
    keys = sorted(p.name for p in KeyRing(settings().keys_dir).folder.glob("*.ed25519.pem"))
    return keys[0].removesuffix(".ed25519.pem")
