"""A handover's state is said by one word wherever a reader meets it: a refusal of a move
names the state as the pages and the papers do ('consent verified'), not by its code."""

from __future__ import annotations

import pytest

from parley.app import batches, rosters
from parley.app.authz import Forbidden
from parley.app.language import refusal
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties

R0 = PersonRef("RU", "r0")


def test_a_move_refused_to_a_party_names_the_state_as_pages_do(ledger: Ledger) -> None:
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", 1),
        source="s",
        source_sha256="0",
    )
    all_for_all(ledger)
    plan_batch(ledger, "B", [R0])
    with pytest.raises(Forbidden) as info:
        batches.advance(
            ledger, actor="UA", batch_id="B", moves=[(R0, HandoverState.CONSENT_VERIFIED, "")]
        )
    assert str(info.value).startswith("UA may not move a handover to consent verified:")
    assert "згоду перевірено" in refusal(info.value, "uk")
