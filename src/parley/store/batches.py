"""Batches: planned batches, each person's handover and its history, substitutions, the
mediator's confirmations, the sides' must-include and veto lists, and closing."""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple
from collections.abc import Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select, tuple_, update
from sqlalchemy.sql.dml import Delete, Insert

from parley.domain import events as ev
from parley.domain.agreements import PersonRef
from parley.domain.batches import Batch, BatchStatus
from parley.domain.handovers import FINAL, Handover, HandoverState
from parley.domain.moments import write_moment
from parley.domain.persons import Health
from parley.domain.rosters import RosterKind
from parley.store import driver
from parley.store import tables as t
from parley.store.engine import Tx
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
    when = _when(p.at, time)
    return [
        (_UPDATE_HANDOVER, {**_handover_key(p.batch_id, p.person), **change}),
        (_START_BATCH, {"k_batch_id": p.batch_id}),
        _history(idx, actor, when, p.batch_id, p.person, frm, to, note, p.interview),
    ]


_INTERVIEW = (
    update(t.handover_history)
    .where(by_key(t.handover_history, "log_idx", "party_id", "record_id"))
    .values(interview=bindparam("interview"))
)


@projects(ev.InterviewRecorded)
def _interview(idx: int, _a: str, _t: str, p: ev.InterviewRecorded) -> list[Write]:
    # the interview follows the step it was held for: the entry before it
    key = {"k_log_idx": idx - 1, "k_party_id": p.person.party_id, "k_record_id": p.person.record_id}
    return [(_INTERVIEW, {**key, "interview": p.sealed})]


