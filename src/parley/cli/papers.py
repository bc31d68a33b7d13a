"""`parley batch manifest` and `parley roster export`: papers for the handover site and a
side's own view as a file (XLSX, PFIF 1.4)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated, Any

import typer

from parley.app.language import DEFAULT, user_locale
from parley.cli.console import (
    client,
    failures,
    out,
    said,
    segment,
    server,
    with_ledger,
    words,
    write_file,
)
from parley.errors import N_, InvalidInput


def manifest_command(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    pdf: Annotated[Path, typer.Option("--pdf", help="The PDF file to write.")],
    lang: Annotated[
        str, typer.Option("--lang", help="Languages, side by side: uk,ru (default) or uk,ru,en.")
    ] = "uk,ru",
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who prints it: the mediator (default) or a side of the batch (with --server:"
            " the party whose key is here).",
        ),
    ] = None,
) -> None:
    """Write the batch's manifest for the handover site: each person's name as each side
    writes it (as far as the reader may see), birth date and id, a signature line for each
    party and the mediator; each page names the batch's planning entry by log index and the
    first 16 hex digits of its leaf hash, and says "page N of M"."""
    with failures(N_("nothing was written")):
        if server() is not None:  # made on the server as this party may see it
            served = client(actor).request(
                "POST", f"/v1/batches/{segment(batch_id)}/manifest", {"languages": lang}
            )
            persons, index, short = (
                served["persons"],
                served["planned_index"],
                served["short_hash"],
            )
            data = _file(served)
        else:
            from parley.app import papers  # fpdf: made here only

            found, data = with_ledger(
                lambda ledger: papers.manifest_pdf(
                    ledger, actor=actor or "MED", batch_id=batch_id, languages=lang
                )
            )
            persons, index, short = len(found.rows), found.planned_index, found.short_hash
    write_file(pdf, data)
    line = N_("Wrote {file}: batch {batch}, {count} person(s), log entry {index}, hash {hash}.")
    out.print(
        said(line, file=pdf, batch=batch_id, count=persons, index=str(index), hash=short),
        markup=False,
    )


def _file(served: dict[str, Any]) -> bytes:
    """The file a server's answer carries (base64)."""
    return base64.b64decode(served["file"], validate=True)


def export_command(
    file: Annotated[
        Path,
        typer.Argument(help="The file to write: .xlsx (a workbook) or .xml/.pfif (PFIF 1.4)."),
    ],
    actor: Annotated[str, typer.Option("--as", help="Who exports: the side, or the mediator.")],
    party: Annotated[
        str | None, typer.Option(help="Whose view (default: the one exporting).")
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(help="PFIF: the repository's domain in each record id (parley.<party>)."),
    ] = None,
) -> None:
    """Export a side's own view: a workbook (XLSX) in the user's language, or PFIF 1.4.

    XLSX: its rosters (a sheet each; alone on a workbook, a sheet imports again), its sought
    persons with their outcome, and the handovers it releases or receives, headed in the user's
    language (PARLEY_LANG: uk, ru); dates are date cells, cells that look like formulas are
    written as text. PFIF 1.4: its sought persons with a note of their status (sought, located,
    in a batch, received...) for tracing services."""
    whose = party or actor
    suffix = file.suffix.lower()
    with failures(N_("nothing was written")):
        if suffix == ".xlsx":
            what, kind = words(N_("workbook")), "xlsx"
        elif suffix in (".xml", ".pfif"):
            what, kind = "PFIF 1.4", "pfif"
        else:
            raise InvalidInput(
                N_("{file}: name the file .xlsx, or .xml or .pfif for PFIF 1.4"), file=file.name
            )
        if server() is not None:  # made on the server as this party may see it
            asked: dict[str, Any] = {"format": kind}
            if domain is not None:
                asked["domain"] = domain
            if kind == "xlsx" and user_locale() != DEFAULT:  # a server that takes it answers in it
                asked["language"] = user_locale()
            data = _file(
                client(actor).request("POST", f"/v1/parties/{segment(whose)}/exports", asked)
            )
        elif kind == "xlsx":
            from parley.app import papers

            data = with_ledger(
                lambda ledger: papers.export_xlsx(
                    ledger, actor=actor, party=whose, locale=user_locale()
                )
            )
        else:
            from parley.app import papers

            data = with_ledger(
                lambda ledger: papers.export_pfif(ledger, actor=actor, party=whose, domain=domain)
            )
    write_file(file, data)
    line = N_("Wrote {file}: {party}'s view ({what}).")
    out.print(said(line, file=file, party=whose, what=what), markup=False)
