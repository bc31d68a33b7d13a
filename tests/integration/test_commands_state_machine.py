"""Random command sequences through the real use cases: no invalid state, nobody lost,
rebuild equals live."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from parley.app import batches
from parley.app.authz import PERMISSIONS, handover_action
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain.agreements import PersonRef
from parley.domain.errors import DomainError
from parley.domain.handovers import TRANSITIONS, HandoverState, allowed_next
from parley.store import tables as t
from tests.integration.helpers import all_for_all, people, setup_parties

UA = [PersonRef("UA", f"u{i}") for i in range(6)]
RU = [PersonRef("RU", f"r{i}") for i in range(6)]
ACTORS = ["MED", "UA", "RU", "SMM"]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        folder = Path(self.tmp.name)
        self.ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'p.db'}"), create=True)
        setup_parties(self.ledger)
        from parley.app import rosters
        from parley.domain.rosters import RosterKind

        for party, prefix in (("UA", "u"), ("RU", "r")):
            rosters.import_roster(self.ledger, party_id=party, kind=RosterKind.HELD,
                                  records=people(prefix, 6), source="s", source_sha256="0")  # fmt: skip
        all_for_all(self.ledger)
        self.planned: dict[str, set[PersonRef]] = {}

    def teardown(self) -> None:
        self.ledger.close()
        self.tmp.cleanup()

    @rule(picks=st.lists(st.integers(0, 11), min_size=1, max_size=4, unique=True))
    def plan(self, picks: list[int]) -> None:
        persons = [(UA + RU)[i] for i in picks]
        batch_id = f"B{len(self.planned)}"
        try:
            batches.plan(self.ledger, actor="MED", batch_id=batch_id, commitment_id="AG-EX",
                         place="x", planned_date=None, persons=persons)  # fmt: skip
        except DomainError:
            return
        self.planned[batch_id] = set(persons)

    @rule(b=st.integers(0, 5), i=st.integers(0, 11), to=st.sampled_from(list(HandoverState)),
          actor=st.sampled_from(ACTORS))  # fmt: skip
    def advance(self, b: int, i: int, to: HandoverState, actor: str) -> None:
        if not self.planned:
            return
        batch_id = sorted(self.planned)[b % len(self.planned)]
        person = sorted(self.planned[batch_id], key=str)[i % len(self.planned[batch_id])]
        try:
            batches.advance(self.ledger, actor=actor, batch_id=batch_id, moves=[(person, to, "")])
        except DomainError as e:
            assert str(e)

    @rule(b=st.integers(0, 5), i=st.integers(0, 11), k=st.integers(0, 20))
    def advance_legally(self, b: int, i: int, k: int) -> None:
        """Mostly moves that should succeed, by the party whose move it is."""
        if not self.planned:
            return
        batch_id = sorted(self.planned)[b % len(self.planned)]
        person = sorted(self.planned[batch_id], key=str)[i % len(self.planned[batch_id])]
        with self.ledger.reading() as conn:
            row = conn.execute(
                select(t.handovers, t.batches.c.status.label("batch_status"))
                .join(t.batches, t.batches.c.batch_id == t.handovers.c.batch_id)
                .where(t.handovers.c.batch_id == batch_id, t.handovers.c.party_id == person.party_id,
                       t.handovers.c.record_id == person.record_id)
            ).one()  # fmt: skip
        before = HandoverState(row.before_dispute) if row.before_dispute else None
        options = sorted(
            allowed_next(HandoverState(row.state), before) - {HandoverState.SUBSTITUTED}
        )
        if not options or row.batch_status == "closed":
            return
        to = options[k % len(options)]
        resuming = to is before
        who = sorted(PERMISSIONS[handover_action(to, resuming)].who)[0]
        actor = {"mediator": "MED", "releasing": person.party_id, "receiving": row.receiving_party}[
            who
        ]
        batches.advance(self.ledger, actor=actor, batch_id=batch_id, moves=[(person, to, "")])
        with self.ledger.reading() as conn:
            state = conn.execute(
                select(t.handovers.c.state).where(
                    t.handovers.c.batch_id == batch_id, t.handovers.c.party_id == person.party_id,
                    t.handovers.c.record_id == person.record_id,
                )
            ).scalar_one()  # fmt: skip
        assert state == to.value

    @rule(b=st.integers(0, 5), i=st.integers(0, 11), j=st.integers(0, 11))
    def substitute(self, b: int, i: int, j: int) -> None:
        if not self.planned:
            return
        batch_id = sorted(self.planned)[b % len(self.planned)]
        person = sorted(self.planned[batch_id], key=str)[i % len(self.planned[batch_id])]
        brought = (UA + RU)[j]
        try:
            batches.substitute(self.ledger, actor="MED", batch_id=batch_id, person=person,
                               brought=brought, note="")  # fmt: skip
        except DomainError:
            return
        self.planned[batch_id].add(brought)

    @rule(b=st.integers(0, 5))
    def close(self, b: int) -> None:
        if self.planned:
            with contextlib.suppress(DomainError):  # refused while anyone is not final
                batches.close(
                    self.ledger, actor="MED", batch_id=sorted(self.planned)[b % len(self.planned)]
                )

    @invariant()
    def nobody_is_lost_and_states_are_valid(self) -> None:
        with self.ledger.reading() as conn:
            rows = conn.execute(select(t.handovers)).all()
            closed = set(
                conn.execute(
                    select(t.batches.c.batch_id).where(t.batches.c.status == "closed")
                ).scalars()
            )
        seen: dict[str, set[PersonRef]] = {}
        for r in rows:
            seen.setdefault(r.batch_id, set()).add(PersonRef(r.party_id, r.record_id))
            state = HandoverState(r.state)
            assert state in TRANSITIONS
            if r.batch_id in closed:
                assert not TRANSITIONS[state], f"{r.record_id} is {state} in closed {r.batch_id}"
        assert seen == self.planned

    @invariant()
    def rebuild_equals_live(self) -> None:
        if len(self.planned) % 2:  # every other step: a rebuild costs a full replay
            return
        with self.ledger.reading() as conn:
            live = projection_snapshot(conn)
        rebuild(self.ledger)
        with self.ledger.reading() as conn:
            assert projection_snapshot(conn) == live


LedgerMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestLedgerMachine = LedgerMachine.TestCase