def _when(at: dt.datetime | None, entered: str) -> str:
    """A step's time in its history: when it happened, as claimed, else when it was entered
    (the log keeps both: the entry's time in its header, the claimed one in its payload)."""
    return entered if at is None else write_moment(at)


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
    when = _when(p.at, time)
    return [
        (_UPDATE_HANDOVER, {**_handover_key(p.batch_id, person), **change}),
        (INSERT["handovers"], brought),
        (_START_BATCH, {"k_batch_id": p.batch_id}),
        _history(idx, actor, when, p.batch_id, person, p.from_.value, "substituted", p.note),
        _history(
            idx, actor, when, p.batch_id, other, None, "located", f"brought instead of {person}"
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


_AMENDMENT_IN_FORCE = (
    update(t.batch_amendments)
    .where(by_key(t.batch_amendments, "batch_id", "amendment"))
    .values(in_force=True)
)


def amendment_terms(p: ev.BatchAmended) -> str:
    """What the parties agree to, the same in each party's entry: added, withdrawn, why."""
    return json.dumps(
        {
            "added": [[str(x.person), x.receiving_party] for x in p.added],
            "withdrawn": [str(x.person) for x in p.withdrawn],
            "reason": p.reason,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


@projects(ev.BatchAmended)
def _amended(idx: int, actor: str, time: str, p: ev.BatchAmended) -> list[Write]:
    row = {
        "batch_id": p.batch_id,
        "amendment": p.amendment,
        "party_id": actor,
        "log_idx": idx,
        "terms": amendment_terms(p),
        "in_force": p.in_force,
    }
    writes: list[Write] = [(INSERT["batch_amendments"], row)]
    if not p.in_force:
        return writes
    writes.append((_AMENDMENT_IN_FORCE, {"k_batch_id": p.batch_id, "k_amendment": p.amendment}))
    note = f"amendment {p.amendment} of batch {p.batch_id}: {p.reason}"
    for w in p.withdrawn:
        change = {"state": "withdrawn", "before_dispute": None, "substitute": None}
        key = _handover_key(p.batch_id, w.person)
        writes.append((_UPDATE_HANDOVER, {**key, **change, "updated_idx": idx}))
        writes.append(
            _history(idx, actor, time, p.batch_id, w.person, w.state.value, "withdrawn", note)
        )
    for i, a in enumerate(p.added):
        row = _handover_row(idx, p.batch_id, a.person, a.receiving_party, p.seq + i)
        writes.append((INSERT["handovers"], row))
        writes.append(_history(idx, actor, time, p.batch_id, a.person, None, "requested", note))
    return writes


_CANCEL_BATCH = (
    update(t.batches)
    .where(by_key(t.batches, "batch_id"))
    .values(status="cancelled", closed_idx=bindparam("closed_idx"))
)


@projects(ev.BatchCancelled)
def _cancelled(idx: int, actor: str, time: str, p: ev.BatchCancelled) -> list[Write]:
    writes: list[Write] = [(_CANCEL_BATCH, {"k_batch_id": p.batch_id, "closed_idx": idx})]
    note = f"batch {p.batch_id} cancelled: {p.reason}; the handover stays where it stood"
    for x in p.open:
        state = x.state.value
        writes.append(_history(idx, actor, time, p.batch_id, x.person, state, state, note))
    return writes


# --- reads ---


# built once: every handover step and confirmation reads its batch through these
_BATCH = select(t.batches).where(t.batches.c.batch_id == bindparam("batch_id"))
_HANDOVERS = (
    select(t.handovers)
    .where(t.handovers.c.batch_id == bindparam("batch_id"))
    .order_by(t.handovers.c.seq)
)


_H = t.handovers.c
_HANDOVER_COLUMNS = (
    _H.party_id, _H.record_id, _H.receiving_party, _H.state, _H.before_dispute, _H.substitute,
    _H.substitute_for, _H.confirmed_idx,
)  # fmt: skip


def _batch_with(persons: ColumnElement[bool]) -> Select[Any]:
    """A batch with just the handovers `persons` picks, in one statement (one round trip: a
    handover step or confirmation reads it inside the log's write transaction, where each one
    waits)."""
    return (
        select(*t.batches.c, *_HANDOVER_COLUMNS)
        .select_from(
            t.batches.outerjoin(t.handovers, (_H.batch_id == t.batches.c.batch_id) & persons)
        )
        .where(t.batches.c.batch_id == bindparam("batch_id"))
    )


# more named persons than this are read with their whole batch: a statement's parameters and an
# IN list's depth are bounded (PostgreSQL refuses thousands of pairs, SQLite 32,766 parameters)
_NAMED_AT_MOST = 256
_BATCH_WITH = _batch_with(
    tuple_(_H.party_id, _H.record_id).in_(bindparam("keys", expanding=True))
).order_by(_H.seq)
# PostgreSQL: the persons as two arrays, one statement whatever their count, on the driver's cursor
_BATCH_WITH_PG = _batch_with(driver.pairs_in(_H.party_id, _H.record_id)).order_by(_H.seq)
# the same for one person (a request's usual step), run on the driver's cursor
_BATCH_WITH_ONE = _batch_with(
    (_H.party_id == bindparam("party_id")) & (_H.record_id == bindparam("record_id"))
)


def _row_type(names: tuple[str, ...]) -> Any:
    return namedtuple("Row", names)


_Row = _row_type(tuple(str(c.key) for c in _BATCH_WITH.selected_columns))
_BATCH_COLUMNS = len(t.batches.c)


@dataclass(frozen=True)
class Wanted:
    """The person's handover in the batch, as a command will read it (`batch` with one
    person): several commands' are read at once (`read_ahead`)."""

    batch_id: str
    person: PersonRef


class ReadAhead:
    """Batches and handovers read at once for the commands of one write group, each answered
    from here until a write of the group touches its rows (`forget`)."""

    def __init__(self, rows: dict[tuple[str, str, str], list[Any]]) -> None:
        self._rows = rows  # (batch, party, record) -> what `batch` reads for that one person

    def take(self, batch_id: str, party_id: str, record_id: str) -> list[Any] | None:
        return self._rows.get((batch_id, party_id, record_id))

    def forget(self, writes: Sequence[Write]) -> None:
        """Rows the writes touch are read from the database again."""
        for stmt, params in writes:
            table = getattr(stmt.table, "name", None)
            if table not in (t.batches.name, t.handovers.name) or not self._rows:
                continue
            key = "" if isinstance(stmt, Insert) else "k_"
            batch_id = params.get(key + "batch_id")
            if isinstance(stmt, Delete) or batch_id is None:
                self._rows.clear()
            elif table == t.batches.name:
                for wanted in [k for k in self._rows if k[0] == batch_id]:
                    del self._rows[wanted]
            else:
                person = (batch_id, params.get(key + "party_id"), params.get(key + "record_id"))
                if None in person:
                    for wanted in [k for k in self._rows if k[0] == batch_id]:
                        del self._rows[wanted]
                else:
                    self._rows.pop(person, None)  # type: ignore[arg-type]


_AHEAD: ContextVar[ReadAhead | None] = ContextVar("parley_batches_ahead", default=None)


def read_ahead(tx: Tx, wanted: Sequence[Wanted]) -> ReadAhead:
    """What `batch` reads for each wanted handover, in one statement a batch."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    by_batch: dict[str, set[tuple[str, str]]] = {}
    for w in wanted:
        by_batch.setdefault(w.batch_id, set()).add((w.person.party_id, w.person.record_id))
    for batch_id, keys in by_batch.items():
        if tx.dialect.name == "postgresql":
            arrays = {"batch_id": batch_id, **driver.pairs(sorted(keys))}
            rows = [_Row(*r) for r in driver.rows(tx, _BATCH_WITH_PG, arrays)]
        else:
            listed = {"batch_id": batch_id, "keys": sorted(keys)}
            rows = [_Row(*r) for r in tx.execute(_BATCH_WITH, listed)]
        named = {(r.party_id, r.record_id): r for r in rows if r.party_id is not None}
        for party_id, record_id in keys:
            row = named.get((party_id, record_id))
            if row is None and rows:  # the batch, without this person
                row = _Row(
                    *rows[0][:_BATCH_COLUMNS], *[None] * (len(_Row._fields) - _BATCH_COLUMNS)
                )
            found[(batch_id, party_id, record_id)] = [] if row is None else [row]
    return ReadAhead(found)


@contextmanager
def reading_ahead(ahead: ReadAhead | None) -> Iterator[None]:
    """In the block (this thread's write group), `batch` answers from `ahead` what it holds."""
    token = _AHEAD.set(ahead)
    try:
        yield
    finally:
        _AHEAD.reset(token)


def batch(tx: Tx, batch_id: str, only: Iterable[PersonRef] | None = None) -> Batch | None:
    """A batch and its handovers; with `only`, just those persons' handovers (enough to move
    them, and much cheaper in a large batch)."""
    keys = None if only is None else sorted({(p.party_id, p.record_id) for p in only})
    if keys is not None and len(keys) > _NAMED_AT_MOST:  # the whole batch, the named kept
        whole = batch(tx, batch_id)
        if whole is None:
            return None
        asked = set(keys)
        kept = {p: h for p, h in whole.by_person.items() if (p.party_id, p.record_id) in asked}
        return replace(whole, by_person=kept)
    found: Sequence[Any]  # rows with the handover columns
    if keys:  # the batch and the named persons' handovers at once
        if len(keys) == 1:
            party_id, record_id = keys[0]
            ahead = _AHEAD.get()
            rows = None if ahead is None else ahead.take(batch_id, party_id, record_id)
            if rows is None:
                named = {"batch_id": batch_id, "party_id": party_id, "record_id": record_id}
                reads = [(t.batches.name, batch_id), (t.handovers.name, batch_id, *keys[0])]
                rows = driver.rows(tx, _BATCH_WITH_ONE, named, reads=reads)
        else:
            rows = list(tx.execute(_BATCH_WITH, {"batch_id": batch_id, "keys": keys}))
        if not rows:
            return None
        b, found = rows[0], [r for r in rows if r.party_id is not None]
    else:  # the whole batch, or none of its handovers
        one = tx.execute(_BATCH, {"batch_id": batch_id}).one_or_none()
        if one is None:
            return None
        b = one
        found = [] if keys is not None else tx.execute(_HANDOVERS, {"batch_id": batch_id}).all()
    handovers = tuple(
        Handover(
            batch_id=batch_id,
            person=PersonRef(r.party_id, r.record_id),
            receiving_party=r.receiving_party,
            state=HandoverState(r.state),
            before_dispute=HandoverState(r.before_dispute) if r.before_dispute else None,
            substitute=PersonRef.parse(r.substitute) if r.substitute else None,
            substitute_for=PersonRef.parse(r.substitute_for) if r.substitute_for else None,
            confirmed=r.confirmed_idx is not None,
        )
        for r in found
    )
    return Batch(
        batch_id=batch_id,
        agreement_id=b.agreement_id,
        phase_id=b.phase_id,
        commitment_id=b.commitment_id,
        place=b.place,
        planned_date=dt.date.fromisoformat(b.planned_date) if b.planned_date else None,
        status=BatchStatus(b.status),
        by_person={x.person: x for x in handovers},
    )


def batch_exists(tx: Tx, batch_id: str) -> bool:
    found = tx.execute(select(t.batches.c.batch_id).where(t.batches.c.batch_id == batch_id))
    return found.first() is not None


@dataclass(frozen=True)
class BatchHeading:
    batch_id: str
    commitment_id: str
    status: str
    place: str
    planned_date: str | None  # ISO date


def batch_headings(tx: Tx) -> list[BatchHeading]:
    """Every batch, in the order planned."""
    b = t.batches.c
    rows = tx.execute(
        select(b.batch_id, b.commitment_id, b.status, b.place, b.planned_date).order_by(
            b.planned_idx
        )
    )
    return [BatchHeading(*r) for r in rows]


_ENDED = (BatchStatus.CLOSED.value, BatchStatus.CANCELLED.value)


def persons_in_open_batches(tx: Tx) -> set[PersonRef]:
    """Persons in a batch neither closed nor cancelled whose handover is not final."""
    h, b = t.handovers.c, t.batches.c
    rows = tx.execute(
        select(h.party_id, h.record_id)
        .join(t.batches, b.batch_id == h.batch_id)
        .where(b.status.notin_(_ENDED))
        .where(h.state.notin_(sorted(s.value for s in FINAL)))
    ).all()
    return {PersonRef(r.party_id, r.record_id) for r in rows}


def persons_in_batches(tx: Tx, *, unless: Set[HandoverState] = frozenset()) -> set[PersonRef]:
    """Persons with a handover in any batch, open or closed, other than in the states `unless`;
    a cancelled batch holds only those whose handover it ended (received, declined...)."""
    h, b = t.handovers.c, t.batches.c
    rows = tx.execute(
        select(h.party_id, h.record_id, h.state, b.status).join(t.batches, b.batch_id == h.batch_id)
    ).all()
    return {
        PersonRef(r.party_id, r.record_id)
        for r in rows
        if HandoverState(r.state) not in unless
        and (r.status != BatchStatus.CANCELLED.value or HandoverState(r.state) in FINAL)
    }


def planned_time(tx: Tx, batch_id: str) -> str | None:
    """When the batch was planned: the time of its batch.planned entry."""
    b, e = t.batches.c, t.log_entries.c
    row = tx.execute(
        select(e.claimed_time).join(t.batches, b.planned_idx == e.idx).where(b.batch_id == batch_id)
    ).first()
    return None if row is None else str(row[0])


def last_step_time(tx: Tx, batch_id: str, person: PersonRef) -> str | None:
    """When the person's last handover step in the batch happened (as claimed, or entered)."""
    hh = t.handover_history.c
    row = tx.execute(
        select(hh.time)
        .where(
            hh.batch_id == batch_id,
            hh.party_id == person.party_id,
            hh.record_id == person.record_id,
        )
        .order_by(hh.log_idx.desc())
        .limit(1)
    ).first()
    return None if row is None else str(row[0])


@dataclass(frozen=True)
class Amendment:
    """An amendment of a batch: its terms, who agreed, whether it is in force."""

    batch_id: str
    amendment: int
    added: tuple[tuple[PersonRef, str], ...]  # person, receiving party
    withdrawn: tuple[PersonRef, ...]
    reason: str
    agreed_by: tuple[str, ...]  # in the order they agreed
    in_force: bool


def amendments(tx: Tx, batch_id: str) -> list[Amendment]:
    """Every amendment of a batch, oldest first."""
    a = t.batch_amendments.c
    rows = tx.execute(
        select(a.amendment, a.party_id, a.terms, a.in_force)
        .where(a.batch_id == batch_id)
        .order_by(a.amendment, a.log_idx)
    ).all()
    out: dict[int, Amendment] = {}
    for r in rows:
        terms = json.loads(r.terms)
        if r.amendment in out:
            before = out[r.amendment]
            out[r.amendment] = replace(before, agreed_by=(*before.agreed_by, r.party_id))
            continue
        out[r.amendment] = Amendment(
            batch_id=batch_id,
            amendment=int(r.amendment),
            added=tuple((PersonRef.parse(p), rcv) for p, rcv in terms["added"]),
            withdrawn=tuple(PersonRef.parse(p) for p in terms["withdrawn"]),
            reason=terms["reason"],
            agreed_by=(r.party_id,),
            in_force=bool(r.in_force),
        )
    return list(out.values())


def where_persons_stand(tx: Tx, persons: Iterable[PersonRef]) -> dict[PersonRef, str]:
    """For each person with a handover, where the latest stands, in words (e.g. "received in
    batch B1"); persons never in a batch are left out."""
    keys = list({(p.party_id, p.record_id) for p in persons})
    if not keys:
        return {}
    h, b = t.handovers.c, t.batches.c
    rows = tx.execute(
        select(h.party_id, h.record_id, h.batch_id, h.state, b.status)
        .join(t.batches, b.batch_id == h.batch_id)
        .where(tuple_(h.party_id, h.record_id).in_(keys))
        .order_by(h.updated_idx)
    ).all()
    out = {}
    for r in rows:
        cancelled = " (cancelled)" if r.status == BatchStatus.CANCELLED.value else ""
        out[PersonRef(r.party_id, r.record_id)] = f"{r.state} in batch {r.batch_id}{cancelled}"
    return out


# A handover's person as their holder's held roster records them.
_ON_HELD_ROSTER = (
    t.person_records.c.roster_id == t.handovers.c.party_id + (":" + RosterKind.HELD.value)
) & (t.person_records.c.record_id == t.handovers.c.record_id)


def released_counted(tx: Tx, commitment_id: str) -> dict[str, int]:
    """Persons received so far under a commitment, by releasing party, as parity counts them
    (the seriously wounded or sick are released apart)."""
    h, b, pr = t.handovers.c, t.batches.c, t.person_records.c
    rows = tx.execute(
        select(h.party_id, pr.health)
        .join(t.batches, b.batch_id == h.batch_id)
        .outerjoin(t.person_records, _ON_HELD_ROSTER)
        .where(b.commitment_id == commitment_id, h.state == HandoverState.RECEIVED.value)
    ).all()
    out: dict[str, int] = {}
    for r in rows:
        if r.health != Health.SERIOUSLY_WOUNDED_OR_SICK.value:
            out[r.party_id] = out.get(r.party_id, 0) + 1
    return out


@dataclass(frozen=True)
class HandoverTally:
    """How many handovers of one releasing party under one commitment are in one state."""

    commitment_id: str
    party_id: str
    state: HandoverState
    confirmed: bool  # by the mediator
    count: int


def handover_tallies(tx: Tx) -> list[HandoverTally]:
    h, b = t.handovers.c, t.batches.c
    confirmed = (h.confirmed_idx.isnot(None)).label("confirmed")
    rows = tx.execute(
        select(b.commitment_id, h.party_id, h.state, confirmed, func.count())
        .join(t.batches, b.batch_id == h.batch_id)
        .group_by(b.commitment_id, h.party_id, h.state, confirmed)
    ).all()
    return [
        HandoverTally(commitment_id, party, HandoverState(state), bool(is_confirmed), int(n))
        for commitment_id, party, state, is_confirmed, n in rows
    ]


@dataclass(frozen=True)
class OffPath:
    """A handover that left the main path, or brought a person instead of another."""

    batch_id: str
    person: PersonRef
    name: str | None  # as the holder wrote it
    state: HandoverState
    receiving_party: str
    substitute: str | None
    substitute_for: str | None
    batch_cancelled: bool = False  # stopped where it stood when its batch was called off


def handovers_off_path(tx: Tx, states: Iterable[HandoverState]) -> list[OffPath]:
    """Handovers in one of `states`, those that brought a substitute, and those a cancelled
    batch stopped before a final state, batch by batch."""
    h, pr, b = t.handovers.c, t.person_records.c, t.batches.c
    stopped = (b.status == BatchStatus.CANCELLED.value) & h.state.notin_([s.value for s in FINAL])
    rows = tx.execute(
        select(
            h.batch_id,
            h.party_id,
            h.record_id,
            h.receiving_party,
            h.state,
            h.substitute,
            h.substitute_for,
            pr.display_name,
            b.status,
        )
        .join(t.batches, b.batch_id == h.batch_id)
        .outerjoin(t.person_records, _ON_HELD_ROSTER)
        .where(h.state.in_([s.value for s in states]) | h.substitute_for.isnot(None) | stopped)
        .order_by(h.batch_id, h.seq)
    ).all()
    return [
        OffPath(
            batch_id=r.batch_id,
            person=PersonRef(r.party_id, r.record_id),
            name=r.display_name,
            state=HandoverState(r.state),
            receiving_party=r.receiving_party,
            substitute=r.substitute,
            substitute_for=r.substitute_for,
            batch_cancelled=r.status == BatchStatus.CANCELLED.value,
        )
        for r in rows
    ]


def sealed_interviews(tx: Tx, batch_id: str, person: PersonRef) -> list[str]:
    """A person's consent interviews in a batch, sealed to the mediator's key, oldest first."""
    hh = t.handover_history.c
    rows = tx.execute(
        select(hh.interview)
        .where(
            hh.batch_id == batch_id,
            hh.party_id == person.party_id,
            hh.record_id == person.record_id,
            hh.interview.isnot(None),
        )
        .order_by(hh.log_idx)
    )
    return [str(x) for x in rows.scalars()]


@dataclass(frozen=True)
class SideLists:
    """A side's signed lists for one exchange commitment."""

    party_id: str
    must_include: frozenset[PersonRef]
    veto: frozenset[PersonRef]


def side_lists(tx: Tx, commitment_id: str) -> list[SideLists]:
    """Each side's must-include and veto lists for a commitment, by party."""
    c = t.side_lists.c
    rows = tx.execute(
        select(c.party_id, c.list, c.person).where(c.commitment_id == commitment_id)
    ).all()
    out: dict[str, tuple[set[PersonRef], set[PersonRef]]] = {}
    for r in rows:
        must, veto = out.setdefault(r.party_id, (set(), set()))
        party, record = r.person.split("/", 1)
        (must if r.list == "must_include" else veto).add(PersonRef(party, record))
    return [SideLists(k, frozenset(m), frozenset(v)) for k, (m, v) in sorted(out.items())]


@dataclass(frozen=True)
class HandoverStep:
    """One move of a person's handover, as the log recorded it."""

    batch_id: str
    from_state: str | None  # None when the batch planned it
    to_state: str
    actor: str
    time: str
    note: str
    log_idx: int


def receiving_parties(tx: Tx, person: PersonRef) -> set[str]:
    """The parties that receive the person in any batch."""
    h = t.handovers.c
    rows = tx.execute(
        select(h.receiving_party).where(
            h.party_id == person.party_id, h.record_id == person.record_id
        )
    )
    return set(rows.scalars())


def handover_steps(tx: Tx, person: PersonRef) -> list[HandoverStep]:
    """Every step of a held person's handovers, in every batch, oldest first."""
    hh = t.handover_history.c
    rows = tx.execute(
        select(hh.batch_id, hh.from_state, hh.to_state, hh.actor, hh.time, hh.note, hh.log_idx)
        .where(hh.party_id == person.party_id, hh.record_id == person.record_id)
        .order_by(hh.log_idx)
    )
    return [HandoverStep(*r) for r in rows]


def planned_index(tx: Tx, batch_id: str) -> int | None:
    """The log index of the batch's batch.planned entry."""
    b = t.batches.c
    found = tx.execute(select(b.planned_idx).where(b.batch_id == batch_id)).scalar_one_or_none()
    return None if found is None else int(found)


@dataclass(frozen=True)
class PartyHandover:
    """One handover a party releases or receives, with its batch's heading."""

    batch_id: str
    place: str
    planned_date: str | None  # ISO date
    batch_status: str
    person: PersonRef
    receiving_party: str
    state: str


def handovers_of_party(tx: Tx, party_id: str) -> list[PartyHandover]:
    """Every handover in which the party releases or receives, batch by batch as planned."""
    h, b = t.handovers.c, t.batches.c
    rows = tx.execute(
        select(b.batch_id, b.place, b.planned_date, b.status, h.party_id, h.record_id)
        .add_columns(h.receiving_party, h.state)
        .join(t.batches, b.batch_id == h.batch_id)
        .where((h.party_id == party_id) | (h.receiving_party == party_id))
        .order_by(b.planned_idx, h.seq)
    )
    return [PartyHandover(r[0], r[1], r[2], r[3], PersonRef(r[4], r[5]), r[6], r[7]) for r in rows]


@dataclass(frozen=True)
class DayTally:
    """How many handover steps of one kind a phase saw on one day (of the entries' time)."""

    phase_id: str
    day: str  # YYYY-MM-DD
    from_state: str | None  # None: the batch planned the person
    to_state: str
    count: int


def handover_days(tx: Tx) -> list[DayTally]:
    """Every phase's handover steps counted by day and move, in day order: what a chart of
    the phases over time draws."""
    h, b = t.handover_history.c, t.batches.c
    day = func.substr(h.time, 1, 10)
    query = (
        select(b.phase_id, day.label("day"), h.from_state, h.to_state, func.count().label("n"))
        .join_from(t.handover_history, t.batches, h.batch_id == b.batch_id)
        .group_by(b.phase_id, day, h.from_state, h.to_state)
        .order_by(day)
    )
    return [
        DayTally(r.phase_id, r.day, r.from_state, r.to_state, int(r.n)) for r in tx.execute(query)
    ]


@dataclass(frozen=True)
class BoardLine:
    """One person of a batch as a board lists them: no domain objects, a board holds thousands."""

    party_id: str
    record_id: str
    receiving_party: str
    state: str
    confirmed: bool
    substitute: str | None
    substitute_for: str | None


def board_lines(tx: Tx, batch_id: str) -> tuple[BatchHeading, list[BoardLine]] | None:
    """A batch's heading and every person in it in the order they joined; None if unknown."""
    b = t.batches.c
    head = tx.execute(
        select(b.batch_id, b.commitment_id, b.status, b.place, b.planned_date).where(
            b.batch_id == batch_id
        )
    ).one_or_none()
    if head is None:
        return None
    h = t.handovers.c
    query = (
        select(
            h.party_id,
            h.record_id,
            h.receiving_party,
            h.state,
            h.confirmed_idx,
            h.substitute,
            h.substitute_for,
        )
        .where(h.batch_id == batch_id)
        .order_by(h.seq)
    )
    lines = [
        BoardLine(
            r.party_id,
            r.record_id,
            r.receiving_party,
            r.state,
            r.confirmed_idx is not None,
            r.substitute,
            r.substitute_for,
        )
        for r in tx.execute(query)
    ]
    heading = BatchHeading(
        head.batch_id, head.commitment_id, head.status, head.place, head.planned_date
    )
    return heading, lines


def latest_handovers(tx: Tx, persons: Iterable[PersonRef]) -> dict[PersonRef, tuple[str, str]]:
    """For each person with a handover, the batch and state of the one that moved last;
    persons never in a batch are left out."""
    keys = list({(p.party_id, p.record_id) for p in persons})
    if not keys:
        return {}
    h = t.handovers.c
    rows = tx.execute(
        select(h.party_id, h.record_id, h.batch_id, h.state)
        .where(tuple_(h.party_id, h.record_id).in_(keys))
        .order_by(h.updated_idx)
    ).all()
    return {PersonRef(r.party_id, r.record_id): (r.batch_id, r.state) for r in rows}
