"""`parley status` and `parley demo`: the instance at a glance, and the story that fills one."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from parley.app.language import user_locale
from parley.cli.console import (
    client,
    day,
    failures,
    kind_said,
    line_said,
    moment,
    number,
    out,
    print_json,
    said,
    server,
    settings,
    state_said,
    status_said,
    with_ledger,
    words,
)
from parley.domain.handovers import ORDER
from parley.errors import N_, Word

if TYPE_CHECKING:
    from parley.app.ledger import Ledger


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
            served_demo.main(work, say=lambda line: out.print(line_said(line), markup=False))
        out.print("\n" + said(N_("Data: {folder}"), folder=work))
        return
    from parley.app.status import summary
    from parley.demo.scenario import run

    started = time.perf_counter()
    with failures():
        say = lambda line: out.print(f"  {line_said(line)}")  # noqa: E731
        ledger = run(settings(), phase2_size=size, say=say)
        try:
            _print_summary(summary(ledger), _translated(ledger))
        finally:
            ledger.close()
    line = N_(
        "Demo finished in {seconds:.1f} s. Data: {folder}\nTry: parley status --json, parley"
        " rebuild --check, parley export --out audit && parley verify audit"
    )
    seconds = time.perf_counter() - started
    out.print("\n" + said(line, seconds=seconds, folder=settings().data_dir))


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option("--as", help="Show only what this party may see.")
    ] = None,
) -> None:
    """Phases, counts per status, exceptions, parity and log size."""
    words: dict[str, str] = {}  # a server's status says the agreements' words as written
    with failures():
        if server() is not None:
            data = client(actor).request("GET", "/v1/status")
        else:
            from parley.app.status import summary

            data, words = with_ledger(lambda ledger: (summary(ledger, actor), _translated(ledger)))
    if as_json:
        print_json(data)
    else:
        _print_summary(data, words)


def _translated(ledger: Ledger) -> dict[str, str]:
    """The agreements' own words that they translate into the user's language."""
    from parley.app.agreement_words import translated_words

    return {text: t.text for text, t in translated_words(ledger, user_locale()).items()}


_NOT_INITIALISED = N_("Parley (not initialised)")
_PAST_DUE = N_("PAST DUE")
# the status view's column headings, said in the user's language
_EXCEPTION_COLUMNS = (N_("batch"), N_("person"), N_("name"), N_("state"), N_("detail"))
_SIDE_COLUMNS = (
    N_("planned"),
    N_("received"),
    N_("confirmed ×3"),
    N_("done"),
    N_("in progress"),
    N_("by state"),
)


def _print_summary(data: dict[str, Any], translated: dict[str, str]) -> None:
    """The status in the user's language; an agreement's words in it too where the agreement
    translates them (`translated`), as written otherwise."""

    def own(text: str) -> str:
        return translated.get(text, text)

    inst = data["instance"]
    out.print(f"\n[bold]{inst['name'] if inst else words(_NOT_INITIALISED)}[/]")
    parties = ", ".join(f"{p['id']} {p['name']} ({words(p['role'])})" for p in data["parties"])
    out.print(said(N_("Parties: {parties}"), parties=parties))
    for r in data["rosters"]:
        line = N_("Roster {roster}: v{version}, {count} persons")
        out.print(said(line, roster=r["id"], version=r["version"], count=r["records"]))
    for a in data["agreements"]:
        head = said(N_("Agreement {agreement}"), agreement=a["id"])
        signed = said(
            N_("{status}; signed by {parties}"),
            status=Word(a["status"]),
            parties=", ".join(a["signed_by"]),
        )
        out.print(f"\n[bold]{head}[/] — {own(a['title'])} ({signed})")
        for phase in a["phases"]:
            title = said(
                N_("Phase {number}: {title}"), number=phase["ordinal"], title=own(phase["title"])
            )
            out.print(f"\n [bold]{title}[/]")
            for c in phase["commitments"]:
                if c["kind"] == "exchange":
                    _print_exchange({**c, "description": own(c["description"])})
                else:
                    place = said(N_(" at {place}"), place=own(c["place"])) if c.get("place") else ""
                    rated = f"{c['status']}/3 {words(c['status_label'])}"
                    out.print(
                        f"  {c['id']} {kind_said(c['kind'])}{place}{_due(c)}: [bold]{rated}[/]"
                        f"{' — ' + c['note'] if c.get('note') else ''}"
                    )
    if data["exceptions"]:
        title = words(N_("Exceptions: everyone who left the main path"))
        table = Table(title=title, title_justify="left")
        for col in _EXCEPTION_COLUMNS:
            table.add_column(words(col))
        for e in data["exceptions"]:
            detail = ""
            if e["substitute"]:
                detail = said(N_("replaced by {person}"), person=e["substitute"])
            elif e["substitute_for"]:
                detail = said(N_("brought instead of {person}"), person=e["substitute_for"])
            if e.get("batch_cancelled"):
                detail = "; ".join(x for x in (detail, words(N_("batch cancelled"))) if x)
            table.add_row(e["batch"], e["person"], e["name"] or "", state_said(e["state"]), detail)
        out.print()
        out.print(table)
    log = data["log"]
    line = N_("Log: {size} signed entries, last at {time}.")
    out.print("\n" + said(line, size=log["size"], time=moment(log["last_time"])))


def _due(c: dict[str, Any]) -> str:
    """A commitment's due date, and whether it has passed, after its name."""
    due = said(N_(", due {date}"), date=day(c["due_date"])) if c.get("due_date") else ""
    return due + (f" [bold red]{words(_PAST_DUE)}[/]" if c.get("past_due") else "")


def _print_exchange(c: dict[str, Any]) -> None:
    mode = words(c["mode"].replace("_", " "))
    line = N_("{commitment} exchange ({mode}){due}: {description}")
    out.print(
        "  " + said(line, commitment=c["id"], mode=mode, due=_due(c), description=c["description"])
    )
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(words(N_("released by")))
    for col in _SIDE_COLUMNS:
        table.add_column(words(col), justify="right" if col != "by state" else "left")
    for side, s in c["sides"].items():
        states = ", ".join(
            f"{state_said(k)} {number(s['by_state'][k])}" for k in ORDER if k in s["by_state"]
        )
        table.add_row(
            side,
            number(s["planned"]),
            number(s["released"]),
            number(s["confirmed"]),
            number(s["done"]),
            number(s["in_progress"]),
            states,
        )
    out.print(table)
    parity = c["parity"]
    released = " / ".join(f"{k} {number(v)}" for k, v in parity["released"].items())
    batches = ", ".join(f"{b['id']} {status_said(b['status'])}" for b in c["batches"])
    line = N_("parity: released {released}, balance {balance}; batches: {batches}")
    balance = number(parity["balance"], "+d")
    out.print("   " + said(line, released=released, balance=balance, batches=batches))
