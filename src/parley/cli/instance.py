"""`parley init`, `parley party` and `parley rebuild`: the instance and its parties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.app.keys import fingerprint, parse_verifier_key, read_verifier_key
from parley.cli.console import (
    fail,
    failures,
    out,
    said,
    session,
    settings,
    with_ledger,
    words,
)
from parley.domain.parties import Party, Role
from parley.errors import N_, InvalidInput, Word

_CHECK_FAILED = N_("Check failed")

party_app = typer.Typer(no_args_is_help=True, help="Register parties.")


def init(
    name: Annotated[str, typer.Option(help="A name for this instance.")] = "Parley",
    mediator_id: Annotated[str, typer.Option(help="The mediator's party id.")] = "MED",
    mediator_name: Annotated[str, typer.Option(help="The mediator's name.")] = "Mediator",
) -> None:
    """Create the database (or bring its schema up to date) and the mediator's key."""
    from parley.app import setup

    with failures(), session(create=True) as ledger:
        created = setup.initialise(
            ledger, name=name, mediator_id=mediator_id, mediator_name=mediator_name
        )
    if not created:
        out.print(said(N_("Instance in {folder} is up to date."), folder=settings().data_dir))
        return
    line = N_("Initialised {name} in {folder}; mediator {mediator}.")
    bold = f"[bold]{name}[/]"  # the instance's name stands out, in any language
    out.print(said(line, name=bold, folder=settings().data_dir, mediator=mediator_id))


@party_app.command("add")
def party_add(
    party_id: Annotated[str, typer.Argument(help="Short id, e.g. UA.")],
    name: Annotated[str, typer.Option(help="Full name of the party.")],
    role: Annotated[Role, typer.Option(help="side or monitor.")] = Role.SIDE,
    key: Annotated[
        str | None,
        typer.Option(help="The party's verifier key (hex), as its `parley key init` printed it."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="The same verifier key (hex), in a file."),
    ] = None,
    recovery_key: Annotated[
        str | None,
        typer.Option(
            help="The party's recovery key (hex), as `key init` printed it: the key it keeps"
            " offline, the only way to replace its key if that is lost."
        ),
    ] = None,
    local_key: Annotated[
        bool,
        typer.Option(
            "--local-key",
            help="One-machine trial only: make the party's private key here, in this data"
            " directory, beside the mediator's.",
        ),
    ] = False,
    actor: Annotated[str, typer.Option("--as", help="The mediator registering the party.")] = "MED",
) -> None:
    """Register a side or a monitor (by the mediator) with the verifier key it made on its own
    machine; check the fingerprint printed here with the party's, over the phone."""
    with failures():
        if key is not None and public_key is not None:
            raise InvalidInput(N_("give the verifier key once: --key or --public-key"))
        public = parse_verifier_key(key) if key is not None else None
        if public_key is not None:
            public = read_verifier_key(public_key)
        recovery = None if recovery_key is None else parse_verifier_key(recovery_key)
        from parley.app import instance

        with_ledger(
            lambda ledger: instance.register_party(
                ledger,
                actor=actor,
                party=Party(party_id, name, role),
                public_key=public,
                local_key=local_key,
                recovery_key=recovery,
            )
        )
    out.print(said(N_("Registered {party} ({role})."), party=party_id, role=Word(role.value)))
    if public is not None:
        line = N_("Fingerprint of its key: {fingerprint} (the party reads out the same)")
        out.print(said(line, fingerprint=fingerprint(public)))
    if recovery is not None:
        line = N_("Fingerprint of its recovery key: {fingerprint} (read out the same)")
        out.print(said(line, fingerprint=fingerprint(recovery)))
    elif public is not None:
        out.print(
            said(
                N_(
                    "No recovery key: if {party} loses its key it cannot act again under this id"
                    " (register it with --recovery-key, as `key init` printed it)."
                ),
                party=party_id,
            )
        )


def rebuild_command(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Replay the log and compare every projection with it, changing nothing;"
            " exit 1 naming what differs.",
        ),
    ] = False,
    repair: Annotated[
        bool,
        typer.Option("--repair", help="Rebuild, and say what the rebuild changed."),
    ] = False,
) -> None:
    """Drop the projections and replay the log (the repair), or with --check only compare."""
    if check and repair:
        fail(words(N_("--check changes nothing and --repair changes the projections: choose one")))
    from parley.app import rebuild

    with failures():
        if check:
            entries, found = with_ledger(rebuild.check)
        else:
            done = with_ledger(lambda ledger: rebuild.replay(ledger, compare=repair))
    if check:
        if found:
            listed = "\n".join(f"  {d}" for d in found)
            line = N_(
                "{count} projection table(s) differ from a replay of the log ({entries}"
                " entries); nothing was changed (repair: parley rebuild --repair):"
            )
            fail(said(line, count=len(found), entries=entries) + f"\n{listed}", _CHECK_FAILED)
        line = N_(
            "Replayed {count} log entries: the projections equal the live ones; nothing changed."
        )
        out.print(said(line, count=entries))
        return
    for d in done.repaired:
        out.print(said(N_("Repaired {what}"), what=d))
    line = N_("Replayed {count} log entries in {seconds:.1f} s.")
    out.print(said(line, count=done.entries, seconds=done.seconds))
