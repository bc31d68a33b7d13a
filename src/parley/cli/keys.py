"""`parley key`: a party makes its key and its recovery key on its own machine, rotates its key,
recovers it with the recovery key when it is lost, and keys are revoked; each on one machine or
with `--server` from the party's own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parley.app import keys_served
from parley.app.keys import KeyRing, init_party_key, read_private_key, read_verifier_key
from parley.app.keys import fingerprint as key_fingerprint
from parley.cli.console import (
    client,
    failures,
    out,
    said,
    server,
    settings,
    with_ledger,
)
from parley.errors import N_, InvalidInput, Word

key_app = typer.Typer(
    no_args_is_help=True,
    help="Make a party's key on its own machine; rotate, recover and revoke keys.",
)


def _recovery_folder(given: Path | None) -> Path:
    if given is not None and given.exists() and not given.is_dir():
        raise InvalidInput(N_("{given} is a file: --recovery-out names a folder"), given=given)
    return given if given is not None else settings().data_dir / "recovery"


@key_app.command("init")
def key_init(
    party: Annotated[str, typer.Option(help="Your party's id, as the mediator registers it.")],
    recovery_out: Annotated[
        Path | None,
        typer.Option(
            help="The folder to write the recovery key in (removable media, best); default:"
            " `recovery` in the data directory, to move off this machine at once."
        ),
    ] = None,
) -> None:
    """Make your party's signing key in this data directory (on your own machine), and its
    recovery key to keep offline; an existing key is kept, never overwritten."""
    with failures():
        made = init_party_key(KeyRing(settings().keys_dir), party, _recovery_folder(recovery_out))
    if made.created:
        made_here = N_("Made the signing key of {party} in {folder} (keep it there).")
        out.print(said(made_here, party=party, folder=settings().keys_dir))
    else:
        kept = N_("{party} already has a signing key in {folder}; kept as it is.")
        out.print(said(kept, party=party, folder=settings().keys_dir))
    out.print(said(N_("Verifier key: {key}"), key=made.public.hex()))
    out.print(said(N_("Fingerprint:  {fingerprint}"), fingerprint=made.fingerprint))
    if made.recovery is not None:
        out.print(said(N_("Recovery key: {key}"), key=made.recovery.hex()))
        out.print(_recovery_fingerprint(made.recovery))
    if made.recovery_file is not None:
        move_it = N_(
            "Recovery key file: {file}\nMove that file off this machine now (removable media in a"
            " safe, or a printout) and keep it offline: it alone can replace your key if this"
            " machine is lost (`parley key recover --as {party} --recovery-file …`)."
        )
        out.print(said(move_it, file=made.recovery_file, party=party))
    recovery = f" --recovery-key {made.recovery.hex()}" if made.recovery is not None else ""
    give = N_(
        "Give the verifier keys to the mediator (`parley party add {party} --key {key}{recovery}"
        " …`) and read the fingerprints out to it over the phone: `party add` prints the same."
    )
    out.print(said(give, party=party, key=made.public.hex(), recovery=recovery))


def _recovery_fingerprint(key: bytes) -> str:
    return said(N_("Recovery fingerprint: {fingerprint}"), fingerprint=key_fingerprint(key))


@key_app.command("rotate")
def key_rotate(
    actor: Annotated[
        str, typer.Option("--as", help="Your party: you rotate your own key, on your machine.")
    ],
) -> None:
    """Make a new key for your party, announced under its current key, which then retires."""
    with failures():
        url = server()
        if url is not None:
            keys_served.rotate_served(url, KeyRing(settings().keys_dir), actor)
        else:
            from parley.app import keys_admin

            with_ledger(lambda ledger: keys_admin.rotate(ledger, party_id=actor))
    out.print(said(N_("Rotated the signing key of {actor}."), actor=actor))


@key_app.command("recover")
def key_recover(
    actor: Annotated[str, typer.Option("--as", help="Your party, whose key was lost.")],
    recovery_file: Annotated[
        Path, typer.Option(help="The recovery key file `key init` wrote, brought back.")
    ],
    recovery_out: Annotated[
        Path | None,
        typer.Option(help="The folder to write the next recovery key in (as for `key init`)."),
    ] = None,
) -> None:
    """Replace your party's lost key with a new one made here, signed by the recovery key you
    kept offline; a key of your party still active is revoked, and a next recovery key made."""
    with failures():
        recovery = read_private_key(recovery_file)
        folder = _recovery_folder(recovery_out)
        url = server()
        ring = KeyRing(settings().keys_dir)
        if url is not None:
            done = keys_served.recover_served(
                url, ring, actor, recovery_key=recovery, recovery_folder=folder
            )
        else:
            from parley.app import keys_admin

            done = with_ledger(
                lambda ledger: keys_admin.recover(
                    ledger, party_id=actor, recovery_key=recovery, recovery_folder=folder
                )
            )
    recovered = N_("Recovered {actor}: its new key is {key_id}; the old recovery key is used up.")
    out.print(said(recovered, actor=actor, key_id=done.key_id))
    out.print(said(N_("Next recovery key: {key}"), key=done.recovery.hex()))
    out.print(_recovery_fingerprint(done.recovery))
    out.print(
        said(
            N_("Recovery key file: {file}\nMove it off this machine now."), file=done.recovery_file
        )
    )


@key_app.command("settle")
def key_settle(
    actor: Annotated[str, typer.Option("--as", help="The party whose rotation stopped.")],
) -> None:
    """Finish a rotation that stopped halfway: the pending key is kept if the log made it the
    party's key, removed if not."""
    with failures():
        url = server()
        if url is not None:
            done = keys_served.settle_served(url, KeyRing(settings().keys_dir), actor)
        else:
            from parley.app import keys_admin

            done = with_ledger(lambda ledger: keys_admin.settle(ledger, actor))
    if done is None:
        out.print(said(N_("{actor}: no pending key."), actor=actor))
    else:
        out.print(said(N_("{actor}: {outcome}."), actor=actor, outcome=Word(done.value)))


@key_app.command("revoke")
def key_revoke(
    party: Annotated[str, typer.Option(help="The party whose key is revoked.")],
    key_id: Annotated[str, typer.Option(help="The key id to revoke.")],
    reason: Annotated[str, typer.Option(help="Why, for the log.")],
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The mediator (default), or the party itself (with --server: the party whose"
            " key is here).",
        ),
    ] = None,
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
        if server() is not None:
            body = {
                "party": party,
                "key_id": key_id,
                "reason": reason,
                "replacement": None if replacement is None else replacement.hex(),
            }
            client(actor).request("POST", keys_served.REVOCATION_PATH, body)
        else:
            from parley.app import keys_admin

            with_ledger(
                lambda ledger: keys_admin.revoke(
                    ledger,
                    actor=actor or "MED",
                    party_id=party,
                    revoked_key_id=key_id,
                    reason=reason,
                    replacement=replacement,
                )
            )
    out.print(said(N_("Revoked key {key_id} of {party}."), key_id=key_id, party=party))
