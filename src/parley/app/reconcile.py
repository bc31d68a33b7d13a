"""Reconciliation: match proposals between sought and held records, the mediator's decisions,
the parties' acknowledgements, and the persons sought but not located."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.events import Event
from parley.domain.matches import (
    MatchState,
    RecordRef,
    check_decision,
    identifiers_conflict,
    match_id,
)
from parley.domain.parties import Role
from parley.store import tables as t

if TYPE_CHECKING:  # linkage pulls in Splink and pandas: loaded only when a command links
    from parley.linkage import Link, LinkageRecord


@dataclass(frozen=True)
class Candidate:
    """A pair a matcher (or a person) suggests, with its score and its reasons in words."""

    left: RecordRef
    right: RecordRef
    score: float
    explanation: str


@dataclass(frozen=True)
class Proposed:
    proposed: list[str]
    refused: list[tuple[str, str]]  # (pair, why it may not be linked automatically)
    known: list[str]


def _records(conn: Connection, refs: set[RecordRef]) -> dict[RecordRef, dict[str, Any]]:
    """The current fields of each record named, one query a roster; a missing one is named."""
    pr = t.person_records.c
    out: dict[RecordRef, dict[str, Any]] = {}
    for roster in {r.roster_id for r in refs}:
        wanted = {r.record_id for r in refs if r.roster_id == roster}
        for row in conn.execute(select(pr.record_id, pr.data).where(pr.roster_id == roster)):
            if row.record_id in wanted:
                out[RecordRef(roster, row.record_id)] = json.loads(row.data)
    for ref in refs - set(out):
        raise NotFound(f"there is no record {ref}")
    return out


def exact_candidates(ledger: Ledger, *, sought: str, held: str) -> list[Candidate]:
    """Pairs whose full birth date and capture date agree exactly (and service numbers, where
    both records carry one): a strict first pass that needs no name comparison; names across
    scripts are the name engine's work (`parley.names`, `parley.linkage`)."""
    with ledger.reading() as conn:
        left, right = _roster_records(conn, sought), _roster_records(conn, held)
    index: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for rid, data in right.items():
        born, captured = data.get("birth_date", ""), data.get("capture_date", "")
        if len(born) == 10 and captured:
            index.setdefault((born, captured), []).append((rid, data))
    out = []
    for rid, data in left.items():
        found = index.get((data.get("birth_date", ""), data.get("capture_date", "")), [])
        for other_id, other in found:
            if identifiers_conflict(data, other) is None:
                reason = f"birth date {data['birth_date']} and capture date {data['capture_date']} agree exactly"
                if data.get("service_number") and data.get("service_number") == other.get(
                    "service_number"
                ):
                    reason += f"; service number {data['service_number']} agrees"
                names = f"{_name(data)} / {_name(other)}"
                score = 0.9 if len(found) == 1 else 0.5
                out.append(
                    Candidate(
                        RecordRef(sought, rid),
                        RecordRef(held, other_id),
                        score,
                        f"{reason} ({names})",
                    )
                )
    return out


def name_candidates(
    ledger: Ledger, *, sought: str, held: str, record_ids: Sequence[str], threshold: float = 0.85
) -> list[Candidate]:
    """For each named sought record, the best held record by name across scripts (with the
    birth date as written), when the names engine scores it at or above `threshold`."""
    from parley.linkage import SearchIndex

    with ledger.reading() as conn:
        left, right = _roster_records(conn, sought), _roster_records(conn, held)
    index = SearchIndex(_linkage_records(right))
    out = []
    for rid in record_ids:
        data = left[rid]
        for hit in index.search(_query(data), data.get("birth_date"), top=1):
            if hit.score >= threshold and identifiers_conflict(data, right[hit.record_id]) is None:
                out.append(
                    Candidate(
                        RecordRef(sought, rid),
                        RecordRef(held, hit.record_id),
                        hit.score,
                        hit.explanation,
                    )
                )
    return out


