"""`parley batch`, `parley handover` and `parley interview`: propose, plan, move persons, close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from parley.app.interview import read_interview
from parley.app.language import refusal, user_locale
from parley.cli.console import (
    client,
    failures,
    out,
    print_json,
    said,
    segment,
    server,
    with_ledger,
    words,
)
from parley.domain.agreements import PersonRef
from parley.domain.errors import DomainError
from parley.domain.handovers import STATE_LABELS, HandoverState, read_state
from parley.domain.moments import parse_moment, write_moment
from parley.domain.persons import Category
from parley.errors import N_, Word

if TYPE_CHECKING:  # the planner loads OR-Tools: only the commands that plan import it
    from parley.app.planning import NextBatch, PlanRequest

batch_app = typer.Typer(no_args_is_help=True, help="Propose, plan and close batches.")


def _refs(values: list[str]) -> dict[str, set[PersonRef]]:
    """`SIDE=PARTY/RECORD` options grouped by the side that asks."""
    refs: dict[str, set[PersonRef]] = {}
    for value in values:
        side, sep, ref = value.partition("=")
        if not sep:
            raise DomainError(N_("{value!r} must be SIDE=PARTY/RECORD_ID"), value=value)
        refs.setdefault(side, set()).add(PersonRef.parse(ref))
    return refs


def _person(ref: PersonRef) -> dict[str, str]:
    """A person as the server's routes name one."""
    return {"party": ref.party_id, "record": ref.record_id}


def _ref(person: dict[str, str]) -> PersonRef:
    return PersonRef(person["party"], person["record"])


def _caps(values: list[str]) -> dict[str, int]:
    caps = {}
    for value in values:
        category, sep, number = value.partition("=")
        if not sep or not (number.isascii() and number.isdigit()):
            raise DomainError(
                N_("{value!r} must be CATEGORY=NUMBER, e.g. civilian=10"), value=value
            )
        if category not in set(Category):
            words = ", ".join(Category)
            raise DomainError(
                N_("--cap {value!r}: the category is one of {words}"), value=value, words=words
            )
        caps[category] = int(number)
    return caps


def _request(
    commitment: str,
    size: int | None,
    cap: list[str] | None,
    must_include: list[str] | None,
    veto: list[str] | None,
    tolerance: int,
    as_of: dt.datetime | None,
) -> PlanRequest:
    from parley.app.planning import PlanRequest

    return PlanRequest(
        commitment_id=commitment,
        batch_size=size,
        category_caps=_caps(cap or []),
        tolerance=tolerance,
        must_include=_refs(must_include or []),
        veto=_refs(veto or []),
        as_of=as_of.date() if as_of else None,
    )


def _summary(proposal: NextBatch, *, named: bool) -> str:
    """A plan's summary in the user's language (the reasons too, as the refusals are); in
    English with the sides' names for side A and side B where `named`, as it always was."""
    plan = proposal.plan
    a, b = proposal.sides
    locale = user_locale()
    if locale == "en":
        summary = plan.summary()
        return summary.replace("side A", a).replace("side B", b) if named else summary
    return refusal(plan.summary_said(), locale)


def _print_proposal(proposal: NextBatch, show: int) -> None:
    plan = proposal.plan
    locale = user_locale()  # the reasons in PARLEY_LANG's language, as the refusals are
    out.print(f"[bold]{_summary(proposal, named=True)}[/]")
    before, after = (refusal(x.said(), locale) for x in (plan.balance_before, plan.balance_after))
    out.print(said(N_("parity: {before} → {after}"), before=before, after=after))
    table = Table(show_edge=False, pad_edge=False)
    for col in (N_("person"), "", N_("why")):
        table.add_column(words(col) if col else col)
    shown = sorted(plan.decisions, key=lambda d: (not d.included, d.rank))[:show]
    for d in shown:
        chosen = words(N_("in")) if d.included else words(N_("out"))
        table.add_row(str(d.person), chosen, refusal(d.said, locale))
    out.print(table)
    if len(plan.decisions) > show:
        more = N_("… and {count} more decisions (--show N, or --json for all)")
        out.print(said(more, count=len(plan.decisions) - show))
    for ref, where in proposal.not_proposed:
        out.print(said(N_("named, not in this batch: {person} — {where}"), person=ref, where=where))


def _proposal_json(proposal: NextBatch) -> dict[str, Any]:
    plan = proposal.plan
    return {
        "sides": list(proposal.sides),
        "summary": plan.summary(),
        "status": plan.status.value,
        "released": {
            proposal.sides[0]: [str(x) for x in plan.released_by_a],
            proposal.sides[1]: [str(x) for x in plan.released_by_b],
        },
        "decisions": [
            {
                "person": str(d.person),
                "included": d.included,
                "reason": d.reason.value,
                "counted": d.counted,
                "explanation": d.explanation,
            }
            for d in plan.decisions
        ],
        "not_proposed": [{"person": str(r), "where": w} for r, w in proposal.not_proposed],
    }


