"""The CLI package has no circle: a command group imports only `console` from `cli/`, and no
module of it reaches past `app` into `store`."""

from __future__ import annotations

import ast
from pathlib import Path

import parley.cli

CLI = Path(parley.cli.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "parley.cli":  # `from parley.cli import console` names a module
                names.update(f"parley.cli.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def _cli_modules() -> dict[str, set[str]]:
    return {p.stem: _imports(p) for p in CLI.glob("*.py") if p.stem != "__init__"}


def test_a_command_group_imports_only_console_from_the_cli() -> None:
    modules = _cli_modules()
    groups = set(modules) - {"main", "console"}
    assert groups, "no command groups found"
    for name in groups:
        inner = {m for m in modules[name] if m.startswith("parley.cli.")}
        assert inner <= {"parley.cli.console"}, (name, inner)
    assert not {m for m in modules["console"] if m.startswith("parley.cli")}


def test_only_main_assembles_the_groups() -> None:
    modules = _cli_modules()
    assembled = {
        m.removeprefix("parley.cli.") for m in modules["main"] if m.startswith("parley.cli.")
    }
    assert assembled == set(modules) - {"main"}


def test_the_cli_does_not_import_the_store() -> None:
    for name, imports in _cli_modules().items():
        assert not {m for m in imports if m.startswith("parley.store")}, name
