"""`parley match`, `parley reconcile` and `parley unlocated`: reconciliation by the mediator
and the parties."""

from __future__ import annotations

import warnings
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from parley.app.language import DEFAULT, user_locale
from parley.cli.console import (
    client,
    err,
    fail,
    failures,
    line_said,
    number,
    out,
    print_json,
    said,
    segment,
    server,
    stage_said,
    warn,
    with_ledger,
    words,
)
from parley.cli.console import why as explained_why  # `why` names a command's option
from parley.domain.matches import MatchState, RecordRef
from parley.errors import N_, Word

if TYPE_CHECKING:
    from parley.app import reconcile

match_app = typer.Typer(no_args_is_help=True, help="Propose, decide and acknowledge matches.")


@match_app.command("add")
def add_command(
    left: Annotated[str, typer.Argument(help="PARTY:sought/RECORD_ID (or any roster).")],
    right: Annotated[str, typer.Argument(help="PARTY:held/RECORD_ID.")],
    why: Annotated[
        str,
        typer.Option(
            help="The reasons, in words that name no one: the log keeps them and can never"
            " erase them (the records' names and dates are shown beside them when listed)."
        ),
    ],
    score: Annotated[float, typer.Option(help="How sure, 0 to 1.")] = 1.0,
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
) -> None:
    """Propose that two records are the same human."""
    from parley.app import reconcile

    with failures():
        candidate = reconcile.Candidate(RecordRef.parse(left), RecordRef.parse(right), score, why)
        done = with_ledger(
            lambda ledger: reconcile.propose(
                ledger, actor=actor, candidates=[candidate], named=True
            )
        )
    for mid in done.known:
        state = Word(done.known_states[mid].value)
        out.print(said(N_("Already {state}: {match}"), state=state, match=mid), markup=False)
    for mid in done.proposed:
        out.print(said(N_("Proposed {match}"), match=mid))


def _decide(mid: str, state: MatchState, note: str, actor: str) -> None:
    with failures():
        if server() is not None:
            _decide_served([mid], state, note, actor)
        else:
            from parley.app import reconcile

            with_ledger(
                lambda ledger: reconcile.decide_match(
                    ledger, actor=actor, mid=mid, state=state, note=note
                )
            )
    out.print(said(N_("{match}: {state}"), match=mid, state=Word(state.value)))


def _decide_served(mids: list[str], state: MatchState, note: str, actor: str) -> None:
    body = {"matches": mids, "state": state.value, "note": note}
    client(actor).request("POST", "/v1/matches/decisions", body)


# what a decision over many proposals says it found, by the kind asked for (--duplicates)
_NONE = {
    None: (
        N_("No proposal at or above {score}: nothing to confirm."),
        N_("No proposal at or above {score}: nothing to reject."),
    ),
    True: (
        N_("No duplicate proposal at or above {score}: nothing to confirm."),
        N_("No duplicate proposal at or above {score}: nothing to reject."),
    ),
    False: (
        N_("No cross-side proposal at or above {score}: nothing to confirm."),
        N_("No cross-side proposal at or above {score}: nothing to reject."),
    ),
}
_FOUND = {
    None: N_("{count} proposal(s) at or above {score} (lowest {low:.3f})."),
    True: N_("{count} duplicate proposal(s) at or above {score} (lowest {low:.3f})."),
    False: N_("{count} cross-side proposal(s) at or above {score} (lowest {low:.3f})."),
}


def _score(value: float) -> str:
    """A --min-score as the user gave it (`0.9`, not `0.900`), in the user's language."""
    return number(value, "g")


