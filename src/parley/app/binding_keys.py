"""How a key of `parley.app.command_bindings` writes what a body or a payload names: a person,
a free text, a moment, a path's field. Both sides of a binding write them here, so a body and
the entry it asked for meet on the same string."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import unquote

from parley.domain.moments import parse_moment, write_moment
from parley.errors import ParleyError
from parley.log.entry import canonical_json


def ref(person: Any) -> str:
    """A person as the API's body names it ({"party", "record"}), as a payload writes it."""
    return f"{person['party']}/{person['record']}"


def refs(people: Any) -> str:
    return ",".join(sorted(ref(p) for p in people))


def words(text: Any) -> str:
    """A free text (a note, a reason) in a key: quoted, or its start and digest if long."""
    text = str(text)
    if len(text) <= 40:
        return json.dumps(text, ensure_ascii=False)
    short = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{json.dumps(text[:30], ensure_ascii=False)}… sha256:{short}"


def moment(text: Any) -> str:
    """A body's `at` as the payload writes it (`` if none)."""
    if text is None:
        return ""
    try:
        return write_moment(parse_moment(str(text)))
    except ParleyError as e:  # the server refused the body: it made no entry
        raise ValueError(str(e)) from e


def when(note: Any, at: str) -> str:
    """The note and the time a step or rating claims, as a key ends with them."""
    return (f" note {words(note)}" if note else "") + (f" at {at}" if at else "")


def path_id(path: list[str]) -> str:
    return unquote(path[3])


def digest(value: Any) -> str:
    """A value's canonical JSON, as the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(canonical_json(value)).hexdigest()[:16]
