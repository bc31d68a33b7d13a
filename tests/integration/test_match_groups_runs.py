"""How a reconciliation meets the groups it recorded before (docs/domain.md, "Ambiguous
groups"): found as it was, nothing is written; with a new candidate, the candidate joins the
open group; once the pass answers the group's record clearly, the group is settled; a resolved
group is never reopened; a pass over other rosters leaves a group alone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from parley.app import match_groups, reconcile, rosters
from parley.app.ledger import Ledger
from parley.domain.errors import Conflict
from parley.domain.matches import MatchState, RecordRef, match_id
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import matches as stored
from parley.store import tables as t
from tests.integration.helpers import setup_parties

SOUGHT, HELD = "RU:sought", "UA:held"


def _c(sought: str, held: str, score: float = 0.7) -> reconcile.Candidate:
    return reconcile.Candidate(
        RecordRef(SOUGHT, sought), RecordRef(HELD, held), score, "", "record linkage: alike"
    )


def _mid(sought: str, held: str) -> str:
    return match_id(RecordRef(SOUGHT, sought), RecordRef(HELD, held))


def _run(
    ledger: Ledger,
    clear: list[reconcile.Candidate],
    *groups: list[reconcile.Candidate],
    between: tuple[str, str] = (SOUGHT, HELD),
) -> match_groups.GroupOutcome:
    ambiguous = {str(k + 1): g for k, g in enumerate(groups)}
    if between == (SOUGHT, HELD):
        reconcile.propose(ledger, actor="MED", candidates=clear)
    return match_groups.record_groups(
        ledger, actor="MED", sought=between[0], held=between[1], clear=clear, ambiguous=ambiguous
    )


def _setup(ledger: Ledger) -> None:
    setup_parties(ledger)
    for party, kind, ids in (("RU", RosterKind.SOUGHT, "ab"), ("UA", RosterKind.HELD, "xyzw")):
        records = [PersonRecord(i, "Гайдамака", "Остап") for i in ids]
        if party == "UA":
            records.append(PersonRecord("new", "Гайдамака", "Остап"))
        rosters.import_roster(
            ledger, party_id=party, kind=kind, records=records, source="f", source_sha256="0"
        )


def _entries(ledger: Ledger) -> int:
    with ledger.reading() as tx:
        return int(tx.execute(select(func.count()).select_from(t.log_entries)).scalar_one())


def _states(ledger: Ledger, group: str) -> dict[str, MatchState]:
    with ledger.reading() as tx:
        return {m.match_id: m.state for m in stored.group(tx, group)}


def test_a_group_met_again(ledger: Ledger) -> None:
    _setup(ledger)
    (gid,) = _run(ledger, [], [_c("a", "x"), _c("a", "y")]).formed
    size = _entries(ledger)
    again = _run(ledger, [], [_c("a", "x"), _c("a", "y")])
    assert (again.known, again.formed, _entries(ledger)) == ([gid], [], size)
    # a third namesake: he joins the open group, under its id
    grown = _run(ledger, [], [_c("a", "x"), _c("a", "y"), _c("a", "z", 0.69)])
    assert grown.extended == [gid] and grown.named == {"1": gid}
    assert set(_states(ledger, gid)) == {_mid("a", "x"), _mid("a", "y"), _mid("a", "z")}
    # a pass over other rosters settles nothing here
    other = _run(ledger, [_c("a", "x")], between=("UA:sought", "RU:held"))
    assert other.settled == []
    # the pass answers `a` clearly: the group is settled, its clear pair now a proposal
    settled = _run(ledger, [_c("a", "y", 0.99)])
    assert settled.settled == [gid]
    assert _states(ledger, gid) == {
        _mid("a", "x"): MatchState.REJECTED,
        _mid("a", "y"): MatchState.PROPOSED,
        _mid("a", "z"): MatchState.REJECTED,
    }
    # never reopened: the same candidates again write nothing
    size = _entries(ledger)
    assert _run(ledger, [], [_c("a", "x"), _c("a", "y")]).named == {}
    assert _entries(ledger) == size


def test_a_clear_answer_elsewhere_withdraws_the_group(ledger: Ledger) -> None:
    _setup(ledger)
    (gid,) = _run(ledger, [], [_c("a", "x"), _c("a", "y")]).formed
    # a record added to the held roster is clearly `a`: proposed; the group's pairs withdrawn
    done = _run(ledger, [_c("a", "new", 0.99)])
    assert done.settled == [gid]
    assert set(_states(ledger, gid).values()) == {MatchState.REJECTED}
    with ledger.reading() as tx:
        assert stored.match_states(tx)[_mid("a", "new")] is MatchState.PROPOSED


def test_a_record_still_without_a_clear_answer_keeps_its_group_open(ledger: Ledger) -> None:
    _setup(ledger)
    (gid,) = _run(ledger, [], [_c("a", "x"), _c("a", "y")]).formed
    # the linkage no longer finds them, and has no answer for `a`: the mediator still decides
    assert _run(ledger, [_c("b", "w", 0.99)]).settled == []
    assert set(_states(ledger, gid).values()) == {MatchState.AMBIGUOUS}


def test_a_new_candidate_of_a_resolved_group_forms_a_new_one(ledger: Ledger) -> None:
    _setup(ledger)
    (gid,) = _run(ledger, [], [_c("a", "x"), _c("a", "y")]).formed
    match_groups.choose(ledger, actor="MED", group=gid, chosen=[_mid("a", "x")])
    again = _run(ledger, [], [_c("a", "x"), _c("a", "y"), _c("a", "z")])
    (new,) = again.formed
    assert new != gid and set(_states(ledger, new)) == {_mid("a", "z")}
    assert _states(ledger, gid)[_mid("a", "x")] is MatchState.CONFIRMED


def test_reversing_a_chosen_candidate_reopens_its_group(ledger: Ledger) -> None:
    _setup(ledger)
    # a and b each too close to call; one group, since they share x
    (gid,) = _run(ledger, [], [_c("a", "x"), _c("a", "y"), _c("b", "x"), _c("b", "z")]).formed
    ax, ay, bx, bz = _mid("a", "x"), _mid("a", "y"), _mid("b", "x"), _mid("b", "z")
    match_groups.choose(ledger, actor="MED", group=gid, chosen=[ax, bz])
    reconcile.reverse_match(ledger, actor="MED", mid=ax, reason="another man")
    # the candidates rejected for a-x are open again; b's choice stands
    assert _states(ledger, gid) == {
        ax: MatchState.REVERSED,
        ay: MatchState.AMBIGUOUS,
        bx: MatchState.AMBIGUOUS,
        bz: MatchState.CONFIRMED,
    }
    with ledger.reading() as tx:
        assert set(stored.open_groups(tx)) == {gid}
    with pytest.raises(Conflict, match=f"names RU:sought/b, which the confirmed match {bz}"):
        match_groups.choose(ledger, actor="MED", group=gid, chosen=[bx])
    done = match_groups.choose(ledger, actor="MED", group=gid, chosen=[ay])
    assert done.count == 2
    assert _states(ledger, gid)[ay] is MatchState.CONFIRMED
    assert _states(ledger, gid)[bx] is MatchState.REJECTED
    # a match never grouped reopens nothing
    reconcile.propose(ledger, actor="MED", candidates=[_c("b", "w", 0.99)])
    bw = _mid("b", "w")
    reconcile.decide_match(ledger, actor="MED", mid=bw, state=MatchState.CONFIRMED)
    reconcile.reverse_match(ledger, actor="MED", mid=bw, reason="no")
    with ledger.reading() as tx:
        assert stored.open_groups(tx) == {}


def test_a_pending_proposal_given_a_rival_as_close_joins_a_group(ledger: Ledger) -> None:
    _setup(ledger)
    # a later roster version brings a namesake as close as a proposal still undecided
    _run(ledger, [_c("a", "x", 0.9), _c("b", "w", 0.9)])
    reconcile.decide_match(ledger, actor="MED", mid=_mid("b", "w"), state=MatchState.CONFIRMED)
    done = _run(ledger, [], [_c("a", "x"), _c("a", "y")], [_c("b", "w"), _c("b", "z")])
    assert len(done.formed) == 2
    ax, ay, bw, bz = _mid("a", "x"), _mid("a", "y"), _mid("b", "w"), _mid("b", "z")
    # a's proposal joined the group beside its rival: no longer a proposal
    assert _states(ledger, done.named["1"]) == {ax: MatchState.AMBIGUOUS, ay: MatchState.AMBIGUOUS}
    # b's pair was decided: it stays confirmed, and its rival waits alone
    assert _states(ledger, done.named["2"]) == {bz: MatchState.AMBIGUOUS}
    with ledger.reading() as tx:
        assert stored.match_states(tx)[bw] is MatchState.CONFIRMED
    # found again: nothing new
    size = _entries(ledger)
    assert _run(ledger, [], [_c("a", "x"), _c("a", "y")]).known == [done.named["1"]]
    assert _entries(ledger) == size