def _decide_many(
    state: MatchState, min_score: float, duplicates: bool | None, note: str, actor: str, yes: bool
) -> None:
    """Every proposal at or above `min_score` decided at once, once the count is confirmed."""
    with failures():
        if server() is not None:
            rows = [
                r
                for r in client(actor).request("GET", "/v1/matches")
                if r["state"] == MatchState.PROPOSED.value and r["score"] >= min_score
            ]
        else:
            from parley.app import reconcile

            rows = with_ledger(
                lambda ledger: reconcile.matches(
                    ledger, actor=actor, state=MatchState.PROPOSED, min_score=min_score
                )
            )
    rows = [r for r in rows if duplicates is None or r["duplicate"] is duplicates]
    confirm = state is MatchState.CONFIRMED
    if not rows:
        none = _NONE[duplicates][0 if confirm else 1]
        out.print(said(none, score=_score(min_score)))
        return
    low = min(r["score"] for r in rows)
    found = said(_FOUND[duplicates], count=len(rows), score=_score(min_score), low=low)
    out.print(found)
    ask = said(
        N_("Confirm all {count}?") if confirm else N_("Reject all {count}?"), count=len(rows)
    )
    if not yes and not typer.confirm(ask, default=False):
        nothing = N_("nothing was confirmed") if confirm else N_("nothing was rejected")
        fail(words(nothing), "Stopped")
    mids = [r["match_id"] for r in rows]
    with failures():  # exactly those shown: one decided meanwhile refuses the whole lot
        if server() is not None:
            _decide_served(mids, state, note, actor)
        else:
            from parley.app import reconcile

            with_ledger(
                lambda ledger: reconcile.decide_matches(
                    ledger, actor=actor, mids=mids, state=state, note=note
                )
            )
    out.print(said(N_("{count} match(es) {state}."), count=len(mids), state=Word(state.value)))


_MIN_SCORE_HELP = "Every proposal at or above this score, instead of one MATCH_ID."
_KIND_HELP = "With --min-score: only duplicates (--duplicates) or only cross-side pairs."
_YES_HELP = "Do not ask before deciding many (for scripts)."


def _one_or_many(
    mid: str | None,
    state: MatchState,
    note: str,
    actor: str,
    min_score: float | None,
    duplicates: bool | None,
    yes: bool,
) -> None:
    if (mid is None) == (min_score is None):
        fail(words(N_("give one MATCH_ID, or --min-score SCORE for every proposal at or above it")))
    if min_score is not None:
        _decide_many(state, min_score, duplicates, note, actor, yes)
    else:
        assert mid is not None
        _decide(mid, state, note, actor)


@match_app.command("confirm")
def confirm_command(
    mid: Annotated[str | None, typer.Argument(help="The match id.")] = None,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as")] = "MED",
    min_score: Annotated[float | None, typer.Option(help=_MIN_SCORE_HELP, min=0.0, max=1.0)] = None,
    duplicates: Annotated[
        bool | None, typer.Option("--duplicates/--cross-side", help=_KIND_HELP)
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help=_YES_HELP)] = False,
) -> None:
    """Confirm a proposed match, or every proposal at or above a score (the mediator)."""
    _one_or_many(mid, MatchState.CONFIRMED, note, actor, min_score, duplicates, yes)


@match_app.command("reject")
def reject_command(
    mid: Annotated[str | None, typer.Argument(help="The match id.")] = None,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as")] = "MED",
    min_score: Annotated[float | None, typer.Option(help=_MIN_SCORE_HELP, min=0.0, max=1.0)] = None,
    duplicates: Annotated[
        bool | None, typer.Option("--duplicates/--cross-side", help=_KIND_HELP)
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help=_YES_HELP)] = False,
) -> None:
    """Reject a proposed match, or every proposal at or above a score (the mediator)."""
    _one_or_many(mid, MatchState.REJECTED, note, actor, min_score, duplicates, yes)


