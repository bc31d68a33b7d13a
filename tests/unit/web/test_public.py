"""The public page and the roadmap draw the phases: counts per phase as bars, and running
counts over time as lines, from the handovers' steps (counts only, nothing personal)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from parley.app import batches, desk_views
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState


def test_the_phase_over_time_counts_planned_received_and_exceptions(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    batches.advance(
        ledger,
        actor="MED",
        batch_id="B1",
        moves=[(PersonRef("UA", "u1"), HandoverState.DISPUTED, "not the man on the list")],
    )
    days = desk_views.phase_timelines(ledger)
    assert list(days) == ["AG-P1"]
    last = days["AG-P1"][-1]
    assert (last.planned, last.received, last.exceptions) == (4, 0, 1)
    page = browser.get("/").text
    assert page.count("<polyline") == 3  # planned, received, exceptions
    assert re.search(r'<rect class="bar planned"[^>]*height="160', page)
    assert "Planned, received and exceptions over time" in page
