"""A party's recovery key: made by `key init` beside its key, registered with it, kept offline;
it replaces a lost key, by the party alone, and signs nothing else. The mediator may stop a
party's key, never install one; `parley verify` holds the log to this."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from parley.app import audit, instance, keys_admin
from parley.app.keys import KeyRing, PartyKey, init_party_key, read_private_key
from parley.app.ledger import Ledger
from parley.app.signing import Command
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.domain.parties import Party, Role
from parley.log import command as signed_command
from parley.log.entry import EntrySigner, key_id
from parley.log.verify import VerificationFailed
from parley.store import Tx
from parley.store import keys as key_store


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("PARLEY_DATA_DIR", raising=False)
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    return CliRunner()


def _register(ledger: Ledger, tmp_path: Path, *, recovery: bool = True) -> PartyKey:
    """The mediator's instance, and UA made its key and recovery key (in this one-machine test,
    in the instance's key ring) and is registered with both."""
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    made = init_party_key(ledger.keys, "UA", tmp_path / "offline")
    instance.register_party(
        ledger,
        actor="MED",
        party=Party("UA", "Ukraine", Role.SIDE),
        public_key=made.public,
        recovery_key=made.recovery if recovery else None,
    )
    return made


def _lose(ledger: Ledger) -> None:
    """UA's machine is lost: its key file is gone."""
    (ledger.keys.folder / "UA.ed25519.pem").unlink()
    ledger.keys = type(ledger.keys)(ledger.keys.folder)
    ledger.signatures = ledger.keys


def _recovery(made: PartyKey) -> Ed25519PrivateKey:
    assert made.recovery_file is not None
    return read_private_key(made.recovery_file)


def test_key_init_makes_a_recovery_key_to_move_offline(runner: CliRunner, tmp_path: Path) -> None:
    ua, med = tmp_path / "ua", tmp_path / "med"
    made = runner.invoke(app, ["--data-dir", str(ua), "key", "init", "--party", "UA"])
    assert made.exit_code == 0, made.output
    lines = dict(line.split(":", 1) for line in made.output.splitlines() if ":" in line)
    verifier, recovery = lines["Verifier key"].strip(), lines["Recovery key"].strip()
    (offline,) = (ua / "recovery").iterdir()
    assert offline.name in "".join(made.output.split())
    assert "Move that file off this machine now" in " ".join(made.output.split())
    assert stat.S_IMODE(offline.stat().st_mode) == 0o600
    assert stat.S_IMODE((ua / "recovery").stat().st_mode) == 0o700
    public = read_private_key(offline).public_key().public_bytes_raw()
    assert public.hex() == recovery != verifier
    again = runner.invoke(app, ["--data-dir", str(ua), "key", "init", "--party", "UA"])
    assert f"Recovery key: {recovery}" in again.output  # printed again, never made again
    assert len(list((ua / "recovery").iterdir())) == 1
    assert runner.invoke(app, ["--data-dir", str(med), "init"]).exit_code == 0
    add = ["party", "add", "UA", "--name", "Ukraine", "--key", verifier]
    added = runner.invoke(app, ["--data-dir", str(med), *add, "--recovery-key", recovery])
    assert added.exit_code == 0, added.output
    assert lines["Recovery fingerprint"].strip() in added.output
    same = runner.invoke(app, ["--data-dir", str(med), *add[:-1], recovery])
    assert same.exit_code == 1  # a key registered once


def test_a_lost_key_is_replaced_with_the_recovery_key(ledger: Ledger, tmp_path: Path) -> None:
    made = _register(ledger, tmp_path)
    lost = key_id(made.public)
    _lose(ledger)
    done = keys_admin.recover(
        ledger, party_id="UA", recovery_key=_recovery(made), recovery_folder=tmp_path / "offline"
    )
    with ledger.reading() as conn:
        current = key_store.current_key(conn, "UA")
        old = key_store.key_state(conn, lost)
        used = key_store.key_state(conn, key_id(made.recovery or b""))
        following = key_store.recovery_key(conn, "UA")
    assert current is not None and current.key_id == done.key_id
    assert current.public_key == ledger.keys.public_bytes("UA")
    assert old is not None and old.status == "revoked"
    assert used is not None and used.status == "retired"
    assert following is not None and following.public_key == done.recovery
    assert done.recovery_file.exists() and ledger.keys.recovery_public("UA") == done.recovery
    keys_admin.rotate(ledger, party_id="UA")  # the new key acts
    report = audit.verify_live(ledger)
    assert report.entries > 0
    audit.export(ledger, tmp_path / "export")
    audit.verify_export(tmp_path / "export")


def test_the_mediator_stops_a_key_and_the_party_recovers_it(ledger: Ledger, tmp_path: Path) -> None:
    made = _register(ledger, tmp_path)
    keys_admin.revoke(
        ledger, actor="MED", party_id="UA", revoked_key_id=key_id(made.public), reason="stolen"
    )
    with pytest.raises(DomainError, match="no active key to rotate"):
        keys_admin.rotate(ledger, party_id="UA")
    keys_admin.recover(
        ledger, party_id="UA", recovery_key=_recovery(made), recovery_folder=tmp_path / "offline"
    )
    keys_admin.rotate(ledger, party_id="UA")
    audit.verify_live(ledger)


