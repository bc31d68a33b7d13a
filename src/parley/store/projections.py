"""Projections: each event type's effect on the query tables, and the replay that rebuilds them.

The same functions serve live appends and `parley rebuild`, so a rebuilt database equals the
live one by construction; tests compare every table to keep it so. Projectors only write,
never read: everything they need travels in the event, so writes of consecutive events of one
type can go to the database in a few executemany calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Delete, UpdateBase

from parley.domain import events as ev
from parley.domain.persons import PersonRecord
from parley.store import tables as t

Write = tuple[UpdateBase, dict[str, Any]]
Projector = Callable[[int, str, str, dict[str, Any]], list[Write]]
_PROJECTORS: dict[str, Projector] = {}


def _on(event_type: str) -> Callable[[Projector], Projector]:
    def register(fn: Projector) -> Projector:
        _PROJECTORS[event_type] = fn
        return fn

    return register


class Projection:
    """Buffers the writes of consecutive events and sends each statement's rows at once.

    Statements run in the order they first appeared; a write is held back (by flushing first)
    whenever reordering could change the result: when an earlier statement would touch a row
    that a later statement in the buffer has touched.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._groups: dict[UpdateBase, list[dict[str, Any]]] = {}
        self._order: list[UpdateBase] = []
        self._touched: dict[UpdateBase, set[tuple[Any, ...]]] = {}

    def add(self, idx: int, type_: str, actor: str, time: str, payload: dict[str, Any]) -> None:
        fn = _PROJECTORS.get(type_)
        if fn is None:
            raise ValueError(f"entry {idx}: no projection for event type {type_!r}")
        self.add_writes(fn(idx, actor, time, payload))

    def add_writes(self, writes: list[Write]) -> None:
        for stmt, params in writes:
            if isinstance(stmt, Delete) and self._order:
                self.flush()  # a delete touches rows by condition: never reorder around it
            row = _row_key(stmt, params)
            if stmt in self._groups:
                later = self._order[self._order.index(stmt) + 1 :]
                if any(row in self._touched[other] for other in later):
                    self.flush()
            if stmt not in self._groups:
                self._groups[stmt] = []
                self._order.append(stmt)
                self._touched[stmt] = set()
            self._groups[stmt].append(params)
            self._touched[stmt].add(row)

    def flush(self) -> None:
        for stmt in self._order:
            self.conn.execute(stmt, self._groups[stmt])
        self._groups, self._order, self._touched = {}, [], {}


def _row_key(stmt: UpdateBase, params: dict[str, Any]) -> tuple[Any, ...]:
    """The table row a write touches: its primary key, from the row or the WHERE parameters."""
    table = stmt.table
    assert isinstance(table, Table)
    keys = [params.get(f"k_{c.name}", params.get(c.name)) for c in table.primary_key.columns]
    return (table.name, *keys)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _key(table: Any, *columns: str) -> Any:
    cond = None
    for c in columns:
        clause = table.c[c] == bindparam(f"k_{c}")
        cond = clause if cond is None else cond & clause
    return cond


_INS = {tbl.name: insert(tbl) for tbl in t.PROJECTION_TABLES}


