"""Random reconciliation runs, choices, rejections and reversals over a few namesakes, through
the real use cases: a run met again writes nothing, no match is on record twice, a group's
candidates wait together until the mediator decides them all, no record is joined twice within
a group, and a rebuild equals the live database."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from parley.app import match_groups, reconcile, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain.errors import DomainError
from parley.domain.matches import MatchState, RecordRef, match_id
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import matches as stored
from parley.store import tables as t
from tests.integration.helpers import setup_parties

SOUGHT = [RecordRef("RU:sought", s) for s in "ab"]
HELD = [RecordRef("UA:held", h) for h in "wxyz"]
PAIRS = [(s, h) for s in SOUGHT for h in HELD]
_pairs = st.lists(st.sampled_from(PAIRS), min_size=1, max_size=3, unique=True)


def _candidate(pair: tuple[RecordRef, RecordRef]) -> reconcile.Candidate:
    return reconcile.Candidate(pair[0], pair[1], 0.7, "", "record linkage: alike")


class GroupMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        folder = Path(self.tmp.name)
        self.ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'p.db'}"), create=True)
        setup_parties(self.ledger)
        for party, kind, refs in (("RU", RosterKind.SOUGHT, SOUGHT), ("UA", RosterKind.HELD, HELD)):
            records = [PersonRecord(r.record_id, "Гайдамака", "Остап") for r in refs]
            rosters.import_roster(
                self.ledger,
                party_id=party,
                kind=kind,
                records=records,
                source="s",
                source_sha256="0",
            )
        self.steps = 0

    def teardown(self) -> None:
        self.ledger.close()
        self.tmp.cleanup()

    def _entries(self) -> int:
        with self.ledger.reading() as tx:
            return int(tx.execute(select(func.count()).select_from(t.log_entries)).scalar_one())

    def _run(
        self, clear: list[reconcile.Candidate], groups: list[list[reconcile.Candidate]]
    ) -> None:
        reconcile.propose(self.ledger, actor="MED", candidates=clear)
        match_groups.record_groups(
            self.ledger,
            actor="MED",
            sought="RU:sought",
            held="UA:held",
            clear=clear,
            ambiguous={str(k): g for k, g in enumerate(groups)},
        )

    @rule(
        clear=st.lists(st.sampled_from(PAIRS), max_size=2, unique=True),
        groups=st.lists(_pairs, max_size=2),
    )
    def reconcile_run(
        self,
        clear: list[tuple[RecordRef, RecordRef]],
        groups: list[list[tuple[RecordRef, RecordRef]]],
    ) -> None:
        """A run as the linkage answers: clear pairs name no record twice, nor a record that
        has close candidates (the groups'); a pair is in one group at most."""
        named: set[RecordRef] = set()
        sure = []
        for pair in clear:
            if not named & set(pair):
                sure.append(pair)
                named |= set(pair)
        taken: set[tuple[RecordRef, RecordRef]] = set()
        runs = []
        for g in groups:
            fresh = [p for p in g if p not in taken and not named & set(p)]
            taken |= set(fresh)
            if fresh:
                runs.append([_candidate(p) for p in fresh])
        clear = sure
        answers = [_candidate(p) for p in clear]
        self._run(answers, runs)
        size = self._entries()
        self._run(answers, runs)  # the same run again writes nothing
        assert self._entries() == size
        self.steps += 1

    def _open(self) -> dict[str, list[stored.StoredMatch]]:
        with self.ledger.reading() as tx:
            return stored.open_groups(tx)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def choose(self, data: st.DataObject) -> None:
        groups = self._open()
        gid = data.draw(st.sampled_from(sorted(groups)))
        mids = [m.match_id for m in groups[gid]]
        chosen = data.draw(st.lists(st.sampled_from(mids), max_size=2, unique=True))
        try:
            match_groups.choose(self.ledger, actor="MED", group=gid, chosen=chosen)
        except DomainError:  # two candidates naming one record, or one a confirmed one names
            return
        assert gid not in self._open()
        self.steps += 1

    def _proposed(self) -> list[str]:
        with self.ledger.reading() as tx:
            return [m.match_id for m in stored.matches(tx, MatchState.PROPOSED)]

    @precondition(lambda self: bool(self._proposed()))
    @rule(data=st.data(), confirm=st.booleans())
    def decide(self, data: st.DataObject, confirm: bool) -> None:
        """The mediator decides a proposal (a settled group's clear pair among them)."""
        mid = data.draw(st.sampled_from(self._proposed()))
        to = MatchState.CONFIRMED if confirm else MatchState.REJECTED
        reconcile.decide_match(self.ledger, actor="MED", mid=mid, state=to)
        self.steps += 1

    @precondition(lambda self: bool(self._confirmed_in_groups()))
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        mid = data.draw(st.sampled_from(sorted(self._confirmed_in_groups())))
        reconcile.reverse_match(self.ledger, actor="MED", mid=mid, reason="another man")
        self.steps += 1

    def _confirmed_in_groups(self) -> set[str]:
        with self.ledger.reading() as tx:
            found = stored.matches(tx, MatchState.CONFIRMED)
        return {m.match_id for m in found if m.group is not None}

    @invariant()
    def a_record_is_joined_once_within_a_group(self) -> None:
        with self.ledger.reading() as tx:
            every = stored.matches(tx)
        by_group: dict[str, list[stored.StoredMatch]] = {}
        for m in every:
            if m.group is not None:
                by_group.setdefault(m.group, []).append(m)
            assert m.match_id == match_id(m.left, m.right)
        for candidates in by_group.values():
            joined = [
                r for m in candidates if m.state is MatchState.CONFIRMED for r in (m.left, m.right)
            ]
            assert len(joined) == len(set(joined))

    @invariant()
    def rebuild_equals_live(self) -> None:
        if self.steps % 4:  # now and then: a rebuild costs a replay
            return
        with self.ledger.reading() as conn:
            live = projection_snapshot(conn)
        rebuild(self.ledger)
        with self.ledger.reading() as conn:
            assert projection_snapshot(conn) == live


GroupMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGroups = GroupMachine.TestCase
