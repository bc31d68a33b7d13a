"""The permission table, row by row: every action against every role and relation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import parley.app
from parley.app import authz
from parley.app.authz import (
    HANDOVER_ACTIONS,
    PERMISSIONS,
    Acting,
    Action,
    Forbidden,
    check,
    handover_action,
    sees_payload,
    visible_match,
)
from parley.app.language import refusal, translations
from parley.domain.handovers import HandoverState
from parley.domain.parties import Role

A = Action
# The mediator, UA (the owner, the releasing side, a party to what is acted on), RU (the other
# side, the receiving one, also a party), and a monitor. A stranger is refused before any rule
# (authz.acting; see tests/integration/test_permissions.py).
PARTIES = {
    "MED": Acting("MED", Role.MEDIATOR),
    "UA": Acting("UA", Role.SIDE),
    "RU": Acting("RU", Role.SIDE),
    "SMM": Acting("SMM", Role.MONITOR),
}
SUBJECT = {"owner": "UA", "releasing": "UA", "receiving": "RU", "parties": ("UA", "RU")}
ALL, SIDES = {"MED", "UA", "RU", "SMM"}, {"UA", "RU"}

# Written out again on purpose: a change to the table must be a change to this test too.
EXPECTED: dict[Action, set[str]] = {
    A.PARTY_REGISTER: {"MED"},
    A.KEY_ROTATE: {"UA"},
    A.KEY_REVOKE: {"MED", "UA"},
    A.KEY_REPLACE: {"UA"},
    A.LOG_COSIGN: {"UA", "RU", "SMM"},
    A.STATUS_READ: ALL,
    A.LOG_EXPORT: ALL,
    A.LOG_SEE_PAYLOAD: {"MED", "UA"},
    A.ROSTER_IMPORT: {"UA"},
    A.ROSTER_READ: {"MED", "UA"},
    A.PERSON_READ: {"MED", "UA"},
    A.PERSON_ERASE: {"MED", "UA"},
    A.NOT_LOCATED_READ: {"MED", "UA"},
    A.MATCH_RECONCILE: {"MED"},
    A.MATCH_PROPOSE: {"MED"},
    A.MATCH_DECIDE: {"MED"},
    A.MATCH_REVERSE: {"MED"},
    A.MATCH_ACKNOWLEDGE: SIDES,
    A.MATCH_LIST: {"MED", *SIDES},
    A.MATCH_SEE_PROPOSED: {"MED"},
    A.MATCH_SEE_CONFIRMED: {"MED", *SIDES},
    A.MATCH_SEE_EXPLANATION: {"MED"},
    A.AGREEMENT_DRAFT: {"MED"},
    A.AGREEMENT_AMEND: {"MED"},
    A.AGREEMENT_NAMED_SIDE: SIDES,
    A.AGREEMENT_SIGN: SIDES,  # the mediator too, when named by the agreement: see below
    A.AGREEMENT_READ: SIDES,  # the mediator too, when named by the agreement (as signing)
    A.COMMITMENT_STATUS: {"MED"},
    A.MONITOR_REPORT: {"SMM"},
    A.SIDE_LISTS_SUBMIT: SIDES,
    A.SIDE_LISTS_READ: {"MED", *SIDES},
    A.SIDE_LISTS_SEE: {"MED", "UA"},
    A.BATCH_PROPOSE: {"MED"},
    A.BATCH_PLAN: {"MED"},
    A.BATCH_CONFIRM: {"MED"},
    A.BATCH_CLOSE: {"MED"},
    A.INTERVIEW_READ: {"MED"},
    A.INTERVIEW_RECORD: {"MED"},
    A.HANDOVER_REQUESTED: set(),
    A.HANDOVER_LOCATED: {"MED"},
    A.HANDOVER_AGREED: {"MED"},
    A.HANDOVER_CLEARED: {"UA"},
    A.HANDOVER_CONSENT_VERIFIED: {"MED"},
    A.HANDOVER_TRANSFERRED: {"UA"},
    A.HANDOVER_RECEIVED: {"RU"},
    A.HANDOVER_DECLINED: {"MED"},
    A.HANDOVER_NOT_DELIVERED: {"MED", "UA"},
    A.HANDOVER_SUBSTITUTED: {"MED"},
    A.HANDOVER_DECEASED: {"MED", "UA"},
    A.HANDOVER_DISPUTED: {"MED", "UA", "RU"},
    A.HANDOVER_RELEASED_TO_THIRD_STATE: {"MED"},
    A.HANDOVER_RESUME: {"MED"},
    A.HANDOVER_WITHDRAWN: set(),  # by an amendment of the batch only
    A.BATCH_AMEND: SIDES,  # the mediator too, when it is the agreement's: passed as a party
    A.BATCH_CANCEL: {"MED"},
    A.PERSON_OUTCOME_READ: {"MED", "UA", "RU"},  # RU: joined to it (received, or sought)
    A.HANDOVER_SEE: {"MED", "UA", "RU"},
    A.DESK_SIGN_IN: {"MED"},
    A.BATCH_BOARD: {"MED"},
    A.BATCH_MANIFEST: {"MED", "UA", "RU"},  # the parties to the batch; each sees its own cells
    A.SIDE_EXPORT: {"MED", "UA"},  # UA's view: UA, and the mediator who holds every roster
}


def test_the_table_names_every_action_and_nothing_else() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert set(EXPECTED) == set(Action)


def test_every_handover_state_has_its_row() -> None:
    assert set(HANDOVER_ACTIONS) == set(HandoverState)
    for state in HandoverState:
        assert handover_action(state) in PERMISSIONS
        assert handover_action(state, resuming=True) is Action.HANDOVER_RESUME


@pytest.mark.parametrize("action", list(Action))
def test_every_action_against_every_party(action: Action) -> None:
    for name, who in PARTIES.items():
        try:
            assert check(who, action, **SUBJECT, about="X") is who  # type: ignore[arg-type]
        except Forbidden as e:
            assert name not in EXPECTED[action], f"{action}: {name} was refused: {e}"
            assert str(e) and "{" not in str(e), f"{action}: unclear refusal {e}"
        else:
            assert name in EXPECTED[action], f"{action}: {name} was let through"


def test_the_agreement_names_its_mediator() -> None:
    parties = ("UA", "RU", "MED")
    check(PARTIES["MED"], A.AGREEMENT_SIGN, parties=parties)
    with pytest.raises(Forbidden, match="neither a side nor the mediator of agreement AG"):
        check(PARTIES["MED"], A.AGREEMENT_SIGN, parties=("UA", "RU"), about="AG")
    with pytest.raises(Forbidden, match=r"SMM \(monitor\) may not sign an agreement"):
        check(PARTIES["SMM"], A.AGREEMENT_SIGN, parties=(*parties, "SMM"))


def test_refusals_say_who_may() -> None:
    with pytest.raises(Forbidden, match=r"MED \(mediator\) may not import a roster: only a side"):
        check(PARTIES["MED"], A.ROSTER_IMPORT, owner="MED")
    with pytest.raises(Forbidden, match="may not import UA's roster: only UA signs its own"):
        check(PARTIES["RU"], A.ROSTER_IMPORT, owner="UA")
    with pytest.raises(Forbidden, match=r"to received: only the receiving side may$"):
        check(PARTIES["UA"], A.HANDOVER_RECEIVED, receiving="RU", about="received")
    with pytest.raises(
        Forbidden, match=r"only the releasing side, the receiving side or the mediator may$"
    ):
        check(PARTIES["SMM"], A.HANDOVER_DISPUTED, about="disputed")
    with pytest.raises(Forbidden, match="to deceased: only the releasing side or the mediator"):
        check(PARTIES["RU"], A.HANDOVER_DECEASED, releasing="UA", about="deceased")


def test_every_move_says_who_may_in_words_of_each_language() -> None:
    """A handover move's refusal names who may by the part each plays (the releasing side),
    for every rule of the table, in Ukrainian and Russian too."""
    moves = [r for r in authz.PERMISSIONS.values() if r.refusal == authz._MOVE]
    assert moves and all(r.who in authz._MOVERS for r in moves)
    for locale in ("uk", "ru"):
        gettext = translations(locale).gettext
        assert [w for w in authz._MOVERS.values() if gettext(w) == w] == []
    refused = authz.refusal(PARTIES["UA"], A.HANDOVER_RECEIVED, receiving="RU", about="received")
    assert refused is not None
    assert refusal(refused, "uk").endswith("«прийнято»: це може лише сторона, що приймає")
    assert refusal(refused, "ru").endswith("«принято»: это может только принимающая сторона")


# A use case asks the table; it neither looks a party's role up nor refuses on its own.
# (Reading a role off the log or a table, as `p.role` or `t.parties.c.role`, is data.)
_ROLE_CHECK = re.compile(
    r"role_of\(|\bacting\([^)]*\)\.role|who\.role|(?<![.\w])role (?:is|==|!=) "
    r"|\) (?:is|==|!=|is not) Role\.|Forbidden\(|\bactor (?:==|!=) "
)


def test_no_role_checks_outside_the_table() -> None:
    app = Path(parley.app.__file__).parent
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(app.glob("*.py"))
        if path.name != "authz.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _ROLE_CHECK.search(line)
    ]
    assert found == []


def test_a_side_sees_a_match_without_the_explanation() -> None:
    row = {"match_id": "m", "left": "UA:sought/s", "right": "RU:held/r", "explanation": "Олег"}
    assert visible_match(PARTIES["MED"], row) == row
    for side in SIDES:
        assert visible_match(PARTIES[side], row) == {**row, "explanation": None}


def test_an_export_carries_the_payloads_each_party_may_see() -> None:
    # the log's own events for everyone, the public too; the rest to the mediator and the author
    for who in (None, *PARTIES.values()):
        assert sees_payload(who, actor="RU", event_type="party.registered")
    assert not sees_payload(None, actor="UA", event_type="person.recorded")
    seen = {n for n, who in PARTIES.items() if sees_payload(who, actor="UA", event_type="x")}
    assert seen == {"MED", "UA"}
