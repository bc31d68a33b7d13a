"""A command is acknowledged only after its entries commit: SIGKILL in the middle of heavy
appends loses nothing acknowledged, and the log still verifies and rebuilds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from parley.app import audit
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.store import tables as t
from tests.integration.helpers import setup_parties

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_loses_nothing_acknowledged(ledger: Ledger, settings: Settings) -> None:
    setup_parties(ledger)
    ledger.close()
    for round_ in range(3):
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.durability_child",
                str(settings.data_dir),
                settings.database_url,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        acknowledged: list[int] = []
        deadline = time.monotonic() + 60
        while len(acknowledged) < 40 + 17 * round_ and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acknowledged.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert acknowledged, child.stderr.read() if child.stderr else ""
        reopened = Ledger.open(settings)
        try:
            with reopened.reading() as conn:
                versions = set(
                    conn.execute(
                        select(t.roster_versions.c.version).where(
                            t.roster_versions.c.roster_id == "UA:sought"
                        )
                    ).scalars()
                )
                live = projection_snapshot(conn)
            assert set(acknowledged) <= versions
            report = audit.verify_live(reopened)
            assert report.entries >= 2 * len(acknowledged)
            rebuild(reopened)
            with reopened.reading() as conn:
                assert projection_snapshot(conn) == live
        finally:
            reopened.close()
