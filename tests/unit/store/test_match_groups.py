"""The queries of ambiguous groups beside their table: a group's candidates, the open groups a
page at a time, which matches are candidates of a group; as the projections of match.ambiguous,
match.decided and match.settled leave them, on SQLite and PostgreSQL."""

from __future__ import annotations

from parley.app.ledger import Ledger
from parley.domain import events as ev
from parley.domain.events import Event
from parley.domain.matches import MatchState, RecordRef, match_id
from parley.store import Tx
from parley.store import matches as stored
from tests.integration.helpers import setup_parties


def _mid(sought: str, held: str) -> str:
    return match_id(RecordRef("RU:sought", sought), RecordRef("UA:held", held))


def _candidate(sought: str, held: str, score: float) -> ev.AmbiguousCandidate:
    return ev.AmbiguousCandidate(
        _mid(sought, held), f"RU:sought/{sought}", f"UA:held/{held}", score, "names agree"
    )


def _append(ledger: Ledger, *payloads: ev.Payload) -> None:
    def decide(_tx: Tx) -> list[Event]:
        return [Event("MED", p) for p in payloads]

    ledger.execute(decide)


def test_groups_open_a_page_at_a_time_and_close_when_decided_or_settled(ledger: Ledger) -> None:
    setup_parties(ledger)
    first = ev.MatchAmbiguous("A-1", (_candidate("a", "x", 0.6), _candidate("a", "y", 0.7)))
    second = ev.MatchAmbiguous("A-2", (_candidate("b", "x", 0.5), _candidate("b", "z", 0.5)))
    plain = ev.MatchProposed(_mid("c", "w"), "RU:sought/c", "UA:held/w", 0.9, "b", False)
    _append(ledger, first, second, plain)
    # a later run adds a candidate to the open group it touches
    _append(ledger, ev.MatchAmbiguous("A-2", (_candidate("b", "q", 0.4),)))
    with ledger.reading() as tx:
        group = stored.group(tx, "A-1")
        assert [m.match_id for m in group] == [_mid("a", "y"), _mid("a", "x")]  # likeliest first
        assert {m.state for m in group} == {MatchState.AMBIGUOUS} and group[0].group == "A-1"
        assert not group[0].duplicate and group[0].basis == "names agree"
        assert sorted(stored.open_groups(tx)) == ["A-1", "A-2"]
        assert len(stored.open_groups(tx)["A-2"]) == 3
        page, total = stored.open_group_page(tx, offset=0, limit=1)
        assert total == 2 and [m.group for m in page[0]] == ["A-1", "A-1"]
        page, total = stored.open_group_page(tx, offset=1, limit=1)
        assert [m.match_id for m in page[0]][-1] == _mid("b", "q")
        assert stored.open_group_page(tx, offset=2, limit=1) == ([], 2)
        every = {_mid("a", "x"), _mid("b", "z"), _mid("c", "w"), "none"}
        assert stored.groups_of(tx, every) == {
            _mid("a", "x"): ("A-1", MatchState.AMBIGUOUS),
            _mid("b", "z"): ("A-2", MatchState.AMBIGUOUS),
        }
        assert stored.state_counts(tx) == {"ambiguous": 5, "proposed": 1}
        assert stored.match(tx, _mid("c", "w")) is not None
    # the mediator resolves one; a later run settles the other
    _append(
        ledger,
        ev.MatchDecided(_mid("a", "y"), MatchState.CONFIRMED, "ambiguous group A-1: chosen"),
        ev.MatchDecided(_mid("a", "x"), MatchState.REJECTED, "ambiguous group A-1: another"),
    )
    settled = ev.MatchSettled("A-2", (_mid("b", "x"),), (_mid("b", "z"), _mid("b", "q")), "why")
    _append(ledger, settled)
    with ledger.reading() as tx:
        assert stored.open_groups(tx) == {}
        assert stored.open_group_page(tx, offset=0, limit=10) == ([], 0)
        states = {m.match_id: m.state for m in stored.group(tx, "A-2")}
        assert states == {
            _mid("b", "x"): MatchState.PROPOSED,
            _mid("b", "z"): MatchState.REJECTED,
            _mid("b", "q"): MatchState.REJECTED,
        }
        assert stored.match_states(tx)[_mid("a", "y")] is MatchState.CONFIRMED
        assert stored.groups_of(tx, {_mid("b", "x")}) == {
            _mid("b", "x"): ("A-2", MatchState.PROPOSED)
        }


def test_a_proposal_joins_a_group(ledger: Ledger) -> None:
    setup_parties(ledger)
    plain = ev.MatchProposed(_mid("c", "w"), "RU:sought/c", "UA:held/w", 0.9, "b", False)
    _append(ledger, plain)
    with ledger.reading() as tx:
        assert stored.standing(tx, {_mid("c", "w"), "none"}) == {
            _mid("c", "w"): (None, MatchState.PROPOSED)
        }
    _append(ledger, ev.MatchAmbiguous("A-3", (_candidate("c", "v", 0.9),), (_mid("c", "w"),)))
    with ledger.reading() as tx:
        assert {m.match_id: m.state for m in stored.group(tx, "A-3")} == {
            _mid("c", "v"): MatchState.AMBIGUOUS,
            _mid("c", "w"): MatchState.AMBIGUOUS,
        }
        assert stored.state_counts(tx) == {"ambiguous": 2}
