"""Group commit, one group built by hand: a refused command leaves no index, no node and no
key state behind, and a key revoked earlier in the same group can no longer sign."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app.audit import verify_live
from parley.app.ledger import Ledger, _Ticket
from parley.domain import events as ev
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.log.entry import key_id
from parley.store import tables as t
from tests.integration.helpers import setup_parties


def _note(actor: str, n: int) -> Sequence[Event]:
    return [
        Event(ev.COMMITMENT_STATUS_SET, actor, {"commitment_id": "C", "status": 0, "note": f"n{n}"})
    ]


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
    revoke = Event(ev.KEY_REVOKED, "MED", {"party_id": "UA", "key_id": ua_key, "reason": "lost"})
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
