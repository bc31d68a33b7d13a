"""`parley sync` against a real server on loopback: UA keeps a verified mirror in its own data
directory, cosigns each checkpoint there and sends the cosignature back; a server whose log is
rolled back or forked (an older database copy restored) raises the alarm and UA keeps the
evidence."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app import instance, rosters, sync, transparency
from parley.app.client import Client
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.entry import Header
from parley.log.note import parse_note
from parley.log.tiles import read_bundle
from parley.log.witness import JsonFileWitnessState
from tests.api.helpers import serving


@dataclass
class Site:
    med: Path
    ua: Path
    ledger: Ledger

    @property
    def database(self) -> Path:
        return self.med / "parley.db"

    def reopen(self) -> None:
        self.ledger = Ledger.open(Settings(self.med, f"sqlite:///{self.database}"))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    med, ua = tmp_path / "med", tmp_path / "ua"
    ua_ring = KeyRing(ua / "keys")
    init_party_key(ua_ring, "UA")
    ledger = Ledger.open(Settings(med, f"sqlite:///{med / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    instance.register_party(
        ledger,
        actor="MED",
        party=Party("UA", "Ukraine", Role.SIDE),
        public_key=ua_ring.public_bytes("UA"),
    )
    s = Site(med, ua, ledger)
    try:
        yield s
    finally:
        s.ledger.close()


def _append(ledger: Ledger, party_id: str, role: Role = Role.MONITOR) -> int:
    """The mediator registers a party (entries appended) and signs a checkpoint of the log."""
    key = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    instance.register_party(
        ledger, actor="MED", party=Party(party_id, party_id, role), public_key=key
    )
    size, _ = transparency.sign_checkpoint(ledger)
    return size


def _sync(runner: CliRunner, site: Site, url: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--data-dir", str(site.ua), "--server", url, "sync", "--as", "UA"])
    return result.exit_code, result.stdout, result.stderr


def _public_checkpoint(url: str) -> bytes:
    with urllib.request.urlopen(url + "/checkpoint") as reply:
        body: bytes = reply.read()
    return body


def _state(site: Site) -> tuple[int, bytes]:
    head = JsonFileWitnessState(site.ua / "witness" / "UA.json").load()
    assert head is not None
    return head.size, head.root


def test_two_syncs_with_appends_between_are_consistent_and_cosigned(
    runner: CliRunner, site: Site
) -> None:
    first = _append(site.ledger, "SMM")
    with serving(create_app(site.ledger)) as url:
        code, out, err = _sync(runner, site, url)
        assert code == 0, err
        assert f"cosigned the checkpoint of size {first} (last cosigned: 0)" in out
        assert "mediator key pinned" in out
        second = _append(site.ledger, "OSCE")
        code, out, err = _sync(runner, site, url)
        assert code == 0, err
        assert f"size {second} (last cosigned: {first})" in out
        assert "pinned" not in out
        published = _public_checkpoint(url)
    names = [s.name for s in parse_note(published).signatures]
    assert "parley-witness/UA" in names
    assert _state(site)[0] == second
    mirrored = read_bundle((site.ua / "mirror" / "entries.bundle").read_bytes())
    assert len(mirrored) == second
    assert (
        (site.ua / "witness" / "UA.checkpoint").read_bytes().startswith(published.split(b"\n\n")[0])
    )
    assert not (site.ua / "mirror" / "evidence").exists()


def test_a_wrong_pinned_key_is_refused(runner: CliRunner, site: Site) -> None:
    _append(site.ledger, "SMM")
    other = transparency.verifier_key(site.ledger).replace("parley/", "parley/x", 1)
    with serving(create_app(site.ledger)) as url:
        result = runner.invoke(
            app,
            [
                *("--data-dir", str(site.ua), "--server", url),
                *("sync", "--as", "UA", "--mediator-key", other),
            ],
        )
    assert result.exit_code == 1
    assert not (site.ua / "witness" / "UA.json").exists()


def _restore(site: Site, copy: Path) -> None:
    site.ledger.close()
    for suffix in ("-wal", "-shm"):
        Path(str(site.database) + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, site.database)
    site.reopen()


def _backup(site: Site, to: Path) -> None:
    with sqlite3.connect(site.database) as src, sqlite3.connect(to) as dst:
        src.backup(dst)


@pytest.mark.parametrize("forked", [False, True])
def test_a_rolled_back_or_forked_log_raises_the_alarm_and_the_evidence_is_kept(
    runner: CliRunner, site: Site, tmp_path: Path, forked: bool
) -> None:
    first = _append(site.ledger, "SMM")
    with serving(create_app(site.ledger)) as url:
        assert _sync(runner, site, url)[0] == 0
    older = tmp_path / "older.db"
    _backup(site, older)
    second = _append(site.ledger, "OSCE")
    with serving(create_app(site.ledger)) as url:
        assert _sync(runner, site, url)[0] == 0
    cosigned = (site.ua / "witness" / "UA.checkpoint").read_bytes()
    state = _state(site)
    _restore(site, older)
    shown = first
    if forked:  # the operator rewrites history past what UA cosigned
        _append(site.ledger, "ICRC")
        shown = _append(site.ledger, "UN")
        assert shown > second
    with serving(create_app(site.ledger)) as url:
        code, _, err = _sync(runner, site, url)
        published = _public_checkpoint(url)
    assert code == 1
    message = " ".join(err.split())
    assert "ALARM" in message
    assert f"checkpoint of size {shown}" in message
    assert f"checkpoint of size {second}" in message
    assert ("smaller than" in message) != forked
    assert _state(site) == state  # never rolled back
    (folder,) = (site.ua / "mirror" / "evidence").iterdir()
    assert (folder / "cosigned.checkpoint").read_bytes() == cosigned
    assert (folder / "shown.checkpoint").read_bytes() == published
    assert (folder / "proof.txt").read_bytes().startswith(f"old {second}\n".encode())
    if forked:  # UA cosigned nothing of the forked history
        assert b"parley-witness/UA" not in published.split(b"\n\n")[1]


def _ua_roster(url: str, site: Site) -> None:
    """UA imports its held roster through the server, signed on its own machine."""
    ua = Client(url, KeyRing(site.ua / "keys").signer("UA"))
    row = {"record_id": "UA-1", "family_name": "Шевченко", "given_name": "Тарас"}
    ua.request("POST", "/v1/rosters/UA/held", {"records": [row], "source": "api"})


def _ru_roster(site: Site) -> None:
    """RU, a party on this machine, records a person UA may not see."""
    instance.register_party(
        site.ledger, actor="MED", party=Party("RU", "Russia", Role.SIDE), local_key=True
    )
    rosters.import_roster(
        site.ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=[PersonRecord("RU-1", family_name="Вышинский", given_name="Кирилл")],
        source="s",
        source_sha256="0",
    )


def test_sync_mirrors_every_header_and_the_partys_own_payloads(
    runner: CliRunner, site: Site
) -> None:
    _ru_roster(site)
    with serving(create_app(site.ledger)) as url:
        _ua_roster(url, site)
        size, _ = transparency.sign_checkpoint(site.ledger)
        code, out, err = _sync(runner, site, url)
        assert code == 0, err
        mirror = sync.Mirror(site.ua, "UA")
        headers = mirror.headers()
        payloads = mirror.payloads()
        assert len(headers) == size and f"{len(payloads)} payloads mirrored" in " ".join(
            out.split()
        )
        types = {Header.from_bytes(headers[i]).type: i for i in payloads}
        actors = {Header.from_bytes(headers[i]).actor for i in payloads}
        assert "person.recorded" in types and "party.registered" in types
        assert actors == {"UA", "MED"}  # its own, and the log's own events
        text = b"".join(payloads.values()).decode("utf-8")
        assert "Шевченко" in text and "Вышинский" not in text
        for folder in (site.ua / "mirror", site.ua / "witness"):  # the party's alone
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(mirror.payloads_file.stat().st_mode) == 0o600
        for index, payload in payloads.items():  # each checked against its header
            assert Header.from_bytes(headers[index]).index == index
            assert json.loads(payload)
        # a second sync pulls only what is new, and keeps what it had
        _append(site.ledger, "SMM")
        code, out, err = _sync(runner, site, url)
        assert code == 0, err
        again = sync.Mirror(site.ua, "UA").payloads()
        assert set(payloads) < set(again) and all(again[i] == payloads[i] for i in payloads)
        assert "1 payloads mirrored" in " ".join(out.split())


def test_a_payload_that_does_not_match_its_header_is_refused(runner: CliRunner, site: Site) -> None:
    with serving(create_app(site.ledger)) as url:
        _ua_roster(url, site)
        transparency.sign_checkpoint(site.ledger)
        with sqlite3.connect(site.database) as db:  # the operator edits a payload of UA's
            (index, payload), *_ = db.execute(
                "select idx, payload from log_entries where type = 'person.recorded'"
            ).fetchall()
            forged = bytes(payload).replace("Тарас".encode(), "Тарик".encode())
            db.execute("update log_entries set payload = ? where idx = ?", (forged, index))
        code, _, err = _sync(runner, site, url)
    assert code == 1
    assert "do not match the signed headers" in " ".join(err.split())
    assert not (site.ua / "witness" / "UA.json").exists()  # nothing cosigned
    assert not (site.ua / "mirror" / "payloads.jsonl").exists()


def test_a_sync_before_any_checkpoint_says_the_servers_own_sentence(
    runner: CliRunner, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(create_app(site.ledger)) as url:
        code, _, err = _sync(runner, site, url)
        assert code == 1
        assert "no checkpoint has been signed yet: run `parley log checkpoint`" in err, err
        assert "answered 404" not in err
        monkeypatch.setenv("PARLEY_LANG", "uk")
        code, _, err = _sync(runner, site, url)
        assert code == 1
        assert (
            "сервер відмовив у запиті /checkpoint: жодної контрольної точки ще не підписано:"
            " виконайте `parley log checkpoint`"
        ) in err, err
