"""The demo is a client of `app` like any face: it reaches no store table and no database file."""

from __future__ import annotations

import ast
from pathlib import Path

import parley.demo

DEMO = Path(parley.demo.__file__).parent


def test_the_demo_imports_neither_the_store_nor_sqlalchemy() -> None:
    for path in DEMO.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            assert not {n for n in names if n.startswith(("parley.store", "sqlalchemy"))}, path.name
