"""A party's commands to a server load no database: neither SQLAlchemy nor Alembic, which
the local commands' use cases bring (~0.65 s a command; each desk command, and ~80 at once
in `parley demo --served`, would pay it). Each command runs in a fresh interpreter against a
real server, and says what it loaded as it exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from tests.api.helpers import Sites

DATABASE = ("sqlalchemy", "alembic")


def _run(sites: Sites, party: str, *args: str) -> list[str]:
    """`parley --data-dir (party's) --server URL ARGS` in a new interpreter: it must succeed;
    the database's packages it loaded."""
    argv = ["parley", "--data-dir", str(sites.data[party]), "--server", sites.url, *args]
    probe = textwrap.dedent(f"""
        import atexit, json, sys

        def said() -> None:
            loaded = {{m.split(".")[0] for m in sys.modules}} & set({DATABASE!r})
            print("LOADED " + json.dumps(sorted(loaded)))

        atexit.register(said)
        sys.argv = {argv!r}
        from parley.cli.main import main

        main()
        """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env | {"PARLEY_LANG": "en"},
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    line = [x for x in done.stdout.splitlines() if x.startswith("LOADED ")][-1]
    loaded: list[str] = json.loads(line.removeprefix("LOADED "))
    return loaded


def test_a_partys_commands_to_a_server_load_no_database(
    runner: CliRunner, sites: Sites, tmp_path: Path
) -> None:
    held = sites.file("ua-held.csv", "UA-0,Іванов,Іван,1990-01-02,2022-03-04\n")
    sought = sites.file("ua-sought.csv", "UA-S1,Петров,Петро,1985-01-02,2022-03-04\n")
    commands = [
        ("status",),
        ("roster", "import", str(held), "--party", "UA", "--kind", "held"),
        ("roster", "import", str(sought), "--party", "UA", "--kind", "sought"),
        ("roster", "diff", str(held), "--party", "UA", "--kind", "held"),
        ("match", "list"),
        ("search", "Ivanov"),
        ("unlocated", "--party", "UA"),
        ("export", "--out", str(tmp_path / "ua-export")),
        ("log", "key"),
        ("key", "rotate", "--as", "UA"),
    ]
    loaded = [(args[:2], _run(sites, "UA", *args)) for args in commands]
    assert loaded == [(args[:2], []) for args in commands]
