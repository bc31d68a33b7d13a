"""Reconciliation: match proposals between sought and held records, the mediator's decisions,
the parties' acknowledgements, and the persons sought but not located."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parley.app import authz, match_groups
from parley.app.explanations import explain_matches
from parley.app.language import DEFAULT
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.events import Event
from parley.domain.matches import (
    MatchState,
    RecordRef,
    check_decision,
    check_identifiers,
    check_not_ambiguous,
    check_proposable,
    check_reversal,
    identifiers_conflict,
    match_id,
)
from parley.domain.parties import Role
from parley.domain.rosters import RosterKind, roster_id, roster_owner
from parley.errors import N_, Word
from parley.store import Tx, keys, rosters
from parley.store import matches as stored

if TYPE_CHECKING:  # linkage pulls in Splink and pandas: loaded only when a command links
    from parley.linkage import Link, LinkageRecord

Progress = Callable[[str, float], None]  # what is being done, and how far, 0 to 1


@dataclass(frozen=True)
class Candidate:
    """A pair a matcher (or a person) suggests, with its score and its reasons in words."""

    left: RecordRef
    right: RecordRef
    score: float
    explanation: str
    # How it was found, naming no one: what the log keeps (the explanation is computed when
    # shown, parley.app.explanations). None: the explanation is a person's own note, kept.
    basis: str | None = None


@dataclass(frozen=True)
class ProposalOutcome:
    """What became of the candidates offered as match proposals."""

    proposed: list[str]
    refused: list[tuple[str, str]]  # (pair, why it may not be linked automatically)
    known: list[str]
    known_states: dict[str, MatchState] = field(default_factory=dict)  # when `named`


def _records(tx: Tx, refs: set[RecordRef]) -> dict[RecordRef, dict[str, Any]]:
    """The current fields of each record named, one query a roster; a missing one is named."""
    out: dict[RecordRef, dict[str, Any]] = {}
    for roster in {r.roster_id for r in refs}:
        wanted = {r.record_id for r in refs if r.roster_id == roster}
        for record_id, record in rosters.records(tx, roster).items():
            if record_id in wanted:
                out[RecordRef(roster, record_id)] = record.data
    for ref in refs - set(out):
        raise NotFound(N_("there is no record {ref}"), ref=ref)
    return out


# The bases these passes record (the log keeps them; a page says them in its reader's words).
_EXACT_BASIS = N_("birth date and capture date agree exactly")
_EXACT_BASIS_NUMBER = N_("birth date and capture date agree exactly; service number agrees")


def exact_candidates(ledger: Ledger, *, sought: str, held: str) -> list[Candidate]:
    """Pairs whose full birth date and capture date agree exactly (and service numbers, where
    both records carry one): a strict first pass that needs no name comparison; names across
    scripts are the name engine's work (`parley.names`, `parley.linkage`)."""
    with ledger.reading() as tx:
        left, right = _roster_records(tx, sought), _roster_records(tx, held)
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
                basis = _EXACT_BASIS
                if data.get("service_number") and data.get("service_number") == other.get(
                    "service_number"
                ):
                    reason += f"; service number {data['service_number']} agrees"
                    basis = _EXACT_BASIS_NUMBER
                names = f"{_name(data)} / {_name(other)}"
                score = 0.9 if len(found) == 1 else 0.5
                out.append(
                    Candidate(
                        RecordRef(sought, rid),
                        RecordRef(held, other_id),
                        score,
                        f"{reason} ({names})",
                        basis,
                    )
                )
    return out


def name_candidates(
    ledger: Ledger, *, sought: str, held: str, record_ids: Sequence[str], threshold: float = 0.85
) -> list[Candidate]:
    """For each named sought record, the best held record by name across scripts (with the
    birth date as written), when the names engine scores it at or above `threshold`."""
    from parley.linkage import SearchIndex

    with ledger.reading() as tx:
        left, right = _roster_records(tx, sought), _roster_records(tx, held)
    index = SearchIndex(linkage_records(right))
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
                        "the names engine finds it first by name across scripts",
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


