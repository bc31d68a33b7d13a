"""Key rotation survives a crash at every step: `parley key rotate` is killed (SIGKILL, through
the PARLEY_CRASH_AT fault injection) after each step in turn; the key left pending is reported
with the command that settles it, and the next command settles it against the log, so the
party signs on with the key the log holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import audit, instance
from parley.app.config import Settings
from parley.app.keys import CRASH_ENV, KeyRing, Settled, StrandedKey
from parley.app.ledger import Ledger
from parley.domain.parties import Party, Role
from parley.store import keys as key_store

# each step of a rotation, and whether the log holds the rotation once it is done
STEPS = [
    ("rotate.generated", False),
    ("rotate.staged", False),
    ("rotate.committed", True),
    ("rotate.archived", True),
    ("rotate.promoted", True),
]


def _parley(
    data: Path, *args: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    command = [sys.executable, "-c", "from parley.cli.main import app; app()"]
    return subprocess.run(
        [*command, "--data-dir", str(data), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _open(data: Path, create: bool = False) -> Ledger:
    return Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=create)


def _rotations(ledger: Ledger) -> int:
    return sum(1 for k in _keys(ledger) if k.party_id == "UA") - 1


def _keys(ledger: Ledger) -> list[key_store.KeyRecord]:
    with ledger.reading() as conn:
        return key_store.every_key(conn)


def _logged_key(ledger: Ledger) -> bytes:
    with ledger.reading() as conn:
        current = key_store.current_key(conn, "UA")
    assert current is not None
    return current.public_key


@pytest.mark.parametrize(("step", "logged"), STEPS)
def test_a_rotation_killed_at_each_step_is_settled(tmp_path: Path, step: str, logged: bool) -> None:
    data = tmp_path / "one-machine"
    ledger = _open(data, create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    instance.register_party(
        ledger, actor="MED", party=Party("UA", "Ukraine", Role.SIDE), local_key=True
    )
    before = ledger.keys.public_bytes("UA")
    ledger.close()

    killed = _parley(data, "key", "rotate", "--as", "UA", crash_at=step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    ring = KeyRing(data / "keys")
    pending = ring.pending()
    assert pending == (
        ["UA"] if step in {"rotate.staged", "rotate.committed", "rotate.archived"} else []
    )
    if pending:
        with pytest.raises(StrandedKey, match="run `parley key settle --as UA`"):
            ring.get("UA")
    ledger = _open(data)
    try:
        assert _rotations(ledger) == int(logged)
        assert (_logged_key(ledger) != before) == logged
    finally:
        ledger.close()

    again = _parley(data, "key", "rotate", "--as", "UA")  # the next command settles it first
    assert again.returncode == 0, again.stderr
    if pending:
        assert "a key rotation that stopped was settled" in again.stderr
    ring = KeyRing(data / "keys")
    assert ring.pending() == []
    ledger = _open(data)
    try:
        assert _rotations(ledger) == int(logged) + 1
        assert ring.public_bytes("UA") == _logged_key(ledger)  # UA signs with the log's key
        audit.verify_live(ledger)
    finally:
        ledger.close()
    retired = sorted(p.name for p in (data / "keys").glob("UA.ed25519.*.retired.pem"))
    assert len(retired) == _rotations_total(logged)


def _rotations_total(logged: bool) -> int:
    """Every key UA held before its current one stays archived (never an unlogged one)."""
    return 2 if logged else 1


def test_settle_reports_nothing_to_do(tmp_path: Path) -> None:
    data = tmp_path / "d"
    ledger = _open(data, create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    ledger.close()
    done = _parley(data, "key", "settle", "--as", "MED")
    assert done.returncode == 0 and "MED: no pending key." in done.stdout


def test_a_pending_key_is_left_alone_while_its_rotation_runs(tmp_path: Path) -> None:
    """Another process (here another key ring on the same folder) neither settles nor refuses
    over a key whose rotation is under way; once the rotation's lock is gone, it settles it."""
    ring = KeyRing(tmp_path / "keys")
    ring.create("UA")
    current = ring.public_bytes("UA")
    other = KeyRing(tmp_path / "keys")
    with ring.rotating("UA"):
        ring.stage("UA", Ed25519PrivateKey.generate())
        assert other.settle("UA", None) is None
        assert other.get("UA").public_key().public_bytes_raw() == current
        assert other.pending() == ["UA"]
    assert KeyRing(tmp_path / "keys").settle("UA", None) is Settled.DISCARDED
    assert KeyRing(tmp_path / "keys").pending() == []


def test_a_running_instance_signs_with_the_key_rotated_by_another_process(tmp_path: Path) -> None:
    """The mediator rotates its key with `parley key rotate` while its server runs: the
    server's next command is signed with the new key, not refused under the retired one."""
    data = tmp_path / "med"
    server = _open(data, create=True)
    try:
        instance.init_instance(server, name="test", mediator_id="MED", mediator_name="Mediator")
        register = instance.register_party
        register(server, actor="MED", party=Party("SMM", "Monitors", Role.MONITOR), local_key=True)
        rotated = _parley(data, "key", "rotate", "--as", "MED")
        assert rotated.returncode == 0, rotated.stderr
        register(server, actor="MED", party=Party("UA", "Ukraine", Role.SIDE), local_key=True)
        with server.reading() as conn:
            current = key_store.current_key(conn, "MED")
        assert current is not None and current.public_key == server.keys.public_bytes("MED")
        audit.verify_live(server)
    finally:
        server.close()
