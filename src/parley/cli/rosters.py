"""`parley roster`, `parley person` and `parley erase`: rosters and the persons on them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from parley.app import roster_rows
from parley.app.client import ServerRefused, timeout_for
from parley.app.language import DEFAULT, refusal, user_locale
from parley.app.roster_rows import ImportMode, RemovalNeedsConfirmation
from parley.cli.console import (
    client,
    err,
    failures,
    moment,
    out,
    print_json,
    said,
    segment,
    server,
    state_said,
    with_ledger,
    words,
)
from parley.cli.console import why as explained_why  # `why` names a line's part here
from parley.domain.matches import RecordRef
from parley.domain.persons import FIELD_LABELS
from parley.domain.rosters import RosterDiff, RosterKind, roster_id
from parley.domain.words import user_language
from parley.errors import N_, Sentence, Word

roster_app = typer.Typer(no_args_is_help=True, help="Submit and compare rosters.")
T = TypeVar("T")
SHOWN = 20  # persons a diff lists of each kind before "... and N more"
_MORE = N_("... and {count} more")
_REMOVE_THEM = N_("Remove them?")


def language() -> str:
    """The user's language for refusals: PARLEY_LANG, else the locale (LC_ALL, LC_MESSAGES,
    LANG); `uk` or `ru` add the accepted words in that language to the English ones."""
    env = os.environ.get
    return user_language(env("PARLEY_LANG"), env("LC_ALL"), env("LC_MESSAGES"), env("LANG"))


def _confirming(run: Callable[[bool], T], yes: bool) -> T:
    """Run a command that may remove most of a roster: with --yes at once; else, when it
    would, show who and ask at a terminal, refuse elsewhere (nothing is written until then)."""
    try:
        return run(yes)
    except RemovalNeedsConfirmation as e:
        if not sys.stdin.isatty():
            raise
        line = N_("{roster}: this would remove {count} of {of} persons:")
        err.print(f"[yellow]{said(line, roster=e.roster, count=len(e.removed), of=e.of)}[/]")
        for name in e.removed[:SHOWN]:
            err.print(f"  [red]- {name}[/]")
        if len(e.removed) > SHOWN:
            err.print("  " + said(_MORE, count=len(e.removed) - SHOWN))
        if not typer.confirm(words(_REMOVE_THEM), default=False, err=True):
            err.print(said(N_("Nothing was changed.")))
            raise typer.Exit(1) from e
        return run(True)


def _confirming_remotely(run: Callable[[bool], T], yes: bool) -> T:
    """`_confirming` for a server, whose refusal says how many persons the import would
    remove (its names stay on the server)."""
    try:
        return run(yes)
    except ServerRefused as e:
        if e.status != 409 or not str(e).startswith(RemovalNeedsConfirmation.SAYS):
            raise
        if not sys.stdin.isatty():
            raise
        says = said(N_("The server says {refusal}"), refusal=refusal(e, user_locale()))
        err.print(f"[yellow]{says}[/]")
        if not typer.confirm(words(_REMOVE_THEM), default=False, err=True):
            err.print(said(N_("Nothing was changed.")))
            raise typer.Exit(1) from e
        return run(True)


@roster_app.command("import")
def roster_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV (UTF-8, UTF-16 or Windows-1251), XLSX, or PFIF 1.4 (.xml)."),
    ],
    party: Annotated[str, typer.Option(help="The party whose roster this is.")],
    kind: Annotated[RosterKind, typer.Option(help="held or sought.")],
    actor: Annotated[
        str | None, typer.Option("--as", help="Who imports: only the party itself (default).")
    ] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="Add the file's persons and correct those already on the roster; remove"
            " nobody (without it the file is the whole roster).",
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Replace even when that removes more than half of the roster."
        ),
    ] = False,
) -> None:
    """Import a new version of a roster; one bad row refuses the whole file.

    A list without an ID column is fine: each person keeps the id they had on the roster
    (found by names, birth date and service number) or gets the roster's next number
    (docs/rosters.md). A word or date refused is explained in English and, when PARLEY_LANG
    or the locale says uk or ru, in that language too."""
    mode = ImportMode.MERGE if merge else ImportMode.REPLACE
    with failures():
        if server() is not None:  # read and checked here; the rows go to the server
            rows = roster_rows.file_rows(file, language=language())
            # no answer in time: comparing the file with the roster shows whether it was imported
            check = " ".join(
                ["parley roster diff", str(file), "--party", party, "--kind", kind.value]
                + ["--merge"] * merge
                + ["--server", str(server())]
            )
            data = _confirming_remotely(
                lambda confirmed: client(actor or party).request(
                    "POST",
                    f"/v1/rosters/{segment(party)}/{kind.value}",
                    {"records": rows, "source": file.name, "merge": merge, "confirmed": confirmed},
                    check=check,
                    timeout=timeout_for(len(rows)),
                ),
                yes,
            )
        else:
            from parley.app import roster_files

            done = _confirming(
                lambda confirmed: with_ledger(
                    lambda ledger: roster_files.import_file(
                        ledger,
                        path=file,
                        party_id=party,
                        kind=kind,
                        actor=actor,
                        mode=mode,
                        confirmed=confirmed,
                        language=language(),
                    )
                ),
                yes,
            )
            r = done.result
            data = {
                "roster": r.roster_id,
                "version": r.version,
                "records": r.record_count,
                "added": len(r.diff.added),
                "removed": len(r.diff.removed),
                "changed": len(r.diff.changed),
                "notes_columns": list(done.unknown_columns),
                "diff": roster_rows.diff_json(r.diff),
                "places": dict(r.places),
            }
    _print_import(data)


@roster_app.command("remove")
def roster_remove(
    party: Annotated[str, typer.Option(help="The party whose roster this is.")],
    kind: Annotated[RosterKind, typer.Option(help="held or sought.")],
    record_ids: Annotated[
        list[str] | None, typer.Argument(help="Ids of the persons to take off the roster.")
    ] = None,
    removal_list: Annotated[
        Path | None,
        typer.Option(
            "--list",
            help="A file of the persons to take off (a roster file: with ids, or names and"
            " birth dates as the roster's own list writes them).",
        ),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--as", help="Who removes: only the party itself (default).")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Remove even more than half of the roster.")
    ] = False,
) -> None:
    """Take persons off a roster: a new version without them (their history stays)."""
    with failures(N_("nobody was removed")):
        if not record_ids and removal_list is None:
            raise typer.BadParameter(words(N_("name the persons to remove: ids, or --list FILE")))
        if server() is not None:  # the list read and checked here; its rows go to the server
            removal: dict[str, Any] = {"record_ids": record_ids or []}
            if removal_list is not None:
                removal["records"] = roster_rows.file_rows(removal_list, language=language())
                removal["source"] = removal_list.name
            data = _confirming_remotely(
                lambda confirmed: client(actor or party).request(
                    "POST",
                    f"/v1/rosters/{segment(party)}/{kind.value}/removals",
                    {**removal, "confirmed": confirmed},
                    timeout=timeout_for(len(removal.get("records", ()))),
                ),
                yes,
            )
        else:
            from parley.app import roster_files

            r = _confirming(
                lambda confirmed: with_ledger(
                    lambda ledger: roster_files.remove_listed(
                        ledger,
                        party_id=party,
                        kind=kind,
                        record_ids=record_ids or (),
                        path=removal_list,
                        actor=actor,
                        confirmed=confirmed,
                        language=language(),
                    )
                ),
                yes,
            )
            data = {
                "roster": r.roster_id,
                "version": r.version,
                "records": r.record_count,
                "added": 0,
                "removed": len(r.diff.removed),
                "changed": 0,
                "notes_columns": [],
                "diff": roster_rows.diff_json(r.diff),
            }
    _print_import(data)


def _print_import(data: dict[str, Any]) -> None:
    """What an import did, as the local use case or the server's answer tells it."""
    roster, count = data["roster"], data["records"]
    if data["version"] is None:
        out.print(
            said(
                N_("{roster}: unchanged ({count} persons); no new version."),
                roster=roster,
                count=count,
            )
        )
        return
    out.print(
        said(
            N_(
                "{roster} v{version}: {count} persons ({added} added, {removed} removed, "
                "{changed} corrected)."
            ),
            roster=roster,
            version=data["version"],
            count=count,
            added=data["added"],
            removed=data["removed"],
            changed=data["changed"],
        )
    )
    if "diff" in data:
        _print_changes(roster_rows.diff_from_json(data["diff"]), places=data.get("places", {}))
    if data["notes_columns"]:
        out.print(
            said(
                N_("Kept as notes, not recognised as columns: {columns}"),
                columns=", ".join(data["notes_columns"]),
            )
        )


