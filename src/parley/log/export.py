"""The export: everything an auditor needs to verify the log offline, in canonical bytes.

    DIR/log.jsonl            one RFC 8785 JSON object a line: index, header, signature (base64;
                             null inside a run, whose last entry carries it),
                             payload (the canonical payload text, or null once erased), salt;
                             "payload_withheld": true where a party's export leaves it out
    DIR/checkpoints/N.note   the signed checkpoint of size N with its cosignature lines
    DIR/keys.json            the log's origin and every party key the log ever registered

Every file is written in one canonical form and read back only in that form, so that a
change to any single byte is a detected change, never a harmless variant. `parse_line` is the
one reader of a log.jsonl line.
"""

from __future__ import annotations

import binascii
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parley.errors import N_, InvalidInput, ParleyError
from parley.log.encoding import decode_base64, encode_base64
from parley.log.entry import StoredCheckpoint, StoredEntry, canonical_json, loads_canonical
from parley.log.errors import NoteError
from parley.log.note import parse_note

_NOTE_NAME = re.compile(r"^(0|[1-9][0-9]*)\.note$")
# how the line of an entry inside a run ends (the signature is its last key, in canonical form)
UNSIGNED_END = b',"signature":null}\n'


class ExportError(InvalidInput, ValueError):
    """A file of an export that is not in the form Parley writes."""


@dataclass(frozen=True)
class PartyKey:
    party_id: str
    key_id: str
    public_key: bytes


@dataclass(frozen=True)
class ExportKeys:
    origin: str
    operator: str
    keys: tuple[PartyKey, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "operator": self.operator,
            "keys": [
                {"party_id": k.party_id, "key_id": k.key_id, "public_key": k.public_key.hex()}
                for k in self.keys
            ],
        }


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError(f"{what} is not a base64 string")
    data = decode_base64(text)
    if data is None:
        raise ValueError(f"{what} is not canonical base64")
    return data


