"""`parley log`, `parley export` and `parley verify`: the artefacts others check Parley by."""

from __future__ import annotations

import base64
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parley.app import served_export
from parley.cli.console import (
    client,
    failures,
    out,
    said,
    segment,
    server,
    settings,
    with_ledger,
    words,
    write_file,
)
from parley.errors import N_, InvalidInput

if TYPE_CHECKING:  # the audit loads the database's modules: imported where a command verifies
    from parley.app.audit import Report

log_app = typer.Typer(no_args_is_help=True, help="Checkpoints, proofs and entries of the log.")


def export_command(
    out_dir: Annotated[Path, typer.Option("--out", help="A new, empty folder.")],
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Whose export: the payloads it may see (default: the mediator; with --server,"
            " the party whose key is here).",
        ),
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="Headers and the log's own events only.")
    ] = False,
) -> None:
    """Write the log, checkpoints with cosignatures and public keys for offline verification."""
    with failures(N_("nothing was written")):
        if server() is not None:  # the party's own export, fetched and written here
            if public:
                raise InvalidInput(
                    N_(
                        "--public is the operator's export: with --server, you export your own (every"
                        " header, your payloads); leave out --public"
                    )
                )
            count = served_export.fetch_export(client(actor), out_dir)
        else:
            from parley.app import audit

            count = with_ledger(
                lambda ledger: audit.export(ledger, out_dir, actor=actor, public=public)
            )
    out.print(said(N_("Exported {count} entries to {folder}."), count=count, folder=out_dir))


def verify_command(
    folder: Annotated[
        Path | None, typer.Argument(help="An export; without it, the live database.")
    ] = None,
    keys: Annotated[
        Path | None,
        typer.Option(help="Public keys to trust instead of the export's keys.json."),
    ] = None,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            help="A checkpoint seen before (a signed note): the log must be at least that long"
            " and consistent with it. Repeatable."
        ),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(help="A party whose cosignature the last checkpoint must carry. Repeatable."),
    ] = None,
    allow_unwitnessed: Annotated[
        bool,
        typer.Option(help="Accept a log no witness has cosigned (exit 0 even so)."),
    ] = False,
) -> None:
    """Check every entry, signature, commitment, tree node and checkpoint; exit 1 at the first
    fault, or when the auditor's policy is not met (a log no witness cosigned fails unless
    --allow-unwitnessed)."""
    from parley.app import audit

    with failures():
        policy = audit.auditor_policy(
            checkpoint or (), witness or (), allow_unwitnessed=allow_unwitnessed
        )
        if folder is None and server() is not None:
            raise InvalidInput(
                N_(
                    "the live database is the server's to verify: with --server, write your"
                    " export (`parley export --out DIR`) and verify that folder, or run"
                    " `parley sync`"
                )
            )
        if folder is None:
            report = with_ledger(lambda ledger: audit.verify_live(ledger, policy))
        else:
            report = audit.verify_export(folder, keys, policy)
    read = folder is not None and (folder / audit.ROADMAP).exists()
    _print_verified(report, roadmap=audit.ROADMAP if read else None)


def _print_verified(report: Report, *, roadmap: str | None) -> None:
    """What a verification checked, in the user's language."""
    if report.withheld:
        head = N_(
            "Verified {entries} entries ({erased} erased payloads, {withheld} withheld),"
            " {checkpoints} checkpoints with {cosignatures} cosignatures; root {root}."
        )
    else:
        head = N_(
            "Verified {entries} entries ({erased} erased payloads), {checkpoints} checkpoints"
            " with {cosignatures} cosignatures; root {root}."
        )
    out.print(
        said(
            head,
            entries=report.entries,
            erased=report.erased,
            withheld=report.withheld,
            checkpoints=report.checkpoints,
            cosignatures=report.cosignatures,
            root=report.root.hex(),
        )
    )
    if report.withheld:
        out.print(
            said(
                N_(
                    "{withheld} payloads are absent by design (an export for a party or the"
                    " public): their headers, signatures, command records and tree hashes were"
                    " checked."
                ),
                withheld=report.withheld,
            )
        )
    if roadmap is not None:
        out.print(
            said(
                N_(
                    "{file}: the public roadmap in words, a reading of the log (not checked; each"
                    " rating it shows is a commitment.status_set entry checked above)."
                ),
                file=roadmap,
            )
        )
    if report.last_checkpoint:
        cosigners = ", ".join(report.last_cosigners) or words(N_("no witness"))
        out.print(
            said(
                N_("Last checkpoint: size {size}, cosigned by {cosigners}."),
                size=report.last_checkpoint,
                cosigners=cosigners,
            )
        )
    if report.unwitnessed:
        out.print(
            said(
                N_(
                    "Unwitnessed: {count} entries after the last cosigned checkpoint (size"
                    " {size}); only the operator vouches for them."
                ),
                count=report.unwitnessed,
                size=report.witnessed,
            )
        )


