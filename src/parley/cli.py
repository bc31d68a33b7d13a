"""The `parley` command: thin over the `app` use cases, Rich for people, JSON for machines."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from parley import cli_batch, cli_link, cli_log, cli_match, cli_names, cli_roadmap
from parley.app import erasure, instance, keys_admin, rosters
from parley.app import person as person_view
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.app.status import summary
from parley.domain.errors import DomainError
from parley.domain.matches import RecordRef
from parley.domain.parties import Party, Role
from parley.domain.rosters import RosterDiff, RosterKind
from parley.io.rosters import read_roster
from parley.io.tables import RosterFileError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
roster_app = typer.Typer(no_args_is_help=True, help="Submit and compare rosters.")
party_app = typer.Typer(no_args_is_help=True, help="Register parties.")
app.add_typer(roster_app, name="roster")
app.add_typer(party_app, name="party")
key_app = typer.Typer(no_args_is_help=True, help="Rotate and revoke signing keys.")
app.add_typer(key_app, name="key")

# wide enough for the status tables when the output is a file or a pipe
out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line
T = TypeVar("T")

_state: dict[str, Path | None] = {"data_dir": None}


@app.callback()
def _main(
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory (default: $PARLEY_DATA_DIR or a per-user folder)."),
    ] = None,
) -> None:
    """Parley: a verifiable ledger for mediated exchanges of detainees."""
    _state["data_dir"] = data_dir


def settings() -> Settings:
    return Settings.from_env(_state["data_dir"])


@contextmanager
def failures(refused: str = "nothing was imported") -> Iterator[None]:
    """Every expected failure reaches the user as one clear sentence and a non-zero exit;
    `refused` says what a bad file left undone."""
    try:
        yield
    except RosterFileError as e:
        err.print(f"[red]Refused, {refused}:[/] {len(e.problems)} problem(s)")
        for problem in e.problems:
            err.print(f"  {problem}")
        raise typer.Exit(1) from e
    except DomainError as e:
        err.print(f"[red]Error:[/] {e}")
        raise typer.Exit(1) from e


def _ledger(create: bool = False) -> Ledger:
    return Ledger.open(settings(), create=create)


def _with_ledger(fn: Callable[[Ledger], T]) -> T:
    ledger = _ledger()
    try:
        return fn(ledger)
    finally:
        ledger.close()


@app.command()
def init(
    name: Annotated[str, typer.Option(help="A name for this instance.")] = "Parley",
    mediator_id: Annotated[str, typer.Option(help="The mediator's party id.")] = "MED",
    mediator_name: Annotated[str, typer.Option(help="The mediator's name.")] = "Mediator",
) -> None:
    """Create the database (or bring its schema up to date) and the mediator's key."""
    with failures():
        ledger = _ledger(create=True)
        try:
            with ledger.reading() as conn:
                done = instance.is_initialised(conn)
            if done:
                out.print(f"Instance in {settings().data_dir} is up to date.")
                return
            instance.init_instance(
                ledger, name=name, mediator_id=mediator_id, mediator_name=mediator_name
            )
        finally:
            ledger.close()
        out.print(f"Initialised [bold]{name}[/] in {settings().data_dir}; mediator {mediator_id}.")


@party_app.command("add")
def party_add(
    party_id: Annotated[str, typer.Argument(help="Short id, e.g. UA.")],
    name: Annotated[str, typer.Option(help="Full name of the party.")],
    role: Annotated[Role, typer.Option(help="side or monitor.")] = Role.SIDE,
    public_key: Annotated[
        Path | None,
        typer.Option(help="The party's raw 32-byte Ed25519 public key, hex, in a file."),
    ] = None,
    actor: Annotated[str, typer.Option("--as", help="The mediator registering the party.")] = "MED",
) -> None:
    """Register a side or a monitor (by the mediator)."""
    with failures():
        key = bytes.fromhex(public_key.read_text().strip()) if public_key else None
        _with_ledger(
            lambda ledger: instance.register_party(
                ledger, actor=actor, party=Party(party_id, name, role), public_key=key
            )
        )
        out.print(f"Registered {party_id} ({role.value}).")


@app.command()
def demo(
    size: Annotated[int, typer.Option(help="Persons a side in the all-for-all phase.")] = 2000,
) -> None:
    """Reenact the 2019 exchange and the roadmap after it, on a fresh embedded database."""
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


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: Annotated[
        str | None, typer.Option("--as", help="Show only what this party may see.")
    ] = None,
) -> None:
    """Phases, counts per status, exceptions, parity and log size."""
    with failures():
        data = _with_ledger(lambda ledger: summary(ledger, actor))
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_summary(data)