def entry_line(e: StoredEntry) -> bytes:
    line: dict[str, Any] = {
        "index": e.index,
        "header": encode_base64(e.header),
        "signature": encode_base64(e.signature) if e.signature is not None else None,
        "payload": e.payload.decode("utf-8") if e.payload is not None else None,
        "salt": encode_base64(e.salt) if e.salt is not None else None,
    }
    if e.command is not None:  # the first entry of a signed command (header v2)
        line["command"] = e.command.decode("utf-8")
        line["command_body"] = None if e.command_body is None else e.command_body.decode("utf-8")
    if e.withheld:  # sorts before "signature", so a line inside a run still ends UNSIGNED_END
        line["payload_withheld"] = True
    return canonical_json(line)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def write_export(
    folder: Path,
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[StoredCheckpoint],
    keys: ExportKeys,
) -> int:
    """Write an export into an empty or new folder; returns the number of entries."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(N_("{folder} is a file; export into a new folder"), folder=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            N_("{folder}: cannot make the folder ({strerror})"),
            folder=folder,
            strerror=error.strerror,
        ) from error
    if any(folder.iterdir()):
        raise ExportError(N_("{folder} is not empty; export into a new folder"), folder=folder)
    count = 0
    tmp = folder / "log.jsonl.tmp"
    with tmp.open("wb") as f:
        for e in entries:
            f.write(entry_line(e) + b"\n")
            count += 1
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(folder / "log.jsonl")
    (folder / "checkpoints").mkdir()
    for c in checkpoints:
        _atomic_write(folder / "checkpoints" / f"{c.size}.note", c.note)
    _atomic_write(folder / "keys.json", canonical_json(keys.to_json()) + b"\n")
    return count


# a line as Parley writes it when its payload text needs no escape but `\"`; each base64
# text is only cut out here (a plain `[^"]` runs many times faster than the alphabet's ranges)
# and `_base64` holds it to its one spelling, which has no other character
_B64 = rb'"([^"]*)"'
_LINE = re.compile(
    rb'\{"header":'
    + _B64
    + rb',"index":(0|[1-9][0-9]{0,15}),"payload":(?:null|"([^"\\]*(?:\\"[^"\\]*)*)"),'
    rb'"salt":(?:null|' + _B64 + rb'),"signature":(?:null|' + _B64 + rb")\}\n"
)
_CONTROL = bytes(range(0x20))  # never bare in JSON text


def parse_line(raw: bytes, number: int) -> StoredEntry:
    """One line of log.jsonl, accepted only exactly as Parley writes it."""
    usual = _LINE.fullmatch(raw)
    entry = _usual_line(usual) if usual is not None else None
    return entry if entry is not None else _any_line(raw, number)


def _usual_line(m: re.Match[bytes]) -> StoredEntry | None:
    """The entry of a line in the usual form, read without a JSON parse; None when a part is
    not in its one canonical spelling, for `_any_line` to judge and name."""
    header_b64, index, payload, salt_b64, signature_b64 = m.groups()
    header, salt, signature = (
        None if text is None else _base64(text) for text in (header_b64, salt_b64, signature_b64)
    )
    if (
        header is None
        or (salt is None) != (salt_b64 is None)
        or (signature is None) != (signature_b64 is None)
        or int(index) >= 2**53
    ):
        return None
    if payload is not None:
        if len(payload.translate(None, _CONTROL)) != len(payload):
            return None
        payload = payload.replace(b'\\"', b'"')
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return StoredEntry(int(index), header, signature, payload, salt)


def _base64(text: bytes) -> bytes | None:
    """`decode_base64` of a line's text without going through str: the bytes if the text is
    their one padded spelling (which a lenient decode and the encode back prove), else None."""
    try:
        raw = binascii.a2b_base64(text)
    except binascii.Error:
        return None
    return raw if binascii.b2a_base64(raw, newline=False) == text else None


def _any_line(raw: bytes, number: int) -> StoredEntry:
    if not raw.endswith(b"\n"):
        raise ExportError(
            N_("log.jsonl, line {number}: the last line has no newline"), number=number
        )
    try:
        obj = loads_canonical(raw[:-1])
        fields = {"index", "header", "signature", "payload", "salt"}
        withheld = obj.get("payload_withheld", False)
        if "payload_withheld" in obj and withheld is not True:
            raise ValueError("payload_withheld is present but not true")
        extra = set(obj) - fields - {"payload_withheld"}
        if not fields <= set(obj) or extra not in (set(), {"command", "command_body"}):
            raise ValueError("unexpected fields")
        command, body = obj.get("command"), obj.get("command_body")
        if "command" in obj and not isinstance(command, str):
            raise ValueError("command is not text")
        if body is not None and not isinstance(body, str):
            raise ValueError("command_body is not text")
        if type(obj["index"]) is not int:
            raise ValueError("index is not an integer")
        payload = obj["payload"]
        if payload is not None and not isinstance(payload, str):
            raise ValueError("payload is not text")
        return StoredEntry(
            index=int(obj["index"]),
            header=_unb64(obj["header"], "header"),
            signature=(
                _unb64(obj["signature"], "signature") if obj["signature"] is not None else None
            ),
            payload=payload.encode("utf-8") if payload is not None else None,
            salt=_unb64(obj["salt"], "salt") if obj["salt"] is not None else None,
            command=None if command is None else command.encode("utf-8"),
            command_body=None if body is None else body.encode("utf-8"),
            withheld=withheld,
        )
    except RecursionError as e:
        raise ExportError(N_("log.jsonl, line {number}: nested too deep"), number=number) from e
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ExportError(N_("log.jsonl, line {number}: {e}"), number=number, e=e) from e


def _unreadable(path: Path, e: OSError) -> ExportError:
    if not path.parent.is_dir():
        return ExportError(
            N_("{parent}: no such folder (an export holds log.jsonl, keys.json)"),
            parent=path.parent,
        )
    return ExportError(
        N_("{path}: cannot be read ({reason})"),
        path=path.name,
        reason=e.strerror or type(e).__name__,
    )


def read_lines(folder: Path) -> Iterator[tuple[int, bytes]]:
    """The raw lines of log.jsonl with their numbers, for `parse_line`."""
    try:
        f = (folder / "log.jsonl").open("rb")
    except OSError as e:
        raise _unreadable(folder / "log.jsonl", e) from e
    with f:
        yield from enumerate(f, start=1)


def read_entries(folder: Path) -> Iterator[StoredEntry]:
    for number, raw in read_lines(folder):
        yield parse_line(raw, number)


def read_checkpoints(folder: Path) -> list[StoredCheckpoint]:
    out = []
    try:
        paths = sorted((folder / "checkpoints").iterdir(), key=lambda p: p.name)
    except OSError as e:
        raise _unreadable(folder / "checkpoints", e) from e
    for path in paths:
        m = _NOTE_NAME.match(path.name)
        if not m:
            raise ExportError(
                N_("checkpoints/{path}: not a checkpoint file (SIZE.note)"), path=path.name
            )
        try:
            data = path.read_bytes()
        except OSError as e:
            raise _unreadable(path, e) from e
        try:
            canonical = parse_note(data).to_bytes()
        except (NoteError, UnicodeDecodeError) as e:
            raise ExportError(N_("checkpoints/{path}: {e}"), path=path.name, e=e) from e
        if canonical != data:
            raise ExportError(N_("checkpoints/{path}: not in canonical form"), path=path.name)
        out.append(StoredCheckpoint(int(m.group(1)), data))
    return sorted(out, key=lambda c: c.size)


def read_keys(path: Path) -> ExportKeys:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise _unreadable(path, e) from e
    try:
        obj = json.loads(data)
        keys = ExportKeys(
            origin=str(obj["origin"]),
            operator=str(obj["operator"]),
            keys=tuple(
                PartyKey(str(k["party_id"]), str(k["key_id"]), bytes.fromhex(k["public_key"]))
                for k in obj["keys"]
            ),
        )
    except RecursionError as e:
        raise ExportError(N_("{path}: nested too deep"), path=path.name) from e
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        what: object = ParleyError(N_("lacks {key}"), key=e) if isinstance(e, KeyError) else e
        raise ExportError(N_("{path}: {what}"), path=path.name, what=what) from e
    if canonical_json(keys.to_json()) + b"\n" != data:
        raise ExportError(N_("{path}: not in canonical form"), path=path.name)
    return keys