def _print_changes(
    d: RosterDiff, limit: int | None = SHOWN, places: Mapping[str, str] | None = None
) -> None:
    """Who was added, removed and changed, by name (and id, and the file's row when `places`
    says it), each list cut at `limit`."""

    def shown(ids: tuple[str, ...]) -> tuple[str, ...]:
        return ids if limit is None else ids[:limit]

    def more(ids: tuple[Any, ...]) -> None:
        if limit is not None and len(ids) > limit:
            out.print("    " + said(_MORE, count=len(ids) - limit))

    def by_name(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(ids, key=lambda rid: (d.name(rid).casefold(), rid)))

    def value(v: Any) -> str:
        return "—" if v is None else repr(v)

    def where(rid: str) -> str:
        place = (places or {}).get(rid)
        return f"({rid}; {place})" if place else f"({rid})"

    for rid in shown(by_name(d.added)):
        out.print(f"  [green]+ {d.name(rid)}[/] {where(rid)}")
    more(d.added)
    for rid in shown(by_name(d.removed)):
        out.print(f"  [red]- {d.name(rid)}[/] ({rid})")
    more(d.removed)
    changes_of = dict(d.changed)
    for rid in shown(by_name(tuple(changes_of))):
        detail = "; ".join(
            f"{_field(c.field)}: {value(c.before)} → {value(c.after)}" for c in changes_of[rid]
        )
        out.print(f"  [yellow]~ {d.name(rid)}[/] {where(rid)} {detail}")
    more(d.changed)