def _roster_records(tx: Tx, roster: str) -> dict[str, dict[str, Any]]:
    """The current, unerased records of a roster by record id."""
    return {rid: r.data for rid, r in rosters.records(tx, roster, erased=False).items()}


def substitute_proposal(
    tx: Tx,
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

    wanted = _current_records(tx, sought)
    data = _records(tx, {brought})[brought]
    if not wanted:
        return None
    index = SearchIndex(linkage_records(wanted))
    known = stored.match_ids(tx)
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
            basis=N_("brought as a substitute; the names engine finds this sought record"),
            duplicate=False,
        )
        return Event(actor, payload)
    return None


def _current_records(tx: Tx, roster: str) -> dict[str, dict[str, Any]]:
    """The unerased records on the current version of a roster."""
    members = rosters.current_members(tx, roster)
    if not members:
        return {}
    return {k: v for k, v in _roster_records(tx, roster).items() if k in members}


def linkage_records(records: Mapping[str, Mapping[str, Any]]) -> list[LinkageRecord]:
    """Records' fields by record id, as the linkage reads them (empty fields left out)."""
    from parley.linkage import LinkageRecord

    fields = set(LinkageRecord.__dataclass_fields__) - {"record_id"}
    return [
        LinkageRecord(
            record_id=rid,
            **{k: str(v) for k, v in data.items() if k in fields and v not in ("", None)},
        )
        for rid, data in records.items()
    ]


_linkage_records = linkage_records  # the name an older test reaches for


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
    ledger: Ledger,
    *,
    sought: str,
    held: str,
    threshold: float | None = None,
    progress: Progress | None = None,
    one_to_one: bool = False,
) -> Linked:
    """Splink's Fellegi-Sunter model over a sought roster and a held roster (parley.linkage):
    every pair at or above the threshold, explained; pairs whose identifiers differ are held.
    Candidates too close to tell apart come back as groups (`ambiguous`), never as candidates;
    `one_to_one` answers each record with its most probable candidate instead."""
    from parley.linkage import link

    with ledger.reading() as tx:
        left, right = _current_records(tx, sought), _current_records(tx, held)
    if not left or not right:
        empty = sought if not left else held
        return Linked([], [], [f"{empty} has no records yet"])
    # A proposal must not rest on records whose identifiers contradict: those wait for the
    # mediator in `held`, however well the rest agrees.
    held_records = linkage_records(right)
    result = link(
        linkage_records(left),
        held_records,
        threshold=threshold,
        hold_differing_ids=True,
        progress=progress,
        one_to_one=one_to_one,
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
            f"record linkage: {lk.basis}",
        )
        if lk.ambiguous and not one_to_one:  # a group for the mediator, proposed by no one
            found.ambiguous.setdefault(lk.ambiguous, []).append(c)
        else:
            found.candidates.append(c)
    taken = [*result.links, *result.held]
    if progress is not None:
        progress("searching for the records linkage left alone", 0.95)
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
        out.append(Candidate(*pair, hit.score, why, N_("search ranks it first by a clear lead")))
    return out


