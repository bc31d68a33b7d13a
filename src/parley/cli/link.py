"""`parley link`: two roster files linked on Splink, one explained row per predicted link."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from parley.cli.console import err, fail, failures, line_said, said, stage_said, warn
from parley.errors import N_


def link_command(
    left: Annotated[Path, typer.Argument(help="A roster file (CSV or XLSX).")],
    right: Annotated[Path, typer.Argument(help="The roster file to link it with.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the links (CSV).")],
    threshold: Annotated[
        float | None,
        typer.Option(help="Report links at or above this probability (default 0.5)."),
    ] = None,
    one_to_one: Annotated[
        bool, typer.Option("--one-to-one", help="Each record in at most one link.")
    ] = False,
    held_out: Annotated[
        Path | None,
        typer.Option(
            "--held",
            help="Also write the pairs at the threshold whose service numbers or national "
            "ids differ, for review (CSV).",
        ),
    ] = None,
    hold_differing_ids: Annotated[
        bool,
        typer.Option(
            "--hold-differing-ids",
            help="Keep pairs whose identifiers differ out of OUT (only in --held).",
        ),
    ] = False,
) -> None:
    """Link LEFT with RIGHT: each predicted pair with its probability and why, in words.

    A service number or national id that differs is weighed as evidence against a pair,
    not a veto: a pair whose other fields still carry it over the threshold is linked,
    and its explanation begins by saying which identifier differs. With
    --hold-differing-ids such pairs are held back for review instead.
    """
    from parley.app.lists import link_lists, read_list, write_links  # Splink: this command only

    for target in (out, held_out) if held_out is not None else (out,):  # before the run
        if target.is_dir():
            line = N_("{path} is a folder: give the file to write, e.g. {example}")
            fail(said(line, path=target, example=target / "links.csv"))
        if not target.resolve().parent.is_dir():
            fail(said(N_("{path}: no such folder"), path=target))
    try:
        with failures(refused=N_("nothing was written")):
            records_l = read_list(left)
            records_r = read_list(right)
    except OSError as e:
        fail(said(N_("cannot read {path}: {why}"), path=e.filename, why=e.strerror))
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar, failures():
        task = bar.add_task(stage_said("preparing"), total=1.0)

        stages: list[str] = []

        def progress(stage: str, fraction: float) -> None:
            bar.update(task, description=stage_said(stage), completed=fraction)
            if bar.disable and (not stages or stages[-1] != stage):
                stages.append(stage)  # no terminal: one line a stage, for logs
                err.print(f"{fraction:4.0%} {stage_said(stage)}")

        started = time.perf_counter()
        result = link_lists(
            records_l,
            records_r,
            threshold=threshold,
            one_to_one=one_to_one,
            progress=progress,
            hold_differing_ids=hold_differing_ids,
        )
        seconds = time.perf_counter() - started
    for warning in result.warnings:
        warn(escape(line_said(warning)))
    write_links(out, result.links)
    if held_out is not None:
        write_links(held_out, result.held)
    line = N_(
        "{count} link(s) at p ≥ {threshold:g} between {left} and {right} records, written to"
        " {file} ({seconds:.1f} s)"
    )
    done = said(
        line,
        count=len(result.links),
        threshold=result.threshold,
        left=len(records_l),
        right=len(records_r),
        file=out,
        seconds=seconds,
    )
    if result.held:
        if hold_differing_ids:
            held = N_("; {count} pair(s) with differing identifiers held for review")
        else:
            held = N_("; {count} pair(s) with differing identifiers among them, marked for review")
        done += said(held, count=len(result.held))
    err.print(done)
