"""A batch of thousands (an all-for-all's) advances in one command on both databases: the named
persons' handovers are not read through one statement's parameters, which both bound."""

from __future__ import annotations

from parley.app import batches, rosters
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState as S
from parley.domain.rosters import RosterKind
from parley.store import batches as stored
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties

PER_SIDE = 9_000  # PostgreSQL refused 8,000 pairs in one IN list; SQLite binds at most 32,766


def test_a_batch_of_thousands_advances_in_one_command(ledger: Ledger) -> None:
    setup_parties(ledger)
    all_for_all(ledger)
    refs: list[PersonRef] = []
    for side in ("UA", "RU"):
        records = people(f"{side}-", PER_SIDE)
        rosters.import_roster(
            ledger,
            party_id=side,
            kind=RosterKind.HELD,
            records=records,
            source="t",
            source_sha256="0",
        )
        refs += [PersonRef(side, r.record_id) for r in records]
    plan_batch(ledger, "B", refs)
    ua = [r for r in refs if r.party_id == "UA"]
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(r, S.LOCATED, "") for r in ua])
    with ledger.reading() as tx:
        whole = stored.batch(tx, "B")
        assert whole is not None
        states = [h.state for h in whole.by_person.values()]
        named = stored.batch(tx, "B", only=[*ua[:300], PersonRef("UA", "nobody")])
    assert states.count(S.LOCATED) == PER_SIDE and len(states) == 2 * PER_SIDE
    assert named is not None and list(named.by_person) == ua[:300]