def _field(name: str) -> str:
    """A roster column as the user's language names it (`Дата народження`); in English by its
    name in the file (`birth_date`), as the lines always said it."""
    if user_locale() == DEFAULT or name not in FIELD_LABELS:
        return name
    return words(FIELD_LABELS[name])


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
    merge: Annotated[
        bool, typer.Option("--merge", help="Compare the file as `import --merge` would take it.")
    ] = False,
) -> None:
    """What changed between two versions of a roster, or between a file and the roster."""
    with failures(N_("nothing was compared")):
        if server() is not None:
            version_or_pair, d = _remote_diff(
                party, kind, file, from_version, to_version, actor, merge
            )
            title = (
                f"{roster_id(party, kind)} v{version_or_pair} → {file.name}"
                if file is not None
                else f"{roster_id(party, kind)} {version_or_pair}"
            )
        elif file is not None:
            from parley.app import roster_files

            version, d = with_ledger(
                lambda ledger: roster_files.diff_file(
                    ledger,
                    path=file,
                    party_id=party,
                    kind=kind,
                    actor=actor,
                    mode=ImportMode.MERGE if merge else ImportMode.REPLACE,
                    language=language(),
                )
            )
            title = f"{roster_id(party, kind)} v{version} → {file.name}"
        else:
            from parley.app import rosters

            frm, to, d = with_ledger(
                lambda ledger: rosters.diff_versions(
                    ledger,
                    party_id=party,
                    kind=kind,
                    before=from_version,
                    after=to_version,
                    actor=actor,
                )
            )
            title = f"{roster_id(party, kind)} v{frm} → v{to}"
    if as_json:
        print_json(_diff_json(title, d))
        return
    counts = said(
        N_("{added} added, {removed} removed, {changed} corrected"),
        added=len(d.added),
        removed=len(d.removed),
        changed=len(d.changed),
    )
    out.print(f"[bold]{title}[/]: {counts}")
    _print_changes(d, limit=None)


def _remote_diff(
    party: str,
    kind: RosterKind,
    file: Path | None,
    before: int | None,
    after: int | None,
    actor: str | None,
    merge: bool = False,
) -> tuple[str, RosterDiff]:
    """The server's comparison: the file read and checked here, its rows sent; or two versions."""
    path = f"/v1/rosters/{segment(party)}/{kind.value}/comparisons"
    if file is not None:
        rows = roster_rows.file_rows(file, language=language())
        data = client(actor or party).request(
            "POST", path, {"records": rows, "merge": merge}, timeout=timeout_for(len(rows))
        )
        return str(data["version"]), roster_rows.diff_from_json(data)
    data = client(actor or party).request("POST", path, {"before": before, "after": after})
    return f"v{data['from']} → v{data['to']}", roster_rows.diff_from_json(data)


def _diff_json(title: str, d: RosterDiff) -> dict[str, Any]:
    return {"compared": title, **roster_rows.diff_json(d)}


