"""Group commit with the writes held to the group's end: a command reads what the commands
before it in the group wrote (sent before a read that may see them, and only then), a refused
command leaves nothing, and a held write the database refuses is found by running the group
again, each command in its own savepoint, without blaming the command whose read sent it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app import batches, rosters
from parley.app.audit import verify_live
from parley.app.ledger import Appended, Decide, Ledger, _Ticket
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain import events as ev
from parley.domain.agreements import ImplementationStatus, PersonRef, ReportKind
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.domain.handovers import HandoverState as S
from parley.domain.rosters import RosterKind
from parley.store import tables as t
from parley.store.batches import Wanted
from parley.store.engine import ValueRefused
from tests.integration.helpers import (
    all_for_all,
    log_size,
    people,
    plan_batch,
    rows_in,
    setup_parties,
)


class _Capture:
    """Stands for the ledger to take a use case's decision without running it."""

    def __init__(self) -> None:
        self.decide: Decide | None = None
        self.wanted: Wanted | None = None

    def execute(self, decide: Decide, *, wanted: Wanted | None = None) -> Appended:
        self.decide, self.wanted = decide, wanted
        return Appended(0, 0)


def _confirm(person: PersonRef, ahead: bool = True) -> _Ticket:
    """The confirmation's ticket, with the handover it reads (to read with the group's others
    at once) or without."""
    capture = _Capture()
    batches.confirm(capture, actor="MED", batch_id="B", persons=[person])  # type: ignore[arg-type]
    assert capture.decide is not None and capture.wanted == Wanted("B", person)
    return _Ticket(capture.decide, wanted=capture.wanted if ahead else None)


def _received(ledger: Ledger, n: int) -> list[PersonRef]:
    """RU's persons r0.. in batch B, each received by UA and not yet confirmed."""
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", n),
        source="test.csv",
        source_sha256="0" * 64,
    )
    all_for_all(ledger)
    persons = [PersonRef("RU", f"r{i}") for i in range(n)]
    plan_batch(ledger, "B", persons)
    for actor, state in (
        ("MED", S.LOCATED),
        ("MED", S.AGREED),
        ("RU", S.CLEARED),
        ("MED", S.CONSENT_VERIFIED),
        ("RU", S.TRANSFERRED),
        ("UA", S.RECEIVED),
    ):
        batches.advance(ledger, actor=actor, batch_id="B", moves=[(p, state, "") for p in persons])
    return persons


@pytest.mark.parametrize("ahead", [True, False], ids=["read ahead", "read each"])
def test_a_confirmation_reads_the_one_before_it_in_the_group(ledger: Ledger, ahead: bool) -> None:
    """The same person twice, an unknown one, others between: the second confirmation reads
    the first's write, held until then (read ahead with the group's others, or each as it
    comes); the projections equal a rebuild from the log."""
    r = _received(ledger, 4)
    start = log_size(ledger)
    nobody = PersonRef("RU", "nobody")
    group = [_confirm(p, ahead) for p in (r[0], r[1], r[0], nobody, r[2])]
    ledger._commit_group(group)
    assert [g.error is None for g in group] == [True, True, False, False, True]
    assert isinstance(group[2].error, DomainError)
    assert isinstance(group[3].error, DomainError)
    assert [g.appended.first for g in group if g.appended] == [start, start + 1, start + 2]
    assert verify_live(ledger).entries == start + 3
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
        confirmed = conn.execute(
            select(t.handovers.c.record_id).where(t.handovers.c.confirmed_idx.isnot(None))
        ).scalars()
        assert sorted(confirmed) == ["r0", "r1", "r2"]
    assert rebuild(ledger) == start + 3
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
    # the last one, alone in its group, and again: refused
    ledger._commit_group([_confirm(r[3])])
    again = [_confirm(r[3])]
    ledger._commit_group(again)
    assert isinstance(again[0].error, DomainError)
    assert log_size(ledger) == start + 4


def _note(n: int) -> Sequence[Event]:
    return [Event("MED", ev.CommitmentStatusSet("C", ImplementationStatus.NOT_STARTED, f"n{n}"))]


def test_a_read_sees_what_the_group_appended_before_it(ledger: Ledger) -> None:
    """A statement run through SQLAlchemy (here the log's size) sends the held writes first."""
    setup_parties(ledger)
    start = log_size(ledger)
    seen: list[int] = []

    def counting(conn: Connection) -> Sequence[Event]:
        seen.append(Ledger.size(conn))
        return _note(len(seen))

    group = [_Ticket(counting) for _ in range(3)]
    ledger._commit_group(group)
    assert seen == [start, start + 1, start + 2]
    assert verify_live(ledger).entries == start + 3


def test_a_held_write_refused_at_a_later_read_blames_its_own_command(ledger: Ledger) -> None:
    """A commitment id over its column's 64 characters (PostgreSQL refuses the row, SQLite keeps
    it), held until the next command reads: that command and the others hold."""
    setup_parties(ledger)
    start, commands = log_size(ledger), rows_in(ledger, t.log_commands)
    report = ev.MonitorReported("C" * 100, ReportKind.OBSERVATION, "p", dt.date(2026, 1, 1), "x")

    def reading(conn: Connection) -> Sequence[Event]:
        Ledger.size(conn)
        return _note(2)

    group = [
        _Ticket(lambda _conn: _note(0)),
        _Ticket(lambda _conn: [Event("SMM", report)]),
        _Ticket(reading),
        _Ticket(lambda _conn: _note(3)),
    ]
    ledger._commit_group(group)
    refused = ledger.engine.dialect.name == "postgresql"
    assert isinstance(group[1].error, ValueRefused) is refused
    assert all(g.error is None for i, g in enumerate(group) if i != 1)
    kept = 3 if refused else 4
    assert [g.appended.first for g in group if g.appended] == list(range(start, start + kept))
    assert rows_in(ledger, t.log_commands) == commands + kept
    assert verify_live(ledger).entries == start + kept