def _name(data: dict[str, Any]) -> str:
    return str(
        data.get("full_name")
        or " ".join(data.get(k, "") for k in ("family_name", "given_name")).strip()
    )


def _query(data: dict[str, Any]) -> str:
    """A record's name as a search query: family and given names, then the patronymic."""
    return _name(data) + (" " + data["patronymic"] if data.get("patronymic") else "")


def _roster_records(conn: Connection, roster: str) -> dict[str, dict[str, Any]]:
    """The current, unerased records of a roster by record id."""
    pr = t.person_records.c
    rows = conn.execute(
        select(pr.record_id, pr.data).where(pr.roster_id == roster, pr.erased_idx.is_(None))
    )
    return {r.record_id: json.loads(r.data) for r in rows}


def substitute_proposal(
    conn: Connection,
    *,
    actor: str,
    brought: RecordRef,
    sought: str,
    threshold: float = 0.85,
) -> Event | None:
    """Inside a command's transaction: the proposal that matches a person brought instead of
    another against the receiving side's sought roster, if the names engine finds one.

    A person nobody asked for is still handed over; the mediator then sees that no sought
    record matched (None)."""
    from parley.linkage import SearchIndex

    wanted = _current_records(conn, sought)
    data = _records(conn, {brought})[brought]
    if not wanted:
        return None
    index = SearchIndex(_linkage_records(wanted))
    known = set(conn.execute(select(t.matches.c.match_id)).scalars())
    for hit in index.search(_query(data), data.get("birth_date"), top=3):
        if hit.score < threshold or identifiers_conflict(data, wanted[hit.record_id]):
            continue
        other = RecordRef(sought, hit.record_id)
        mid = match_id(other, brought)
        if mid in known:
            return None
        payload = ev.MatchProposed(
            match_id=mid,
            left=str(other),
            right=str(brought),
            score=round(float(hit.score), 6),
            explanation=f"brought as a substitute; {hit.explanation}",
            duplicate=False,
        )
        return Event(actor, payload)
    return None


def _current_records(conn: Connection, roster: str) -> dict[str, dict[str, Any]]:
    """The unerased records on the current version of a roster."""
    version = conn.execute(
        select(t.rosters.c.version).where(t.rosters.c.roster_id == roster)
    ).scalar_one_or_none()
    if version is None:
        return {}
    m = t.roster_members.c
    members = set(
        conn.execute(
            select(m.record_id).where(m.roster_id == roster, m.version == version)
        ).scalars()
    )
    return {k: v for k, v in _roster_records(conn, roster).items() if k in members}


def _linkage_records(records: dict[str, dict[str, Any]]) -> list[LinkageRecord]:
    from parley.linkage import LinkageRecord

    fields = set(LinkageRecord.__dataclass_fields__) - {"record_id"}
    return [
        LinkageRecord(
            record_id=rid,
            **{k: str(v) for k, v in data.items() if k in fields and v not in ("", None)},
        )
        for rid, data in records.items()
    ]


@dataclass
class Linked:
    """What a batch linkage found: candidates to propose, pairs held back, and warnings;
    groups of candidates too close to tell apart, side by side, for the mediator to choose
    from (never proposed)."""

    candidates: list[Candidate]
    held: list[tuple[RecordRef, RecordRef, str]]
    warnings: list[str]
    ambiguous: dict[str, list[Candidate]] = field(default_factory=dict)


