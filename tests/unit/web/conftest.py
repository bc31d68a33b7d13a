"""A served instance for the page tests: MED, UA, RU and SMM registered on one machine (real
SQLite), the pages signed in through the mediator's one-time link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from tests.integration.helpers import setup_parties

BASE = "http://127.0.0.1"  # plain http on loopback: the cookies go without Secure


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[tuple[Ledger, DeskAccess]]:
    ledger = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'parley.db'}"), create=True)
    setup_parties(ledger)
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