def duplicate_candidates(
    ledger: Ledger, *, roster: str, threshold: float = 0.92, progress: Progress | None = None
) -> Linked:
    """Records of one roster that may be one human written twice: each pair of records whose
    names and birth dates the names engine scores at `threshold` or more, as a search of one
    by the other would. Duplicates are proposed as links, never merged; differing
    identifiers are held.

    One side writes its own roster in one hand, so records are compared only with those born
    the same year (a record without a birth year with all): a duplicate whose two writings
    disagree on the year is left to the mediator's eye. All pairs of a year are estimated at
    once (`parley.linkage.twins`), so the pass costs about what the cross-side pass does
    (benchmarks/reconcile_rosters.py)."""
    from parley.linkage.twins import written_twice

    with ledger.reading() as tx:
        records = _current_records(tx, roster)

    def step(fraction: float) -> None:
        if progress is not None:
            progress("comparing the records born the same year", fraction)

    found = [
        (rid, hit.record_id, hit.score, hit.explanation)
        for rid, hit in written_twice(linkage_records(records), threshold, step)
    ]
    out: list[Candidate] = []
    held: list[tuple[RecordRef, RecordRef, str]] = []
    seen: set[tuple[str, str]] = set()
    for rid, other, score, explanation in found:
        pair = (min(rid, other), max(rid, other))
        if other == rid or score < threshold or pair in seen:
            continue
        seen.add(pair)
        a, b = RecordRef(roster, pair[0]), RecordRef(roster, pair[1])
        why = identifiers_conflict(records[pair[0]], records[pair[1]])
        if why is not None:
            held.append((a, b, why))
            continue
        why = f"possibly written twice: {explanation}"
        out.append(Candidate(a, b, score, why, N_("possibly written twice")))
    if progress is not None:
        progress("compared", 1.0)
    return Linked(out, held, [])


def propose(
    ledger: Ledger, *, actor: str, candidates: Sequence[Candidate], named: bool = False
) -> ProposalOutcome:
    """Record proposals; pairs whose service numbers or national ids differ are refused.
    `named`: the mediator named these pairs (not a run's finds): a pair already on record
    says its state; one of an ambiguous group (chosen with its group) or whose identifiers
    differ is refused."""
    outcome = ProposalOutcome([], [], [])

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.MATCH_PROPOSE)
        known = stored.match_ids(tx)
        records = _records(tx, {ref for c in candidates for ref in (c.left, c.right)})
        events = []
        for c in candidates:
            mid = match_id(c.left, c.right)
            if c.left == c.right:
                raise DomainError(N_("{left} cannot match itself"), left=c.left)
            if mid in known:
                if named:
                    group, state = stored.standing(tx, {mid})[mid]
                    check_proposable(mid, state, group)
                    outcome.known_states[mid] = state
                outcome.known.append(mid)
                continue
            if named:
                check_identifiers(mid, records[c.left], records[c.right])
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
                basis=c.explanation if c.basis is None else c.basis,
                duplicate=c.left.party_id == c.right.party_id,
            )
            events.append(Event(actor, payload))
        return events

    ledger.execute(decide)
    return outcome


def decide_match(
    ledger: Ledger, *, actor: str, mid: str, state: MatchState, note: str = ""
) -> Appended:
    """The mediator confirms or rejects a proposal; duplicates are linked, never merged."""
    return decide_matches(ledger, actor=actor, mids=[mid], state=state, note=note)


