"""A party's keys against a real server on loopback, from the party's own data directory: it
rotates its key, the mediator stops it but cannot install one in its name, and the party
recovers from a new machine with the recovery key it kept offline; the recovery key opens no
other door, and works once. The server's export verifies offline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app import audit, instance
from parley.app.client import Client, ServerRefused
from parley.app.config import Settings
from parley.app.keys import CRASH_ENV, KeyRing, read_private_key
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.parties import Party, Role
from parley.log.entry import EntrySigner, key_id
from parley.store import keys as key_store
from tests.api.helpers import run_cli, serving


@dataclass
class Site:
    med: Path
    ua: Path
    ledger: Ledger
    recovery_file: Path

    def ua_key(self) -> str:
        with self.ledger.reading() as conn:
            current = key_store.current_key(conn, "UA")
        return "" if current is None else current.key_id


@pytest.fixture
def site(runner: CliRunner, tmp_path: Path, settings: Settings) -> Iterator[Site]:
    """The mediator's instance on SQLite and on PostgreSQL, UA's key made in its own folder."""
    med, ua = settings.data_dir, tmp_path / "ua"
    printed = run_cli(runner, ua, "key", "init", "--party", "UA")
    lines = dict(line.split(":", 1) for line in printed.splitlines() if ":" in line)
    (recovery_file,) = (ua / "recovery").iterdir()
    ledger = Ledger.open(settings, create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    instance.register_party(
        ledger,
        actor="MED",
        party=Party("UA", "Ukraine", Role.SIDE),
        public_key=bytes.fromhex(lines["Verifier key"].strip()),
        recovery_key=bytes.fromhex(lines["Recovery key"].strip()),
    )
    try:
        yield Site(med, ua, ledger, recovery_file)
    finally:
        ledger.close()


def _refused(url: str, key: Ed25519PrivateKey, method: str, path: str, body: object = None) -> str:
    with pytest.raises(ServerRefused) as refused:
        Client(url, EntrySigner(key)).request(method, path, body)
    assert refused.value.status == 401
    return str(refused.value)


def _fails(runner: CliRunner, data: Path, url: str, *args: str) -> str:
    result = runner.invoke(app, ["--data-dir", str(data), "--server", url, *args])
    assert result.exit_code == 1, result.output
    return " ".join(result.stderr.split())


def test_rotate_stop_and_recover_from_a_new_machine(
    runner: CliRunner, site: Site, tmp_path: Path
) -> None:
    ring = KeyRing(site.ua / "keys")
    first = ring.get("UA")
    with serving(create_app(site.ledger)) as url:
        run_cli(runner, site.ua, "key", "rotate", "--as", "UA", server=url)
        rotated = KeyRing(site.ua / "keys").get("UA")
        assert site.ua_key() == key_id(rotated.public_key().public_bytes_raw())
        assert "is retired" in _refused(url, first, "GET", "/v1/keys/current")
        assert not list((site.ua / "keys").glob("*.pending.pem"))

        recovery = read_private_key(site.recovery_file)
        # the recovery key opens no other door
        assert "recovery key" in _refused(url, recovery, "GET", "/v1/status")
        new = Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex()
        assert "recovery key" in _refused(
            url, recovery, "POST", "/v1/keys/rotation", {"public_key": new}
        )

        # the mediator cannot install a key in UA's name, but it may stop UA's key
        replacement = tmp_path / "made-by-med.pub"
        replacement.write_text(new + "\n")
        revoke = ["key", "revoke", "--party", "UA", "--key-id", site.ua_key(), "--reason", "lost"]
        refused = _fails(runner, site.med, url, *revoke, "--new-public-key", str(replacement))
        assert "may not install a key in UA's name" in refused
        run_cli(runner, site.med, *revoke, server=url)
        assert site.ua_key() == ""
        assert "is revoked" in _refused(url, rotated, "GET", "/v1/keys/current")

        # UA recovers from a new machine with the recovery key it kept offline
        fresh = tmp_path / "ua-new-machine"
        offline = tmp_path / "offline"
        recover = ["key", "recover", "--as", "UA", "--recovery-file", str(site.recovery_file)]
        out = run_cli(runner, fresh, *recover, "--recovery-out", str(offline), server=url)
        assert "Recovered UA" in out
        recovered = KeyRing(fresh / "keys").get("UA")
        assert site.ua_key() == key_id(recovered.public_key().public_bytes_raw())
        (following,) = offline.iterdir()
        with site.ledger.reading() as conn:
            registered = key_store.recovery_key(conn, "UA")
        assert registered is not None
        assert registered.public_key == read_private_key(following).public_key().public_bytes_raw()
        answer = Client(url, EntrySigner(recovered)).request("GET", "/v1/keys/current")
        assert answer == {"party": "UA", "key_id": site.ua_key()}

        # a recovery key recovers once
        again = _fails(runner, tmp_path / "third", url, *recover)
        assert "retired" in again
        assert not list((tmp_path / "third" / "keys").glob("*.pem"))
        run_cli(runner, fresh, "key", "rotate", "--as", "UA", server=url)
    report = audit.verify_live(site.ledger)
    assert report.entries > 0
    audit.export(site.ledger, tmp_path / "export")
    audit.verify_export(tmp_path / "export")


def test_a_rotation_whose_answer_was_lost_is_settled_against_the_server(
    runner: CliRunner, site: Site
) -> None:
    """UA's rotation reached the log but UA never heard back: its next command finds the key
    pending, asks the server which key it holds, and keeps the new one."""
    ring = KeyRing(site.ua / "keys")
    staged = Ed25519PrivateKey.generate()
    public = staged.public_key().public_bytes_raw()
    ring.stage("UA", staged)
    with serving(create_app(site.ledger)) as url:
        Client(url, ring.signer("UA")).request(
            "POST", "/v1/keys/rotation", {"public_key": public.hex()}
        )
        again = KeyRing(site.ua / "keys")
        with pytest.raises(Exception, match="run `parley key settle --as UA`"):
            again.get("UA")
        result = runner.invoke(
            app, ["--data-dir", str(site.ua), "--server", url, "key", "settle", "--as", "UA"]
        )
        assert result.exit_code == 0, result.output
        assert "it is now the current key" in result.stdout
    assert KeyRing(site.ua / "keys").get("UA").public_key().public_bytes_raw() == public
    assert site.ua_key() == key_id(public)


@pytest.mark.parametrize(
    "step",
    ["rotate.generated", "rotate.staged", "rotate.committed", "rotate.archived", "rotate.promoted"],
)
def test_a_served_rotation_killed_at_each_step_is_settled_by_the_next_command(
    runner: CliRunner, site: Site, step: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    with serving(create_app(site.ledger)) as url:
        command = [sys.executable, "-c", "from parley.cli.main import app; app()"]
        killed = subprocess.run(
            [*command, "--data-dir", str(site.ua), "--server", url, "key", "rotate", "--as", "UA"],
            env={**env, CRASH_ENV: step},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        run_cli(runner, site.ua, "key", "rotate", "--as", "UA", server=url)
        ring = KeyRing(site.ua / "keys")
        assert ring.pending() == []
        current = ring.get("UA").public_key().public_bytes_raw()
        assert site.ua_key() == key_id(current)
        answer = Client(url, EntrySigner(ring.get("UA"))).request("GET", "/v1/keys/current")
        assert answer["key_id"] == key_id(current)
    audit.verify_live(site.ledger)
