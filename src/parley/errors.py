"""The root of Parley's errors: a face (the CLI now, an API next) catches `ParleyError` alone.

It imports nothing, so `names`, `log` and `domain` may derive from it and stay pure.

    ParleyError
    ├── InvalidInput         a file, a text or a value from outside that Parley cannot take
    │   ├── RosterFileError, ExportError, LinkageError     (also ValueError)
    ├── DomainError          a command that the current state does not allow
    │   ├── NotFound, Conflict, IllegalTransition, InvalidRecord, Forbidden
    ├── LogError             proofs, notes, checkpoints, entries, the witness (also ValueError)
    ├── PlanningError        a batch that cannot be planned: InvalidTerms, InfeasibleTerms
    └── VerificationFailed   the log or an export does not verify
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Gettext = Callable[[str], str]
# a number as a language writes it: (value, format spec as in `{n:.2f}`, "" for none) -> text
Numbers = Callable[[int | float, str], str]


def N_(message: str) -> str:  # noqa: N802 (the conventional marker name)
    """Marks an English sentence (or a word) for extraction into the catalogs; a face translates
    it when it shows it (`render`)."""
    return message


class Word(str):
    """A parameter of a refusal that is one of Parley's own words (a state, a kind, a role):
    shown translated, where the other parameters (ids, names, numbers) are shown as they are.
    The word itself is marked with `N_` where it is defined, so the catalogs hold it."""

    __slots__ = ()


class ParleyError(Exception):
    """Base of every error Parley raises on purpose; its message is one sentence for the user.

    `message` is an English template with `{name}` fields filled from `params`; `str(error)` is
    the English sentence, `template` and `params` let a face say it in the reader's language:
    `raise NotFound(N_("Roster {roster} has no person {person}."), roster=rid, person=pid)`.
    Without params the message is taken as it is (braces and all)."""

    template: str = ""
    params: Mapping[str, object] = {}

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.template = message
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (a refusal crosses from a worker process, as verify's do): rebuilt
        without calling `__init__`, whose arguments a subclass may define otherwise."""
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(cls: type[ParleyError], args: tuple[object, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class Sentence(str):
    """An English sentence that keeps its template and fields, like a refusal, for what is not
    one (a note, a warning): `str` reads as the English sentence; a face says it in the
    reader's language as it says a refusal (`as_refusal`), a Sentence among the fields too."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, message: str, /, **params: object) -> Sentence:
        made = super().__new__(cls, message.format(**params) if params else message)
        made.template, made.params = message, params
        return made

    def as_refusal(self) -> ParleyError:
        return ParleyError(self.template, **self.params)


class InvalidInput(ParleyError):
    """A file, a text or a value given from outside that Parley cannot take as it is."""


class _Number:
    """A number param as `Numbers` writes it, whatever format spec the template gives it."""

    __slots__ = ("numbers", "value")

    def __init__(self, value: int | float, numbers: Numbers) -> None:
        self.value, self.numbers = value, numbers

    def __format__(self, spec: str) -> str:
        return self.numbers(self.value, spec)

    def __str__(self) -> str:
        return self.numbers(self.value, "")

    def __repr__(self) -> str:
        return repr(self.value)


def _shown(value: object, gettext: Gettext, numbers: Numbers | None) -> object:
    if isinstance(value, ParleyError):
        return render(value, gettext, numbers)
    if isinstance(value, Sentence):
        return render(value.as_refusal(), gettext, numbers)
    if isinstance(value, Word):
        return gettext(value)
    if numbers is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return _Number(value, numbers)
    return value


def render(error: ParleyError, gettext: Gettext, numbers: Numbers | None = None) -> str:
    """`error` said through a catalog's `gettext`: its template translated and filled, a nested
    error and a `Word` translated too, and (given `numbers`) each number param written by it.
    A template the catalog lacks stays English; a translation whose fields do not fit falls
    back to the English sentence."""
    template = error.template or str(error)
    if not error.params:
        return gettext(template)
    shown = {name: _shown(value, gettext, numbers) for name, value in error.params.items()}
    try:
        return gettext(template).format(**shown)
    except (KeyError, IndexError, ValueError, AttributeError):
        try:
            return template.format(**shown)
        except (KeyError, IndexError, ValueError, AttributeError):
            return str(error)


def _json_value(value: object) -> object:
    if isinstance(value, ParleyError):
        return refusal_json(value)
    if isinstance(value, Word):
        return {"word": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def refusal_json(error: ParleyError) -> dict[str, Any]:
    """What a client needs to say `error` in its user's language: the template, its params as
    JSON (a nested error as its own object, a `Word` as {"word": ...}) and the English detail."""
    return {
        "template": error.template or str(error),
        "params": {name: _json_value(value) for name, value in error.params.items()},
        "detail": str(error),
    }


def _from_json(value: object) -> object:
    if isinstance(value, dict):
        if set(value) == {"word"} and isinstance(value["word"], str):
            return Word(value["word"])
        if isinstance(value.get("template"), str):
            return from_json(value["template"], value.get("params"), str(value.get("detail", "")))
    return value


def from_json(template: str, params: object, detail: str) -> ParleyError:
    """An error rebuilt from `refusal_json`'s parts (a server's answer): its `str` is the
    English `detail` as sent, `render` says it in the client's language."""
    error = ParleyError(detail)
    error.template = template
    if isinstance(params, dict):
        error.params = {str(k): _from_json(v) for k, v in params.items()}
    return error
