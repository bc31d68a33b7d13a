"""The handover state machine: legal paths, refusals in one sentence, nobody lost."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from parley.domain.agreements import PersonRef
from parley.domain.batches import Batch, BatchStatus, new_batch
from parley.domain.errors import Conflict, DomainError, IllegalTransition
from parley.domain.handovers import FINAL, ORDER, PATH, TRANSITIONS, Handover, HandoverState

S = HandoverState


def _handover(state: S = S.REQUESTED) -> Handover:
    return Handover("B1", PersonRef("RU", "r1"), "UA", state=state)


def test_main_path_reaches_received() -> None:
    h = _handover()
    for state in PATH[1:]:
        h = h.advance(state)
    assert h.state is S.RECEIVED
    assert h.final


@pytest.mark.parametrize("state", sorted(FINAL))
def test_final_states_go_nowhere(state: S) -> None:
    with pytest.raises(IllegalTransition, match="already final"):
        _handover(state).advance(S.LOCATED)


def test_order_lists_every_state_once_main_path_first() -> None:
    assert sorted(ORDER) == sorted(HandoverState) and len(set(ORDER)) == len(ORDER)
    assert ORDER[: len(PATH)] == PATH


def test_skipping_a_step_is_refused_with_the_options() -> None:
    with pytest.raises(IllegalTransition) as info:
        _handover(S.LOCATED).advance(S.TRANSFERRED)
    message = str(info.value)
    assert message.startswith("RU/r1 in batch B1 cannot move to transferred")
    assert "agreed" in message
    assert message.count(".") == 1  # one sentence


def test_dispute_resolves_back_to_where_it_stood() -> None:
    h = _handover(S.TRANSFERRED).advance(S.DISPUTED)
    assert h.before_dispute is S.TRANSFERRED
    back = h.advance(S.TRANSFERRED)
    assert back.state is S.TRANSFERRED and back.before_dispute is None
    with pytest.raises(IllegalTransition):
        h.advance(S.CLEARED)


def test_decline_only_at_the_interview_stage() -> None:
    assert _handover(S.CLEARED).advance(S.DECLINED).state is S.DECLINED
    with pytest.raises(IllegalTransition):
        _handover(S.AGREED).advance(S.DECLINED)


def test_substitution_records_both_persons() -> None:
    closed, new = _handover(S.AGREED).substituted_by(PersonRef("RU", "r9"))
    assert closed.state is S.SUBSTITUTED and closed.substitute == PersonRef("RU", "r9")
    assert new.state is S.LOCATED and new.substitute_for == PersonRef("RU", "r1")
    with pytest.raises(IllegalTransition):
        _handover(S.AGREED).advance(S.SUBSTITUTED)


def test_batch_closes_only_when_everyone_is_final() -> None:
    b = new_batch("B1", "A", "P1", "C1", "x", dt.date(2019, 9, 7), [(PersonRef("RU", "r1"), "UA")])
    with pytest.raises(Conflict, match="1 persons are not in a final state"):
        b.close()
    for state in PATH[1:]:
        b = b.advance(PersonRef("RU", "r1"), state)
    with pytest.raises(Conflict, match="has not confirmed the transfer of 1 received"):
        b.close()
    closed = b.confirm(PersonRef("RU", "r1")).close()
    assert closed.status is BatchStatus.CLOSED
    with pytest.raises(Conflict, match="closed"):
        closed.advance(PersonRef("RU", "r1"), S.DISPUTED)


def test_new_batch_refuses_duplicates_and_self_transfer() -> None:
    p = PersonRef("RU", "r1")
    with pytest.raises(DomainError, match="twice"):
        new_batch("B", "A", "P", "C", "x", None, [(p, "UA"), (p, "UA")])
    with pytest.raises(DomainError, match="holds them"):
        new_batch("B", "A", "P", "C", "x", None, [(p, "RU")])


PEOPLE = [PersonRef("UA", f"u{i}") for i in range(4)] + [PersonRef("RU", f"r{i}") for i in range(4)]
RESERVE = [PersonRef("UA", f"u{i}") for i in range(4, 8)] + [
    PersonRef("RU", f"r{i}") for i in range(4, 8)
]


class BatchMachine(RuleBasedStateMachine):
    """Random commands against a batch never reach an invalid state or lose a person."""

    def __init__(self) -> None:
        super().__init__()
        self.batch: Batch = new_batch(
            "B",
            "A",
            "P",
            "C",
            "x",
            None,
            [(p, "RU" if p.party_id == "UA" else "UA") for p in PEOPLE],
        )
        self.ever: set[PersonRef] = set(PEOPLE)

    @rule(i=st.integers(0, 15), to=st.sampled_from(list(S)))
    def advance(self, i: int, to: S) -> None:
        people = list(self.batch.by_person)
        person = people[i % len(people)]
        before = self.batch.handover(person)
        try:
            self.batch = self.batch.advance(person, to)
        except DomainError as e:
            assert str(e)  # a refusal always says why
            legal = to in TRANSITIONS[before.state] or (
                before.state is S.DISPUTED and to is before.before_dispute
            )
            assert self.batch.status is BatchStatus.CLOSED or to is S.SUBSTITUTED or not legal
            return
        assert self.batch.handover(person).state is to

    @rule(i=st.integers(0, 15), j=st.integers(0, 7))
    def substitute(self, i: int, j: int) -> None:
        people = list(self.batch.by_person)
        person = people[i % len(people)]
        other = RESERVE[j]
        if other.party_id != person.party_id:
            return
        try:
            self.batch = self.batch.substitute(person, other)
        except DomainError:
            return
        self.ever.add(other)
        assert self.batch.handover(person).state is S.SUBSTITUTED

    @precondition(lambda self: self.batch.status is not BatchStatus.CLOSED)
    @rule()
    def close(self) -> None:
        try:
            self.batch = self.batch.close()
        except Conflict:
            unconfirmed = [
                h for h in self.batch.handovers if h.state is S.RECEIVED and not h.confirmed
            ]
            assert self.batch.open_handovers() or unconfirmed

    @rule(i=st.integers(0, 15))
    def confirm(self, i: int) -> None:
        people = list(self.batch.by_person)
        person = people[i % len(people)]
        before = self.batch.handover(person)
        try:
            self.batch = self.batch.confirm(person)
        except DomainError:
            assert (
                before.state is not S.RECEIVED
                or before.confirmed
                or self.batch.status is BatchStatus.CLOSED
            )
            return
        assert self.batch.handover(person).confirmed

    @invariant()
    def nobody_is_lost(self) -> None:
        assert set(self.batch.by_person) == self.ever

    @invariant()
    def states_are_consistent(self) -> None:
        for h in self.batch.handovers:
            assert h.state in TRANSITIONS
            assert (h.state is S.DISPUTED) == (h.before_dispute is not None)
            assert (h.state is S.SUBSTITUTED) == (h.substitute is not None)
        if self.batch.status is BatchStatus.CLOSED:
            assert all(h.final for h in self.batch.handovers)


TestBatchMachine = BatchMachine.TestCase