def _recovery_command(key: Ed25519PrivateKey, body: bytes = b"{}") -> Command:
    signed = signed_command.sign_command(
        method="POST",
        path=keys_admin.RECOVERY_PATH,
        body=body,
        signing_key=EntrySigner(key),
        created=1_700_000_000,
    )
    return Command(signed, body)


def test_a_recovery_key_signs_nothing_but_its_partys_recovery(
    ledger: Ledger, tmp_path: Path
) -> None:
    made = _register(ledger, tmp_path)
    new = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with (
        pytest.raises(DomainError, match="recovery key: it signs a recovery alone"),
        Ledger.commanded(_recovery_command(_recovery(made))),
    ):
        keys_admin.rotate_to(ledger, party_id="UA", public=new)
    with ledger.reading() as conn:
        assert key_store.current_key(conn, "UA") is not None
    audit.verify_live(ledger)


def test_a_recovery_key_recovers_once(ledger: Ledger, tmp_path: Path) -> None:
    made = _register(ledger, tmp_path)
    recovery = _recovery(made)
    folder = tmp_path / "offline"
    keys_admin.recover(ledger, party_id="UA", recovery_key=recovery, recovery_folder=folder)
    with pytest.raises(DomainError, match="retired; it can no longer sign"):
        keys_admin.recover(ledger, party_id="UA", recovery_key=recovery, recovery_folder=folder)
    assert not list(ledger.keys.folder.glob("*.pending.pem"))  # nothing staged is left behind


def test_no_recovery_without_a_registered_recovery_key(ledger: Ledger, tmp_path: Path) -> None:
    made = _register(ledger, tmp_path, recovery=False)
    with pytest.raises(DomainError, match="no recovery key registered"):
        keys_admin.recover(
            ledger,
            party_id="UA",
            recovery_key=_recovery(made),
            recovery_folder=tmp_path / "offline",
        )


def _forge(ledger: Ledger, actor: str, payload: ev.Payload) -> None:
    """Append bypassing the use cases and their permission table, as an operator editing the
    database could (signed with the actor's key in this one-machine test)."""

    def decide(conn: Tx) -> Sequence[Event]:
        return [Event(actor, payload)]

    ledger.execute(decide)


def _recovered(made: PartyKey, lost: str | None) -> ev.KeyRecovered:
    new = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    following = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert made.recovery is not None
    return ev.KeyRecovered(
        "UA",
        new.hex(),
        key_id(new),
        key_id(made.recovery),
        following.hex(),
        key_id(following),
        lost,
    )


@pytest.mark.parametrize(
    ("actor", "change", "refusal"),
    [
        ("MED", {}, "MED installs a key in UA's name"),
        ("UA", {"lost_key_id": None}, "leaves key .* of UA active beside the recovered one"),
        ("UA", {"recovery_key_id": "00" * 8}, "is not a recovery key of UA"),
    ],
)
def test_verify_refuses_a_forged_recovery(
    ledger: Ledger, tmp_path: Path, actor: str, change: dict[str, str | None], refusal: str
) -> None:
    made = _register(ledger, tmp_path)
    payload = replace(_recovered(made, key_id(made.public)), **change)  # type: ignore[arg-type]
    _forge(ledger, actor, payload)
    with pytest.raises(VerificationFailed, match=refusal):
        audit.verify_live(ledger)
    audit.export(ledger, tmp_path / "export")
    with pytest.raises(VerificationFailed, match=refusal):
        audit.verify_export(tmp_path / "export")


def test_key_init_stopped_before_the_recovery_key_makes_it_next_time(
    runner: CliRunner, tmp_path: Path
) -> None:
    ua = tmp_path / "ua"
    ring = KeyRing(ua / "keys")
    key = init_party_key(ring, "UA")  # as if the run had stopped after the signing key
    assert key.recovery is None and not (ua / "recovery").exists()
    again = runner.invoke(app, ["--data-dir", str(ua), "key", "init", "--party", "UA"])
    assert again.exit_code == 0, again.output
    assert "already has a signing key" in again.output and "Recovery key:" in again.output
    (offline,) = (ua / "recovery").iterdir()
    assert ring.public_bytes("UA") == key.public  # the signing key is kept
    recovery = read_private_key(offline).public_key().public_bytes_raw()
    assert ring.recovery_public("UA") == recovery


def test_revoking_a_recovery_key_leaves_the_partys_key_current(
    ledger: Ledger, tmp_path: Path
) -> None:
    made = _register(ledger, tmp_path)
    assert made.recovery is not None
    keys_admin.revoke(
        ledger,
        actor="MED",
        party_id="UA",
        revoked_key_id=key_id(made.recovery),
        reason="the recovery file was seen on an open desk",
    )
    with ledger.reading() as conn:
        current = key_store.current_key(conn, "UA")
        assert key_store.recovery_key(conn, "UA") is None
    assert current is not None and current.key_id == key_id(made.public)
    keys_admin.rotate(ledger, party_id="UA")  # UA still acts
    with pytest.raises(DomainError, match="no recovery key registered"):
        keys_admin.recover(
            ledger,
            party_id="UA",
            recovery_key=_recovery(made),
            recovery_folder=tmp_path / "offline",
        )
    audit.verify_live(ledger)
