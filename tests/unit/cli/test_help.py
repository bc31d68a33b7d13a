"""`parley --help` and each group's help list the commands with a one-line summary each: the
first paragraph of a command's docstring, its line breaks as spaces (a summary is not cut
where the source wrapped it)."""

from __future__ import annotations

import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from parley.cli.main import app


def _groups(group: TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            found += _groups(command, (*path, name))
    return found


def test_each_command_is_summed_up_on_one_line() -> None:
    runner = CliRunner(env={"COLUMNS": "400"})
    paths = _groups(typer.main.get_group(app))
    assert ("match",) in paths and ("batch",) in paths
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"])
        assert shown.exit_code == 0, shown.output
        lines = shown.stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if "Commands" in line)
        rows = [line[1:] for line in lines[start + 1 :] if line.startswith("│")]
        continued = [row.strip("│ ") for row in rows if row.startswith("  ")]
        assert continued == [], path  # a row that goes on under the one before it
        names = [row.split()[0] for row in rows]
        assert len(names) == len(set(names)) > 0, path


def test_a_wrapped_docstring_reads_as_one_sentence() -> None:
    shown = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["--help"]).stdout
    assert (
        "Erase a person, not a record: the record named and every record joined to it (both"
        " sides' rosters) leave every payload and projection; proofs keep holding."
    ) in shown
