"""Handovers: one person's way through a batch, and the state machine that guards it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from parley.domain.agreements import PersonRef
from parley.domain.errors import DomainError, IllegalTransition
from parley.domain.words import listed, word_key
from parley.errors import N_, Word


class HandoverState(enum.StrEnum):
    REQUESTED = "requested"
    LOCATED = "located"
    AGREED = "agreed"
    CLEARED = "cleared"
    CONSENT_VERIFIED = "consent_verified"
    TRANSFERRED = "transferred"
    RECEIVED = "received"
    # exits
    DECLINED = "declined"  # refused repatriation at the private interview
    NOT_DELIVERED = "not_delivered"
    SUBSTITUTED = "substituted"  # another person was brought instead; both are recorded
    DECEASED = "deceased"
    DISPUTED = "disputed"  # open until resolved: back where it was, or to another exit
    RELEASED_TO_THIRD_STATE = "released_to_third_state"
    WITHDRAWN = "withdrawn"  # taken out of the batch by an amendment all three agreed


S = HandoverState
# The states as a reader is shown them: on pages and papers (`gettext(STATE_LABELS[state])`)
# and in refusals (`state_word(state)`), one word a state in every language.
STATE_LABELS: dict[HandoverState, str] = {
    S.REQUESTED: N_("requested"),
    S.LOCATED: N_("located"),
    S.AGREED: N_("agreed"),
    S.CLEARED: N_("cleared"),
    S.CONSENT_VERIFIED: N_("consent verified"),
    S.TRANSFERRED: N_("transferred"),
    S.RECEIVED: N_("received"),
    S.DECLINED: N_("declined"),
    S.NOT_DELIVERED: N_("not delivered"),
    S.SUBSTITUTED: N_("substituted"),
    S.DECEASED: N_("deceased"),
    S.DISPUTED: N_("disputed"),
    S.RELEASED_TO_THIRD_STATE: N_("released to a third state"),
    S.WITHDRAWN: N_("withdrawn"),
}


def state_word(state: HandoverState) -> Word:
    """The state as a refusal's field: its label, translated where a face says it."""
    return Word(STATE_LABELS[state])


def read_state(text: str) -> HandoverState:
    """The state a user named, by its word (`consent verified`) or its code
    (`consent_verified`); case, spaces, hyphens and underscores do not count."""
    key = word_key(text)
    for state, label in STATE_LABELS.items():
        if key in (word_key(state.value), word_key(label)):
            return state
    raise DomainError(
        N_("{text!r} is not a handover state; the states are: {states}"),
        text=text,
        states=listed(STATE_LABELS.values()),
    )


# Rows a manifest prints with their state but that are not handed over at the site.
NOT_GOING: frozenset[HandoverState] = frozenset({S.WITHDRAWN, S.SUBSTITUTED})

FINAL: frozenset[HandoverState] = frozenset(
    {
        S.RECEIVED,
        S.DECLINED,
        S.NOT_DELIVERED,
        S.SUBSTITUTED,
        S.DECEASED,
        S.RELEASED_TO_THIRD_STATE,
        S.WITHDRAWN,
    }
)
# States a batch amendment may withdraw a person from: not yet handed across, nor final.
WITHDRAWABLE: frozenset[HandoverState] = frozenset(
    {S.REQUESTED, S.LOCATED, S.AGREED, S.CLEARED, S.CONSENT_VERIFIED, S.DISPUTED}
)

# The main path, in order; each state may also leave by the exits listed.
PATH: tuple[HandoverState, ...] = (
    S.REQUESTED, S.LOCATED, S.AGREED, S.CLEARED, S.CONSENT_VERIFIED, S.TRANSFERRED, S.RECEIVED,
)  # fmt: skip

# Every state as reports list them: the main path, then the exits.
ORDER: tuple[HandoverState, ...] = (*PATH, *(state for state in HandoverState if state not in PATH))

TRANSITIONS: dict[HandoverState, frozenset[HandoverState]] = {
    S.REQUESTED: frozenset({S.LOCATED, S.NOT_DELIVERED, S.DECEASED, S.DISPUTED}),
    S.LOCATED: frozenset({S.AGREED, S.NOT_DELIVERED, S.DECEASED, S.DISPUTED}),
    S.AGREED: frozenset({S.CLEARED, S.NOT_DELIVERED, S.SUBSTITUTED, S.DECEASED, S.DISPUTED}),
    # the private interview happens once cleared: consent, refusal, or a third state
    S.CLEARED: frozenset(
        {
            S.CONSENT_VERIFIED,
            S.DECLINED,
            S.RELEASED_TO_THIRD_STATE,
            S.NOT_DELIVERED,
            S.SUBSTITUTED,
            S.DECEASED,
            S.DISPUTED,
        }
    ),
    S.CONSENT_VERIFIED: frozenset(
        {S.TRANSFERRED, S.NOT_DELIVERED, S.SUBSTITUTED, S.DECEASED, S.DISPUTED}
    ),
    S.TRANSFERRED: frozenset({S.RECEIVED, S.DECEASED, S.DISPUTED}),
    # a dispute resolves back to where it stood (see Handover.advance) or leaves by an exit
    S.DISPUTED: frozenset({S.NOT_DELIVERED, S.DECEASED, S.RELEASED_TO_THIRD_STATE}),
    **{state: frozenset() for state in FINAL},
}


