"""A served instance for the page tests: MED, UA, RU and SMM on one machine (real SQLite) with
rosters holding hostile markup, proposals, an agreement, a batch, a report and a checkpoint;
the pages signed in through the mediator's one-time link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from parley.api.app import create_app
from parley.app import agreements, reconcile, rosters, transparency
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef, ReportKind
from parley.domain.matches import RecordRef
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, plan_batch, setup_parties

BASE = "http://127.0.0.1"  # plain http on loopback: the cookies go without Secure
# what a hostile roster may hold in any field: every page must show it as text
XSS = ("<img src=x onerror=alert(1)>", '"><script>alert(1)</script>')


def _rosters(ledger: Ledger) -> None:
    """Each side's held roster and UA's sought one, names in their own scripts, and hostile
    markup in every text field of one record on each roster."""

    def hostile(record_id: str) -> PersonRecord:
        return PersonRecord(
            record_id,
            family_name=XSS[0],
            given_name=XSS[1],
            birth_place=XSS[0],
            unit=XSS[1],
            capture_place=XSS[0],
            rank=XSS[1],
        )

    ua_held = [
        PersonRecord("u0", family_name="Вышинский", given_name="Кирилл", birth_date=None),
        hostile("u1"),
    ]
    ru_held = [
        PersonRecord("r0", family_name="Вишинський", given_name="Кирило", service_number="12"),
        PersonRecord("r1", family_name="Коваль", given_name="Петро"),
        hostile("r2"),
    ]
    ua_sought = [
        PersonRecord("s0", family_name="Вышинский", given_name="Кирилл", service_number="12"),
        PersonRecord("s1", family_name="Коваль", given_name="Пётр"),
        hostile("s2"),
    ]
    for party, kind, records in (
        ("UA", RosterKind.HELD, ua_held),
        ("RU", RosterKind.HELD, ru_held),
        ("UA", RosterKind.SOUGHT, ua_sought),
    ):
        rosters.import_roster(
            ledger, party_id=party, kind=kind, records=records, source="t", source_sha256="0"
        )
    reconcile.propose(
        ledger,
        actor="MED",
        candidates=[
            reconcile.Candidate(S("s0"), H("r0"), 0.97, "names agree across scripts"),
            reconcile.Candidate(S("s1"), H("r1"), 0.91, "names agree"),
            reconcile.Candidate(S("s2"), H("r2"), 0.42, "hostile"),
        ],
    )


def S(record_id: str) -> RecordRef:  # noqa: N802
    return RecordRef("UA:sought", record_id)


def H(record_id: str) -> RecordRef:  # noqa: N802
    return RecordRef("RU:held", record_id)


def world(ledger: Ledger, folder: Path) -> None:
    """Rosters and proposals, a witnessed agreement with an exchange and a disengagement, a
    batch of four, a monitor's hostile report, and a cosigned checkpoint."""
    setup_parties(ledger)
    _rosters(ledger)
    all_for_all(ledger)
    plan_batch(
        ledger,
        "B1",
        [
            PersonRef("UA", "u0"),
            PersonRef("UA", "u1"),
            PersonRef("RU", "r1"),
            PersonRef("RU", "r2"),
        ],
    )
    agreements.report(
        ledger,
        actor="SMM",
        commitment_id="AG-DIS",
        kind=ReportKind.VIOLATION,
        place=XSS[0],
        observed_on=dt.date(2026, 5, 1),
        text=XSS[1],
    )
    transparency.sign_checkpoint(ledger)
    for party in ("UA", "RU"):
        transparency.cosign(ledger, party_id=party, state_dir=folder / "witness")


@pytest.fixture
def instance(settings: Settings, tmp_path: Path) -> Iterator[tuple[Ledger, DeskAccess]]:
    """The world on SQLite and on PostgreSQL (tests/conftest.py's `settings`)."""
    ledger = Ledger.open(settings, create=True)
    world(ledger, tmp_path)
    try:
        yield ledger, DeskAccess.start(tmp_path / "desk", BASE)
    finally:
        ledger.close()


@pytest.fixture
def browser(instance: tuple[Ledger, DeskAccess]) -> TestClient:
    """A browser that has not signed in."""
    ledger, access = instance
    return TestClient(create_app(ledger, desk=access), base_url=BASE)


def sign_in(client: TestClient, ledger: Ledger, access: DeskAccess, party: str = "MED") -> None:
    link = access.link(ledger, party_id=party)
    reply = client.get(link.removeprefix(BASE), follow_redirects=False)
    assert reply.status_code == 303, reply.text


@pytest.fixture
def desk(instance: tuple[Ledger, DeskAccess], browser: TestClient) -> TestClient:
    """A browser signed in to the mediator's desk."""
    sign_in(browser, *instance)
    return browser
