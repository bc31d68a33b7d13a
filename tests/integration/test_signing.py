"""Signing goes through one port: a party whose key this instance does not hold is refused in
one sentence with nothing written, and a signer the caller provides acts for it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from parley.app import audit, instance, rosters, transparency
from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot
from parley.app.signing import NoSigningKey, Signatures
from parley.cli.main import app
from parley.domain.parties import Party, Role
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, sign_command
from parley.log.entry import Entry, EntrySigner, sign_run
from tests.integration.helpers import people


class PartyMachine:
    """A party's own key beside the instance's key ring, as a party's machine would sign."""

    def __init__(self, ring: KeyRing, party_id: str, key: Ed25519PrivateKey) -> None:
        self.ring = ring
        self.party_id = party_id
        self.signer = EntrySigner(key)

    def key_id_for(self, party_id: str) -> str:
        if party_id == self.party_id:
            return self.signer.key_id
        return self.ring.key_id_for(party_id)

    def sign_run(self, run: Sequence[Entry], party_id: str) -> list[Entry]:
        if party_id == self.party_id:
            return sign_run(run, self.signer)
        return self.ring.sign_run(run, party_id)

    def sign_command(self, party_id: str, method: str, path: str, body: bytes) -> SignedCommand:
        if party_id == self.party_id:
            return sign_command(
                method=method, path=path, body=body, signing_key=self.signer, created=1
            )
        return self.ring.sign_command(party_id, method, path, body)


def _register_by_public_key(ledger: Ledger, key: Ed25519PrivateKey) -> None:
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    public = key.public_key().public_bytes_raw()
    party = Party("UA", "Ukraine", Role.SIDE)
    instance.register_party(ledger, actor="MED", party=party, public_key=public)


def _import(ledger: Ledger) -> None:
    records = people("u", 2)
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.HELD, records=records, source="s", source_sha256="0"
    )


def test_a_party_registered_by_its_public_key_is_refused_here(ledger: Ledger) -> None:
    _register_by_public_key(ledger, Ed25519PrivateKey.generate())
    with ledger.reading() as conn:
        size, before = ledger.size(conn), projection_snapshot(conn)
    with pytest.raises(NoSigningKey, match="holds no signing key for UA, so it cannot act as UA"):
        _import(ledger)
    with ledger.reading() as conn:
        assert ledger.size(conn) == size and projection_snapshot(conn) == before
    transparency.sign_checkpoint(ledger)  # the mediator signs here; UA cannot witness here
    with pytest.raises(NoSigningKey, match="no signing key for UA"):
        transparency.cosign(ledger, party_id="UA", state_dir=ledger.keys.folder.parent / "w")


def test_a_signer_the_caller_provides_acts_for_the_party(settings: Settings) -> None:
    ua = Ed25519PrivateKey.generate()
    ring = KeyRing(settings.keys_dir)
    signatures: Signatures = PartyMachine(ring, "UA", ua)
    ledger = Ledger.open(settings, ring, signatures=signatures, create=True)
    try:
        _register_by_public_key(ledger, ua)
        _import(ledger)
        assert not ring.has("UA")  # the instance never held UA's key
        with ledger.reading() as conn:
            size = ledger.size(conn)
        assert audit.verify_live(ledger).entries == size
    finally:
        ledger.close()


def test_the_command_line_refuses_a_party_without_a_key_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    runner = CliRunner()
    public = tmp_path / "ua.pub"
    public.write_text(Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex() + "\n")
    roster = tmp_path / "held.csv"
    roster.write_text("record_id,family_name,given_name\nH-1,Коваль,Петро\n", encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    added = runner.invoke(
        app, ["party", "add", "UA", "--name", "Ukraine", "--public-key", str(public)]
    )
    assert added.exit_code == 0, added.output
    size = runner.invoke(app, ["status", "--json"]).stdout
    for command in (
        ["roster", "import", str(roster), "--party", "UA", "--kind", "held"],
        ["log", "witness", "--as", "UA"],
    ):
        if command[1] == "witness":
            assert runner.invoke(app, ["log", "checkpoint"]).exit_code == 0
            size = runner.invoke(app, ["status", "--json"]).stdout
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "holds no signing key for UA, so it cannot act as UA" in result.stderr
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
        assert runner.invoke(app, ["status", "--json"]).stdout == size  # nothing written