Commitment = Annotated[str, typer.Option(help="The exchange commitment the batch serves.")]
Size = Annotated[
    int | None, typer.Option(help="At most this many persons a side (parity-counted).")
]
Cap = Annotated[
    list[str] | None, typer.Option(help="CATEGORY=N: at most N of a category a side; repeatable.")
]
MustInclude = Annotated[
    list[str] | None, typer.Option(help="SIDE=PARTY/RECORD: a side insists on a person.")
]
Veto = Annotated[
    list[str] | None, typer.Option(help="SIDE=PARTY/RECORD: a side refuses a person in this batch.")
]
Tolerance = Annotated[int, typer.Option(help="Parity may be off by this much after the batch.")]
AsOf = Annotated[
    dt.datetime | None, typer.Option(help="Date to count time held from (default today).")
]
Actor = Annotated[str, typer.Option("--as", help="The mediator.")]


@batch_app.command("propose")
def propose_command(
    commitment: Commitment,
    size: Size = None,
    cap: Cap = None,
    must_include: MustInclude = None,
    veto: Veto = None,
    tolerance: Tolerance = 0,
    as_of: AsOf = None,
    actor: Actor = "MED",
    show: Annotated[int, typer.Option(help="Decisions to print.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Propose the next batch under the phase's terms; every candidate gets a reason."""
    from parley.app import planning

    with failures():
        request = _request(commitment, size, cap, must_include, veto, tolerance, as_of)
        proposal = with_ledger(
            lambda ledger: planning.propose(ledger, actor=actor, request=request)
        )
    if as_json:
        print_json(_proposal_json(proposal))
    else:
        _print_proposal(proposal, show)


@batch_app.command("lists")
def lists_command(
    commitment: Commitment,
    actor: Annotated[str, typer.Option("--as", help="The side signing its lists.")],
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="PARTY/RECORD_ID the side insists on (repeat)."),
    ] = None,
    vetoed: Annotated[
        list[str] | None,
        typer.Option("--veto", help="PARTY/RECORD_ID the side will not exchange (repeat)."),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help="Print the lists the actor may see; sign nothing.")
    ] = False,
) -> None:
    """A side signs its must-include and veto lists for an exchange (replacing its last);
    the planner honours them. With --show, print them (a side its own, the mediator all)."""
    path = f"/v1/commitments/{segment(commitment)}/lists"
    with failures():
        if show:
            if server() is not None:
                seen = [
                    (x["party"], [_ref(p) for p in x["must_include"]], [_ref(p) for p in x["veto"]])
                    for x in client(actor).request("GET", path)
                ]
            else:
                from parley.app import planning

                seen = [
                    (x.party_id, list(x.must_include), list(x.veto))
                    for x in with_ledger(
                        lambda ledger: planning.side_lists(
                            ledger, actor=actor, commitment_id=commitment
                        )
                    )
                ]
            for party, must_of, veto_of in seen:
                line = N_("{party}: must include {must}; veto {veto}")
                must_said = ", ".join(sorted(map(str, must_of))) or "—"
                veto_said = ", ".join(sorted(map(str, veto_of))) or "—"
                out.print(said(line, party=party, must=must_said, veto=veto_said))
            if not seen:
                out.print(said(N_("No lists signed for this exchange.")))
            return

        must = {PersonRef.parse(x) for x in include or []}
        veto = {PersonRef.parse(x) for x in vetoed or []}
        if server() is not None:
            first = client(actor).request(
                "POST",
                path,
                {
                    "must_include": [_person(r) for r in sorted(must)],
                    "veto": [_person(r) for r in sorted(veto)],
                },
            )["first"]
        else:
            from parley.app import planning

            first = with_ledger(
                lambda ledger: planning.submit_lists(
                    ledger, actor=actor, commitment_id=commitment, must_include=must, veto=veto
                )
            ).first
    out.print(
        said(
            N_(
                "{actor} signed its lists for {commitment}: {must} must include, {veto} vetoed "
                "(log entry {first})."
            ),
            actor=actor,
            commitment=commitment,
            must=len(must),
            veto=len(veto),
            first=str(first),  # a log index, not a count
        )
    )


