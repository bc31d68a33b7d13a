"""`parley report list --commitment`: an id the roadmap does not hold is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from parley.app import agreements, status
from parley.app.ledger import Ledger
from parley.domain.agreements import ReportKind
from parley.domain.errors import NotFound
from tests.integration.helpers import all_for_all, setup_parties


def test_reports_of_an_unknown_commitment_are_refused(ledger: Ledger) -> None:
    setup_parties(ledger)
    all_for_all(ledger)
    agreements.report(
        ledger,
        actor="SMM",
        commitment_id="AG-DIS",
        kind=ReportKind.VIOLATION,
        place="Zolote",
        observed_on=dt.date(2019, 8, 30),
        text="shelling",
    )
    assert [r["commitment"] for r in status.reports(ledger, "UA", "AG-DIS")] == ["AG-DIS"]
    assert status.reports(ledger, "UA", "AG-EX") == []  # known, without reports
    with pytest.raises(NotFound, match="there is no commitment AG-DSI"):
        status.reports(ledger, "UA", "AG-DSI")
