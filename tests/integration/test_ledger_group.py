"""Group commit, one group built by hand: a refused command leaves no index, no node and no
key state behind, and a key revoked earlier in the same group can no longer sign."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app.audit import verify_live
from parley.app.ledger import Appended, Ledger, _Ticket
from parley.domain import events as ev
from parley.domain.agreements import ImplementationStatus
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.log.entry import key_id
from parley.store import tables as t
from tests.integration.helpers import setup_parties


def _note(actor: str, n: int) -> Sequence[Event]:
    """A stand-in entry `actor` may author: the mediator's status note, a side's acknowledgement
    (verify holds each entry to the roles that may author its type)."""
    if actor == "MED":
        return [
            Event(actor, ev.CommitmentStatusSet("C", ImplementationStatus.NOT_STARTED, f"n{n}"))
        ]
    return [Event(actor, ev.MatchAcknowledged(f"M{n}"))]


def _decide(events: Sequence[Event]) -> _Ticket:
    def decide(_conn: Connection) -> Sequence[Event]:
        return events

    return _Ticket(decide)


def _refuse(_conn: Connection) -> Sequence[Event]:
    raise DomainError("refused by its own rule")


def test_a_group_with_refusals_and_a_revocation(ledger: Ledger) -> None:
    setup_parties(ledger)
    with ledger.reading() as conn:
        start = Ledger.size(conn)
    ua_key = key_id(ledger.keys.public_bytes("UA"))
    revoke = Event("MED", ev.KeyRevoked("UA", ua_key, "lost"))
    group = [
        _decide(_note("UA", 0)),  # UA's key is checked and remembered
        _Ticket(_refuse),  # refused in decide
        _decide([*_note("MED", 1), *_note("NOBODY", 2)]),  # refused half-way through append
        _decide(_note("UA", 3)),
        _decide([revoke]),
        _decide(_note("UA", 4)),  # the key UA holds was revoked just before, in this group
        _decide(_note("MED", 5)),
    ]
    ledger._commit_group(group)
    outcomes = [(g.appended.first, g.appended.count) if g.appended else None for g in group]
    assert outcomes == [
        (start, 1),
        None,
        None,
        (start + 1, 1),
        (start + 2, 1),
        None,
        (start + 3, 1),
    ]
    assert isinstance(group[5].error, DomainError) and "revoked" in str(group[5].error)
    with ledger.reading() as conn:
        rows = conn.execute(
            select(t.log_entries.c.idx, t.log_entries.c.actor, t.log_entries.c.type)
            .where(t.log_entries.c.idx >= start)
            .order_by(t.log_entries.c.idx)
        ).all()
    assert [(r.idx, r.actor) for r in rows] == [
        (start, "UA"),
        (start + 1, "UA"),
        (start + 2, "MED"),
        (start + 3, "MED"),
    ]
    assert verify_live(ledger).entries == start + 4


@pytest.mark.parametrize("size", [1, 5, 33])
def test_groups_of_any_size_keep_the_tree(ledger: Ledger, size: int) -> None:
    setup_parties(ledger)
    for round_ in range(3):
        ledger._commit_group([_decide(_note("MED", round_ * 100 + i)) for i in range(size)])
    assert verify_live(ledger).entries >= 3 * size


def test_commands_from_threads_share_a_commit_and_each_is_acknowledged(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one thread commits, the others queue; the next group takes all of them at once,
    and every thread gets back its own command's index, refused or not."""
    setup_parties(ledger)
    others = 7
    sizes: list[int] = []
    commit_group = Ledger._commit_group

    def counted(self: Ledger, group: list[_Ticket]) -> None:
        sizes.append(len(group))
        commit_group(self, group)

    monkeypatch.setattr(Ledger, "_commit_group", counted)
    deciding, queued = threading.Event(), threading.Event()

    def first(_conn: Connection) -> Sequence[Event]:
        # the leader's own command waits until every other thread has queued its command
        deciding.set()
        assert queued.wait(timeout=30), "the other commands never queued"
        return _note("MED", 0)

    results: dict[int, object] = {}

    def run(n: int) -> None:
        decide: Callable[[Connection], Sequence[Event]]
        if n == 0:
            decide = first
        elif n == 3:
            decide = _refuse
        else:
            decide = lambda _conn: _note("UA", n)  # noqa: E731
        try:
            results[n] = ledger.execute(decide)
        except DomainError as e:
            results[n] = e

    leader = threading.Thread(target=run, args=(0,))
    leader.start()
    assert deciding.wait(timeout=30)
    threads = [threading.Thread(target=run, args=(n,)) for n in range(1, others + 1)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 30
    while len(ledger._pending) < others and time.monotonic() < deadline:
        time.sleep(0.001)
    queued.set()
    for th in [leader, *threads]:
        th.join(timeout=60)
    assert sizes == [1, others]
    assert isinstance(results.pop(3), DomainError)
    firsts = sorted(r.first for r in results.values() if isinstance(r, Appended))
    assert len(firsts) == others and firsts == list(range(firsts[0], firsts[0] + others))
    assert not ledger._leading and not ledger._pending
    assert verify_live(ledger).entries == firsts[-1] + 1