def linked_candidates(
    ledger: Ledger, *, sought: str, held: str, threshold: float | None = None
) -> Linked:
    """Splink's Fellegi-Sunter model over a sought roster and a held roster (parley.linkage):
    every pair at or above the threshold, explained; pairs whose identifiers differ are held."""
    from parley.linkage import link

    with ledger.reading() as conn:
        left, right = _current_records(conn, sought), _current_records(conn, held)
    if not left or not right:
        empty = sought if not left else held
        return Linked([], [], [f"{empty} has no records yet"])
    # A proposal must not rest on records whose identifiers contradict: those wait for the
    # mediator in `held`, however well the rest agrees.
    held_records = _linkage_records(right)
    result = link(
        _linkage_records(left), held_records, threshold=threshold, hold_differing_ids=True
    )
    found = Linked(
        [],
        [
            (RecordRef(sought, lk.left_id), RecordRef(held, lk.right_id), lk.explanation)
            for lk in result.held
        ],
        result.warnings,
    )
    for lk in result.links:
        c = Candidate(
            RecordRef(sought, lk.left_id),
            RecordRef(held, lk.right_id),
            lk.match_probability,
            lk.explanation,
        )
        if lk.ambiguous:  # shown to the mediator as a group, proposed by no one
            found.ambiguous.setdefault(lk.ambiguous, []).append(c)
        else:
            found.candidates.append(c)
    taken = [*result.links, *result.held]
    found.candidates += searched_candidates(left, right, held_records, taken, sought, held)
    return found


def searched_candidates(
    left: Mapping[str, dict[str, Any]],
    right: Mapping[str, dict[str, Any]],
    held_records: Sequence[LinkageRecord],
    taken: Sequence[Link],
    sought: str,
    held: str,
) -> list[Candidate]:
    """The pairs `search` answers clearly (`SearchIndex.clear_first`: first by a clear lead,
    birth dates that agree) among the records batch linkage left alone: search and batch
    reconciliation rest on the same evidence."""
    from parley.linkage import SearchIndex

    done_l = {lk.left_id for lk in taken}
    done_r = {lk.right_id for lk in taken}
    alone = [rid for rid in left if rid not in done_l and left[rid].get("birth_date")]
    if not alone:
        return []
    index = SearchIndex(held_records)
    out = []
    for rid in alone:
        data = left[rid]
        hit = index.clear_first(_query(data), str(data["birth_date"]))
        if hit is None or hit.record_id in done_r:
            continue
        if identifiers_conflict(data, right[hit.record_id]) is not None:
            continue
        done_r.add(hit.record_id)
        why = f"search ranks it first by a clear lead: {hit.explanation}"
        pair = RecordRef(sought, rid), RecordRef(held, hit.record_id)
        out.append(Candidate(*pair, hit.score, why))
    return out


def _birth_year(data: Mapping[str, object]) -> str | None:
    born = str(data.get("birth_date") or "")
    return born[:4] if born[:4].isdigit() else None


def duplicate_candidates(ledger: Ledger, *, roster: str, threshold: float = 0.92) -> Linked:
    """Records of one roster that may be one human written twice: each record's name and
    birth date searched among the others (the names engine). Duplicates are proposed as
    links, never merged; differing identifiers are held.

    One side writes its own roster in one hand, so a record is searched only among those
    born the same year (a record without a birth year among all): a duplicate whose two
    writings disagree on the year is left to the mediator's eye."""
    from parley.linkage import SearchIndex

    with ledger.reading() as conn:
        records = _current_records(conn, roster)
    blocks: dict[str | None, dict[str, dict[str, Any]]] = {}
    for rid, data in records.items():
        blocks.setdefault(_birth_year(data), {})[rid] = data
    whole = SearchIndex(_linkage_records(records)) if None in blocks else None
    indexes = {
        year: SearchIndex(_linkage_records(block))
        for year, block in blocks.items()
        if year is not None and len(block) > 1
    }
    out: list[Candidate] = []
    held: list[tuple[RecordRef, RecordRef, str]] = []
    seen: set[tuple[str, str]] = set()
    for rid, data in records.items():
        query = _query(data)
        year = _birth_year(data)
        index = whole if year is None else indexes.get(year)
        if not query.strip() or index is None:
            continue
        for hit in index.search(query, data.get("birth_date"), top=4):
            pair = (min(rid, hit.record_id), max(rid, hit.record_id))
            if hit.record_id == rid or hit.score < threshold or pair in seen:
                continue
            seen.add(pair)
            a, b = RecordRef(roster, pair[0]), RecordRef(roster, pair[1])
            why = identifiers_conflict(records[pair[0]], records[pair[1]])
            if why is not None:
                held.append((a, b, why))
                continue
            out.append(Candidate(a, b, hit.score, f"possibly written twice: {hit.explanation}"))
    return Linked(out, held, [])