@batch_app.command("plan")
def plan_command(
    batch_id: Annotated[str, typer.Argument(help="A new batch id.")],
    commitment: Commitment,
    place: Annotated[str, typer.Option(help="Where the handover happens.")],
    date: Annotated[dt.datetime | None, typer.Option(help="Planned date.")] = None,
    size: Size = None,
    cap: Cap = None,
    must_include: MustInclude = None,
    veto: Veto = None,
    tolerance: Tolerance = 0,
    as_of: AsOf = None,
    actor: Actor = "MED",
) -> None:
    """Plan the batch the planner proposes, and record it on the log."""
    from parley.app import batch_commands

    with failures():
        request = _request(commitment, size, cap, must_include, veto, tolerance, as_of)
        proposal = with_ledger(
            lambda ledger: batch_commands.plan_proposed(
                ledger,
                actor=actor,
                batch_id=batch_id,
                place=place,
                planned_date=date.date() if date else None,
                request=request,
            )
        )
    summary = _summary(proposal, named=False)
    out.print(said(N_("Planned batch {batch}: {summary}"), batch=batch_id, summary=summary))


@batch_app.command("confirm")
def confirm_command(
    batch_id: Annotated[str, typer.Argument()],
    persons: Annotated[
        list[str] | None, typer.Argument(help="PARTY/RECORD_ID (default: all received).")
    ] = None,
    actor: Actor = "MED",
) -> None:
    """The mediator confirms transfers that the releasing and the receiving side recorded."""
    with failures():
        refs = [PersonRef.parse(x) for x in persons] if persons else None
        if server() is not None:
            sent = None if refs is None else [_person(r) for r in refs]
            count = client(actor).request(
                "POST", f"/v1/batches/{segment(batch_id)}/confirmations", {"persons": sent}
            )["count"]
        else:
            from parley.app import batches

            count = with_ledger(
                lambda ledger: batches.confirm(ledger, actor=actor, batch_id=batch_id, persons=refs)
            ).count
    out.print(said(N_("Confirmed {count} transfers in {batch}."), count=count, batch=batch_id))


@batch_app.command("amend")
def amend_command(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    actor: Annotated[str, typer.Option("--as", help="A side or the mediator of the batch.")],
    add: Annotated[
        list[str] | None, typer.Option("--add", help="PARTY/RECORD_ID to add (repeat).")
    ] = None,
    withdraw: Annotated[
        list[str] | None, typer.Option("--withdraw", help="PARTY/RECORD_ID to withdraw (repeat).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why the batch changes.")] = "",
    agree: Annotated[
        int | None, typer.Option(help="Agree to this amendment as proposed (its number).")
    ] = None,
) -> None:
    """Propose an amendment of a batch (persons added or withdrawn, with a reason), or --agree
    to one; it takes effect once both sides and the mediator agreed."""
    with failures():
        if agree is not None and (add or withdraw):
            raise DomainError(N_("--agree takes the amendment as proposed: no --add or --withdraw"))
        adding = [PersonRef.parse(x) for x in add or []]
        taking = [PersonRef.parse(x) for x in withdraw or []]
        if server() is not None:
            client(actor).request(
                "POST",
                f"/v1/batches/{segment(batch_id)}/amendments",
                {
                    "add": [_person(r) for r in adding],
                    "withdraw": [_person(r) for r in taking],
                    "reason": reason,
                    "agree": agree,
                },
            )
        else:
            from parley.app import batches

            with_ledger(
                lambda ledger: batches.amend(
                    ledger,
                    actor=actor,
                    batch_id=batch_id,
                    add=adding,
                    withdraw=taking,
                    reason=reason,
                    agree=agree,
                )
            )
        known = _amendments(actor, batch_id)
    mine = known[-1] if agree is None else next(x for x in known if x.amendment == agree)
    out.print(_amendment_line(batch_id, mine))


@dataclass(frozen=True)
class _Amendment:
    amendment: int
    added: list[tuple[str, str]]
    withdrawn: list[str]
    reason: str
    agreed_by: list[str]
    in_force: bool


def _amendments(actor: str | None, batch_id: str) -> list[_Amendment]:
    """A batch's amendments, from the server or the local instance."""
    if server() is not None:
        rows = client(actor).request("GET", f"/v1/batches/{segment(batch_id)}/amendments")
        return [
            _Amendment(
                a["amendment"],
                [(str(_ref(x["person"])), x["receiving_party"]) for x in a["added"]],
                [str(_ref(x)) for x in a["withdrawn"]],
                a["reason"],
                a["agreed_by"],
                a["in_force"],
            )
            for a in rows
        ]
    from parley.app import batches

    known = with_ledger(
        lambda ledger: batches.amendments(ledger, actor=actor or "MED", batch_id=batch_id)
    )
    return [
        _Amendment(
            a.amendment,
            [(str(p), r) for p, r in a.added],
            [str(p) for p in a.withdrawn],
            a.reason,
            list(a.agreed_by),
            a.in_force,
        )
        for a in known
    ]


