"""`parley match`, `parley reconcile` and `parley unlocated`: reconciliation by the mediator
and the parties."""

from __future__ import annotations

from typing import Annotated

import typer

from parley.app import reconcile
from parley.cli.console import (
    client,
    err,
    fail,
    failures,
    out,
    print_json,
    segment,
    server,
    with_ledger,
)
from parley.domain.matches import MatchState, RecordRef

match_app = typer.Typer(no_args_is_help=True, help="Propose, decide and acknowledge matches.")


@match_app.command("add")
def add_command(
    left: Annotated[str, typer.Argument(help="PARTY:sought/RECORD_ID (or any roster).")],
    right: Annotated[str, typer.Argument(help="PARTY:held/RECORD_ID.")],
    why: Annotated[str, typer.Option(help="The reasons, in words.")],
    score: Annotated[float, typer.Option(help="How sure, 0 to 1.")] = 1.0,
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
) -> None:
    """Propose that two records are the same human."""
    with failures():
        candidate = reconcile.Candidate(RecordRef.parse(left), RecordRef.parse(right), score, why)
        done = with_ledger(
            lambda ledger: reconcile.propose(ledger, actor=actor, candidates=[candidate])
        )
    for mid, reason in done.refused:
        fail(
            f"{mid}: {reason}; records with different identifiers are never linked automatically",
            "Not linked",
        )
    for mid in done.known:
        out.print(f"Already proposed: {mid}")
    for mid in done.proposed:
        out.print(f"Proposed {mid}")


def _decide(mid: str, state: MatchState, note: str, actor: str) -> None:
    with failures():
        with_ledger(
            lambda ledger: reconcile.decide_match(
                ledger, actor=actor, mid=mid, state=state, note=note
            )
        )
    out.print(f"{mid}: {state.value}")


@match_app.command("confirm")
def confirm_command(
    mid: Annotated[str, typer.Argument(help="The match id.")],
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as")] = "MED",
) -> None:
    """Confirm a proposed match (the mediator)."""
    _decide(mid, MatchState.CONFIRMED, note, actor)


@match_app.command("reject")
def reject_command(
    mid: Annotated[str, typer.Argument(help="The match id.")],
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as")] = "MED",
) -> None:
    """Reject a proposed match (the mediator)."""
    _decide(mid, MatchState.REJECTED, note, actor)


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
            with_ledger(lambda ledger: reconcile.acknowledge(ledger, actor=actor, mid=mid))
    out.print(f"{actor} acknowledged {mid}")


@match_app.command("list")
def list_command(
    actor: Annotated[
        str | None, typer.Option("--as", help="Who is asking (default: the mediator).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The matches the asking party may see."""
    with failures():
        if server() is not None:
            rows = client(actor).request("GET", "/v1/matches")
        else:
            rows = with_ledger(lambda ledger: reconcile.matches(ledger, actor=actor or "MED"))
    if as_json:
        print_json(rows)
        return
    for r in rows:
        why = f" — {r['explanation']}" if r["explanation"] else ""  # a side's view has none
        out.print(f"{r['state']:9s} {r['score']:.3f} {r['left']} = {r['right']}{why}")


def reconcile_command(
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
    threshold: Annotated[
        float | None, typer.Option(help="Propose pairs at or above this probability.")
    ] = None,
    duplicates: Annotated[
        bool, typer.Option(help="Also look for persons written twice on one roster.")
    ] = True,
) -> None:
    """Link every side's sought roster with the other side's held roster (Splink) and each
    roster with itself; every candidate becomes a proposal for the mediator to decide."""
    with failures():
        done = with_ledger(
            lambda ledger: reconcile.reconcile_all(
                ledger, actor=actor, threshold=threshold, duplicates=duplicates
            )
        )
    for left, right, proposed, found in done.pairs:
        what = f"{left} ↔ {right}" if left != right else f"{left} (duplicates)"
        out.print(
            f"{what}: {len(proposed.proposed)} proposed, {len(proposed.known)} already known"
            + (f", {len(found.held)} held (identifiers differ)" if found.held else "")
        )
        for a, b, why in found.held:
            out.print(f"  held: {a} / {b}: {why}")
        for group, among in found.ambiguous.items():  # side by side: the mediator chooses
            out.print(f"  ambiguous, too close to tell apart (group {group}), none proposed:")
            for c in among:
                out.print(f"    {c.left} / {c.right} ({c.score:.2f}): {c.explanation}")
        for warning in found.warnings:
            err.print(f"[yellow]warning:[/] {warning}")
    out.print("Decide with `parley match confirm|reject MATCH_ID`; see `parley match list`.")


def unlocated_command(
    party: Annotated[str, typer.Option(help="The party whose sought persons to list.")],
    actor: Annotated[str, typer.Option("--as", help="Who is asking.")] = "MED",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Sought persons found on no held roster yet, with the evidence that they are held."""
    with failures():
        rows = with_ledger(
            lambda ledger: reconcile.not_located(ledger, actor=actor, party_id=party)
        )
    if as_json:
        print_json(rows)
        return
    out.print(f"{len(rows)} sought by {party} and not located:")
    for r in rows:
        out.print(f"  {r['record']} {r['name']} (evidence: {r['evidence']})")
