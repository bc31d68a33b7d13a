"""What a served command's body names, and what each entry it made says (docs/log-format.md §4,
"What a command binds"): one function per route and one per event type, each a key such as
"B1 RU/RU-1 received", so the verifier can hold every entry of a command to what its actor
signed. Routes not here (and local commands, whose body lists the entries themselves) bind
the event types alone."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from parley.log.verify.authority import Asks, Says


def _ref(person: Any) -> str:
    """A person as the API's body names it ({"party", "record"}), as a payload writes it."""
    return f"{person['party']}/{person['record']}"


def _refs(people: Any) -> str:
    return ",".join(sorted(_ref(p) for p in people))


def _handovers(path: list[str], body: Any) -> frozenset[str]:
    """POST /v1/batches/{batch_id}/handovers: each person named, to the state named (and, a
    substitution, by the person named instead; with an interview, its record)."""
    batch = unquote(path[3])
    to = str(body["to"])
    keys = set()
    for p in body["persons"]:
        keys.add(f"{batch} {_ref(p)} {to}")
        if body.get("instead") is not None:
            keys.add(f"{batch} {_ref(p)} substituted by {_ref(body['instead'])}")
        if body.get("interview") is not None:
            keys.add(f"{batch} {_ref(p)} interview")
    return frozenset(keys)


def _signature(path: list[str], body: Any) -> frozenset[str]:
    """POST /v1/agreements/{agreement_id}/signatures: that agreement, that text."""
    return frozenset({f"{unquote(path[3])} text {body['text_sha256']}"})


def _acknowledgement(path: list[str], body: Any) -> frozenset[str]:
    """POST /v1/matches/{match_id}/acknowledgement: that match."""
    return frozenset({unquote(path[3])})


def _lists(path: list[str], body: Any) -> frozenset[str]:
    """POST /v1/commitments/{commitment_id}/lists: those lists under that commitment."""
    must, veto = _refs(body.get("must_include", ())), _refs(body.get("veto", ()))
    return frozenset({f"{unquote(path[3])} must [{must}] veto [{veto}]"})


ASKS: Mapping[str, Asks] = MappingProxyType({
    "POST /v1/batches/{batch_id}/handovers": _handovers,
    "POST /v1/agreements/{agreement_id}/signatures": _signature,
    "POST /v1/matches/{match_id}/acknowledgement": _acknowledgement,
    "POST /v1/commitments/{commitment_id}/lists": _lists,
})  # fmt: skip


def _moved(p: Any) -> str:
    return f"{p['batch_id']} {p['person']} {p['to']}"


def _substituted(p: Any) -> str:
    return f"{p['batch_id']} {p['person']} substituted by {p['substitute']}"


def _interviewed(p: Any) -> str:
    return f"{p['batch_id']} {p['person']} interview"


def _signed(p: Any) -> str:
    return f"{p['agreement_id']} text {p['text_sha256']}"


def _acknowledged(p: Any) -> str:
    return str(p["match_id"])


def _submitted(p: Any) -> str:
    must, veto = ",".join(sorted(p["must_include"])), ",".join(sorted(p["veto"]))
    return f"{p['commitment_id']} must [{must}] veto [{veto}]"


SAYS: Mapping[str, Says] = MappingProxyType({
    "handover.advanced": _moved,
    "handover.substituted": _substituted,
    "interview.recorded": _interviewed,
    "agreement.signed": _signed,
    "match.acknowledged": _acknowledged,
    "batch.lists_submitted": _submitted,
})  # fmt: skip
