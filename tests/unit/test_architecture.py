"""The house, drawn from the code's imports: the rules of DESIGN.md's onion, checked."""

from __future__ import annotations

import functools

import grimp
import pytest

_FACES = ("parley.cli", "parley.api", "parley.web", "parley.demo")
_PURE = ("parley.names", "parley.log", "parley.domain")


@functools.cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("parley", include_external_packages=True, cache_dir=None)


def _imports(package: str) -> dict[str, set[str]]:
    """Every module of a package and the modules it imports directly."""
    graph = _graph()
    return {
        module: graph.find_modules_directly_imported_by(module)
        for module in graph.find_descendants(package) | {package}
    }


def _cycles() -> list[list[str]]:
    """Strongly connected groups of Parley modules (Tarjan), each an import circle."""
    graph = _graph()
    modules = sorted(m for m in graph.modules if m.startswith("parley"))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if not w.startswith("parley"):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_no_module_imports_back_into_a_circle() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("package", _PURE)
def test_the_inner_rings_import_nothing_from_the_rest_of_parley(package: str) -> None:
    allowed = ("parley.errors", *(p for p in _PURE if _PURE.index(p) <= _PURE.index(package)))
    outside = {
        (module, target)
        for module, targets in _imports(package).items()
        for target in targets
        if target.startswith("parley") and not target.startswith(allowed)
    }
    assert outside == set()


def test_app_imports_no_sqlalchemy() -> None:
    offenders = {
        module
        for module, targets in _imports("parley.app").items()
        if any(t == "sqlalchemy" or t.startswith("sqlalchemy.") for t in targets)
    }
    assert offenders == set()


# What a face may import of Parley: app, the domain's types, the errors, itself; the CLI also
# runs the demo (`parley demo`) and hosts the API (`parley serve`), which serves the pages.
_THROUGH_APP = ("parley.app", "parley.domain", "parley.errors")
_ALSO = {"parley.cli": ("parley.demo", "parley.api"), "parley.api": ("parley.web",)}


def _is_or_under(target: str, packages: tuple[str, ...]) -> bool:
    return any(target == p or target.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("face", [f for f in _FACES if f in _graph().modules])
def test_the_faces_go_through_app(face: str) -> None:
    allowed = (*_THROUGH_APP, face, *_ALSO.get(face, ()))
    reaching_past = {
        (module, target)
        for module, targets in _imports(face).items()
        for target in targets
        if (target.startswith("parley") and not _is_or_under(target, allowed))
        or target == "sqlalchemy"
        or target.startswith("sqlalchemy.")
    }
    assert reaching_past == set()
