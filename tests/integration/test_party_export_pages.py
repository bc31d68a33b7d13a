"""A party's export fetched in pages (what `parley export --server` asks the server for): the
pages together are, line for line, the log.jsonl `export --as PARTY` writes; the head is read at
one moment; a page is at most EXPORT_PAGE entries; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.app import audit, rosters, served_export, transparency
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.errors import InvalidInput
from parley.log.export import entry_line, read_checkpoints, read_keys
from tests.integration.helpers import setup_parties


def _rosters(ledger: Ledger) -> None:
    for party, kind in (
        ("UA", RosterKind.HELD),
        ("RU", RosterKind.HELD),
        ("UA", RosterKind.SOUGHT),
    ):
        records = [
            PersonRecord(f"{party}-{n}", family_name=f"Прізвище{n}", given_name="Ім'я")
            for n in range(3)
        ]
        rosters.import_roster(
            ledger, party_id=party, kind=kind, records=records, source="s", source_sha256="0"
        )


@pytest.mark.parametrize("party", ["UA", "SMM", "MED"])
def test_the_pages_are_the_export(ledger: Ledger, tmp_path: Path, party: str) -> None:
    setup_parties(ledger)
    _rosters(ledger)
    transparency.sign_checkpoint(ledger)
    folder = tmp_path / party
    count = audit.export(ledger, folder, actor=party)
    head = audit.export_head(ledger, actor=party)
    assert head.size == count
    assert [(c.size, c.note) for c in head.checkpoints] == [
        (c.size, c.note) for c in read_checkpoints(folder)
    ]
    assert head.keys == read_keys(folder / "keys.json")
    paged = [
        entry_line(e) + b"\n"
        for lo in range(0, head.size, 4)
        for e in audit.export_entries(ledger, actor=party, start=lo, end=min(lo + 4, head.size))
    ]
    assert b"".join(paged) == (folder / "log.jsonl").read_bytes()
    whole = (folder / "log.jsonl").read_text("utf-8")
    assert ("Прізвище" in whole) is (party in ("UA", "MED"))


def test_a_page_is_bounded_and_asked_by_a_party(ledger: Ledger) -> None:
    setup_parties(ledger)
    for start, end in ((0, served_export.EXPORT_PAGE + 1), (-1, 3), (5, 2)):
        with pytest.raises(InvalidInput, match="ask for at most"):
            audit.export_entries(ledger, actor="UA", start=start, end=end)
    assert audit.export_entries(ledger, actor="UA", start=10**6, end=10**6) == []
    with pytest.raises(Forbidden, match="XX is not a registered party"):
        audit.export_head(ledger, actor="XX")
    with pytest.raises(Forbidden, match="XX is not a registered party"):
        audit.export_entries(ledger, actor="XX", start=0, end=1)
