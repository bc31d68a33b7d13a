"""The ledger writes header v2: each party's entries bind the party's signed command, the
operator signs the runs, and an operator who edits the log and re-signs it with its own key
cannot make an entry in a party's name (docs/log-format.md §4, signed commands)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.app import audit, rebuild, rosters
from parley.app.config import Settings
from parley.app.ledger import LOCAL_PATH, Ledger, local_body
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.errors import DomainError
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, command_body, sign_command
from parley.log.entry import EntrySigner, Header, StoredEntry, draft, sign_run
from parley.log.export import entry_line, parse_line
from tests.integration.helpers import people, small_log, verdict


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[Ledger]:
    led = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"), create=True)
    try:
        small_log(led, tmp_path)
        yield led
    finally:
        led.close()


def _lines(folder: Path) -> list[bytes]:
    return (folder / "log.jsonl").read_bytes().splitlines(keepends=True)


def _signer(ledger: Ledger, party: str) -> EntrySigner:
    return ledger.keys.signer(party)


def test_every_entry_binds_its_actors_command_and_the_export_verifies(
    logged: Ledger, tmp_path: Path
) -> None:
    audit.export(logged, tmp_path / "export")
    assert verdict(tmp_path / "export") == "verifies"
    assert audit.verify_live(logged).entries == len(_lines(tmp_path / "export"))
    med = _signer(logged, "MED").key_id
    records = 0
    for n, line in enumerate(_lines(tmp_path / "export"), 1):
        entry = parse_line(line, n)
        header = Header.from_bytes(entry.header)
        assert header.command is not None and header.signer == med
        if entry.command is not None:
            records += 1
            command = SignedCommand.from_bytes(entry.command)
            assert (command.path, command.keyid) == (LOCAL_PATH, header.key_id)
    assert records > 5
    assert rebuild.replay(logged, compare=True).differing == ()
    assert verdict(tmp_path / "export") == "verifies"  # the rebuild left the log as it was


def test_an_erasure_takes_the_body_of_the_command_that_recorded_the_person(
    logged: Ledger, tmp_path: Path
) -> None:
    audit.export(logged, tmp_path / "export")
    entries = [parse_line(line, n) for n, line in enumerate(_lines(tmp_path / "export"), 1)]
    erased = {e.index for e in entries if e.payload is None}
    assert erased
    bodies = {e.index: e.command_body for e in entries if e.command is not None}
    owner = max(i for i in bodies if i <= min(erased))
    assert bodies[owner] is None
    assert sum(body is None for body in bodies.values()) == 1


def _forge(
    ledger: Ledger,
    lines: list[bytes],
    command: SignedCommand,
    key_id: str,
    body: bytes | None = b'{"forged":true}',
) -> bytes:
    """An entry in UA's name, bound to `command`, its run re-signed by the operator's key."""
    med = _signer(ledger, "MED")
    entry = draft(
        index=len(lines),
        type=ev.COMMITMENT_STATUS_SET,
        actor="UA",
        time="2026-01-01T00:00:00.000000Z",
        payload={"commitment_id": "C", "status": 1, "note": "forged"},
        key_id=key_id,
        command=command.digest(),
        signer=med.key_id,
    )
    (signed,) = sign_run([entry], med)
    stored = StoredEntry(
        signed.index,
        signed.header_bytes,
        signed.signature,
        signed.payload,
        signed.salt,
        command=command.to_bytes(),
        command_body=body,
    )
    return entry_line(stored) + b"\n"


def _copy(src: Path, dst: Path, lines: list[bytes]) -> Path:
    dst.mkdir()
    for item in src.iterdir():
        if item.is_file():
            (dst / item.name).write_bytes(item.read_bytes())
        else:
            (dst / item.name).mkdir()
            for f in item.iterdir():
                (dst / item.name / f.name).write_bytes(f.read_bytes())
    (dst / "log.jsonl").write_bytes(b"".join(lines))
    return dst


def test_the_operator_cannot_write_in_a_partys_name(logged: Ledger, tmp_path: Path) -> None:
    """Re-signed with the mediator's key: a command the mediator signed as UA, a command UA
    signed before (a replay), or UA's entries moved away from their command: all refused."""
    audit.export(logged, tmp_path / "export")
    lines = _lines(tmp_path / "export")
    ua = logged.keys.public_bytes("UA")
    ua_key = _signer(logged, "UA").key_id
    med = _signer(logged, "MED")
    body = command_body({"forged": True})

    # the mediator signs a command naming UA's key: its signature does not hold under UA's key
    forged = sign_command(method="POST", path=LOCAL_PATH, body=body, signing_key=med, created=1)
    as_ua = SignedCommand.from_fields(
        method=forged.method,
        path=forged.path,
        content_digest=forged.content_digest,
        signature_input=forged.signature_input().replace(med.key_id, ua_key),
        signature=forged.signature_field(),
    )
    copy = _copy(
        tmp_path / "export", tmp_path / "a", [*lines, _forge(logged, lines, as_ua, ua_key)]
    )
    assert (
        verdict(copy)
        == f"fails: entry {len(lines)}: the command's signature does not verify under key {ua_key}"
    )

    # the mediator's own command, on an entry in UA's name: signed by a key that is not UA's
    copy = _copy(
        tmp_path / "export", tmp_path / "b", [*lines, _forge(logged, lines, forged, med.key_id)]
    )
    assert verdict(copy).startswith(f"fails: entry {len(lines)}: signed by a key of MED")

    # a command UA signed before, copied onto a new entry: a replay
    parsed = [parse_line(line, n) for n, line in enumerate(lines, 1)]
    ua_record = next(
        e.command
        for e in parsed
        if e.command is not None and Header.from_bytes(e.header).actor == "UA"
    )
    assert ua_record is not None
    replayed = SignedCommand.from_bytes(ua_record)
    replayed.verify(ua)
    copy = _copy(
        tmp_path / "export", tmp_path / "c", [*lines, _forge(logged, lines, replayed, ua_key, None)]
    )
    assert "replays a command of key" in verdict(copy)


def test_the_ledger_refuses_a_replayed_command_and_writes_nothing(logged: Ledger) -> None:
    body = command_body({"roster": "UA:sought"})
    signed = logged.keys.sign_command("UA", "POST", "/v1/rosters/UA/sought", body)
    command = Command(signed, body)

    def run(prefix: str) -> None:
        with Ledger.commanded(command):
            rosters.import_roster(
                logged,
                party_id="UA",
                kind=RosterKind.SOUGHT,
                records=people(prefix, 2),
                source="s",
                source_sha256="0",
            )

    run("c")
    with logged.reading() as conn:
        size = logged.size(conn)
    with pytest.raises(DomainError, match="a replayed command is refused"):
        run("d")
    with logged.reading() as conn:
        assert logged.size(conn) == size
    assert audit.verify_live(logged).entries == size


def test_a_given_command_whose_body_was_altered_is_refused(logged: Ledger) -> None:
    signed = logged.keys.sign_command("UA", "POST", "/v1/x", command_body({"a": 1}))
    with logged.reading() as conn:
        size = logged.size(conn)
    with (
        Ledger.commanded(Command(signed, command_body({"a": 2}))),
        pytest.raises(ValueError, match="body does not match"),
    ):
        rosters.import_roster(
            logged,
            party_id="UA",
            kind=RosterKind.SOUGHT,
            records=people("c", 1),
            source="s",
            source_sha256="0",
        )
    with logged.reading() as conn:
        assert logged.size(conn) == size
    assert json.loads(local_body("UA", [])) == {"actor": "UA", "entries": []}
