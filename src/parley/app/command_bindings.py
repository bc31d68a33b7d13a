"""What a served command's body names, and what each entry it made says (docs/log-format.md §4,
"What a command binds"): one function per route and one per event type, each a key such as
"B1 RU/RU-1 received", so the verifier can hold every entry of a command to what its actor
signed, and count them where the use case makes all it is asked or nothing (the roster and
erasure routes' readings are in parley.app.roster_bindings, the keys' words in
parley.app.binding_keys). Routes not here (and local commands, whose body lists the entries
themselves) bind the event types alone.

Each reading mirrors its use case: a change in what a route makes of its body is a change of
the log format, and entries written before it must still read as asked (tests pin them)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from parley.app import roster_bindings
from parley.app.binding_keys import moment, path_id, ref, refs, when, words
from parley.log.verify.authority import Asks, Said, Says, Wants, counted


def _handovers(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/handovers: each person named, to the state named, with the
    note and time named; with an interview, one of each; a substitution (`to` substituted),
    the one person named, by `instead`, and at most one proposal of the person brought."""
    batch, to = path_id(path), str(body["to"])
    tail = when(body.get("note"), moment(body.get("at")))
    persons = [ref(p) for p in body["persons"]]
    if to == "substituted":
        if body.get("instead") is None or len(persons) != 1:
            return Wants()  # refused by the use case
        instead = body["instead"]
        brought = f"{instead['party']}:held/{instead['record']}"
        return Wants(
            each={f"{batch} {persons[0]} substituted by {ref(instead)}{tail}": 1},
            most={f"proposal of {brought}": 1},
        )
    each = counted(f"{batch} {p} {to}{tail}" for p in persons)
    if body.get("interview") is not None:
        each.update({f"{batch} {p} interview": 1 for p in persons})
    return Wants(each=each)


def _signature(path: list[str], body: Any) -> Wants:
    """POST /v1/agreements/{agreement_id}/signatures: that agreement, that text."""
    return Wants(each={f"{path_id(path)} text {body['text_sha256']}": 1})


