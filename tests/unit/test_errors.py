"""Every error Parley raises on purpose shares one root, so a face catches `ParleyError` alone."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import parley
from parley.errors import ParleyError


def _error_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(parley.__path__, "parley."):
        if ".migrations" in info.name:  # Alembic scripts run only inside Alembic
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == info.name
                and not name.startswith("_")  # a private signal caught where it is raised
            ):
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_public_error_derives_from_parley_error() -> None:
    errors = _error_classes()
    assert len(errors) >= 20
    outside = sorted(name for name, cls in errors.items() if not issubclass(cls, ParleyError))
    assert outside == []


def test_errors_that_callers_catch_as_value_error_still_are() -> None:
    from parley.io.tables import RosterFileError
    from parley.linkage.link import LinkageError
    from parley.log.entry import EntryError
    from parley.log.errors import LogError
    from parley.log.export import ExportError

    for cls in (ExportError, RosterFileError, LinkageError, EntryError, LogError):
        assert issubclass(cls, ValueError), cls