def erase(
    person: Annotated[str, typer.Option(help="The record: PARTY[:held|:sought]/RECORD_ID.")],
    reason: Annotated[
        str, typer.Option(help="Why, for the log (no personal data).")
    ] = "erasure request",
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The mediator (default), or the party owning the roster (with --server: the"
            " party whose key is here).",
        ),
    ] = None,
) -> None:
    """Erase a person, not a record: the record named and every record joined to it (both
    sides' rosters) leave every payload and projection; proofs keep holding."""
    with failures():
        ref = RecordRef.parse(person)
        if server() is not None:
            data = client(actor).request(
                "POST",
                f"/v1/persons/{segment(ref.roster_id)}/{segment(ref.record_id)}/erasure",
                {"reason": reason},
            )
        else:
            from parley.app import erasure

            done = with_ledger(
                lambda ledger: erasure.erase_person(
                    ledger,
                    actor=actor or "MED",
                    roster_id=ref.roster_id,
                    record_id=ref.record_id,
                    reason=reason,
                )
            )
            data = {
                "first": done.appended.first if done.appended is not None else None,
                "erased": [str(r) for r in done.erased],
                "already": [str(r) for r in done.already],
                "not_erased": [{"record": str(r), "why": why} for r, why in done.not_erased],
                "interviews": done.interviews,
            }
    out.print(
        said(
            N_(
                "Erased {records} record(s) and {interviews} consent interview(s), recorded from "
                "log entry {first}:"
            ),
            records=len(data["erased"]),
            interviews=data["interviews"],
            first=str(data["first"]),  # a log index, not a count
        )
    )
    for r in data["erased"]:
        out.print("  " + said(N_("erased {record}"), record=r))
    for r in data["already"]:
        out.print("  " + said(N_("erased before: {record}"), record=r))
    for n in data["not_erased"]:
        out.print("  " + said(N_("not erased: {record}: {why}"), record=n["record"], why=n["why"]))
    out.print(said(N_("Not erased: {what}."), what=Sentence(roster_rows.NEVER_JOINED)))


def person(
    record: Annotated[str, typer.Argument(help="PARTY[:held|:sought]/RECORD_ID")],
    actor: Annotated[
        str | None,
        typer.Option("--as", help="Who is asking: the mediator (default), or the owning side."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One person's whole history across rosters and handovers."""
    with failures():
        ref = RecordRef.parse(record)
        if server() is not None:
            data = client(actor).request(
                "GET", f"/v1/persons/{segment(ref.roster_id)}/{segment(ref.record_id)}"
            )
        else:
            from parley.app import person as person_view

            data = with_ledger(
                lambda ledger: person_view.history(
                    ledger, actor=actor or "MED", roster_id=ref.roster_id, record_id=ref.record_id
                )
            )
    if as_json:
        print_json(data)
        return
    erased = words(N_(" (erased)")) if data["erased"] else ""
    out.print(f"[bold]{data['record']}[/] {data['name']}{erased}")
    for v in data["roster_versions"]:
        if v["on_roster"]:
            mark = said(N_("on it (revision {revision})"), revision=v["revision"])
        else:
            mark = words(N_("not on it"))
        line = N_("roster v{version} from {source}: {mark}")
        out.print("  " + said(line, version=v["version"], source=v["source"], mark=mark))
    for r in data["revisions"][1:]:
        line = N_("revision {revision} at {time} (log entry {index})")
        out.print(
            "  "
            + said(line, revision=r["revision"], time=moment(r["time"]), index=str(r["log_index"]))
        )
    for m in data["matches"]:
        if m["duplicate"]:
            line = N_("duplicate of {record} ({state}, {score:.2f})")
        else:
            line = N_("matched with {record} ({state}, {score:.2f})")
        # the basis the log keeps, in the user's words; a side's view has none
        why = f": {explained_why(m['explanation'])}" if m["explanation"] else ""
        kept = said(line, record=m["with"], state=Word(m["state"]), score=m["score"])
        out.print(f"  {kept}{why}")
    for h in data["handovers"]:
        note = f" — {h['note']}" if h["note"] else ""
        line = N_("{time} batch {batch}: {move} by {party}")
        when = moment(h["time"])
        moved = said(line, time=when, batch=h["batch"], move=_moved(h), party=h["by"])
        out.print(f"  {moved}{note}")
    _print_outcome(data)


_PLANNED = N_("planned")  # a move's start before the first state


def _moved(h: dict[str, Any]) -> str:
    """A handover's move in a person's history: `cleared → consent verified`."""
    return f"{state_said(h['from']) if h['from'] else words(_PLANNED)} → {state_said(h['to'])}"


def _print_outcome(data: dict[str, Any]) -> None:
    """Where a person the process joined to the reader's own stands; a sought record's finds."""
    if data.get("joined"):
        now = state_said(data["state"]) if data["state"] else words(N_("in no batch"))
        final = words(N_(" (final)")) if data["final"] else ""
        out.print("  " + said(N_("now: {state}"), state=now) + final)
    for found in data.get("found_as", []):
        state = state_said(found["state"]) if found["state"] else "—"
        line = N_("found as {record} {name}: {state}")
        out.print("  " + said(line, record=found["record"], name=found["name"] or "", state=state))
        for h in found["handovers"]:
            line = N_("{time} batch {batch}: {move}")
            when = moment(h["time"])
            out.print("    " + said(line, time=when, batch=h["batch"], move=_moved(h)))
    outcome = data.get("outcome")
    if outcome:
        line = N_("closed: {state} in batch {batch} ({record})")
        state = state_said(outcome["state"])
        out.print("  " + said(line, state=state, batch=outcome["batch"], record=outcome["record"]))