def _acknowledgement(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/{match_id}/acknowledgement: that match."""
    return Wants(each={path_id(path): 1})


def _lists(path: list[str], body: Any) -> Wants:
    """POST /v1/commitments/{commitment_id}/lists: those lists under that commitment."""
    must, veto = refs(body.get("must_include", ())), refs(body.get("veto", ()))
    return Wants(each={f"{path_id(path)} must [{must}] veto [{veto}]": 1})


def _decisions(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/decisions: each match named, to the state named, with the note."""
    state, note = str(body["state"]), words(body.get("note", ""))
    return Wants(each=counted(f"{m!s} {state} {note}" for m in body["matches"]))


def _choice(path: list[str], body: Any) -> Wants:
    """POST /v1/match-groups/{group_id}/choice: each chosen candidate confirmed, the others
    (which the log's group names, not the body) rejected, with the words of that choice."""
    group = path_id(path)
    chosen = [str(m) for m in dict.fromkeys(body.get("chosen", ()))]
    note = str(body.get("note", "")).strip()
    said = f"; {note}" if note else ""
    if chosen:
        others = f"ambiguous group {group}: another candidate chosen ({', '.join(chosen)})"
    else:
        others = f"ambiguous group {group}: none of its candidates"
    mine = words(f"ambiguous group {group}: chosen{said}")
    return Wants(
        each={f"{m} confirmed {mine}": 1 for m in chosen},
        open=frozenset({f"* rejected {words(others + said)}"}),
        reads=functools.partial(_unchosen, frozenset(chosen)),
    )


def _unchosen(chosen: frozenset[str], said: Said) -> Said:
    """A group choice reads a decision on a chosen candidate by its match alone: any rejection
    is of another."""
    if any(said[0].startswith(f"{m} ") for m in chosen):
        return said[:1]
    return said


def _reversal(path: list[str], body: Any) -> Wants:
    """POST /v1/matches/{match_id}/reversal: that match, for that reason."""
    return Wants(each={f"{path_id(path)} reason {words(str(body['reason']).strip())}": 1})


def _confirmations(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/confirmations: each person named in that batch; none named,
    any of its transfers (those both sides recorded: a reading of the log)."""
    batch, persons = path_id(path), body.get("persons")
    if persons is None:
        return Wants(open=frozenset({f"{batch} *"}))
    return Wants(each=counted(f"{batch} {ref(p)}" for p in persons))


def _amendment(batch: str, added: list[str], withdrawn: list[str], reason: Any) -> str:
    add, out = ",".join(sorted(added)), ",".join(sorted(withdrawn))
    return f"{batch} amendment add [{add}] withdraw [{out}] reason {words(reason)}"


def _amendments(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/amendments: that amendment proposed (its persons and
    reason), or agreement to the amendment of that number."""
    batch = path_id(path)
    if body.get("agree") is not None:
        return Wants(each={f"{batch} agrees to {int(body['agree'])}": 1})
    added = [ref(p) for p in body.get("add", ())]
    withdrawn = [ref(p) for p in body.get("withdraw", ())]
    return Wants(each={_amendment(batch, added, withdrawn, body.get("reason", "")): 1})


def _cancellation(path: list[str], body: Any) -> Wants:
    """POST /v1/batches/{batch_id}/cancellation: that batch, for that reason."""
    return Wants(each={f"{path_id(path)} reason {words(body['reason'])}": 1})


def _rating(path: list[str], body: Any) -> Wants:
    """POST /v1/commitments/{commitment_id}/status: that commitment, that status, note, time."""
    status, at = int(body["status"]), moment(body.get("at"))
    note = words(body.get("note", ""))
    return Wants(each={f"{path_id(path)} {status} note {note}{when('', at)}": 1})


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
        path_id(path), body["kind"], body["place"], _day(body["observed_on"]),
        moment(body.get("at")), body["text"],
    )  # fmt: skip
    return Wants(each={key: 1})


def _reported(cid: str, kind: Any, place: Any, day: str, at: str, text: Any) -> str:
    when = f"{day} {at}" if at else day
    return f"{cid} {kind} at {words(place)} on {when} text {words(text)}"


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
    "POST /v1/rosters/{party}/{kind}": roster_bindings.roster_import,
    "POST /v1/rosters/{party}/{kind}/removals": roster_bindings.roster_removal,
    "POST /v1/persons/{roster_id}/{record_id}/erasure": roster_bindings.erasure,
})  # fmt: skip


def _moved(p: Any) -> str:
    tail = when(p.get("note"), p.get("at") or "")
    return f"{p['batch_id']} {p['person']} {p['to']}{tail}"


def _substituted(p: Any) -> str:
    tail = when(p.get("note"), p.get("at") or "")
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
    rest = f"{p['state']} {words(p['note'])}"
    return (f"{p['match_id']} {rest}", f"* {rest}")


def _settled(p: Any) -> str:
    return f"group {p['group_id']} settled by a reconciliation"  # no served route asks it


def _proposed(p: Any) -> Said:
    return (f"proposal of {p['right']}", f"proposal of {p['left']}")


def _reversed(p: Any) -> str:
    return f"{p['match_id']} reason {words(p['reason'])}"


def _confirmed(p: Any) -> Said:
    return (f"{p['batch_id']} {p['person']}", f"{p['batch_id']} *")


def _amended(p: Any) -> Said:
    batch = p["batch_id"]
    added = [str(a["person"]) for a in p["added"]]
    withdrawn = [str(w["person"]) for w in p["withdrawn"]]
    proposed = _amendment(batch, added, withdrawn, p["reason"])
    return (proposed, f"{batch} agrees to {int(p['amendment'])}")


def _cancelled(p: Any) -> str:
    return f"{p['batch_id']} reason {words(p['reason'])}"


def _rated(p: Any) -> str:
    at = when("", p.get("at") or "")
    return f"{p['commitment_id']} {int(p['status'])} note {words(p['note'])}{at}"


def _monitored(p: Any) -> str:
    return _reported(
        p["commitment_id"], p["kind"], p["place"], p["observed_on"], p.get("at") or "", p["text"]
    )


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
    "person.recorded": roster_bindings.recorded,
    "roster.published": roster_bindings.published,
    "person.erased": roster_bindings.erased,
})  # fmt: skip
