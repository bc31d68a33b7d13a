"""`parley log`, `parley export` and `parley verify`: the artefacts others check Parley by."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from parley.app import audit, transparency
from parley.app.verify import VerificationFailed

log_app = typer.Typer(no_args_is_help=True, help="Checkpoints, proofs and entries of the log.")


def register(app: typer.Typer) -> None:
    """Add these commands to the `parley` command."""
    from parley import cli

    app.add_typer(log_app, name="log")

    @app.command("export")
    def export_command(out: Annotated[Path, typer.Option(help="A new, empty folder.")]) -> None:
        """Write the log, checkpoints with cosignatures and public keys for offline verification."""
        with cli.failures():
            count = cli._with_ledger(lambda ledger: audit.export(ledger, out))
        cli.out.print(f"Exported {count} entries to {out}.")

    @app.command("verify")
    def verify_command(
        folder: Annotated[
            Path | None, typer.Argument(help="An export; without it, the live database.")
        ] = None,
        keys: Annotated[
            Path | None,
            typer.Option(help="Public keys to trust instead of the export's keys.json."),
        ] = None,
    ) -> None:
        """Check every entry, signature, commitment, tree node and checkpoint; exit 1 at the first fault."""
        try:
            with cli.failures():
                if folder is None:
                    report = cli._with_ledger(audit.verify_live)
                else:
                    report = audit.verify_export(folder, keys)
        except VerificationFailed as e:
            cli.err.print(f"[red]Verification failed:[/] {e}")
            raise typer.Exit(1) from e
        cli.out.print(
            f"Verified {report.entries} entries ({report.erased} erased payloads),"
            f" {report.checkpoints} checkpoints with {report.cosignatures} cosignatures;"
            f" root {report.root.hex()}."
        )

    @log_app.command("checkpoint")
    def checkpoint_command(
        size: Annotated[
            int | None, typer.Option(help="Print the stored checkpoint of this size instead.")
        ] = None,
    ) -> None:
        """Sign (as the mediator) and print the checkpoint of the whole log, cosignatures included."""
        with cli.failures():
            if size is None:
                _, note = cli._with_ledger(transparency.sign_checkpoint)
            else:
                note = cli._with_ledger(lambda ledger: transparency.stored_checkpoint(ledger, size))
        sys.stdout.buffer.write(note)

    @log_app.command("witness")
    def witness_command(
        party: Annotated[str, typer.Option("--as", help="The witnessing party.")],
    ) -> None:
        """Cosign the latest checkpoint as a party, after checking it extends the last one cosigned."""
        state_dir = cli.settings().data_dir / "witness"
        with cli.failures():
            done = cli._with_ledger(
                lambda ledger: transparency.cosign(ledger, party_id=party, state_dir=state_dir)
            )
        cli.out.print(
            f"{done.witness} cosigned the checkpoint of size {done.size} (last cosigned: {done.old_size})."
        )

    @log_app.command("prove")
    def prove_command(
        index: Annotated[int, typer.Option(help="The entry to prove.")],
        size: Annotated[
            int | None, typer.Option(help="A checkpoint's size (default: the latest).")
        ] = None,
    ) -> None:
        """Print a C2SP tlog-proof of one entry."""
        with cli.failures():
            proof = cli._with_ledger(
                lambda ledger: transparency.prove(ledger, index=index, size=size)
            )
        sys.stdout.buffer.write(proof)

    @log_app.command("consistency")
    def consistency_command(
        size1: Annotated[int, typer.Option("--from", help="The older tree size.")],
        size2: Annotated[int, typer.Option("--to", help="The newer tree size.")],
    ) -> None:
        """Print the RFC 9162 consistency proof between two sizes.

        When a checkpoint of the newer size is stored, the output is the tlog-witness form
        (`old M`, one base64 hash a line, a blank line, the signed checkpoint); otherwise the
        hashes alone, one a line.
        """
        with cli.failures():
            data = cli._with_ledger(
                lambda ledger: transparency.consistency_text(ledger, size1=size1, size2=size2)
            )
        sys.stdout.buffer.write(data)

    @log_app.command("key")
    def key_command(
        witness: Annotated[
            str | None, typer.Option(help="Print this party's cosignature key instead.")
        ] = None,
    ) -> None:
        """Print the operator's checkpoint verifier key (signed-note name+hash+key form)."""
        with cli.failures():
            if witness is None:
                key = cli._with_ledger(transparency.verifier_key)
            else:
                key = cli._with_ledger(lambda ledger: transparency.witness_key(ledger, witness))
        sys.stdout.write(key + "\n")

    @log_app.command("entry")
    def entry_command(
        index: Annotated[int, typer.Option(help="The entry.")],
        out: Annotated[Path, typer.Option(help="Where to write the bytes.")],
    ) -> None:
        """Write the exact bytes whose RFC 9162 leaf hash is the entry in the tree."""
        with cli.failures():
            data = cli._with_ledger(lambda ledger: transparency.entry_bytes(ledger, index))
        out.write_bytes(data)
        cli.out.print(f"Wrote entry {index} ({len(data)} bytes) to {out}.")