def _amendment_line(batch_id: str, a: _Amendment) -> str:
    changes = [said(N_("add {person} (to {party})"), person=p, party=r) for p, r in a.added] + [
        said(N_("withdraw {person}"), person=p) for p in a.withdrawn
    ]
    state = N_("in force") if a.in_force else N_("awaiting the others")
    line = N_(
        "Amendment {amendment} of {batch}: {changes} — {reason} (agreed by {parties}; {state})"
    )
    return said(
        line,
        amendment=str(a.amendment),
        batch=batch_id,
        changes=", ".join(changes),
        reason=a.reason,
        parties=", ".join(a.agreed_by),
        state=Word(state),
    )


@batch_app.command("amendments")
def amendments_command(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="A side or the mediator (default; with --server, the party whose key is here).",
        ),
    ] = None,
) -> None:
    """A batch's amendments: what each changes, who agreed, whether it is in force."""
    with failures():
        known = _amendments(actor, batch_id)
    for a in known:
        out.print(_amendment_line(batch_id, a))
    if not known:
        out.print(said(N_("Batch {batch} has no amendments."), batch=batch_id))


@batch_app.command("cancel")
def cancel_command(
    batch_id: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option(help="Why the batch is called off.")],
    actor: Actor = "MED",
) -> None:
    """Call a batch off; persons already moved keep their states, the others may be planned
    again."""
    with failures():
        if server() is not None:
            client(actor).request(
                "POST", f"/v1/batches/{segment(batch_id)}/cancellation", {"reason": reason}
            )
        else:
            from parley.app import batches

            with_ledger(
                lambda ledger: batches.cancel(ledger, actor=actor, batch_id=batch_id, reason=reason)
            )
    out.print(said(N_("Cancelled batch {batch}: {reason}"), batch=batch_id, reason=reason))


@batch_app.command("close")
def close_command(batch_id: Annotated[str, typer.Argument()], actor: Actor = "MED") -> None:
    """Close a batch; refused while anyone in it has not reached a final state."""
    with failures():
        from parley.app import batches

        with_ledger(lambda ledger: batches.close(ledger, actor=actor, batch_id=batch_id))
    out.print(said(N_("Closed batch {batch}."), batch=batch_id))


def handover_command(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    persons: Annotated[list[str], typer.Argument(help="PARTY/RECORD_ID of each person.")],
    to_said: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="STATE",
            help="The state to move to, as said or as coded (consent verified, consent_verified): "
            + ", ".join(STATE_LABELS.values())
            + ".",
        ),
    ],
    actor: Annotated[
        str | None,
        typer.Option(
            "--as", help="The party making the move (with --server: the party whose key is here)."
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="A note for the record.")] = "",
    instead: Annotated[
        str | None, typer.Option(help="With --to substituted: PARTY/RECORD_ID brought instead.")
    ] = None,
    interview_file: Annotated[
        str | None,
        typer.Option(
            help="A file holding the consent interview's record, or - to read it from standard"
            " input (mediator only); sealed to the mediator's key. Never on the command line,"
            " where other users of the machine can read it."
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="When it happened, if not now: 2019-09-07T14:30+03:00 (UTC without an offset)."
        ),
    ] = None,
) -> None:
    """Move persons of a batch to their next state (or record a substitution)."""
    with failures():
        to = read_state(to_said)
        when = None if at is None else parse_moment(at)
        interview = None if interview_file is None else read_interview(interview_file)
        refs = [PersonRef.parse(x) for x in persons]
        brought = PersonRef.parse(instead) if instead is not None else None
        if server() is not None:
            client(actor).request(
                "POST",
                f"/v1/batches/{segment(batch_id)}/handovers",
                {
                    "persons": [_person(r) for r in refs],
                    "to": to.value,
                    "note": note,
                    "instead": None if brought is None else _person(brought),
                    "interview": interview,
                    "at": None if when is None else write_moment(when),
                },
            )
            out.print(_moved(len(refs), batch_id, to))
            return
        if actor is None:
            raise DomainError(N_("say which party makes the move with --as"))
        mover = actor
        from parley.app import batch_commands

        with_ledger(
            lambda ledger: batch_commands.move(
                ledger,
                actor=mover,
                batch_id=batch_id,
                persons=refs,
                to=to,
                note=note,
                instead=brought,
                interview=interview,
                at=when,
            )
        )
    out.print(_moved(len(refs), batch_id, to))


def _moved(count: int, batch_id: str, to: HandoverState) -> str:
    return said(
        N_("{count} person(s) in {batch}: {state}."),
        count=count,
        batch=batch_id,
        state=Word(STATE_LABELS[to]),
    )


def interview_command(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    person: Annotated[str, typer.Argument(help="PARTY/RECORD_ID")],
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
) -> None:
    """Read a consent interview record (the mediator only: it is sealed to its key)."""
    with failures():
        ref = PersonRef.parse(person)
        from parley.app import batches

        texts = with_ledger(
            lambda ledger: batches.interview(ledger, actor=actor, batch_id=batch_id, person=ref)
        )
    for text in texts:
        out.print(text)
