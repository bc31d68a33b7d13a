"""`parley status` and `parley demo`: the instance at a glance, and the story that fills one."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.table import Table

from parley.cli.console import (
    client,
    failures,
    kind_said,
    out,
    print_json,
    server,
    settings,
    state_said,
    status_said,
    with_ledger,
)
from parley.domain.handovers import ORDER


def demo(
    size: Annotated[int, typer.Option(help="Persons a side in the all-for-all phase.")] = 2000,
    served: Annotated[
        bool,
        typer.Option(
            "--served",
            help="The story in miniature, served on loopback: the mediator's server and a client"
            " process per command, each party (med, ua, ru, smm) in its own folder of the data"
            " directory.",
        ),
    ] = False,
) -> None:
    """Reenact the 2019 exchange and the roadmap after it, on a fresh embedded database."""
    if served:
        from parley.demo import served as served_demo

        work = settings().data_dir
        with failures():
            served_demo.main(work, say=lambda line: out.print(line, markup=False))
        out.print(f"\nData: {work}")
        return
    from parley.app.status import summary
    from parley.demo.scenario import run

    started = time.perf_counter()
    with failures():
        ledger = run(settings(), phase2_size=size, say=lambda line: out.print(f"  {line}"))
        try:
            _print_summary(summary(ledger))
        finally:
            ledger.close()
    out.print(
        f"\nDemo finished in {time.perf_counter() - started:.1f} s. Data: {settings().data_dir}"
        "\nTry: parley status --json, parley rebuild --check,"
        " parley export --out audit && parley verify audit"
    )


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option("--as", help="Show only what this party may see.")
    ] = None,
) -> None:
    """Phases, counts per status, exceptions, parity and log size."""
    with failures():
        if server() is not None:
            data = client(actor).request("GET", "/v1/status")
        else:
            from parley.app.status import summary

            data = with_ledger(lambda ledger: summary(ledger, actor))
    if as_json:
        print_json(data)
    else:
        _print_summary(data)


def _print_summary(data: dict[str, Any]) -> None:
    inst = data["instance"]
    out.print(f"\n[bold]{inst['name'] if inst else 'Parley (not initialised)'}[/]")
    parties = ", ".join(f"{p['id']} {p['name']} ({p['role']})" for p in data["parties"])
    out.print(f"Parties: {parties}")
    for r in data["rosters"]:
        out.print(f"Roster {r['id']}: v{r['version']}, {r['records']} persons")
    for a in data["agreements"]:
        out.print(
            f"\n[bold]Agreement {a['id']}[/] — {a['title']} ({a['status']}; signed by {', '.join(a['signed_by'])})"
        )
        for phase in a["phases"]:
            out.print(f"\n [bold]Phase {phase['ordinal']}: {phase['title']}[/]")
            for c in phase["commitments"]:
                if c["kind"] == "exchange":
                    _print_exchange(c)
                else:
                    due = f", due {c['due_date']}" if c.get("due_date") else ""
                    due += " [bold red]PAST DUE[/]" if c.get("past_due") else ""
                    place = f" at {c['place']}" if c.get("place") else ""
                    out.print(
                        f"  {c['id']} {kind_said(c['kind'])}{place}{due}: [bold]{c['status']}/3 {c['status_label']}[/]"
                        f"{' — ' + c['note'] if c.get('note') else ''}"
                    )
    if data["exceptions"]:
        table = Table(title="Exceptions: everyone who left the main path", title_justify="left")
        for col in ("batch", "person", "name", "state", "detail"):
            table.add_column(col)
        for e in data["exceptions"]:
            detail = ""
            if e["substitute"]:
                detail = f"replaced by {e['substitute']}"
            elif e["substitute_for"]:
                detail = f"brought instead of {e['substitute_for']}"
            if e.get("batch_cancelled"):
                detail = "; ".join(x for x in (detail, "batch cancelled") if x)
            table.add_row(e["batch"], e["person"], e["name"] or "", state_said(e["state"]), detail)
        out.print()
        out.print(table)
    log = data["log"]
    out.print(f"\nLog: {log['size']} signed entries, last at {log['last_time']}.")


def _print_exchange(c: dict[str, Any]) -> None:
    due = f", due {c['due_date']}" if c.get("due_date") else ""
    due += " [bold red]PAST DUE[/]" if c.get("past_due") else ""
    out.print(f"  {c['id']} exchange ({c['mode'].replace('_', ' ')}){due}: {c['description']}")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("released by")
    for col in ("planned", "received", "confirmed ×3", "done", "in progress", "by state"):
        table.add_column(col, justify="right" if col != "by state" else "left")
    for side, s in c["sides"].items():
        states = ", ".join(
            f"{state_said(k)} {s['by_state'][k]}" for k in ORDER if k in s["by_state"]
        )
        table.add_row(
            side,
            str(s["planned"]),
            str(s["released"]),
            str(s["confirmed"]),
            str(s["done"]),
            str(s["in_progress"]),
            states,
        )
    out.print(table)
    parity = c["parity"]
    released = " / ".join(f"{k} {v}" for k, v in parity["released"].items())
    batches = ", ".join(f"{b['id']} {status_said(b['status'])}" for b in c["batches"])
    out.print(f"   parity: released {released}, balance {parity['balance']:+d}; batches: {batches}")
