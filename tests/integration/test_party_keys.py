"""Each party's key lives on its own machine: `key init` makes it there, the mediator registers
its verifier key, the server's data directory holds the mediator's private key alone, and nobody
installs a key in another's name (the verifier refuses a log where the mediator did)."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from parley.app import audit, keys_admin
from parley.app.keys import fingerprint
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.events import Event
from parley.log.entry import key_id
from parley.log.verify import VerificationFailed
from parley.store import Tx
from parley.store import keys as key_store
from tests.integration.helpers import setup_parties


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("PARLEY_DATA_DIR", raising=False)
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    return CliRunner()


def _key_init(runner: CliRunner, data: Path, party: str) -> tuple[str, str]:
    """`key init` in the party's own data directory: its verifier key and fingerprint."""
    result = runner.invoke(app, ["--data-dir", str(data), "key", "init", "--party", party])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.splitlines() if ":" in line)
    return lines["Verifier key"].strip(), lines["Fingerprint"].strip()


def _private_keys(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "keys").iterdir() if p.is_file())


def test_key_init_makes_the_key_once_readable_by_its_owner_only(
    runner: CliRunner, tmp_path: Path
) -> None:
    ua = tmp_path / "ua"
    verifier, printed = _key_init(runner, ua, "UA")
    public = bytes.fromhex(verifier)
    assert len(public) == 32 and printed == fingerprint(public)
    assert printed.replace(" ", "").startswith(key_id(public))  # the log's key id, then more
    pem = ua / "keys" / "UA.ed25519.pem"
    assert sorted(p.name for p in (ua / "keys").iterdir()) == ["UA.ed25519.pem", "UA.recovery.pub"]
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert stat.S_IMODE((ua / "keys").stat().st_mode) == 0o700
    before = pem.read_bytes()
    again = runner.invoke(app, ["--data-dir", str(ua), "key", "init", "--party", "UA"])
    assert again.exit_code == 0 and "already has a signing key" in again.output
    assert verifier in again.output and pem.read_bytes() == before
    bad = runner.invoke(app, ["--data-dir", str(ua), "key", "init", "--party", "../x"])
    assert bad.exit_code == 1 and "party id" in bad.stderr


def test_the_server_holds_the_mediators_private_key_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    server = tmp_path / "med"
    ua, ua_print = _key_init(runner, tmp_path / "ua", "UA")
    ru, _ = _key_init(runner, tmp_path / "ru", "RU")
    smm, _ = _key_init(runner, tmp_path / "smm", "SMM")
    ru_file = tmp_path / "ru.pub"
    ru_file.write_text(ru + "\n")

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--data-dir", str(server), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("init")
    refused = runner.invoke(app, ["--data-dir", str(server), "party", "add", "UA", "--name", "U"])
    assert refused.exit_code == 1 and "key init --party UA" in refused.stderr
    assert ua_print in run("party", "add", "UA", "--name", "Ukraine", "--key", ua)
    run("party", "add", "RU", "--name", "Russia", "--public-key", str(ru_file))
    run("party", "add", "SMM", "--name", "Monitors", "--role", "monitor", "--key", smm)
    assert _private_keys(server) == ["MED.ed25519.pem"]
    # UA's key is registered, but this machine cannot act in UA's name
    rotate = runner.invoke(app, ["--data-dir", str(server), "key", "rotate", "--as", "UA"])
    assert rotate.exit_code == 1
    assert "holds no signing key for UA, so it cannot act as UA" in rotate.stderr
    assert _private_keys(server) == ["MED.ed25519.pem"]  # no staged key left behind
    revoke = runner.invoke(
        app,
        [
            "--data-dir",
            str(server),
            "key",
            "revoke",
            "--party",
            "UA",
            "--key-id",
            key_id(bytes.fromhex(ua)),
            "--reason",
            "x",
            "--new-public-key",
            str(ru_file),
        ],
    )
    assert revoke.exit_code == 1 and "may not install a key in UA's name" in revoke.stderr
    run("verify", "--allow-unwitnessed")


def _forge(ledger: Ledger, payload: ev.KeyRevoked | ev.KeyRotated) -> None:
    _forge_as(ledger, "MED", payload)


def _forge_as(ledger: Ledger, actor: str, payload: ev.KeyRevoked | ev.KeyRotated) -> None:
    """Append bypassing the use cases and their permission table, as an operator editing the
    database could (signed with the actor's key in this one-machine test)."""

    def decide(conn: Tx) -> Sequence[Event]:
        return [Event(actor, payload)]

    ledger.execute(decide)


@pytest.mark.parametrize("how", ["revoke and replace", "rotate"])
def test_verify_refuses_a_key_the_mediator_installed_for_a_party(
    ledger: Ledger, tmp_path: Path, how: str
) -> None:
    """The operator bypasses the use cases and appends, signed with its own key, an event that
    gives UA a key it made: the log refuses to verify from that entry on."""
    setup_parties(ledger)
    with ledger.reading() as conn:
        current = key_store.current_key(conn, "UA")
    assert current is not None
    made = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    if how == "rotate":
        _forge(ledger, ev.KeyRotated("UA", made.hex(), key_id(made), current.key_id))
    else:
        _forge(ledger, ev.KeyRevoked("UA", current.key_id, "lost", made.hex(), key_id(made)))
    with pytest.raises(VerificationFailed, match="MED installs a key in UA's name"):
        audit.verify_live(ledger)
    audit.export(ledger, tmp_path / "export")
    with pytest.raises(VerificationFailed, match="MED installs a key in UA's name"):
        audit.verify_export(tmp_path / "export")


def test_the_mediator_stops_a_key_but_cannot_retire_it_as_its_own(ledger: Ledger) -> None:
    setup_parties(ledger)
    with ledger.reading() as conn:
        ua, med = key_store.current_key(conn, "UA"), key_store.current_key(conn, "MED")
    assert ua is not None and med is not None
    made = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    # a rotation of the mediator's that retires UA's key instead of its own
    _forge(ledger, ev.KeyRotated("MED", made.hex(), key_id(made), ua.key_id))
    with pytest.raises(VerificationFailed, match=f"ends key {ua.key_id} of UA as if it were MED's"):
        audit.verify_live(ledger)


def test_a_revocation_by_the_mediator_verifies(ledger: Ledger) -> None:
    setup_parties(ledger)
    with ledger.reading() as conn:
        ua = key_store.current_key(conn, "UA")
    assert ua is not None
    keys_admin.revoke(ledger, actor="MED", party_id="UA", revoked_key_id=ua.key_id, reason="lost")
    audit.verify_live(ledger)
    _forge_as(ledger, "RU", ev.KeyRevoked("UA", ua.key_id, "again"))
    with pytest.raises(VerificationFailed, match="RU ends a key of UA"):
        audit.verify_live(ledger)
