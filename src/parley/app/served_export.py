"""A party's export of the log from a server, written on the party's own machine: the same
folder `parley export --as PARTY` writes on the server's (every header, the payloads the party
may see, checkpoints with cosignatures, keys), each line read back by the export's one parser
before it is written, so `parley verify` checks it offline."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parley.app.client import Client
from parley.errors import N_
from parley.log.entry import StoredCheckpoint, StoredEntry
from parley.log.export import ExportError, ExportKeys, PartyKey, parse_line, write_export

# A party's export fetched from a server: what it may see, the head then the entries in pages
# (parley.app.audit serves them; this module loads no database, as a party's command).
EXPORT_PAGE = 1000


def _malformed(what: object) -> ExportError:
    return ExportError(N_("the server's export is malformed: {what}"), what=what)


def _head(answer: Any) -> tuple[int, list[StoredCheckpoint], ExportKeys]:
    try:
        keys = answer["keys"]
        return (
            int(answer["size"]),
            [
                StoredCheckpoint(int(c["size"]), str(c["note"]).encode())
                for c in answer["checkpoints"]
            ],
            ExportKeys(
                origin=str(keys["origin"]),
                operator=str(keys["operator"]),
                keys=tuple(
                    PartyKey(str(k["party_id"]), str(k["key_id"]), bytes.fromhex(k["public_key"]))
                    for k in keys["keys"]
                ),
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise _malformed(repr(e)) from e


def _entries(client: Client, size: int) -> Iterator[StoredEntry]:
    for lo in range(0, size, EXPORT_PAGE):
        hi = min(lo + EXPORT_PAGE, size)
        answer = client.request("GET", f"/v1/log/export/{lo}/{hi}")
        lines = answer.get("lines") if isinstance(answer, dict) else None
        if not isinstance(lines, list) or len(lines) != hi - lo:
            raise _malformed(f"entries {lo}..{hi - 1} are not {hi - lo} lines")
        for index, line in enumerate(lines, start=lo):
            if not isinstance(line, str):
                raise _malformed(f"entry {index} is not a line of text")
            entry = parse_line(line.encode("utf-8") + b"\n", index + 1)
            if entry.index != index:
                raise _malformed(f"entry {index} says it is entry {entry.index}")
            yield entry


def fetch_export(client: Client, folder: Path) -> int:
    """Write the signing party's export from the server into `folder` (new, or empty): all of
    it or nothing; the number of entries."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(
            N_("{folder} is not an empty folder; export into a new folder"), folder=folder
        )
    if not folder.parent.is_dir():
        raise ExportError(N_("{parent}: no such folder"), parent=folder.parent)
    size, checkpoints, keys = _head(client.request("GET", "/v1/log/export"))
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        count = write_export(partial, _entries(client, size), checkpoints, keys)
        os.replace(partial, folder)  # an empty folder is replaced whole
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return count