@_on(ev.INSTANCE_CREATED)
def _instance(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    row = {
        "instance_id": p["instance_id"],
        "name": p["name"],
        "demo": bool(p["demo"]),
        "created_idx": idx,
    }
    return [(_INS["instance"], row)]


@_on(ev.PARTY_REGISTERED)
def _party(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    row = {
        "party_id": p["party_id"],
        "name": p["name"],
        "role": p["role"],
        "key_id": p["key_id"],
        "public_key": bytes.fromhex(p["public_key"]),
        "registered_idx": idx,
    }
    key = {
        "key_id": p["key_id"],
        "party_id": p["party_id"],
        "public_key": bytes.fromhex(p["public_key"]),
        "status": "active",
        "registered_idx": idx,
        "ended_idx": None,
        "reason": "registered",
    }
    return [(_INS["parties"], row), (_INS["party_keys"], key)]


_END_KEY = (
    update(t.party_keys)
    .where(_key(t.party_keys, "key_id"))
    .values(
        status=bindparam("status"), ended_idx=bindparam("ended_idx"), reason=bindparam("reason")
    )
)
_CURRENT_KEY = (
    update(t.parties)
    .where(_key(t.parties, "party_id"))
    .values(key_id=bindparam("key_id"), public_key=bindparam("public_key"))
)


def _new_key(idx: int, party_id: str, public_hex: str, key_id: str, reason: str) -> list[Write]:
    public = bytes.fromhex(public_hex)
    row = {
        "key_id": key_id,
        "party_id": party_id,
        "public_key": public,
        "status": "active",
        "registered_idx": idx,
        "ended_idx": None,
        "reason": reason,
    }
    return [
        (_INS["party_keys"], row),
        (_CURRENT_KEY, {"k_party_id": party_id, "key_id": key_id, "public_key": public}),
    ]


@_on(ev.KEY_ROTATED)
def _rotated(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    end = {
        "k_key_id": p["previous_key_id"],
        "status": "retired",
        "ended_idx": idx,
        "reason": "rotated",
    }
    return [
        (_END_KEY, end),
        *_new_key(idx, p["party_id"], p["public_key"], p["key_id"], "rotation"),
    ]


@_on(ev.KEY_REVOKED)
def _revoked(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    writes: list[Write] = [
        (
            _END_KEY,
            {"k_key_id": p["key_id"], "status": "revoked", "ended_idx": idx, "reason": p["reason"]},
        )
    ]
    if p.get("new_public_key"):
        writes += _new_key(idx, p["party_id"], p["new_public_key"], p["new_key_id"], "replacement")
    else:
        writes.append(
            (_CURRENT_KEY, {"k_party_id": p["party_id"], "key_id": "", "public_key": b""})
        )
    return writes


_PERSON_COLUMNS = (
    "party_id",
    "kind",
    "revision",
    "display_name",
    "birth_date",
    "category",
    "health",
    "sex",
    "capture_date",
    "data",
    "recorded_idx",
)
_UPDATE_PERSON = (
    update(t.person_records)
    .where(_key(t.person_records, "roster_id", "record_id"))
    .values({c: bindparam(c) for c in _PERSON_COLUMNS})
)


@_on(ev.PERSON_RECORDED)
def _person(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    record = PersonRecord.from_dict(p["record"])
    roster_id, revision = p["roster_id"], int(p["revision"])
    party_id, kind = roster_id.split(":")
    data = _dumps(p["record"])
    row = {
        "party_id": party_id,
        "kind": kind,
        "revision": revision,
        "display_name": record.display_name,
        "birth_date": record.birth_date.iso() if record.birth_date else None,
        "category": record.category.value,
        "health": record.health.value,
        "sex": record.sex.value,
        "capture_date": record.capture_date.iso() if record.capture_date else None,
        "data": data,
        "recorded_idx": idx,
    }
    rid = record.record_id
    writes: list[Write] = []
    if revision == 1:
        writes.append((_INS["person_records"], {"roster_id": roster_id, "record_id": rid, **row}))
    else:
        writes.append((_UPDATE_PERSON, {"k_roster_id": roster_id, "k_record_id": rid, **row}))
    revision_row = {
        "roster_id": roster_id,
        "record_id": rid,
        "revision": revision,
        "data": data,
        "log_idx": idx,
    }
    writes.append((_INS["record_revisions"], revision_row))
    return writes


ERASED_NAME = "[erased]"
_ERASE_PERSON = (
    update(t.person_records)
    .where(_key(t.person_records, "roster_id", "record_id"))
    .values(
        display_name=ERASED_NAME,
        birth_date=None,
        category="other",
        health="unknown",
        sex="unknown",
        capture_date=None,
        data=bindparam("data"),
        erased_idx=bindparam("erased_idx"),
    )
)
_ERASE_REVISION = (
    update(t.record_revisions)
    .where(_key(t.record_revisions, "roster_id", "record_id", "revision"))
    .values(data=bindparam("data"))
)


def erased_data(record_id: str) -> str:
    """What stays of an erased record: its id."""
    return _dumps({"record_id": record_id, "erased": True})


def erased_person_recorded(
    idx: int, roster_id: str, record_id: str, revision: int, erased_idx: int
) -> list[Write]:
    """The projection of a `person.recorded` entry whose payload has been erased."""
    party_id, kind = roster_id.split(":")
    data = erased_data(record_id)
    row = {
        "party_id": party_id,
        "kind": kind,
        "revision": revision,
        "display_name": ERASED_NAME,
        "birth_date": None,
        "category": "other",
        "health": "unknown",
        "sex": "unknown",
        "capture_date": None,
        "data": data,
        "recorded_idx": idx,
    }
    writes: list[Write] = []
    if revision == 1:
        writes.append(
            (_INS["person_records"], {"roster_id": roster_id, "record_id": record_id, **row})
        )
    else:
        writes.append((_UPDATE_PERSON, {"k_roster_id": roster_id, "k_record_id": record_id, **row}))
    writes.append(
        (
            _ERASE_PERSON,
            {
                "k_roster_id": roster_id,
                "k_record_id": record_id,
                "data": data,
                "erased_idx": erased_idx,
            },
        )
    )
    revision_row = {
        "roster_id": roster_id,
        "record_id": record_id,
        "revision": revision,
        "data": data,
        "log_idx": idx,
    }
    writes.append((_INS["record_revisions"], revision_row))
    return writes


@_on(ev.PERSON_ERASED)
def _erased(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    roster_id, record_id = p["roster_id"], p["record_id"]
    data = erased_data(record_id)
    writes: list[Write] = [
        (
            _ERASE_PERSON,
            {"k_roster_id": roster_id, "k_record_id": record_id, "data": data, "erased_idx": idx},
        )
    ]
    for entry in p["entries"]:
        key = {
            "k_roster_id": roster_id,
            "k_record_id": record_id,
            "k_revision": int(entry["revision"]),
        }
        writes.append((_ERASE_REVISION, {**key, "data": data}))
    return writes


_UPDATE_ROSTER = (
    update(t.rosters)
    .where(_key(t.rosters, "roster_id"))
    .values(version=bindparam("version"), record_count=bindparam("record_count"))
)


@_on(ev.ROSTER_PUBLISHED)
def _roster(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    roster_id, version = p["roster_id"], int(p["version"])
    members: dict[str, int] = p["members"]
    counts = {"version": version, "record_count": len(members)}
    writes: list[Write] = []
    if version == 1:
        writes.append(
            (
                _INS["rosters"],
                {"roster_id": roster_id, "party_id": p["party_id"], "kind": p["kind"], **counts},
            )
        )
    else:
        writes.append((_UPDATE_ROSTER, {"k_roster_id": roster_id, **counts}))
    writes.append(
        (
            _INS["roster_versions"],
            {
                "roster_id": roster_id,
                "version": version,
                "source": p["source"],
                "source_sha256": p["source_sha256"],
                "record_count": len(members),
                "added": int(p["added"]),
                "removed": int(p["removed"]),
                "changed": int(p["changed"]),
                "log_idx": idx,
            },
        )
    )
    writes.extend(
        (
            _INS["roster_members"],
            {"roster_id": roster_id, "version": version, "record_id": r, "revision": v},
        )
        for r, v in members.items()
    )
    return writes


def _terms(a: dict[str, Any], statuses: dict[str, Any]) -> list[Write]:
    """Phase and commitment rows of an agreement version; statuses carried from the last one."""
    writes: list[Write] = []
    for ph in a["phases"]:
        phase = {
            "phase_id": ph["phase_id"],
            "agreement_id": a["agreement_id"],
            "ordinal": ph["ordinal"],
            "title": ph["title"],
        }
        writes.append((_INS["phases"], phase))
        for c in ph["commitments"]:
            kept = statuses.get(c["commitment_id"], {})
            row = {
                "commitment_id": c["commitment_id"],
                "phase_id": ph["phase_id"],
                "agreement_id": a["agreement_id"],
                "kind": c["kind"],
                "description": c["description"],
                "place": c.get("place", ""),
                "due_date": c.get("due_date"),
                "mode": c["exchange"]["mode"] if "exchange" in c else None,
                "status": int(kept.get("status", 0)),
                "status_note": kept.get("note", ""),
                "status_idx": kept.get("idx"),
            }
            writes.append((_INS["commitments"], row))
    return writes


def _version_row(idx: int, a: dict[str, Any], version: int, digest: str) -> Write:
    row = {
        "agreement_id": a["agreement_id"],
        "version": version,
        "text_sha256": digest,
        "data": _dumps(a),
        "log_idx": idx,
    }
    return (_INS["agreement_versions"], row)


@_on(ev.AGREEMENT_DRAFTED)
def _agreement(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    a = p["agreement"]
    row = {
        "agreement_id": a["agreement_id"],
        "title": a["title"],
        "sides": ",".join(a["sides"]),
        "mediator": a["mediator"],
        "text_sha256": p["text_sha256"],
        "status": "draft",
        "data": _dumps(a),
        "drafted_idx": idx,
        "version": 1,
    }
    return [(_INS["agreements"], row), _version_row(idx, a, 1, p["text_sha256"]), *_terms(a, {})]


_AMEND = (
    update(t.agreements)
    .where(_key(t.agreements, "agreement_id"))
    .values(
        title=bindparam("title"),
        text_sha256=bindparam("text_sha256"),
        status="draft",
        data=bindparam("data"),
        version=bindparam("version"),
    )
)
_DROP_PHASES = delete(t.phases).where(t.phases.c.agreement_id == bindparam("k_agreement_id"))
_DROP_COMMITMENTS = delete(t.commitments).where(
    t.commitments.c.agreement_id == bindparam("k_agreement_id")
)


@_on(ev.AGREEMENT_AMENDED)
def _amended(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    a, version = p["agreement"], int(p["version"])
    key = {"k_agreement_id": a["agreement_id"]}
    change = {
        "title": a["title"],
        "text_sha256": p["text_sha256"],
        "data": _dumps(a),
        "version": version,
    }
    return [
        (_AMEND, {**key, **change}),
        _version_row(idx, a, version, p["text_sha256"]),
        (_DROP_COMMITMENTS, key),
        (_DROP_PHASES, key),
        *_terms(a, p["carried_statuses"]),
    ]


_UPDATE_AGREEMENT_STATUS = (
    update(t.agreements)
    .where(_key(t.agreements, "agreement_id"))
    .values(status=bindparam("status"))
)


@_on(ev.AGREEMENT_SIGNED)
def _signed(idx: int, actor: str, _t: str, p: dict[str, Any]) -> list[Write]:
    sig = {
        "agreement_id": p["agreement_id"],
        "version": int(p["version"]),
        "party_id": actor,
        "text_sha256": p["text_sha256"],
        "log_idx": idx,
    }
    return [
        (_INS["agreement_signatures"], sig),
        (_UPDATE_AGREEMENT_STATUS, {"k_agreement_id": p["agreement_id"], "status": p["status"]}),
    ]


_UPDATE_COMMITMENT = (
    update(t.commitments)
    .where(_key(t.commitments, "commitment_id"))
    .values(
        status=bindparam("status"),
        status_note=bindparam("status_note"),
        status_idx=bindparam("status_idx"),
    )
)


@_on(ev.COMMITMENT_STATUS_SET)
def _status(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    params = {
        "k_commitment_id": p["commitment_id"],
        "status": int(p["status"]),
        "status_note": p["note"],
        "status_idx": idx,
    }
    return [(_UPDATE_COMMITMENT, params)]


def _history(
    idx: int,
    actor: str,
    time: str,
    batch_id: str,
    person: str,
    frm: str | None,
    to: str,
    note: str,
    interview: str | None = None,
) -> Write:
    party_id, record_id = person.split("/", 1)
    return (
        _INS["handover_history"],
        {
            "log_idx": idx,
            "party_id": party_id,
            "record_id": record_id,
            "batch_id": batch_id,
            "from_state": frm,
            "to_state": to,
            "actor": actor,
            "time": time,
            "note": note,
            "interview": interview,
        },
    )


def _handover_row(batch_id: str, item: dict[str, Any], idx: int) -> dict[str, Any]:
    party_id, record_id = item["person"].split("/", 1)
    return {
        "batch_id": batch_id,
        "party_id": party_id,
        "record_id": record_id,
        "receiving_party": item["receiving_party"],
        "state": item.get("state", "requested"),
        "before_dispute": None,
        "substitute": None,
        "substitute_for": item.get("substitute_for"),
        "seq": int(item["seq"]),
        "updated_idx": idx,
        "confirmed_idx": None,
    }


@_on(ev.BATCH_PLANNED)
def _batch(idx: int, actor: str, time: str, p: dict[str, Any]) -> list[Write]:
    writes: list[Write] = [
        (
            _INS["batches"],
            {
                "batch_id": p["batch_id"],
                "agreement_id": p["agreement_id"],
                "phase_id": p["phase_id"],
                "commitment_id": p["commitment_id"],
                "place": p["place"],
                "planned_date": p.get("planned_date"),
                "status": "planned",
                "planned_idx": idx,
                "closed_idx": None,
            },
        )
    ]
    for seq, item in enumerate(p["persons"]):
        writes.append((_INS["handovers"], _handover_row(p["batch_id"], {**item, "seq": seq}, idx)))
        writes.append(
            _history(idx, actor, time, p["batch_id"], item["person"], None, "requested", "")
        )
    return writes


_UPDATE_HANDOVER = (
    update(t.handovers)
    .where(_key(t.handovers, "batch_id", "party_id", "record_id"))
    .values(
        state=bindparam("state"),
        before_dispute=bindparam("before_dispute"),
        substitute=bindparam("substitute"),
        updated_idx=bindparam("updated_idx"),
    )
)
_START_BATCH = (
    update(t.batches)
    .where(_key(t.batches, "batch_id"))
    .where(t.batches.c.status == "planned")
    .values(status="in_progress")
)


def _handover_key(batch_id: str, person: str) -> dict[str, str]:
    party_id, record_id = person.split("/", 1)
    return {"k_batch_id": batch_id, "k_party_id": party_id, "k_record_id": record_id}


@_on(ev.HANDOVER_ADVANCED)
def _advanced(idx: int, actor: str, time: str, p: dict[str, Any]) -> list[Write]:
    batch_id, person = p["batch_id"], p["person"]
    change = {
        "state": p["to"],
        "before_dispute": p.get("before_dispute"),
        "substitute": None,
        "updated_idx": idx,
    }
    return [
        (_UPDATE_HANDOVER, {**_handover_key(batch_id, person), **change}),
        (_START_BATCH, {"k_batch_id": batch_id}),
        _history(
            idx,
            actor,
            time,
            batch_id,
            person,
            p["from"],
            p["to"],
            p.get("note", ""),
            p.get("interview"),
        ),
    ]


_CONFIRM_HANDOVER = (
    update(t.handovers)
    .where(_key(t.handovers, "batch_id", "party_id", "record_id"))
    .values(confirmed_idx=bindparam("confirmed_idx"))
)


@_on(ev.HANDOVER_CONFIRMED)
def _confirmed(idx: int, actor: str, time: str, p: dict[str, Any]) -> list[Write]:
    return [
        (_CONFIRM_HANDOVER, {**_handover_key(p["batch_id"], p["person"]), "confirmed_idx": idx}),
        _history(
            idx,
            actor,
            time,
            p["batch_id"],
            p["person"],
            "received",
            "received",
            "transfer confirmed by the mediator",
        ),
    ]


@_on(ev.HANDOVER_SUBSTITUTED)
def _substituted(idx: int, actor: str, time: str, p: dict[str, Any]) -> list[Write]:
    batch_id, person, other = p["batch_id"], p["person"], p["substitute"]
    change = {
        "state": "substituted",
        "before_dispute": None,
        "substitute": other,
        "updated_idx": idx,
    }
    brought = {
        "person": other,
        "receiving_party": p["receiving_party"],
        "state": "located",
        "substitute_for": person,
        "seq": p["seq"],
    }
    note = p.get("note", "")
    return [
        (_UPDATE_HANDOVER, {**_handover_key(batch_id, person), **change}),
        (_INS["handovers"], _handover_row(batch_id, brought, idx)),
        (_START_BATCH, {"k_batch_id": batch_id}),
        _history(idx, actor, time, batch_id, person, p["from"], "substituted", note),
        _history(
            idx, actor, time, batch_id, other, None, "located", f"brought instead of {person}"
        ),
    ]


@_on(ev.MONITOR_REPORTED)
def _reported(idx: int, actor: str, _t: str, p: dict[str, Any]) -> list[Write]:
    row = {
        "log_idx": idx,
        "commitment_id": p["commitment_id"],
        "monitor": actor,
        "kind": p["kind"],
        "place": p["place"],
        "observed_on": p["observed_on"],
        "text": p["text"],
    }
    return [(_INS["monitor_reports"], row)]


@_on(ev.MATCH_PROPOSED)
def _match(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    row = {
        "match_id": p["match_id"],
        "left_ref": p["left"],
        "right_ref": p["right"],
        "score": float(p["score"]),
        "explanation": p["explanation"],
        "duplicate": bool(p["duplicate"]),
        "state": "proposed",
        "proposed_idx": idx,
        "decided_by": None,
        "decided_idx": None,
        "note": "",
    }
    return [(_INS["matches"], row)]


_DECIDE_MATCH = (
    update(t.matches)
    .where(_key(t.matches, "match_id"))
    .values(
        state=bindparam("state"),
        decided_by=bindparam("decided_by"),
        decided_idx=bindparam("decided_idx"),
        note=bindparam("note"),
    )
)


@_on(ev.MATCH_DECIDED)
def _decided(idx: int, actor: str, _t: str, p: dict[str, Any]) -> list[Write]:
    params = {
        "k_match_id": p["match_id"],
        "state": p["state"],
        "decided_by": actor,
        "decided_idx": idx,
        "note": p.get("note", ""),
    }
    return [(_DECIDE_MATCH, params)]


@_on(ev.MATCH_ACKNOWLEDGED)
def _acknowledged(idx: int, actor: str, _t: str, p: dict[str, Any]) -> list[Write]:
    return [
        (
            _INS["match_acknowledgements"],
            {"match_id": p["match_id"], "party_id": actor, "log_idx": idx},
        )
    ]


_CLEAR_SIDE_LISTS = delete(t.side_lists).where(_key(t.side_lists, "commitment_id", "party_id"))


@_on(ev.SIDE_LISTS_SUBMITTED)
def _side_lists(idx: int, actor: str, _t: str, p: dict[str, Any]) -> list[Write]:
    """A side's must-include and veto lists for a commitment: each submission replaces the last."""
    key = {"k_commitment_id": p["commitment_id"], "k_party_id": actor}
    writes: list[Write] = [(_CLEAR_SIDE_LISTS, key)]
    for name in ("must_include", "veto"):
        for person in p[name]:
            row = {
                "commitment_id": p["commitment_id"],
                "party_id": actor,
                "list": name,
                "person": person,
                "log_idx": idx,
            }
            writes.append((_INS["side_lists"], row))
    return writes


_CLOSE_BATCH = (
    update(t.batches)
    .where(_key(t.batches, "batch_id"))
    .values(status="closed", closed_idx=bindparam("closed_idx"))
)


@_on(ev.BATCH_CLOSED)
def _closed(idx: int, _a: str, _t: str, p: dict[str, Any]) -> list[Write]:
    return [(_CLOSE_BATCH, {"k_batch_id": p["batch_id"], "closed_idx": idx})]


def clear(conn: Connection) -> None:
    """Empty every projection table, children first."""
    for table in reversed(t.PROJECTION_TABLES):
        conn.execute(delete(table))