def allowed_next(state: HandoverState, before_dispute: HandoverState | None) -> set[HandoverState]:
    """Every state a handover may move to next."""
    nxt = set(TRANSITIONS[state])
    if state is S.DISPUTED and before_dispute is not None:
        nxt.add(before_dispute)
    return nxt


@dataclass(frozen=True)
class Handover:
    """One person in one batch, from the releasing party to the receiving party."""

    batch_id: str
    person: PersonRef
    receiving_party: str
    state: HandoverState = S.REQUESTED
    before_dispute: HandoverState | None = None
    substitute: PersonRef | None = None  # who was brought instead, when substituted
    substitute_for: PersonRef | None = None  # whom this person replaced
    # the third confirmation of a transfer: the releasing side transferred, the receiving
    # side received, and the mediator, who witnessed it, confirms
    confirmed: bool = False

    @property
    def handover_id(self) -> str:
        return f"{self.batch_id}/{self.person}"

    @property
    def final(self) -> bool:
        return self.state in FINAL

    def advance(self, to: HandoverState) -> Handover:
        """The handover in its next state; an edge the machine lacks is refused."""
        if to is S.SUBSTITUTED:
            raise IllegalTransition(
                N_(
                    "{person} in batch {batch}: a substitution names who was brought instead;"
                    " use substitute, not advance"
                ),
                person=str(self.person),
                batch=self.batch_id,
            )
        if to not in allowed_next(self.state, self.before_dispute):
            if self.final:
                raise IllegalTransition(
                    N_(
                        "{person} in batch {batch} cannot move to {to}: it is already final ({state})."
                    ),
                    person=str(self.person),
                    batch=self.batch_id,
                    to=state_word(to),
                    state=state_word(self.state),
                )
            options = sorted(STATE_LABELS[s] for s in allowed_next(self.state, None))
            raise IllegalTransition(
                N_(
                    "{person} in batch {batch} cannot move to {to}: from {state} it can go to: {options}."
                ),
                person=str(self.person),
                batch=self.batch_id,
                to=state_word(to),
                state=state_word(self.state),
                options=listed(options),
            )
        if to is S.DISPUTED:
            return replace(self, state=to, before_dispute=self.state)
        return replace(self, state=to, before_dispute=None)

    def withdraw(self) -> Handover:
        """Taken out of the batch by an agreed amendment; kept, as every handover is."""
        if self.state not in WITHDRAWABLE:
            if self.state is S.TRANSFERRED:
                raise IllegalTransition(
                    N_("{person} in batch {batch} cannot be withdrawn: in transit"),
                    person=str(self.person),
                    batch=self.batch_id,
                )
            raise IllegalTransition(
                N_("{person} in batch {batch} cannot be withdrawn: already {state}"),
                person=str(self.person),
                batch=self.batch_id,
                state=state_word(self.state),
            )
        return replace(self, state=S.WITHDRAWN, before_dispute=None)

    def confirm(self) -> Handover:
        """The mediator's confirmation of a transfer both sides have recorded."""
        if self.state is not S.RECEIVED:
            raise IllegalTransition(
                N_(
                    "{person} in batch {batch} is {state}: the mediator confirms a transfer only"
                    " once the receiving side has recorded the receipt."
                ),
                person=str(self.person),
                batch=self.batch_id,
                state=state_word(self.state),
            )
        if self.confirmed:
            raise IllegalTransition(
                N_("{person} in batch {batch} is already confirmed."),
                person=str(self.person),
                batch=self.batch_id,
            )
        return replace(self, confirmed=True)

    def substituted_by(self, other: PersonRef) -> tuple[Handover, Handover]:
        """This handover closed as substituted, and the new one for the person brought instead."""
        if S.SUBSTITUTED not in TRANSITIONS[self.state]:
            raise IllegalTransition(
                N_("{person} in batch {batch} cannot be substituted while {state}."),
                person=str(self.person),
                batch=self.batch_id,
                state=state_word(self.state),
            )
        if other == self.person:
            raise IllegalTransition(
                N_("{person} cannot substitute for themselves."), person=str(self.person)
            )
        closed = replace(self, state=S.SUBSTITUTED, substitute=other, before_dispute=None)
        # the person brought instead stands located: both sides must still agree, clear and
        # verify consent before transfer
        new = Handover(
            batch_id=self.batch_id,
            person=other,
            receiving_party=self.receiving_party,
            state=S.LOCATED,
            substitute_for=self.person,
        )
        return closed, new
