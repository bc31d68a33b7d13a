"""A proposal left about an erased record is rejected, never confirmed."""

from __future__ import annotations

import pytest

from parley.app import erasure, reconcile, rosters
from parley.app.ledger import Ledger
from parley.domain.errors import Conflict
from parley.domain.matches import MatchState, RecordRef
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import matches as stored
from tests.integration.helpers import setup_parties


def test_a_proposal_about_an_erased_record_cannot_be_confirmed(ledger: Ledger) -> None:
    setup_parties(ledger)
    for party, kind, rid, family in (
        ("UA", RosterKind.SOUGHT, "s1", "Зелінський"),
        ("RU", RosterKind.HELD, "h1", "Зелинский"),
    ):
        rosters.import_roster(
            ledger,
            party_id=party,
            kind=kind,
            records=[PersonRecord(rid, family_name=family, given_name="Остап")],
            source="s",
            source_sha256="0",
        )
    sought, held = RecordRef("UA:sought", "s1"), RecordRef("RU:held", "h1")
    outcome = reconcile.propose(
        ledger, actor="MED", candidates=[reconcile.Candidate(sought, held, 0.9, "hand", "hand")]
    )
    (mid,) = outcome.proposed
    done = erasure.erase_person(
        ledger, actor="MED", roster_id="UA:sought", record_id="s1", reason="asked"
    )
    assert done.erased == [sought]  # the proposed record is left, and said so
    with pytest.raises(Conflict, match="UA:sought/s1 was erased; reject the proposal"):
        reconcile.decide_match(ledger, actor="MED", mid=mid, state=MatchState.CONFIRMED)
    reconcile.decide_match(ledger, actor="MED", mid=mid, state=MatchState.REJECTED)
    with ledger.reading() as tx:
        found = stored.match(tx, mid)
    assert found is not None and found.state is MatchState.REJECTED