@app.command("rebuild")
def rebuild_command(
    check: Annotated[
        bool,
        typer.Option("--check", help="Also compare the rebuilt projections with the live ones."),
    ] = False,
) -> None:
    """Drop the projections and replay the log."""
    with failures():
        ledger = _ledger()
        try:
            before = None
            if check:
                with ledger.reading() as conn:
                    before = projection_snapshot(conn)
            started = time.perf_counter()
            count = rebuild(ledger)
            seconds = time.perf_counter() - started
            if before is not None:
                with ledger.reading() as conn:
                    after = projection_snapshot(conn)
                differing = [name for name in before if before[name] != after[name]]
                if differing:
                    err.print(
                        f"[red]Rebuilt projections differ from the live ones:[/] {', '.join(differing)}"
                    )
                    raise typer.Exit(1)
        finally:
            ledger.close()
    note = "; rebuilt projections equal the live ones" if check else ""
    out.print(f"Replayed {count} log entries in {seconds:.1f} s{note}.")


@roster_app.command("import")
def roster_import(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8, UTF-16 or Windows-1251) or XLSX.")],
    party: Annotated[str, typer.Option(help="The party whose roster this is.")],
    kind: Annotated[RosterKind, typer.Option(help="held or sought.")],
    actor: Annotated[
        str | None, typer.Option("--as", help="Who imports: only the party itself (default).")
    ] = None,
) -> None:
    """Import a new version of a roster; one bad row refuses the whole file."""
    with failures():
        roster = read_roster(file)
        result = _with_ledger(
            lambda ledger: rosters.import_roster(
                ledger,
                party_id=party,
                kind=kind,
                records=roster.records,
                source=file.name,
                source_sha256=roster.sha256,
                actor=actor,
            )
        )
    if result.version is None:
        out.print(f"{result.roster_id}: unchanged ({result.record_count} persons); no new version.")
        return
    d = result.diff
    out.print(
        f"{result.roster_id} v{result.version}: {result.record_count} persons"
        f" ({len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed)."
    )
    if roster.unknown_columns:
        out.print(f"Kept as notes, not recognised as columns: {', '.join(roster.unknown_columns)}")