def propose(ledger: Ledger, *, actor: str, candidates: Sequence[Candidate]) -> Proposed:
    """Record proposals; pairs whose service numbers or national ids differ are refused."""
    outcome = Proposed([], [], [])

    def decide(conn: Connection) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.MATCH_PROPOSE)
        known = set(conn.execute(select(t.matches.c.match_id)).scalars())
        records = _records(conn, {ref for c in candidates for ref in (c.left, c.right)})
        events = []
        for c in candidates:
            mid = match_id(c.left, c.right)
            if c.left == c.right:
                raise DomainError(f"{c.left} cannot match itself")
            if mid in known:
                outcome.known.append(mid)
                continue
            why = identifiers_conflict(records[c.left], records[c.right])
            if why is not None:
                outcome.refused.append((mid, why))
                continue
            known.add(mid)
            outcome.proposed.append(mid)
            payload = ev.MatchProposed(
                match_id=mid,
                left=str(c.left),
                right=str(c.right),
                score=round(float(c.score), 6),
                explanation=c.explanation,
                duplicate=c.left.party_id == c.right.party_id,
            )
            events.append(Event(actor, payload))
        return events

    ledger.execute(decide)
    return outcome


def decide(ledger: Ledger, *, actor: str, mid: str, state: MatchState, note: str = "") -> Appended:
    """The mediator confirms or rejects a proposal; duplicates are linked, never merged."""
    return decide_many(ledger, actor=actor, mids=[mid], state=state, note=note)


def decide_many(
    ledger: Ledger, *, actor: str, mids: Sequence[str], state: MatchState, note: str = ""
) -> Appended:
    """One decision on many proposals, one event each, all or none."""

    def run(conn: Connection) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.MATCH_DECIDE)
        states: dict[str, str] = {
            r.match_id: r.state
            for r in conn.execute(select(t.matches.c.match_id, t.matches.c.state))
        }
        events = []
        for mid in mids:
            if mid not in states:
                raise NotFound(f"there is no match {mid}")
            check_decision(MatchState(states[mid]), state)
            states[mid] = state.value
            events.append(Event(actor, ev.MatchDecided(mid, state, note)))
        return events

    return ledger.execute(run)


def acknowledge(ledger: Ledger, *, actor: str, mid: str) -> Appended:
    """A party acknowledges a confirmed match about one of its own records."""

    def run(conn: Connection) -> Sequence[Event]:
        row = conn.execute(select(t.matches).where(t.matches.c.match_id == mid)).one_or_none()
        if row is None:
            raise NotFound(f"there is no match {mid}")
        parties = {RecordRef.parse(row.left_ref).party_id, RecordRef.parse(row.right_ref).party_id}
        authz.require(conn, actor, authz.Action.MATCH_ACKNOWLEDGE, parties=parties)
        if row.state != MatchState.CONFIRMED.value:
            raise Conflict(f"match {mid} is {row.state}; only confirmed matches are acknowledged")
        done = conn.execute(
            select(t.match_acknowledgements.c.party_id).where(
                t.match_acknowledgements.c.match_id == mid,
                t.match_acknowledgements.c.party_id == actor,
            )
        ).first()
        if done:
            raise Conflict(f"{actor} has already acknowledged match {mid}")
        return [Event(actor, ev.MatchAcknowledged(mid))]

    return ledger.execute(run)


