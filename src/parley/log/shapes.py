"""JSON shapes: frozen dataclasses whose fields declare their JSON form, read back strictly.

`Shape.to_json` writes the fields (an optional `X | None` field is left out when None);
`Shape.decode` reads them back and refuses a missing key, an unknown key, a null, a value of the
wrong type, or a value that would not be written back the same way, naming the field's path.
A field's types: str, int, bool, float, dates, enums, another Shape, tuples and string-keyed
mappings of these, and the leaf types a caller adds with `add_leaves` (the domain adds its
person references, person records and agreements, in their own JSON forms).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, Self, get_args, get_origin, get_type_hints

from parley.errors import ParleyError
from parley.log.errors import LogError

Encode = Callable[[Any], Any]
# (JSON value, the path of its parent, its key there) -> the typed value; the path is only
# spelled out for an error
Decode = Callable[[Any, str, str], Any]


class Malformed(LogError):
    """A JSON value that does not have the declared shape, at `path`."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def json_key(name: str) -> dict[str, str]:
    """Field metadata: the field's key in JSON, where its Python name cannot be (`from`)."""
    return {"json": name}


class _Field(NamedTuple):
    name: str
    key: str
    optional: bool
    encode: Encode
    decode: Decode


@dataclass(frozen=True)
class Shape:
    """A value with a fixed JSON shape."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in _fields(type(self)):
            value = getattr(self, f.name)
            if value is None and f.optional:
                continue
            out[f.key] = f.encode(value)
        return out

    @classmethod
    def decode(cls, data: Any, path: str) -> Self:
        if not isinstance(data, Mapping):
            raise Malformed(path, "is not a JSON object")
        specs = _fields(cls)
        if not data.keys() <= _KEYS[cls]:
            unknown = min(str(k) for k in data if k not in _KEYS[cls])
            raise Malformed(join_path(path, unknown), "is not a field of this payload")
        values: dict[str, Any] = {}
        for f in specs:
            value = data.get(f.key)
            if value is not None:
                values[f.name] = f.decode(value, path, f.key)
            elif f.key in data:
                raise Malformed(join_path(path, f.key), "is null (an absent value is left out)")
            elif f.optional:
                values[f.name] = None
            else:
                raise Malformed(join_path(path, f.key), "is missing")
        try:
            return cls(**values)
        except ParleyError as e:  # a value its type refuses (a domain rule in __post_init__)
            raise Malformed(path, str(e)) from None


def join_path(path: str, key: str) -> str:
    """The path of `key` inside `path`, as an error names it: `a.b`, `a[0]`."""
    if not path or key.startswith("["):
        return f"{path}{key}"
    return f"{path}.{key}"


_FIELDS: dict[type[Shape], tuple[_Field, ...]] = {}
_KEYS: dict[type[Shape], frozenset[str]] = {}


def _fields(cls: type[Shape]) -> tuple[_Field, ...]:
    known = _FIELDS.get(cls)
    if known is None:
        known = _FIELDS[cls] = _read_fields(cls)
        _KEYS[cls] = frozenset(f.key for f in known)
    return known


def _read_fields(cls: type[Shape]) -> tuple[_Field, ...]:
    hints = get_type_hints(cls)
    out = []
    for f in fields(cls):
        hint = hints[f.name]
        optional = False
        if isinstance(hint, types.UnionType) and type(None) in get_args(hint):
            (hint,) = [a for a in get_args(hint) if a is not type(None)]
            optional = True
        encode, decode = _codec(hint)
        out.append(_Field(f.name, f.metadata.get("json", f.name), optional, encode, decode))
    return tuple(out)


def _same(value: Any) -> Any:
    return value


def _plain(kind: type, what: str) -> Decode:
    def decode(value: Any, path: str, key: str) -> Any:
        if type(value) is not kind:  # JSON gives exact types; bool is an int to Python only
            raise Malformed(join_path(path, key), f"is not {what}")
        return value

    return decode


def _float(value: Any, path: str, key: str) -> float:
    if type(value) is not float and type(value) is not int:
        raise Malformed(join_path(path, key), "is not a number")
    return float(value)


def _date(value: Any, parent: str, key: str) -> dt.date:
    path = join_path(parent, key)
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if day.isoformat() == value:
                return day
    raise Malformed(path, f"{value!r} is not a date (YYYY-MM-DD)")


def _enum(cls: type[enum.Enum]) -> Decode:
    base = int if issubclass(cls, int) else str

    def decode(value: Any, path: str, key: str) -> Any:
        if type(value) is base:
            try:
                return cls(value)
            except ValueError:
                pass
        allowed = ", ".join(repr(e.value) for e in cls)
        raise Malformed(join_path(path, key), f"{value!r} is not one of {allowed}")

    return decode


def same_when_written(written: Any, read: Any, path: str) -> None:
    """A value read through its type must be written back as it was: find where not."""
    if isinstance(written, Mapping) and isinstance(read, Mapping):
        for key in read:
            if key not in written:
                raise Malformed(
                    join_path(path, str(key)), "is not a field here, or not of its type"
                )
        for key in written:
            if key not in read:
                raise Malformed(join_path(path, str(key)), "is missing")
            same_when_written(written[key], read[key], join_path(path, str(key)))
    elif isinstance(written, list) and isinstance(read, list) and len(written) == len(read):
        for i, (w, r) in enumerate(zip(written, read, strict=True)):
            same_when_written(w, r, f"{path}[{i}]")
    elif type(written) is not type(read) or written != read:
        raise Malformed(path, f"{read!r} is not in its canonical form ({written!r})")


_LEAVES: dict[Any, tuple[Encode, Decode]] = {
    str: (_same, _plain(str, "a string")),
    int: (_same, _plain(int, "an integer")),
    bool: (_same, _plain(bool, "true or false")),
    float: (_same, _float),
    dt.date: (dt.date.isoformat, _date),
}


def add_leaves(leaves: Mapping[type, tuple[Encode, Decode]]) -> None:
    """Teach the codec more leaf types, before any Shape that holds them is first used."""
    _LEAVES.update(leaves)


def _codec(hint: Any) -> tuple[Encode, Decode]:
    if hint in _LEAVES:
        return _LEAVES[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return (lambda v: v.value), _enum(hint)
    if isinstance(hint, type) and issubclass(hint, Shape):
        shape = hint

        def decode_shape(value: Any, parent: str, key: str) -> Any:
            return shape.decode(value, join_path(parent, key))

        return shape.to_json, decode_shape
    origin, args = get_origin(hint), get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item_encode, item_decode = _codec(args[0])

        def decode_tuple(value: Any, parent: str, key: str) -> tuple[Any, ...]:
            path = join_path(parent, key)
            if not isinstance(value, list):
                raise Malformed(path, "is not a list")
            return tuple(item_decode(v, path, f"[{i}]") for i, v in enumerate(value))

        return (lambda v: [item_encode(x) for x in v]), decode_tuple
    if origin is Mapping and args[0] is str:
        value_encode, value_decode = _codec(args[1])

        def decode_mapping(value: Any, parent: str, key: str) -> dict[str, Any]:
            path = join_path(parent, key)
            if not isinstance(value, Mapping):
                raise Malformed(path, "is not a JSON object")
            return {k: value_decode(v, path, k) for k, v in value.items()}

        return (lambda v: {k: value_encode(x) for k, x in v.items()}), decode_mapping
    raise TypeError(f"no JSON form for {hint!r}")
