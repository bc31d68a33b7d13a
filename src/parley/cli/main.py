"""The `parley` command: thin over the `app` use cases, Rich for people, JSON for machines."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

import typer

from parley.cli import (
    agreements,
    batches,
    console,
    desk,
    instance,
    keys,
    link,
    log,
    matches,
    papers,
    reports,
    rosters,
    search,
)
from parley.cli import serve as serving
from parley.cli import status as status_view
from parley.cli import sync as syncing
from parley.cli.witness import witness_app

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help=__doc__,
    pretty_exceptions_show_locals=False,  # a traceback must never print a person's data
    cls=console.CheckedArguments,
)


@app.callback()
def _main(
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory (default: $PARLEY_DATA_DIR or a per-user folder)."),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            envvar="PARLEY_SERVER",
            help="A Parley server's URL: your party's commands run there, signed with your key"
            " in the data directory.",
        ),
    ] = None,
) -> None:
    """Parley: a verifiable ledger for mediated exchanges of detainees."""
    console.use_data_dir(data_dir)
    console.use_server(server)


# The whole command tree in one place, in the order `parley --help` lists it.
app.command()(instance.init)
app.command()(status_view.demo)
app.command()(status_view.status)
app.command("rebuild")(instance.rebuild_command)
app.command()(rosters.erase)
app.command()(rosters.person)
app.command("export")(log.export_command)
app.command("verify")(log.verify_command)
app.command("handover")(batches.handover_command)
app.command("interview")(batches.interview_command)
app.add_typer(reports.report_app, name="report")
app.command("reconcile")(matches.reconcile_command)
app.command("unlocated")(matches.unlocated_command)
app.command("search")(search.search_command)
app.command("link")(link.link_command)
app.command("serve")(serving.serve_command)
app.command("sync")(syncing.sync_command)
app.add_typer(rosters.roster_app, name="roster")
app.add_typer(instance.party_app, name="party")
app.add_typer(keys.key_app, name="key")
app.add_typer(log.log_app, name="log")
batches.batch_app.command("manifest")(papers.manifest_command)
rosters.roster_app.command("export")(papers.export_command)
app.add_typer(batches.batch_app, name="batch")
app.add_typer(agreements.commitment_app, name="commitment")
app.add_typer(agreements.agreement_app, name="agreement")
app.add_typer(matches.match_app, name="match")
app.add_typer(witness_app, name="witness")
app.add_typer(desk.desk_app, name="desk")


def _one_line_summaries(group: typer.Typer) -> None:
    """A command's summary in a list of commands is its docstring's first paragraph as one
    line: Rich would keep the line breaks where the source wrapped it."""
    for info in group.registered_commands:
        doc = info.help or (info.callback.__doc__ if info.callback else None)
        if info.short_help is None and doc:
            info.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _one_line_summaries(sub.typer_instance)


_one_line_summaries(app)


def main() -> None:
    app()
