"""Random amendments, agreements, moves and cancellations of one batch through the real use
cases: an amendment is in force exactly when both sides and the mediator agreed to it, nobody
leaves the batch, persons already moved keep their states, a cancelled batch changes no more,
and a rebuild equals the live database."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from parley.app import batches, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain.agreements import PersonRef
from parley.domain.batches import Batch, BatchStatus
from parley.domain.errors import DomainError
from parley.domain.handovers import FINAL, PATH, HandoverState
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, people, setup_parties

POOL = [PersonRef("UA", f"u{i}") for i in range(4)] + [PersonRef("RU", f"r{i}") for i in range(4)]
SIGNERS = ("UA", "RU", "MED")


# who takes each step of the main path, for a person released by `holder`
def _step_by(to: HandoverState, holder: str) -> str:
    if to in (HandoverState.CLEARED, HandoverState.TRANSFERRED):
        return holder
    if to is HandoverState.RECEIVED:
        return "RU" if holder == "UA" else "UA"
    return "MED"


class AmendmentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        folder = Path(self.tmp.name)
        self.ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'p.db'}"), create=True)
        setup_parties(self.ledger)
        for party, prefix in (("UA", "u"), ("RU", "r")):
            rosters.import_roster(
                self.ledger,
                party_id=party,
                kind=RosterKind.HELD,
                records=people(prefix, 4),
                source="s",
                source_sha256="0",
            )
        all_for_all(self.ledger)
        batches.plan(
            self.ledger,
            actor="MED",
            batch_id="B",
            commitment_id="AG-EX",
            place="x",
            planned_date=None,
            persons=[POOL[0], POOL[4]],
        )
        self.ever: set[PersonRef] = {POOL[0], POOL[4]}  # everyone who ever joined the batch
        self.agreed: dict[int, set[str]] = {}
        self.in_force_seen = 0
        self.before = self._batch()

    def teardown(self) -> None:
        self.ledger.close()
        self.tmp.cleanup()

    def _batch(self) -> Batch:
        with self.ledger.reading() as tx:
            return batches.load(tx, "B")

    @rule(
        adds=st.lists(st.sampled_from(POOL), max_size=2, unique=True),
        takes=st.lists(st.sampled_from(POOL), max_size=2, unique=True),
        who=st.sampled_from([*SIGNERS, "SMM"]),
    )
    def propose(self, adds: list[PersonRef], takes: list[PersonRef], who: str) -> None:
        try:
            batches.amend(
                self.ledger, actor=who, batch_id="B", add=adds, withdraw=takes, reason="r"
            )
        except DomainError:
            return
        assert who in SIGNERS
        self.agreed[len(self.agreed) + 1] = {who}

    @rule(n=st.integers(1, 4), who=st.sampled_from(SIGNERS))
    def agree_one(self, n: int, who: str) -> None:
        self.agree(n, who)

    def agree(self, n: int, who: str) -> None:
        before = self._batch()
        try:
            batches.amend(self.ledger, actor=who, batch_id="B", agree=n)
        except DomainError:
            return
        self.agreed[n].add(who)
        after = self._batch()
        known = {a.amendment: a for a in batches.amendments(self.ledger, actor="MED", batch_id="B")}
        assert known[n].in_force == (self.agreed[n] == set(SIGNERS))
        if known[n].in_force:
            for person, _ in known[n].added:
                assert after.handover(person).state is HandoverState.REQUESTED
                self.ever.add(person)
            for person in known[n].withdrawn:
                assert after.handover(person).state is HandoverState.WITHDRAWN
                assert before.handover(person).state not in FINAL
        else:
            assert after == before

    @rule()
    def agree_by_the_others(self) -> None:
        """The latest amendment agreed by everyone who has not yet: mostly brought in force."""
        if self.agreed:
            n = max(self.agreed)
            for who in SIGNERS:
                if who not in self.agreed[n]:
                    self.agree(n, who)
            self.in_force_seen += any(
                a.in_force for a in batches.amendments(self.ledger, actor="MED", batch_id="B")
            )

    @rule(i=st.integers(0, 7))
    def step(self, i: int) -> None:
        batch = self._batch()
        people_in = sorted(batch.by_person, key=str)
        person = people_in[i % len(people_in)]
        state = batch.handover(person).state
        if state not in PATH or state is HandoverState.RECEIVED:
            return
        to = PATH[PATH.index(state) + 1]
        try:
            batches.advance(
                self.ledger,
                actor=_step_by(to, person.party_id),
                batch_id="B",
                moves=[(person, to, "")],
            )
        except DomainError:
            assert batch.status is BatchStatus.CANCELLED

    @rule()
    def confirm(self) -> None:
        try:
            batches.confirm(self.ledger, actor="MED", batch_id="B")
        except DomainError:
            assert self._batch().status is BatchStatus.CANCELLED

    @rule()
    def cancel(self) -> None:
        before = self._batch()
        try:
            batches.cancel(self.ledger, actor="MED", batch_id="B", reason="called off")
        except DomainError:
            return
        after = self._batch()
        assert after.status is BatchStatus.CANCELLED
        assert {p: h.state for p, h in after.by_person.items()} == {
            p: h.state for p, h in before.by_person.items()
        }

    @invariant()
    def nobody_leaves_and_moves_stay(self) -> None:
        now = self._batch()
        assert set(now.by_person) == self.ever
        for person, h in self.before.by_person.items():
            if h.state in FINAL:
                assert now.handover(person).state is h.state  # a final state never changes
        if self.before.status is BatchStatus.CANCELLED:
            assert now == self.before
        self.before = now

    @invariant()
    def rebuild_equals_live(self) -> None:
        if len(self.agreed) % 3:  # now and then: a rebuild costs a replay
            return
        with self.ledger.reading() as conn:
            live = projection_snapshot(conn)
        rebuild(self.ledger)
        with self.ledger.reading() as conn:
            assert projection_snapshot(conn) == live


AmendmentMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestAmendments = AmendmentMachine.TestCase
