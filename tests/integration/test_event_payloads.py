"""The log read through the typed payloads: every stored payload, parsed by its event type and
written again, is the same canonical bytes (the demo's story, and a log with every key event
and an erasure)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.demo.scenario import play
from parley.domain import events as ev
from parley.log.entry import canonical_json, loads_canonical
from parley.store import tables as t
from tests.integration.helpers import small_log


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Ledger]]:
    opened = []
    try:
        for name, story in (("demo", _demo), ("keys", small_log)):
            folder = tmp_path_factory.mktemp(name)
            ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'p.db'}"), create=True)
            opened.append(ledger)
            story(ledger, folder)
        yield opened
    finally:
        for ledger in opened:
            ledger.close()


def _demo(ledger: Ledger, folder: Path) -> None:
    play(ledger, folder / "rosters", phase2_size=60, say=lambda _: None)


def test_every_payload_is_written_back_byte_for_byte(logs: list[Ledger]) -> None:
    seen: set[str] = set()
    for ledger in logs:
        with ledger.reading() as conn:
            rows = conn.execute(
                select(t.log_entries.c.idx, t.log_entries.c.type, t.log_entries.c.payload)
                .where(t.log_entries.c.payload.isnot(None))
                .order_by(t.log_entries.c.idx)
            )
            for idx, type_, stored in rows:
                stored = bytes(stored)
                payload = ev.payload_from_json(type_, loads_canonical(stored))
                assert type_ == payload.TYPE
                assert canonical_json(payload.to_json()) == stored, f"entry {idx} ({type_})"
                seen.add(type_)
    # the types no story here writes are round-tripped in tests/unit/domain/test_events.py
    assert ev.ALL_TYPES - seen <= {
        ev.AGREEMENT_AMENDED,
        ev.MATCH_ACKNOWLEDGED,
        ev.MATCH_REVERSED,
        ev.MATCH_AMBIGUOUS,  # as the demo's rosters happen to have a group or not
        ev.MATCH_SETTLED,
        ev.KEY_REVOKED,
        ev.KEY_RECOVERED,
        ev.BATCH_AMENDED,
        ev.BATCH_CANCELLED,
    }