def matches(ledger: Ledger, *, actor: str) -> list[dict[str, Any]]:
    """The matches the actor may see: all for the mediator, confirmed ones about its people for a side."""
    with ledger.reading() as conn:
        who = authz.require(conn, actor, authz.Action.MATCH_LIST)
        acks: dict[str, list[str]] = {}
        for a in conn.execute(select(t.match_acknowledgements)):
            acks.setdefault(a.match_id, []).append(a.party_id)
        out = []
        for r in conn.execute(select(t.matches).order_by(t.matches.c.proposed_idx)):
            about = {RecordRef.parse(r.left_ref).party_id, RecordRef.parse(r.right_ref).party_id}
            if not authz.sees_match(who, about, r.state == MatchState.CONFIRMED.value):
                continue
            out.append(
                {
                    "match_id": r.match_id,
                    "left": r.left_ref,
                    "right": r.right_ref,
                    "score": r.score,
                    "state": r.state,
                    "duplicate": r.duplicate,
                    "explanation": r.explanation,
                    "acknowledged_by": sorted(acks.get(r.match_id, [])),
                }
            )
        return out


def not_located(ledger: Ledger, *, actor: str, party_id: str) -> list[dict[str, Any]]:
    """The party's sought persons with no confirmed match on another party's held roster."""
    with ledger.reading() as conn:
        authz.require(conn, actor, authz.Action.NOT_LOCATED_READ, owner=party_id)
        rid = f"{party_id}:sought"
        version = conn.execute(
            select(t.rosters.c.version).where(t.rosters.c.roster_id == rid)
        ).scalar_one_or_none()
        if version is None:
            raise NotFound(f"{party_id} has no sought roster")
        m = t.roster_members.c
        sought = set(
            conn.execute(
                select(m.record_id).where(m.roster_id == rid, m.version == version)
            ).scalars()
        )
        located: set[str] = set()
        for r in conn.execute(
            select(t.matches).where(t.matches.c.state == MatchState.CONFIRMED.value)
        ):
            for mine, other in ((r.left_ref, r.right_ref), (r.right_ref, r.left_ref)):
                a, b = RecordRef.parse(mine), RecordRef.parse(other)
                if a.roster_id == rid and b.kind == "held" and b.party_id != party_id:
                    located.add(a.record_id)
        pr = t.person_records.c
        rows = conn.execute(
            select(pr.record_id, pr.display_name, pr.data)
            .where(pr.roster_id == rid)
            .order_by(pr.record_id)
        ).all()
        return [
            {
                "record": f"{rid}/{r.record_id}",
                "name": r.display_name,
                "evidence": json.loads(r.data).get("evidence", "unknown"),
            }
            for r in rows
            if r.record_id in sought and r.record_id not in located
        ]


@dataclass
class Reconciled:
    """One reconciliation run, per roster pair: what was proposed, held back and said."""

    pairs: list[tuple[str, str, Proposed, Linked]]


def reconcile_all(
    ledger: Ledger, *, actor: str, threshold: float | None = None, duplicates: bool = True
) -> Reconciled:
    """The mediator's batch reconciliation: each side's sought roster against the other
    side's held roster on Splink, and each roster against itself for duplicates. Every
    candidate becomes a proposal (one already proposed or decided is not proposed again)."""
    with ledger.reading() as conn:
        authz.require(conn, actor, authz.Action.MATCH_RECONCILE)
        sides = sorted(
            conn.execute(
                select(t.parties.c.party_id).where(t.parties.c.role == Role.SIDE.value)
            ).scalars()
        )
        rosters = set(conn.execute(select(t.rosters.c.roster_id)).scalars())
    out = Reconciled([])
    for seeker in sides:
        for holder in sides:
            if holder == seeker:
                continue
            sought, held = f"{seeker}:sought", f"{holder}:held"
            if sought in rosters and held in rosters:
                found = linked_candidates(ledger, sought=sought, held=held, threshold=threshold)
                done = propose(ledger, actor=actor, candidates=found.candidates)
                out.pairs.append((sought, held, done, found))
    if duplicates:
        for roster in sorted(rosters):
            found = duplicate_candidates(ledger, roster=roster)
            done = propose(ledger, actor=actor, candidates=found.candidates)
            out.pairs.append((roster, roster, done, found))
    return out