def decide_matches(
    ledger: Ledger, *, actor: str, mids: Sequence[str], state: MatchState, note: str = ""
) -> Appended:
    """One decision on many proposals, one event each, all or none."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.MATCH_DECIDE)
        states = stored.match_states(tx)
        events = []
        for mid in mids:
            if mid not in states:
                raise NotFound(N_("there is no match {mid}"), mid=mid)
            check_not_ambiguous(mid, states[mid])
            check_decision(states[mid], state)
            if state is MatchState.CONFIRMED:
                _refuse_erased(tx, mid)
            states[mid] = state
            events.append(Event(actor, ev.MatchDecided(mid, state, note)))
        return events

    return ledger.execute(decide)


def _refuse_erased(tx: Tx, mid: str) -> None:
    """A proposal left about a record erased since is rejected, never confirmed: a
    confirmation would join the other record to a person who is no longer there."""
    found = stored.match(tx, mid)
    for ref in () if found is None else (found.left, found.right):
        record = rosters.current_record(tx, ref.roster_id, ref.record_id)
        if record is not None and record.erased:
            raise Conflict(
                N_("match {mid}: {ref} was erased; reject the proposal instead"), mid=mid, ref=ref
            )


def reverse_match(ledger: Ledger, *, actor: str, mid: str, reason: str) -> Appended:
    """The mediator takes back a confirmed match, saying why: a new signed event; the
    confirmation and any acknowledgement stay on the log as they were."""
    if not reason.strip():
        raise DomainError(N_("match {mid}: a reversal says why (--reason)"), mid=mid)

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.MATCH_REVERSE)
        found = stored.match(tx, mid)
        if found is None:
            raise NotFound(N_("there is no match {mid}"), mid=mid)
        check_reversal(found.state)
        reopened = match_groups.reopened_by_reversal(tx, found)
        return [Event(actor, ev.MatchReversed(mid, reason.strip(), reopened or None))]

    return ledger.execute(decide)


def acknowledge(ledger: Ledger, *, actor: str, mid: str) -> Appended:
    """A party acknowledges a confirmed match about one of its own records."""

    def decide(tx: Tx) -> Sequence[Event]:
        found = stored.match(tx, mid)
        if found is None:
            raise NotFound(N_("there is no match {mid}"), mid=mid)
        authz.require(tx, actor, authz.Action.MATCH_ACKNOWLEDGE, parties=found.parties)
        if found.state is not MatchState.CONFIRMED:
            raise Conflict(
                N_("match {mid} is {state}; only confirmed matches are acknowledged"),
                mid=mid,
                state=Word(found.state.value),
            )
        if stored.has_acknowledged(tx, mid, actor):
            raise Conflict(N_("{actor} has already acknowledged match {mid}"), actor=actor, mid=mid)
        return [Event(actor, ev.MatchAcknowledged(mid))]

    return ledger.execute(decide)


def _record_view(record: rosters.CurrentRecord | None) -> dict[str, Any]:
    """A record as a match list shows it: its name as written (in its own script) and dates;
    an erased record shows none of its values."""
    if record is None or record.erased:
        return {"name": None, "birth_date": None, "capture_date": None, "erased": True}
    data = record.data
    return {
        "name": record.display_name,
        "birth_date": data.get("birth_date") or None,
        "capture_date": data.get("capture_date") or None,
        "erased": False,
    }


def matches(
    ledger: Ledger,
    *,
    actor: str,
    state: MatchState | None = None,
    min_score: float | None = None,
    below: float | None = None,
    locale: str = DEFAULT,
) -> list[dict[str, Any]]:
    """The matches the actor may see: all for the mediator, confirmed ones about its people
    for a side; with `state`, `min_score` (at or above) or `below`, only those. Each names
    its two records as written, with their dates, where the actor may read the person; its
    explanation in `locale`."""
    with ledger.reading() as tx:
        who = authz.require(tx, actor, authz.Action.MATCH_LIST)
        acks = stored.acknowledged_by(tx)
        found = [
            m
            for m in stored.matches(tx, state)
            if authz.sees_match(who, m.parties, m.state is MatchState.CONFIRMED)
            and (min_score is None or m.score >= min_score)
            and (below is None or m.score < below)
        ]
        words = explain_matches(tx, found, locale)
        shown: dict[str, dict[str, rosters.CurrentRecord]] = {}
        for roster in sorted({ref.roster_id for m in found for ref in (m.left, m.right)}):
            if authz.allows(who, authz.Action.PERSON_READ, owner=roster_owner(roster)):
                shown[roster] = rosters.records(tx, roster)
    rows = []
    for m in found:
        row: dict[str, Any] = {
            "match_id": m.match_id,
            "left": str(m.left),
            "right": str(m.right),
            "score": m.score,
            "state": m.state.value,
            "duplicate": m.duplicate,
            "explanation": words[m.match_id],
            "acknowledged_by": sorted(acks.get(m.match_id, [])),
            "group": m.group,  # the ambiguous group it is (or was) a candidate of
        }
        for side, ref in (("left_record", m.left), ("right_record", m.right)):
            if ref.roster_id in shown:  # a party sees the records it may read, no other
                row[side] = _record_view(shown[ref.roster_id].get(ref.record_id))
            else:
                row[side] = None
        rows.append(authz.visible_match(who, row))
    return rows


def not_located(ledger: Ledger, *, actor: str, party_id: str) -> list[dict[str, Any]]:
    """The party's sought persons with no confirmed match on another party's held roster."""
    rid = roster_id(party_id, RosterKind.SOUGHT)
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.NOT_LOCATED_READ, owner=party_id)
        if rosters.current_version(tx, rid) == 0:
            raise NotFound(N_("{party_id} has no sought roster"), party_id=party_id)
        sought = rosters.current_members(tx, rid)
        located: set[str] = set()
        for m in stored.matches(tx, MatchState.CONFIRMED):
            for a, b in ((m.left, m.right), (m.right, m.left)):
                if a.roster_id == rid and b.kind == "held" and b.party_id != party_id:
                    located.add(a.record_id)
        records = rosters.records(tx, rid)
    return [
        {
            "record": str(RecordRef(rid, record_id)),
            "name": r.display_name,
            "evidence": r.data.get("evidence", "unknown"),
        }
        for record_id, r in records.items()
        if record_id in sought and record_id not in located
    ]


@dataclass
class Reconciled:
    """One reconciliation run, per roster pair: what was proposed, held back and said, how
    long each pass took (seconds, in the order of `pairs`), and what became of the ambiguous
    groups each cross-side pass found (by roster pair)."""

    pairs: list[tuple[str, str, ProposalOutcome, Linked]]
    seconds: list[float] = field(default_factory=list)
    groups: dict[tuple[str, str], match_groups.GroupOutcome] = field(default_factory=dict)


def reconcile_all(
    ledger: Ledger,
    *,
    actor: str,
    threshold: float | None = None,
    duplicates: bool = True,
    progress: Progress | None = None,
    one_to_one: bool = False,
) -> Reconciled:
    """The mediator's batch reconciliation: each side's sought roster against the other
    side's held roster on Splink, and each roster against itself for duplicates. Every
    candidate becomes a proposal (one already proposed or decided is not proposed again);
    candidates too close to tell apart are recorded as ambiguous groups, and open groups a
    pass now answers clearly are settled (parley.app.match_groups); `one_to_one` proposes each
    record's most probable candidate instead of a group. `progress` hears what each pass is
    doing and how far the whole run is, 0 to 1."""
    import time

    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.MATCH_RECONCILE)
        sides = sorted(p.party_id for p in keys.parties(tx) if p.role is Role.SIDE)
        known = {r.roster_id for r in rosters.roster_headings(tx)}
    passes: list[tuple[str, str]] = []
    for seeker in sides:
        for holder in sides:
            sought = roster_id(seeker, RosterKind.SOUGHT)
            held = roster_id(holder, RosterKind.HELD)
            if holder != seeker and sought in known and held in known:
                passes.append((sought, held))
    if duplicates:
        passes += [(roster, roster) for roster in sorted(known)]
    out = Reconciled([])
    for k, (left, right) in enumerate(passes):
        what = f"{left} (duplicates)" if left == right else f"{left} ↔ {right}"

        def step(stage: str, fraction: float, k: int = k, what: str = what) -> None:
            if progress is not None:
                progress(f"{what}: {stage}", (k + min(max(fraction, 0.0), 1.0)) / len(passes))

        started = time.perf_counter()
        if left == right:
            found = duplicate_candidates(ledger, roster=left, progress=step)
        else:
            found = linked_candidates(
                ledger,
                sought=left,
                held=right,
                threshold=threshold,
                progress=step,
                one_to_one=one_to_one,
            )
        step("recording the proposals", 1.0)
        done = propose(ledger, actor=actor, candidates=found.candidates)
        if left != right and not one_to_one:
            out.groups[(left, right)] = match_groups.record_groups(
                ledger,
                actor=actor,
                sought=left,
                held=right,
                clear=found.candidates,
                ambiguous=found.ambiguous,
            )
        out.pairs.append((left, right, done, found))
        out.seconds.append(time.perf_counter() - started)
    return out
