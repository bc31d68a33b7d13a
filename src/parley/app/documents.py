"""Documents given to Parley as files (an agreement draft): read within the caps of
io/limits.py, or refused in one sentence naming the file and the place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parley.errors import N_, InvalidInput, Word
from parley.io import limits
from parley.io.limits import neutralised, text_problem, xlsx_row
from parley.io.tables import RosterFileError, read_bounded

# What a face writes to CSV or XLSX goes through these (a formula-looking cell made inert).
__all__ = [
    "check_request_text",
    "neutralised",
    "read_json_document",
    "text_problem",
    "xlsx_row",
]


def read_json_document(path: Path) -> Any:
    """A JSON file's value: UTF-8, at most `limits.MAX_FILE_BYTES`, nested at most
    `limits.MAX_JSON_DEPTH` deep, no text holding a control character (but a line break) or
    a bidirectional override; anything else raises InvalidInput."""
    name = path.name or str(path)
    try:
        data = read_bounded(path)
    except RosterFileError as e:
        raise InvalidInput(e.template or str(e), **e.params) from e  # said as e is
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InvalidInput(
            N_("{name}: not UTF-8 text (byte {number})"), name=name, number=e.start + 1
        ) from e
    except RecursionError as e:
        raise InvalidInput(
            N_("{name}: nested deeper than {most} levels"),
            name=name,
            most=limits.MAX_JSON_DEPTH,
        ) from e
    except ValueError as e:  # json.JSONDecodeError: where, never the text
        raise InvalidInput(N_("{name}: not JSON ({e})"), name=name, e=e) from e
    _check(name, document)
    return document


def check_request_text(body: bytes) -> None:
    """A request's JSON body held to a document's rules: no text in it with a control character
    (but a line break) or a bidirectional override, nested at most `limits.MAX_JSON_DEPTH`
    deep (InvalidInput naming the field). A body that is not JSON is left to its route."""
    if not body:
        return
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return
    _check("the request", document)


def _check(name: str, document: object) -> None:
    """Depth and text of every value, walked without recursion."""
    pending: list[tuple[object, str, int]] = [(document, "", 0)]
    while pending:
        value, where, depth = pending.pop()
        if depth > limits.MAX_JSON_DEPTH:
            raise InvalidInput(
                N_("{name}: nested deeper than {most} levels"),
                name=name,
                most=limits.MAX_JSON_DEPTH,
            )
        if isinstance(value, str):
            why = limits.text_problem(value, free_text=True)
            if why:
                raise InvalidInput(
                    N_("{name}: {value} {why}"),
                    name=name,
                    value=where or Word(N_("the document")),
                    why=why,
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                why = limits.text_problem(key)
                if why:
                    raise InvalidInput(
                        N_("{name}: a key in {value} {why}"),
                        name=name,
                        value=where or Word(N_("the document")),
                        why=why,
                    )
                pending.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
