"""A signed request whose JSON holds a control character or a bidirectional override is refused
before any use case runs, naming the field; nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from parley.api.app import create_app
from parley.app import instance
from parley.app.client import Client
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.domain.parties import Party, Role
from tests.api.helpers import serving


@dataclass
class Served:
    ledger: Ledger
    ua: Client


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    med: Path = tmp_path_factory.mktemp("med")
    ring = KeyRing(tmp_path_factory.mktemp("ua") / "keys")
    ledger = Ledger.open(Settings(med, f"sqlite:///{med / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="t", mediator_id="MED", mediator_name="Mediator")
    init_party_key(ring, "UA")
    instance.register_party(
        ledger,
        actor="MED",
        party=Party("UA", "Ukraine", Role.SIDE),
        public_key=ring.public_bytes("UA"),
    )
    try:
        with serving(create_app(ledger, max_body=64 * 1024)) as url:
            yield Served(ledger, Client(url, ring.signer("UA")))
    finally:
        ledger.close()


def _size(s: Served) -> int:
    with s.ledger.reading() as conn:
        return s.ledger.size(conn)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Шев\x1b[2Jченко", "control character (U+001B)"),
        ("\u202eокнечвеШ", "bidirectional override (U+202E)"),
        ("Шев\x07", "control character (U+0007)"),
    ],
)
def test_a_roster_sent_with_a_control_character_is_refused(
    served: Served, name: str, words: str
) -> None:
    size = _size(served)
    rows = [{"record_id": "UA-1", "family_name": name}]
    reply = served.ua.call("POST", "/v1/rosters/UA/held", {"records": rows, "source": "t"})
    assert 400 <= reply.status < 500, reply.body
    detail = reply.json()["detail"]
    assert words in detail
    assert "records[0].family_name" in detail
    assert _size(served) == size


def test_a_clean_roster_is_taken(served: Served) -> None:
    rows = [{"record_id": "UA-2", "family_name": "Шевченко", "notes": "два\nрядки"}]
    reply = served.ua.call("POST", "/v1/rosters/UA/held", {"records": rows, "source": "t"})
    assert reply.status == 201, reply.body
