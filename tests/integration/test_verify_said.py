"""What an entry's payload says is read for the entries of a command whose body asks for
things, and only where the sequential pass can count it: the verifier's workers skip that
reading for a command they saw ask for nothing by what it says (a local command), and keep it
for a bound command, also for its entries in a chunk after the one that holds its record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.app import audit, authz, roster_files, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.events import PAYLOADS
from parley.domain.rosters import RosterKind
from parley.log.command import command_body
from parley.log.entry import MAX_RUN, Header, StoredEntry
from parley.log.export import parse_line, read_keys
from parley.log.verify.entries import EntryOrLine, check_chunk
from tests.integration.helpers import people, setup_parties, verdict

ROWS = MAX_RUN + 20  # one command's entries in two runs, so in two chunks


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("said")
    led = Ledger.open(Settings(tmp, f"sqlite:///{tmp / 'p.db'}"), create=True)
    try:
        setup_parties(led)
        rosters.import_roster(  # a local command: its body lists its entries
            led,
            party_id="RU",
            kind=RosterKind.HELD,
            records=people("loc", 3),
            source="l",
            source_sha256="0",
        )
        rows = [{"record_id": f"S-{i}", "family_name": f"Name{i}"} for i in range(ROWS)]
        body = command_body({"records": rows, "source": "s"})
        signed = led.keys.sign_command("UA", "POST", "/v1/rosters/UA/sought", body)
        with Ledger.commanded(Command(signed, body)):
            roster_files.import_rows(
                led, rows=rows, source="s", party_id="UA", kind=RosterKind.SOUGHT, actor="UA"
            )
        audit.export(led, tmp / "export")
        yield tmp / "export"
    finally:
        led.close()


def _entries(folder: Path) -> list[StoredEntry]:
    lines = (folder / "log.jsonl").read_bytes().splitlines(keepends=True)
    return [parse_line(line, n) for n, line in enumerate(lines, 1)]


def _chunk(entries: list[StoredEntry]) -> list[EntryOrLine]:
    return list[EntryOrLine](entries)


def test_said_is_read_under_a_bound_command_in_every_chunk_and_not_under_a_local_one(
    export: Path,
) -> None:
    assert verdict(export) == "verifies"
    stored = _entries(export)
    trusted = {k.key_id: k.public_key for k in read_keys(export / "keys.json").keys}
    commands = [e.index for e in stored if e.command is not None]
    local, served = commands[-2], commands[-1]
    whole = check_chunk(_chunk(stored), trusted, PAYLOADS, authz.AUTHORITY)
    assert whole.problem is None
    said = {c.idx: c.said for c in whole.entries}
    assert all(said[i] is None for i in range(local, served))  # the local import's entries
    recorded = [
        e.index for e in stored[served:] if Header.from_bytes(e.header).type == ev.PERSON_RECORDED
    ]
    assert len(recorded) == ROWS and all(said[i] is not None for i in recorded)
    # the served command's second run, checked as a chunk of its own (as a worker may): its
    # record is in the chunk before, so what each entry says is read
    second = [e for e in stored if e.index >= served + MAX_RUN]
    assert second and Header.from_bytes(second[0].header).command is not None
    alone = check_chunk(_chunk(second), trusted, PAYLOADS, authz.AUTHORITY)
    assert alone.problem is None
    assert [c.said for c in alone.entries] == [said[c.idx] for c in alone.entries]
    assert all(c.said is not None for c in alone.entries)
