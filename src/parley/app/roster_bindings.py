"""What a served roster import, removal or erasure asks for, and what a recorded person, a
roster version or an erasure says (parley.app.command_bindings holds the table): a row is read
by the import's own rules, so a person recorded is held to a row of the signed body by its
content, while the ids a list without ids is given stay the roster's word."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from parley.app.binding_keys import digest, words
from parley.errors import ParleyError
from parley.io.rosters import roster_from_rows
from parley.log.verify.authority import Said, Wants, counted


def erasure(path: list[str], body: Any) -> Wants:
    """POST /v1/persons/{roster_id}/{record_id}/erasure: that record (at most once: it may be
    erased already) and any record joined to it (which ones: a reading of the log), each for
    `reason`."""
    why = words(body.get("reason", "erasure request"))
    named = f"{unquote(path[3])}/{unquote(path[4])} erased for {why}"
    return Wants(most={named: 1}, open=frozenset({f"* erased for {why}"}))


def _content(rid: str, record: Mapping[str, Any], rid_id: str, fields: Any = None) -> str:
    """A record's content as a key: its fields (or only `fields`, a merge's columns) but its
    id, which the key names apart (`*`: a list without ids, where the roster gives them)."""
    kept = {k: v for k, v in record.items() if k != "record_id" and (fields is None or k in fields)}
    return _person(rid, rid_id, "content" if fields is None else "columns", digest(kept))


def _person(rid: str, rid_id: str, how: str, content: str) -> str:
    return f"{rid} record {rid_id} {how} {content}"


def _merged(fields: frozenset[str], said: Said) -> Said:
    """A person.recorded entry as a merge's body reads it: only the columns the rows had (the
    person keeps the rest as the roster had them); another entry as it says."""
    if len(said) != 3:
        return said
    rid, record = json.loads(said[2])
    return tuple(_content(rid, record, i, fields) for i in (record["record_id"], "*"))


def _rows(path: list[str], body: Any, source: str) -> Any:
    """The rows of a roster body as an import reads them (None: today's rules refuse them,
    as they may a body an earlier version took: its rows are then not bound)."""
    if body.get("records") is None:
        return None
    try:
        return roster_from_rows(source, body["records"])
    except ParleyError:
        return None


def _version(rid: str, source: Any, sha: str) -> str:
    return f"{rid} version from {words(source)} sha256 {sha}"


def _members(ids: Any) -> str:
    return f" members {digest(sorted(ids))}"


def roster_import(path: list[str], body: Any) -> Wants | None:
    """POST /v1/rosters/{party}/{kind}: a version of that roster from `source` and those rows
    (their hash), whose members are the rows' ids when the rows replace the roster with ids;
    each person recorded with a row's content (a merge: the row's columns), by its id if the
    rows have ids, at most once a row (an unchanged person is not recorded again)."""
    rid = f"{unquote(path[3])}:{unquote(path[4])}"
    source, merge = body.get("source", "api"), bool(body.get("merge"))
    roster = _rows(path, body, str(source))
    if roster is None:
        return None
    version = _version(rid, source, roster.sha256)
    if not merge and not roster.derive_ids:
        version += _members(r.record_id for r in roster.records)
    fields = roster.fields if merge else None
    records = counted(
        _content(rid, r.to_dict(), "*" if roster.derive_ids else r.record_id, fields)
        for r in roster.records
    )
    reads = functools.partial(_merged, roster.fields) if merge else None
    return Wants(each={version: 1}, most=records, reads=reads)


def roster_removal(path: list[str], body: Any) -> Wants | None:
    """POST /v1/rosters/{party}/{kind}/removals: a version of that roster from `source` and
    the removal list (its rows' hash, or that of the ids named, one a line); no person
    recorded (which persons it leaves out is a reading of the log)."""
    rid = f"{unquote(path[3])}:{unquote(path[4])}"
    source = body.get("source", "removal")
    ids = [str(i) for i in body.get("record_ids", ())]
    sha = hashlib.sha256("".join(f"{i}\n" for i in sorted(ids)).encode()).hexdigest()
    if body.get("records") is not None:
        roster = _rows(path, body, str(source))
        if roster is None:
            return None
        sha = roster.sha256
    return Wants(each={_version(rid, source, sha): 1})


def recorded(p: Any) -> Said:
    """A person recorded: its content by its id, and with any id; then the whole, for a
    merge's body to read its columns of (`_merged`)."""
    rid, record = str(p["roster_id"]), p["record"]
    content = digest({k: v for k, v in record.items() if k != "record_id"})
    return (
        _person(rid, str(record["record_id"]), "content", content),
        _person(rid, "*", "content", content),
        json.dumps([rid, record], ensure_ascii=False),
    )


def published(p: Any) -> Said:
    """A roster version: with its members (a replacement with ids names them all), and
    without."""
    version = _version(str(p["roster_id"]), p["source"], str(p["source_sha256"]))
    return (version + _members(p["members"]), version)


def erased(p: Any) -> Said:
    why = words(p["reason"])
    return (f"{p['roster_id']}/{p['record_id']} erased for {why}", f"* erased for {why}")