@match_app.command("choose")
def choose_command(
    group: Annotated[
        str, typer.Argument(help="The ambiguous group's id (match list --state ambiguous).")
    ],
    chosen: Annotated[
        list[str] | None, typer.Argument(help="The candidate (match id) who is the same person.")
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="None of them: reject every candidate.")
    ] = False,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as")] = "MED",
) -> None:
    """Resolve an ambiguous group (the mediator): the chosen candidate confirmed and the others
    rejected, or --none of them."""
    picked = list(chosen or [])
    if none == bool(picked):
        fail(words(N_("give the MATCH_ID of the candidate who is the same person, or --none")))
    with failures():
        if server() is not None:
            body = {"chosen": picked, "note": note}
            client(actor).request("POST", f"/v1/match-groups/{segment(group)}/choice", body)
        else:
            from parley.app import match_groups

            with_ledger(
                lambda ledger: match_groups.choose(
                    ledger, actor=actor, group=group, chosen=picked, note=note
                )
            )
    for mid in picked:
        out.print(said(N_("{match}: {state}"), match=mid, state=Word("confirmed")), markup=False)
    if picked:
        out.print(said(N_("{group}: the others rejected"), group=group))
    else:
        out.print(said(N_("{group}: every candidate rejected"), group=group))


@match_app.command("reverse")
def reverse_command(
    mid: Annotated[str, typer.Argument(help="The confirmed match's id.")],
    reason: Annotated[str, typer.Option(help="Why the confirmation is taken back.")],
    actor: Annotated[str, typer.Option("--as")] = "MED",
) -> None:
    """Take back a confirmed match (the mediator): a signed reversal with its reason is added
    to the log; the confirmation stays there as it was."""
    with failures():
        if server() is not None:
            client(actor).request(
                "POST", f"/v1/matches/{segment(mid)}/reversal", {"reason": reason}
            )
        else:
            from parley.app import reconcile

            with_ledger(
                lambda ledger: reconcile.reverse_match(ledger, actor=actor, mid=mid, reason=reason)
            )
    out.print(said(N_("{match}: reversed ({reason})"), match=mid, reason=reason.strip()))


@match_app.command("ack")
def ack_command(
    mid: Annotated[str, typer.Argument(help="The match id.")],
    actor: Annotated[str, typer.Option("--as", help="The party acknowledging.")],
) -> None:
    """A party acknowledges a confirmed match about its own people."""
    with failures():
        if server() is not None:
            client(actor).request("POST", f"/v1/matches/{segment(mid)}/acknowledgement")
        else:
            from parley.app import reconcile

            with_ledger(lambda ledger: reconcile.acknowledge(ledger, actor=actor, mid=mid))
    out.print(said(N_("{actor} acknowledged {match}"), actor=actor, match=mid))


def _record_line(ref: str, record: dict[str, Any] | None) -> str:
    """A record as the list shows it: reference, name as written, dates (when one may see it)."""
    if record is None:
        return ref
    if record.get("erased"):
        return f"{ref}{words(N_(' (erased)'))}"
    dates = [
        said(line, date=record[key])
        for key, line in (
            ("birth_date", N_("born {date}")),
            ("capture_date", N_("captured {date}")),
        )
        if record.get(key)
    ]
    return f"{ref} {record['name']}" + (f" ({', '.join(dates)})" if dates else "")


