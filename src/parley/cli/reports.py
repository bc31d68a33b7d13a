"""`parley report`: a monitor reports what it observed; `parley report list` reads them back."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from parley.cli.console import (
    client,
    day,
    failures,
    out,
    party_here,
    print_json,
    said,
    segment,
    server,
    with_ledger,
    words,
)
from parley.domain.agreements import ReportKind
from parley.domain.errors import DomainError
from parley.domain.moments import parse_moment, write_moment
from parley.errors import N_, Word

# the reports table's headings, said in the user's language
_COLUMNS = (N_("observed"), N_("commitment"), N_("kind"), N_("place"), N_("by"), N_("text"))

report_app = typer.Typer(
    invoke_without_command=True,
    help="A monitor reports what was observed, where, when; `report list` reads them.",
)


@report_app.callback()
def report_command(
    ctx: typer.Context,
    commitment: Annotated[str | None, typer.Option(help="The commitment observed.")] = None,
    kind: Annotated[
        ReportKind | None, typer.Option(help="violation, compliance or observation.")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where.")] = None,
    date: Annotated[dt.datetime | None, typer.Option(help="The day it was observed.")] = None,
    at: Annotated[
        str | None,
        typer.Option(help="When it was observed, to the minute: 2020-06-03T14:30+03:00."),
    ] = None,
    text: Annotated[str | None, typer.Option(help="What was observed.")] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as", help="The reporting monitor (with --server: the party whose key is here)."
        ),
    ] = None,
) -> None:
    """A monitor reports what was observed, where, when (--date, or --at to the minute)."""
    if ctx.invoked_subcommand is not None:
        return
    with failures():
        if commitment is None or kind is None or place is None or text is None:
            raise DomainError(N_("a report needs --commitment, --kind, --place and --text"))
        if server() is not None:  # the monitor whose key is here, unless --as names it
            actor = party_here(actor)
        elif actor is None:
            raise DomainError(N_("a report needs --commitment, --kind, --place, --text and --as"))
    _report(commitment, kind, place, text, actor, date=date, at=at)


@report_app.command("list")
def list_command(
    commitment: Annotated[
        str | None, typer.Option(help="Only the reports on this commitment.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--as", help="Show only what this party may see.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The monitors' reports, oldest observation first."""
    with failures():
        if server() is not None:  # what the signing party may see
            path = (
                "/v1/reports"
                if commitment is None
                else f"/v1/commitments/{segment(commitment)}/reports"
            )
            found = client(actor).request("GET", path)
        else:
            from parley.app.status import reports

            found = with_ledger(lambda ledger: reports(ledger, actor, commitment))
    if as_json:
        print_json(found)
        return
    if not found:
        out.print(said(N_("No reports.")))
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in _COLUMNS:
        table.add_column(words(col))
    for r in found:
        kind = words(r["kind"])
        observed = day(r["observed_on"])
        table.add_row(observed, r["commitment"], kind, r["place"], r["by"], r["text"])
    out.print(table)


def _report(
    commitment: str,
    kind: ReportKind,
    place: str,
    text: str,
    actor: str,
    date: dt.datetime | None = None,
    at: str | None = None,
) -> None:
    with failures():
        when = None if at is None else parse_moment(at)
        if (date is None) == (when is None):
            raise DomainError(N_("give the day observed (--date) or the time (--at), one of them"))
        day = when.date() if when is not None else date.date() if date is not None else None
        assert day is not None
        if server() is not None:
            client(actor).request(
                "POST",
                f"/v1/commitments/{segment(commitment)}/reports",
                {
                    "kind": kind.value,
                    "place": place,
                    "observed_on": day.isoformat(),
                    "text": text,
                    "at": None if when is None else write_moment(when),
                },
            )
        else:
            from parley.app import agreements

            with_ledger(
                lambda ledger: agreements.report(
                    ledger,
                    actor=actor,
                    commitment_id=commitment,
                    kind=kind,
                    place=place,
                    observed_on=day,
                    text=text,
                    at=when,
                )
            )
    out.print(
        said(
            N_("{actor} reported a {kind} on {commitment}."),
            actor=actor,
            kind=Word(kind.value),
            commitment=commitment,
        )
    )
