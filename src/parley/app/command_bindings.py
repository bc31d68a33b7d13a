"""What a served command's body names, and what each entry it made says (docs/log-format.md §4,
"What a command binds"): one function per route and one per event type, each a key such as
"B1 RU/RU-1 received", so the verifier can hold every entry of a command to what its actor
signed, and count them where the use case makes all it is asked or nothing. Routes not here
(and local commands, whose body lists the entries themselves) bind the event types alone.

Each reading mirrors its use case: a change in what a route makes of its body is a change of
the log format, and entries written before it must still read as asked (tests pin them)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from parley.domain.moments import parse_moment, write_moment
from parley.errors import ParleyError
from parley.io.rosters import roster_from_rows
from parley.log.entry import canonical_json
from parley.log.verify.authority import Asks, Said, Says, Wants, counted


def _ref(person: Any) -> str:
    """A person as the API's body names it ({"party", "record"}), as a payload writes it."""
    return f"{person['party']}/{person['record']}"


def _refs(people: Any) -> str:
    return ",".join(sorted(_ref(p) for p in people))


def _words(text: Any) -> str:
    """A free text (a note, a reason) in a key: quoted, or its start and digest if long."""
    text = str(text)
    if len(text) <= 40:
        return json.dumps(text, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{json.dumps(text[:30], ensure_ascii=False)}… sha256:{digest}"


def _moment(text: Any) -> str:
    """A body's `at` as the payload writes it (`` if none)."""
    if text is None:
        return ""
    try:
        return write_moment(parse_moment(str(text)))
    except ParleyError as e:  # the server refused the body: it made no entry
        raise ValueError(str(e)) from e


def _when(note: Any, at: str) -> str:
    """The note and the time a step or rating claims, as a key ends with them."""
    return (f" note {_words(note)}" if note else "") + (f" at {at}" if at else "")


def _path_id(path: list[str]) -> str:
    return unquote(path[3])


def _handovers(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/handovers: each person named, to the state named, with the
    note and time named; with an interview, one of each; a substitution (`to` substituted),
    the one person named, by `instead`, and at most one proposal of the person brought."""
    batch, to = _path_id(path), str(body["to"])
    tail = _when(body.get("note"), _moment(body.get("at")))
    persons = [_ref(p) for p in body["persons"]]
    if to == "substituted":
        if body.get("instead") is None or len(persons) != 1:
            return Wants()  # refused by the use case
        instead = body["instead"]
        brought = f"{instead['party']}:held/{instead['record']}"
        return Wants(
            each={f"{batch} {persons[0]} substituted by {_ref(instead)}{tail}": 1},
            most={f"proposal of {brought}": 1},
        )
    each = counted(f"{batch} {p} {to}{tail}" for p in persons)
    if body.get("interview") is not None:
        each.update({f"{batch} {p} interview": 1 for p in persons})
    return Wants(each=each)


def _signature(path: list[str], body: Any) -> Wants:
    """POST /v1/agreements/{agreement_id}/signatures: that agreement, that text."""
    return Wants(each={f"{_path_id(path)} text {body['text_sha256']}": 1})


def _acknowledgement(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/{match_id}/acknowledgement: that match."""
    return Wants(each={_path_id(path): 1})


def _lists(path: list[str], body: Any) -> Wants:
    """POST /v1/commitments/{commitment_id}/lists: those lists under that commitment."""
    must, veto = _refs(body.get("must_include", ())), _refs(body.get("veto", ()))
    return Wants(each={f"{_path_id(path)} must [{must}] veto [{veto}]": 1})


def _decisions(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/decisions: each match named, to the state named, with the note."""
    state, note = str(body["state"]), _words(body.get("note", ""))
    return Wants(each=counted(f"{m!s} {state} {note}" for m in body["matches"]))


def _choice(path: list[str], body: Any) -> Wants:
    """POST /v1/match-groups/{group_id}/choice: each chosen candidate confirmed, the others
    (which the log's group names, not the body) rejected, with the words of that choice."""
    group = _path_id(path)
    chosen = [str(m) for m in dict.fromkeys(body.get("chosen", ()))]
    note = str(body.get("note", "")).strip()
    said = f"; {note}" if note else ""
    if chosen:
        others = f"ambiguous group {group}: another candidate chosen ({', '.join(chosen)})"
    else:
        others = f"ambiguous group {group}: none of its candidates"
    mine = _words(f"ambiguous group {group}: chosen{said}")
    return Wants(
        each={f"{m} confirmed {mine}": 1 for m in chosen},
        open=frozenset({f"* rejected {_words(others + said)}"}),
    )


def _reversal(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/{match_id}/reversal: that match, for that reason."""
    return Wants(each={f"{_path_id(path)} reason {_words(str(body['reason']).strip())}": 1})


def _confirmations(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/confirmations: each person named in that batch; none named,
    any of its transfers (those both sides recorded: a reading of the log)."""
    batch, persons = _path_id(path), body.get("persons")
    if persons is None:
        return Wants(open=frozenset({f"{batch} *"}))
    return Wants(each=counted(f"{batch} {_ref(p)}" for p in persons))


def _amendment(batch: str, added: list[str], withdrawn: list[str], reason: Any) -> str:
    add, out = ",".join(sorted(added)), ",".join(sorted(withdrawn))
    return f"{batch} amendment add [{add}] withdraw [{out}] reason {_words(reason)}"


def _amendments(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/amendments: that amendment proposed (its persons and
    reason), or agreement to the amendment of that number."""
    batch = _path_id(path)
    if body.get("agree") is not None:
        return Wants(each={f"{batch} agrees to {int(body['agree'])}": 1})
    added = [_ref(p) for p in body.get("add", ())]
    withdrawn = [_ref(p) for p in body.get("withdraw", ())]
    return Wants(each={_amendment(batch, added, withdrawn, body.get("reason", "")): 1})


def _cancellation(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/cancellation: that batch, for that reason."""
    return Wants(each={f"{_path_id(path)} reason {_words(body['reason'])}": 1})


def _rating(path: list[str], body: Any) -> Wants:
    """POST /v1/commitments/{commitment_id}/status: that commitment, that status, note, time."""
    status, at = int(body["status"]), _moment(body.get("at"))
    note = _words(body.get("note", ""))
    return Wants(each={f"{_path_id(path)} {status} note {note}{_when('', at)}": 1})


def _day(value: Any) -> str:
    """A body's day as the payload writes it (the API takes an ISO date)."""
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return dt.datetime.fromisoformat(str(value)).date().isoformat()


def _report(path: list[str], body: Any) -> Wants:
    """POST /v1/commitments/{commitment_id}/reports: that commitment, kind, place, day, time
    and text."""
    key = _reported(
        _path_id(path), body["kind"], body["place"], _day(body["observed_on"]),
        _moment(body.get("at")), body["text"],
    )  # fmt: skip
    return Wants(each={key: 1})


def _reported(cid: str, kind: Any, place: Any, day: str, at: str, text: Any) -> str:
    when = f"{day} {at}" if at else day
    return f"{cid} {kind} at {_words(place)} on {when} text {_words(text)}"


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()[:16]


def _content(rid: str, record: Mapping[str, Any], rid_id: str, fields: Any = None) -> str:
    """A record's content as a key: its fields (or only `fields`, a merge's columns) but its
    id, which the key names apart (`*`: a list without ids, where the roster gives them)."""
    kept = {k: v for k, v in record.items() if k != "record_id" and (fields is None or k in fields)}
    return _person(rid, rid_id, "content" if fields is None else "columns", _digest(kept))


def _person(rid: str, rid_id: str, how: str, digest: str) -> str:
    return f"{rid} record {rid_id} {how} {digest}"


def _merged(fields: frozenset[str], said: Said) -> Said:
    """A person.recorded entry as a merge's body reads it: only the columns the rows had (the
    person keeps the rest as the roster had them)."""
    if len(said) != 3:
        return ()
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
    return f"{rid} version from {_words(source)} sha256 {sha}"


def _members(ids: Any) -> str:
    return f" members {_digest(sorted(ids))}"


def _roster_import(path: list[str], body: Any) -> Wants | None:
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


def _roster_removal(path: list[str], body: Any) -> Wants | None:
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


ASKS: Mapping[str, Asks] = MappingProxyType({
    "POST /v1/batches/{batch_id}/handovers": _handovers,
    "POST /v1/agreements/{agreement_id}/signatures": _signature,
    "POST /v1/matches/{match_id}/acknowledgement": _acknowledgement,
    "POST /v1/commitments/{commitment_id}/lists": _lists,
    "POST /v1/matches/decisions": _decisions,
    "POST /v1/match-groups/{group_id}/choice": _choice,
    "POST /v1/matches/{match_id}/reversal": _reversal,
    "POST /v1/batches/{batch_id}/confirmations": _confirmations,
    "POST /v1/batches/{batch_id}/amendments": _amendments,
    "POST /v1/batches/{batch_id}/cancellation": _cancellation,
    "POST /v1/commitments/{commitment_id}/status": _rating,
    "POST /v1/commitments/{commitment_id}/reports": _report,
    "POST /v1/rosters/{party}/{kind}": _roster_import,
    "POST /v1/rosters/{party}/{kind}/removals": _roster_removal,
})  # fmt: skip


def _moved(p: Any) -> str:
    tail = _when(p.get("note"), p.get("at") or "")
    return f"{p['batch_id']} {p['person']} {p['to']}{tail}"


def _substituted(p: Any) -> str:
    tail = _when(p.get("note"), p.get("at") or "")
    return f"{p['batch_id']} {p['person']} substituted by {p['substitute']}{tail}"


def _interviewed(p: Any) -> str:
    return f"{p['batch_id']} {p['person']} interview"


def _signed(p: Any) -> str:
    return f"{p['agreement_id']} text {p['text_sha256']}"


def _acknowledged(p: Any) -> str:
    return str(p["match_id"])


def _submitted(p: Any) -> str:
    must, veto = ",".join(sorted(p["must_include"])), ",".join(sorted(p["veto"]))
    return f"{p['commitment_id']} must [{must}] veto [{veto}]"


def _decided(p: Any) -> Said:
    """That match to that state (or, under a group's choice, any match rejected so)."""
    rest = f"{p['state']} {_words(p['note'])}"
    return (f"{p['match_id']} {rest}", f"* {rest}")


def _settled(p: Any) -> str:
    return f"group {p['group_id']} settled by a reconciliation"  # no served route asks it


def _proposed(p: Any) -> Said:
    return (f"proposal of {p['right']}", f"proposal of {p['left']}")


def _reversed(p: Any) -> str:
    return f"{p['match_id']} reason {_words(p['reason'])}"


def _confirmed(p: Any) -> Said:
    return (f"{p['batch_id']} {p['person']}", f"{p['batch_id']} *")


def _amended(p: Any) -> Said:
    batch = p["batch_id"]
    added = [str(a["person"]) for a in p["added"]]
    withdrawn = [str(w["person"]) for w in p["withdrawn"]]
    proposed = _amendment(batch, added, withdrawn, p["reason"])
    return (proposed, f"{batch} agrees to {int(p['amendment'])}")


def _cancelled(p: Any) -> str:
    return f"{p['batch_id']} reason {_words(p['reason'])}"


def _rated(p: Any) -> str:
    at = _when("", p.get("at") or "")
    return f"{p['commitment_id']} {int(p['status'])} note {_words(p['note'])}{at}"


def _monitored(p: Any) -> str:
    return _reported(
        p["commitment_id"], p["kind"], p["place"], p["observed_on"], p.get("at") or "", p["text"]
    )


def _recorded(p: Any) -> Said:
    """A person recorded: its content by its id, and with any id; then the whole, for a
    merge's body to read its columns of (`_merged`)."""
    rid, record = str(p["roster_id"]), p["record"]
    digest = _digest({k: v for k, v in record.items() if k != "record_id"})
    return (
        _person(rid, str(record["record_id"]), "content", digest),
        _person(rid, "*", "content", digest),
        json.dumps([rid, record], ensure_ascii=False),
    )


def _published(p: Any) -> Said:
    """A roster version: with its members (a replacement with ids names them all), and
    without."""
    version = _version(str(p["roster_id"]), p["source"], str(p["source_sha256"]))
    return (version + _members(p["members"]), version)


SAYS: Mapping[str, Says] = MappingProxyType({
    "handover.advanced": _moved,
    "handover.substituted": _substituted,
    "interview.recorded": _interviewed,
    "agreement.signed": _signed,
    "match.acknowledged": _acknowledged,
    "batch.lists_submitted": _submitted,
    "match.decided": _decided,
    "match.settled": _settled,
    "match.proposed": _proposed,
    "match.reversed": _reversed,
    "handover.confirmed": _confirmed,
    "batch.amended": _amended,
    "batch.cancelled": _cancelled,
    "commitment.status_set": _rated,
    "monitor.reported": _monitored,
    "person.recorded": _recorded,
    "roster.published": _published,
})  # fmt: skip
