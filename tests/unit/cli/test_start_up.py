"""A command loads only what it uses: importing the CLI, `parley --help` and every group's help
leave the heavy libraries (the planner's OR-Tools, the server's FastAPI and uvicorn, linkage's
DuckDB, Splink, pandas and Arrow, the papers' fpdf and openpyxl, the database's SQLAlchemy and
Alembic, which a party's commands to a server never load: tests/api/test_client_start_up.py)
unimported. Every `parley` run,
one per desk command and ~80 at once in `parley demo --served`, would pay for them otherwise.
Each check runs in a fresh interpreter: this test process has imported them long ago."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = (
    "ortools",
    "fastapi",
    "uvicorn",
    "duckdb",
    "splink",
    "pandas",
    "pyarrow",
    "fpdf",
    "openpyxl",
    "sqlalchemy",
    "alembic",
)


def _loaded_after(code: str) -> list[str]:
    """The heavy top-level packages in sys.modules after `code` ran in a new interpreter."""
    probe = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))))
        """)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import parley.cli.main") == []


def test_help_of_parley_and_of_every_group_loads_no_heavy_library() -> None:
    shown = _loaded_after("""
        import sys
        import typer
        from typer.core import TyperGroup
        from typer.testing import CliRunner
        from parley.cli.main import app, main

        sys.argv = ["parley", "--help"]
        try:
            main()  # as the console script runs it
        except SystemExit as done:
            assert done.code in (0, None), done.code
        root = typer.main.get_group(app)
        runner = CliRunner()
        for name, command in root.commands.items():
            if isinstance(command, TyperGroup):
                shown = runner.invoke(app, [name, "--help"])
                assert shown.exit_code == 0, shown.output
                assert "Commands" in shown.stdout, name
        """)
    assert shown == []