@roster_app.command("diff")
def roster_diff(
    party: Annotated[str, typer.Option(help="The party whose roster to compare.")],
    kind: Annotated[RosterKind, typer.Option(help="held or sought.")],
    file: Annotated[
        Path | None, typer.Argument(help="Compare this file with the current version instead.")
    ] = None,
    from_version: Annotated[int | None, typer.Option("--from", help="Older version.")] = None,
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: Annotated[
        str | None,
        typer.Option("--as", help="Who looks: the party itself (default) or the mediator."),
    ] = None,
) -> None:
    """What changed between two versions of a roster, or between a file and the roster."""
    with failures():
        if file is not None:
            records = read_roster(file).records
            version, d = _with_ledger(
                lambda ledger: rosters.diff_file(
                    ledger, party_id=party, kind=kind, records=records, actor=actor
                )
            )
            title = f"{party}:{kind.value} v{version} → {file.name}"
        else:
            frm, to, d = _with_ledger(
                lambda ledger: rosters.diff_versions(
                    ledger,
                    party_id=party,
                    kind=kind,
                    before=from_version,
                    after=to_version,
                    actor=actor,
                )
            )
            title = f"{party}:{kind.value} v{frm} → v{to}"
    if as_json:
        sys.stdout.write(json.dumps(_diff_json(title, d), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(
        f"[bold]{title}[/]: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"
    )
    for rid in d.added:
        out.print(f"  [green]+ {rid}[/]")
    for rid in d.removed:
        out.print(f"  [red]- {rid}[/]")
    for rid, changes in d.changed:
        detail = "; ".join(f"{c.field}: {c.before!r} → {c.after!r}" for c in changes)
        out.print(f"  [yellow]~ {rid}[/] {detail}")


@app.command()
def erase(
    person: Annotated[str, typer.Option(help="The record: PARTY[:held|:sought]/RECORD_ID.")],
    reason: Annotated[
        str, typer.Option(help="Why, for the log (no personal data).")
    ] = "erasure request",
    actor: Annotated[
        str, typer.Option("--as", help="The mediator, or the party owning the roster.")
    ] = "MED",
) -> None:
    """Erase a person's personal data from every payload and projection; proofs keep holding."""
    with failures():
        ref = RecordRef.parse(person)
        roster_id, record_id = ref.roster_id, ref.record_id
        done = _with_ledger(
            lambda ledger: erasure.erase(
                ledger, actor=actor, roster_id=roster_id, record_id=record_id, reason=reason
            )
        )
    out.print(f"Erased {roster_id}/{record_id}: erasure recorded as log entry {done.first}.")


@app.command()
def person(
    record: Annotated[str, typer.Argument(help="PARTY[:held|:sought]/RECORD_ID")],
    actor: Annotated[
        str, typer.Option("--as", help="Who is asking (the mediator, or the owning side).")
    ] = "MED",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One person's whole history across rosters and handovers."""
    with failures():
        ref = RecordRef.parse(record)
        roster_id, record_id = ref.roster_id, ref.record_id
        data = _with_ledger(
            lambda ledger: person_view.history(
                ledger, actor=actor, roster_id=roster_id, record_id=record_id
            )
        )
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]{data['record']}[/] {data['name']}{' (erased)' if data['erased'] else ''}")
    for v in data["roster_versions"]:
        mark = f"on it (revision {v['revision']})" if v["on_roster"] else "not on it"
        out.print(f"  roster v{v['version']} from {v['source']}: {mark}")
    for r in data["revisions"][1:]:
        out.print(f"  revision {r['revision']} at {r['time']} (log entry {r['log_index']})")
    for m in data["matches"]:
        kind = "duplicate of" if m["duplicate"] else "matched with"
        out.print(f"  {kind} {m['with']} ({m['state']}, {m['score']:.2f}): {m['explanation']}")
    for h in data["handovers"]:
        note = f" — {h['note']}" if h["note"] else ""
        out.print(
            f"  {h['time']} batch {h['batch']}: {h['from'] or 'planned'} → {h['to']} by {h['by']}{note}"
        )


@key_app.command("rotate")
def key_rotate(party: Annotated[str, typer.Option(help="The party whose key to rotate.")]) -> None:
    """Make a new key for a party, announced under its current key."""
    with failures():
        _with_ledger(lambda ledger: keys_admin.rotate(ledger, party_id=party))
    out.print(f"Rotated the signing key of {party}.")


@key_app.command("revoke")
def key_revoke(
    party: Annotated[str, typer.Option(help="The party whose key is revoked.")],
    key_id: Annotated[str, typer.Option(help="The key id to revoke.")],
    reason: Annotated[str, typer.Option(help="Why, for the log.")],
    actor: Annotated[str, typer.Option("--as", help="The mediator, or the party itself.")] = "MED",
    new_public_key: Annotated[
        Path | None, typer.Option(help="A replacement: raw Ed25519 public key, hex, in a file.")
    ] = None,
) -> None:
    """Revoke a key; signatures under it are refused from now on."""
    with failures():
        replacement = bytes.fromhex(new_public_key.read_text().strip()) if new_public_key else None
        _with_ledger(
            lambda ledger: keys_admin.revoke(
                ledger,
                actor=actor,
                party_id=party,
                revoked_key_id=key_id,
                reason=reason,
                replacement=replacement,
            )
        )
    out.print(f"Revoked key {key_id} of {party}.")


def _diff_json(title: str, d: RosterDiff) -> dict[str, Any]:
    return {
        "compared": title,
        "added": list(d.added),
        "removed": list(d.removed),
        "changed": [
            {
                "record_id": rid,
                "fields": [{"field": c.field, "before": c.before, "after": c.after} for c in ch],
            }
            for rid, ch in d.changed
        ],
    }


_STATE_ORDER = (
    "requested",
    "located",
    "agreed",
    "cleared",
    "consent_verified",
    "transferred",
    "received",
    "declined",
    "not_delivered",
    "substituted",
    "deceased",
    "disputed",
    "released_to_third_state",
)


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
                    place = f" at {c['place']}" if c.get("place") else ""
                    out.print(
                        f"  {c['id']} {c['kind']}{place}{due}: [bold]{c['status']}/3 {c['status_label']}[/]"
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
            table.add_row(e["batch"], e["person"], e["name"] or "", e["state"], detail)
        out.print()
        out.print(table)
    log = data["log"]
    out.print(f"\nLog: {log['size']} signed entries, last at {log['last_time']}.")


def _print_exchange(c: dict[str, Any]) -> None:
    out.print(f"  {c['id']} exchange ({c['mode'].replace('_', ' ')}): {c['description']}")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("released by")
    for col in ("planned", "received", "confirmed ×3", "done", "in progress", "by state"):
        table.add_column(col, justify="right" if col != "by state" else "left")
    for side, s in c["sides"].items():
        states = ", ".join(f"{k} {s['by_state'][k]}" for k in _STATE_ORDER if k in s["by_state"])
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
    batches = ", ".join(f"{b['id']} {b['status']}" for b in c["batches"])
    out.print(f"   parity: released {released}, balance {parity['balance']:+d}; batches: {batches}")


def main() -> None:
    app()


cli_log.register(app)
cli_batch.register(app)
cli_batch.register_interview(app)
cli_roadmap.register(app)
cli_roadmap.register_agreements(app)
cli_match.register(app)
cli_names.register(app)
cli_link.register(app)
