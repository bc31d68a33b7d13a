"""Batches: planned batches, each person's handover and its history, substitutions, the
mediator's confirmations, the sides' must-include and veto lists, and closing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, update

from parley.domain import events as ev
from parley.domain.agreements import PersonRef
from parley.store import tables as t
from parley.store.projection import INSERT, Write, by_key, projects


def _history(
    idx: int,
    actor: str,
    time: str,
    batch_id: str,
    person: PersonRef,
    frm: str | None,
    to: str,
    note: str,
    interview: str | None = None,
) -> Write:
    row = {
        "log_idx": idx,
        "party_id": person.party_id,
        "record_id": person.record_id,
        "batch_id": batch_id,
        "from_state": frm,
        "to_state": to,
        "actor": actor,
        "time": time,
        "note": note,
        "interview": interview,
    }
    return (INSERT["handover_history"], row)


def _handover_row(
    idx: int,
    batch_id: str,
    person: PersonRef,
    receiving_party: str,
    seq: int,
    state: str = "requested",
    substitute_for: PersonRef | None = None,
) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "party_id": person.party_id,
        "record_id": person.record_id,
        "receiving_party": receiving_party,
        "state": state,
        "before_dispute": None,
        "substitute": None,
        "substitute_for": str(substitute_for) if substitute_for is not None else None,
        "seq": seq,
        "updated_idx": idx,
        "confirmed_idx": None,
    }


@projects(ev.BatchPlanned)
def _planned(idx: int, actor: str, time: str, p: ev.BatchPlanned) -> list[Write]:
    batch = {
        "batch_id": p.batch_id,
        "agreement_id": p.agreement_id,
        "phase_id": p.phase_id,
        "commitment_id": p.commitment_id,
        "place": p.place,
        "planned_date": p.planned_date.isoformat() if p.planned_date else None,
        "status": "planned",
        "planned_idx": idx,
        "closed_idx": None,
    }
    writes: list[Write] = [(INSERT["batches"], batch)]
    for seq, item in enumerate(p.persons):
        row = _handover_row(idx, p.batch_id, item.person, item.receiving_party, seq)
        writes.append((INSERT["handovers"], row))
        writes.append(_history(idx, actor, time, p.batch_id, item.person, None, "requested", ""))
    return writes


_UPDATE_HANDOVER = (
    update(t.handovers)
    .where(by_key(t.handovers, "batch_id", "party_id", "record_id"))
    .values(
        state=bindparam("state"),
        before_dispute=bindparam("before_dispute"),
        substitute=bindparam("substitute"),
        updated_idx=bindparam("updated_idx"),
    )
)
_START_BATCH = (
    update(t.batches)
    .where(by_key(t.batches, "batch_id"))
    .where(t.batches.c.status == "planned")
    .values(status="in_progress")
)


def _handover_key(batch_id: str, person: PersonRef) -> dict[str, str]:
    return {"k_batch_id": batch_id, "k_party_id": person.party_id, "k_record_id": person.record_id}


@projects(ev.HandoverAdvanced)
def _advanced(idx: int, actor: str, time: str, p: ev.HandoverAdvanced) -> list[Write]:
    change = {
        "state": p.to.value,
        "before_dispute": p.before_dispute.value if p.before_dispute else None,
        "substitute": None,
        "updated_idx": idx,
    }
    frm, to, note = p.from_.value, p.to.value, p.note or ""
    return [
        (_UPDATE_HANDOVER, {**_handover_key(p.batch_id, p.person), **change}),
        (_START_BATCH, {"k_batch_id": p.batch_id}),
        _history(idx, actor, time, p.batch_id, p.person, frm, to, note, p.interview),
    ]


_CONFIRM_HANDOVER = (
    update(t.handovers)
    .where(by_key(t.handovers, "batch_id", "party_id", "record_id"))
    .values(confirmed_idx=bindparam("confirmed_idx"))
)


@projects(ev.HandoverConfirmed)
def _confirmed(idx: int, actor: str, time: str, p: ev.HandoverConfirmed) -> list[Write]:
    note = "transfer confirmed by the mediator"
    return [
        (_CONFIRM_HANDOVER, {**_handover_key(p.batch_id, p.person), "confirmed_idx": idx}),
        _history(idx, actor, time, p.batch_id, p.person, "received", "received", note),
    ]


@projects(ev.HandoverSubstituted)
def _substituted(idx: int, actor: str, time: str, p: ev.HandoverSubstituted) -> list[Write]:
    person, other = p.person, p.substitute
    change = {
        "state": "substituted",
        "before_dispute": None,
        "substitute": str(other),
        "updated_idx": idx,
    }
    brought = _handover_row(
        idx, p.batch_id, other, p.receiving_party, p.seq, "located", substitute_for=person
    )
    return [
        (_UPDATE_HANDOVER, {**_handover_key(p.batch_id, person), **change}),
        (INSERT["handovers"], brought),
        (_START_BATCH, {"k_batch_id": p.batch_id}),
        _history(idx, actor, time, p.batch_id, person, p.from_.value, "substituted", p.note),
        _history(
            idx, actor, time, p.batch_id, other, None, "located", f"brought instead of {person}"
        ),
    ]


_CLEAR_SIDE_LISTS = delete(t.side_lists).where(by_key(t.side_lists, "commitment_id", "party_id"))


@projects(ev.SideListsSubmitted)
def _side_lists(idx: int, actor: str, _t: str, p: ev.SideListsSubmitted) -> list[Write]:
    """A side's must-include and veto lists for a commitment: each submission replaces the last."""
    key = {"k_commitment_id": p.commitment_id, "k_party_id": actor}
    writes: list[Write] = [(_CLEAR_SIDE_LISTS, key)]
    for name, persons in (("must_include", p.must_include), ("veto", p.veto)):
        for person in persons:
            row = {
                "commitment_id": p.commitment_id,
                "party_id": actor,
                "list": name,
                "person": str(person),
                "log_idx": idx,
            }
            writes.append((INSERT["side_lists"], row))
    return writes


_CLOSE_BATCH = (
    update(t.batches)
    .where(by_key(t.batches, "batch_id"))
    .values(status="closed", closed_idx=bindparam("closed_idx"))
)


@projects(ev.BatchClosed)
def _closed(idx: int, _a: str, _t: str, p: ev.BatchClosed) -> list[Write]:
    return [(_CLOSE_BATCH, {"k_batch_id": p.batch_id, "closed_idx": idx})]