@log_app.command("checkpoint")
def checkpoint_command(
    size: Annotated[
        int | None, typer.Option(help="Print the stored checkpoint of this size instead.")
    ] = None,
) -> None:
    """Sign (as the mediator) and print the checkpoint of the whole log, cosignatures included."""
    with failures():
        if server() is not None:
            if size is None:
                raise InvalidInput(
                    N_(
                        "the mediator signs checkpoints on its own machine: with --server, give"
                        " --size N for a stored one (or fetch the latest from URL/checkpoint)"
                    )
                )
            note = _served_text(f"/v1/log/checkpoints/{size}").encode("utf-8")
        elif size is None:
            from parley.app import transparency

            _, note = with_ledger(transparency.sign_checkpoint)
        else:
            from parley.app import transparency

            note = with_ledger(lambda ledger: transparency.stored_checkpoint(ledger, size))
    sys.stdout.buffer.write(note)


@log_app.command("witness")
def witness_command(
    party: Annotated[str, typer.Option("--as", help="The witnessing party.")],
) -> None:
    """Cosign the latest checkpoint as a party, after checking it extends the last one cosigned."""
    state_dir = settings().witness_dir
    with failures():
        if server() is not None:
            raise InvalidInput(
                N_(
                    "with --server, `parley sync` checks the server's checkpoint against the last"
                    " one you cosigned, cosigns it and sends the cosignature back"
                )
            )
        from parley.app import transparency

        done = with_ledger(
            lambda ledger: transparency.cosign(ledger, party_id=party, state_dir=state_dir)
        )
    line = N_("{witness} cosigned the checkpoint of size {size} (last cosigned: {old_size}).")
    out.print(said(line, witness=done.witness, size=done.size, old_size=done.old_size))


@log_app.command("prove")
def prove_command(
    index: Annotated[int, typer.Option(help="The entry to prove.")],
    size: Annotated[
        int | None, typer.Option(help="A checkpoint's size (default: the latest).")
    ] = None,
) -> None:
    """Print a C2SP tlog-proof of one entry."""
    with failures():
        if server() is not None:
            at = "" if size is None else f"/{size}"
            proof = _served_text(f"/v1/log/proofs/inclusion/{index}{at}").encode("utf-8")
        else:
            from parley.app import transparency

            proof = with_ledger(lambda ledger: transparency.prove(ledger, index=index, size=size))
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
    with failures():
        if server() is not None:
            path = f"/v1/log/proofs/consistency/{size1}/{size2}"
            data = _served_text(path).encode("utf-8")
        else:
            from parley.app import transparency

            data = with_ledger(
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
    with failures():
        if server() is not None:
            if witness is None:
                key = str(client(None).request("GET", "/v1/log/key")["key"])
            else:
                key = _served_text(f"/v1/log/witness-keys/{segment(witness)}")
        elif witness is None:
            from parley.app import transparency

            key = with_ledger(transparency.verifier_key)
        else:
            from parley.app import transparency

            key = with_ledger(lambda ledger: transparency.witness_key(ledger, witness))
    sys.stdout.write(key + "\n")


@log_app.command("entry")
def entry_command(
    index: Annotated[int, typer.Option(help="The entry.")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the bytes.")],
) -> None:
    """Write the exact bytes whose RFC 9162 leaf hash is the entry in the tree."""
    with failures():
        if server() is not None:
            served = client(None).request("GET", f"/v1/log/entries/{index}")
            data = base64.b64decode(served["entry"], validate=True)
        else:
            from parley.app import transparency

            data = with_ledger(lambda ledger: transparency.entry_bytes(ledger, index))
    write_file(out_file, data)
    line = N_("Wrote entry {index} ({count} bytes) to {file}.")
    out.print(said(line, index=str(index), count=len(data), file=out_file))


def _served_text(path: str) -> str:
    """A text the server answers (a proof, a checkpoint, a key), asked with the key here."""
    return str(client(None).request("GET", path)["text"])
