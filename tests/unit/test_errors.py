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


def test_an_error_crosses_a_process_boundary_whole() -> None:
    """Verify's workers send their refusals back pickled: every subclass, whatever its
    __init__ takes, comes back with its sentence, template, fields and own attributes."""
    import pickle

    from parley import errors
    from parley.log.verify.report import Problem, VerificationFailed

    inner = errors.ParleyError("a {kind} entry", kind=errors.Word("rating"))
    failed = VerificationFailed(Problem(7, inner))
    back = pickle.loads(pickle.dumps(failed))
    assert type(back) is VerificationFailed
    assert str(back) == str(failed) == "entry 7: a rating entry"
    assert back.template == failed.template and back.problem.index == 7
    assert str(back.problem.what) == "a rating entry"
    what = back.params["what"]
    assert isinstance(what, errors.ParleyError) and what.params == {"kind": "rating"}
    plain = pickle.loads(pickle.dumps(errors.InvalidInput("{x} too {y}", x=1, y="big")))
    assert (str(plain), plain.template, plain.params) == (
        "1 too big",
        "{x} too {y}",
        {"x": 1, "y": "big"},
    )