@match_app.command("list")
def list_command(
    actor: Annotated[
        str | None, typer.Option("--as", help="Who is asking (default: the mediator).")
    ] = None,
    state: Annotated[MatchState | None, typer.Option(help="Only matches in this state.")] = None,
    min_score: Annotated[
        float | None, typer.Option(help="Only scores at or above this.", min=0.0, max=1.0)
    ] = None,
    below: Annotated[
        float | None, typer.Option(help="Only scores below this.", min=0.0, max=1.0)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The matches the asking party may see: both records by name as written, with their
    dates, the score and why; filtered by state and score."""
    served = server() is not None
    with failures():
        if served:
            rows = client(actor).request("GET", "/v1/matches")
            rows = [
                r
                for r in rows
                if (state is None or r["state"] == state.value)
                and (min_score is None or r["score"] >= min_score)
                and (below is None or r["score"] < below)
            ]
        else:
            from parley.app import reconcile

            rows = with_ledger(
                lambda ledger: reconcile.matches(
                    ledger,
                    actor=actor or "MED",
                    state=state,
                    min_score=min_score,
                    below=below,
                    locale=user_locale(),
                )
            )
    if as_json:
        print_json(rows)
        return
    waiting = Counter(r.get("group") for r in rows if r["state"] == MatchState.AMBIGUOUS.value)
    shown_group = None
    for r in rows:
        kind = " " + words(N_("duplicate")) if r["duplicate"] else ""
        if r.get("group") and r["state"] == MatchState.AMBIGUOUS.value:
            # its candidates side by side, the likeliest first
            kind += " (" + said(N_("group {group}"), group=r["group"]) + ")"
            if r["group"] != shown_group:
                line = N_(
                    "group {group}: {count} candidate(s) too close to tell apart; choose with"
                    " `parley match choose {group} MATCH_ID` or --none"
                )
                out.print(said(line, group=r["group"], count=waiting[r["group"]]), markup=False)
        shown_group = r.get("group")
        score = number(r["score"], ".3f")
        out.print(f"{words(r['state'])}{kind} {score}  {r['match_id']}", markup=False)
        out.print(f"  {_record_line(r['left'], r.get('left_record'))}", markup=False)
        out.print(f"  {_record_line(r['right'], r.get('right_record'))}", markup=False)
        if r["explanation"]:  # a side's view has none; a local one is in the user's words
            said_why = explained_why(r["explanation"], match=True) if served else r["explanation"]
            out.print("  " + said(N_("why: {why}"), why=said_why), markup=False)
    out.print(said(N_("{count} match(es)."), count=len(rows)))


def reconcile_command(
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
    threshold: Annotated[
        float | None, typer.Option(help="Propose pairs at or above this probability.")
    ] = None,
    duplicates: Annotated[
        bool, typer.Option(help="Also look for persons written twice on one roster.")
    ] = True,
    details: Annotated[
        bool, typer.Option(help="Also list the pairs held back and the ambiguous groups.")
    ] = True,
    one_to_one: Annotated[
        bool,
        typer.Option(
            "--one-to-one",
            help="Propose each record's most probable candidate instead of recording candidates"
            " too close to tell apart as an ambiguous group.",
        ),
    ] = False,
) -> None:
    """Link every side's sought roster with the other side's held roster (Splink) and each
    roster with itself; every candidate becomes a proposal for the mediator to decide."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    said: list[str] = []
    with bar, failures(), warnings.catch_warnings():
        # the libraries' own warnings name their internals; what matters comes back as words
        warnings.simplefilter("ignore")
        task = bar.add_task(stage_said("reading the rosters"), total=1.0)

        def progress(stage: str, fraction: float) -> None:
            bar.update(task, description=stage_said(stage), completed=fraction)
            pass_name = stage_said(stage.split(": ", 1)[0])
            if bar.disable and (not said or said[-1] != pass_name):
                said.append(pass_name)  # no terminal: one line a pass, for logs
                err.print(f"{fraction:4.0%} {pass_name}", markup=False)

        from parley.app import reconcile

        done = with_ledger(
            lambda ledger: reconcile.reconcile_all(
                ledger,
                actor=actor,
                threshold=threshold,
                duplicates=duplicates,
                progress=progress,
                one_to_one=one_to_one,
            )
        )
    _summary(done, details)


# the reconciliation table's headings, said in the user's language ("held" is a roster's kind
# in the catalog: the pairs held back have their own words, the English heading stays "held")
_HEADINGS = (
    N_("rosters"),
    N_("proposed"),
    N_("already known"),
    N_("held back"),
    N_("ambiguous"),
    N_("seconds"),
)


def _heading(text: str) -> str:
    return "held" if text == "held back" and user_locale() == DEFAULT else words(text)


def _summary(done: reconcile.Reconciled, details: bool) -> None:
    table = Table(title=words(N_("Reconciliation")), title_justify="left")
    for heading in _HEADINGS:
        table.add_column(_heading(heading), justify="left" if heading == "rosters" else "right")
    total = [0, 0, 0, 0]
    for (left, right, proposed, found), seconds in zip(done.pairs, done.seconds, strict=True):
        if left != right:
            what = f"{left} ↔ {right}"
        else:
            what = said(N_("{roster} (duplicates)"), roster=left)
        counts = [
            len(proposed.proposed),
            len(proposed.known),
            len(found.held),
            sum(len(c) for c in found.ambiguous.values()),
        ]
        total = [a + b for a, b in zip(total, counts, strict=True)]
        table.add_row(what, *(number(n) for n in counts), number(seconds, ".1f"))
    table.add_row(
        words(N_("all")),
        *(number(n) for n in total),
        number(sum(done.seconds), ".1f"),
        style="bold",
    )
    out.print(table)
    for left, right, _, found in done.pairs:
        named = done.groups[(left, right)].named if (left, right) in done.groups else {}
        if details:
            for a, b, why in found.held:
                line = said(
                    N_("held (identifiers differ): {left} / {right}: {why}"),
                    left=a,
                    right=b,
                    why=explained_why(why),
                )
                out.print(f"  {line}", markup=False)
            for label, among in found.ambiguous.items():  # side by side: the mediator chooses
                group = named.get(label) or words(N_("decided before"))
                line = said(
                    N_("ambiguous, too close to tell apart (group {group}), none proposed:"),
                    group=group,
                )
                out.print(f"  {line}")
                for c in among:
                    from parley.app import match_groups

                    words_ = explained_why(match_groups.without_run_label(c.explanation))
                    score = number(c.score, ".2f")
                    out.print(f"    {c.left} / {c.right} ({score}): {words_}", markup=False)
        for warning in found.warnings:
            warn(f"{left} ↔ {right}: {escape(line_said(warning))}")
    groups = list(done.groups.values())
    formed = sum(len(g.formed) for g in groups)
    extended = sum(len(g.extended) for g in groups)
    settled = sum(len(g.settled) for g in groups)
    known = sum(len(g.known) for g in groups)
    out.print(
        said(
            N_(
                "{count} new proposal(s). Review with `parley match list --state proposed`;"
                " decide with `parley match confirm|reject MATCH_ID`, or many at once with"
                " --min-score."
            ),
            count=total[0],
        )
    )
    if formed or extended or settled or known:
        out.print(
            said(
                N_(
                    "Ambiguous groups: {formed} recorded, {extended} with new candidates,"
                    " {known} found again, {settled} settled by these roster versions. Compare"
                    " them with `parley match list --state ambiguous`; resolve one with"
                    " `parley match choose GROUP MATCH_ID` (or --none)."
                ),
                formed=formed,
                extended=extended,
                known=known,
                settled=settled,
            )
        )


def unlocated_command(
    party: Annotated[str, typer.Option(help="The party whose sought persons to list.")],
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who is asking: the mediator (default), or the party itself (with --server:"
            " the party whose key is here).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Sought persons found on no held roster yet, with the evidence that they are held."""
    with failures():
        if server() is not None:
            rows = client(actor).request("GET", f"/v1/rosters/{segment(party)}/sought/unlocated")
        else:
            from parley.app import reconcile

            rows = with_ledger(
                lambda ledger: reconcile.not_located(ledger, actor=actor or "MED", party_id=party)
            )
    if as_json:
        print_json(rows)
        return
    out.print(said(N_("{count} sought by {party} and not located:"), count=len(rows), party=party))
    for r in rows:
        line = N_("{record} {name} (evidence: {evidence})")
        out.print("  " + said(line, record=r["record"], name=r["name"], evidence=r["evidence"]))
