"""Every command against every party: the permission table holds where the use cases ask it.

Each action of `authz.Action` is tried by the mediator, both sides (the owner or releasing
side, and the other), a monitor and a stranger. Refused actors try first, so that an allowed
actor's success does not change what a refused one meets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import (
    agreements,
    audit,
    batches,
    desk_boards,
    erasure,
    instance,
    keys_admin,
    papers,
    person,
    planning,
    reconcile,
    rosters,
    status,
    transparency,
)
from parley.app.authz import Action, Forbidden
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.app.planning import PlanRequest, propose
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ImplementationStatus,
    PersonRef,
    Phase,
    ReportKind,
)
from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState, RecordRef, match_id
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties

ACTORS = ("MED", "UA", "RU", "SMM", "XX")  # XX is not registered
A = Action
R0 = PersonRef("RU", "r0")
_MID = match_id(RecordRef("UA:sought", "s0"), RecordRef("RU:held", "r0"))
# In batch B, RU releases and UA receives; each handover row moves a person of its own.
_MOVED = {state: PersonRef("RU", f"r{i}") for i, state in enumerate(S, start=1)}
_INTERVIEWED, _DISPUTED = PersonRef("RU", "r15"), PersonRef("RU", "r16")
MED, RELEASING, RECEIVING = {"MED"}, {"RU"}, {"UA"}
# Rows that filter what an allowed reader sees rather than refuse: test_what_each_party_sees.
COMPANIONS = {
    A.MATCH_SEE_PROPOSED,
    A.MATCH_SEE_CONFIRMED,
    A.MATCH_SEE_EXPLANATION,
    A.LOG_SEE_PAYLOAD,
    A.SIDE_LISTS_SEE,
    A.AGREEMENT_NAMED_SIDE,
    A.HANDOVER_SEE,
}

Command = Callable[[Ledger, str, Path], object]


def _move(person: PersonRef, to: S) -> Command:
    return lambda led, a, _: batches.advance(led, actor=a, batch_id="B", moves=[(person, to, "")])


_HANDOVER_MOVES: dict[S, set[str]] = {
    S.REQUESTED: set(),
    S.LOCATED: MED,
    S.AGREED: MED,
    S.CLEARED: RELEASING,
    S.CONSENT_VERIFIED: MED,
    S.TRANSFERRED: RELEASING,
    S.RECEIVED: RECEIVING,
    S.DECLINED: MED,
    S.NOT_DELIVERED: RELEASING | MED,
    S.SUBSTITUTED: MED,
    S.DECEASED: RELEASING | MED,
    S.DISPUTED: RELEASING | RECEIVING | MED,
    S.RELEASED_TO_THIRD_STATE: MED,
    S.WITHDRAWN: set(),  # by an amendment of the batch only
}

# action, what is tried, the command, and the actors allowed to run it
MATRIX: list[tuple[Action, str, Command, set[str]]] = [
    (
        A.PARTY_REGISTER,
        "register a monitor",
        lambda led, a, _: instance.register_party(
            led,
            actor=a,
            party=Party("OSCE", "Observers", Role.MONITOR),
            public_key=Ed25519PrivateKey.generate().public_key().public_bytes_raw(),
        ),
        {"MED"},
    ),
    (A.STATUS_READ, "status", lambda led, a, _: status.summary(led, a), {"MED", "UA", "RU", "SMM"}),
    (
        A.LOG_EXPORT,
        "export",
        lambda led, a, tmp: audit.export(led, tmp / f"export-{a}", actor=a),
        {"MED", "UA", "RU", "SMM"},
    ),
    (
        A.LOG_COSIGN,
        "witness the log",
        lambda led, a, tmp: transparency.cosign(led, party_id=a, state_dir=tmp / "witness"),
        {"UA", "RU", "SMM"},
    ),
    (
        A.ROSTER_IMPORT,
        "roster import (its own)",
        lambda led, a, _: rosters.import_roster(
            led,
            party_id=a,
            kind=RosterKind.SOUGHT,
            records=people("q", 1),
            source="s",
            source_sha256="0",
        ),
        {"UA", "RU"},
    ),
    (
        A.ROSTER_IMPORT,
        "roster import (into RU's)",
        lambda led, a, _: rosters.import_roster(
            led,
            party_id="RU",
            kind=RosterKind.HELD,
            records=people("r", 20),
            source="s2",
            source_sha256="0",
            actor=a,
        ),
        {"RU"},
    ),
    (
        A.ROSTER_READ,
        "roster diff (RU's versions)",
        lambda led, a, _: rosters.diff_versions(led, party_id="RU", kind=RosterKind.HELD, actor=a),
        {"MED", "RU"},
    ),
    (
        A.ROSTER_READ,
        "roster diff (a file against RU's)",
        lambda led, a, _: rosters.diff_file(
            led, party_id="RU", kind=RosterKind.HELD, records=people("r", 2), actor=a
        ),
        {"MED", "RU"},
    ),
    (
        A.PERSON_READ,
        "person (RU's record, in no batch, matched to nothing)",
        lambda led, a, _: person.history(led, actor=a, roster_id="RU:held", record_id="r17"),
        {"MED", "RU"},
    ),
    (
        A.PERSON_ERASE,
        "erase (RU's record)",
        lambda led, a, _: erasure.erase(
            led, actor=a, roster_id="RU:held", record_id="r19", reason="x"
        ),
        {"MED", "RU"},
    ),
    (
        A.NOT_LOCATED_READ,
        "not located (UA's)",
        lambda led, a, _: reconcile.not_located(led, actor=a, party_id="UA"),
        {"MED", "UA"},
    ),
    (
        A.MATCH_RECONCILE,
        "reconcile (batch linkage)",
        lambda led, a, _: reconcile.reconcile_all(led, actor=a, duplicates=False),
        {"MED"},
    ),
    (
        A.MATCH_PROPOSE,
        "match propose",
        lambda led, a, _: reconcile.propose(led, actor=a, candidates=[]),
        {"MED"},
    ),
    (
        A.MATCH_DECIDE,
        "match decide",
        lambda led, a, _: reconcile.decide_match(
            led, actor=a, mid=_MID, state=MatchState.CONFIRMED
        ),
        {"MED"},
    ),
    (
        A.MATCH_REVERSE,
        "match reverse",
        lambda led, a, _: reconcile.reverse_match(led, actor=a, mid=_MID, reason="x"),
        {"MED"},
    ),
    (
        A.MATCH_ACKNOWLEDGE,
        "match acknowledge",
        lambda led, a, _: reconcile.acknowledge(led, actor=a, mid=_MID),
        {"UA", "RU"},
    ),
    (
        A.MATCH_LIST,
        "match list",
        lambda led, a, _: reconcile.matches(led, actor=a),
        {"MED", "UA", "RU"},
    ),
    (
        A.AGREEMENT_DRAFT,
        "agreement draft",
        lambda led, a, _: agreements.draft(led, actor=a, agreement=_agreement("AGY")),
        {"MED"},
    ),
    (
        A.AGREEMENT_AMEND,
        "agreement amend",
        lambda led, a, _: agreements.amend(
            led, actor=a, agreement=dataclasses.replace(_agreement("AGZ"), title="amended")
        ),
        {"MED"},
    ),
    (
        A.AGREEMENT_SIGN,
        "agreement sign",
        lambda led, a, _: agreements.sign(
            led,
            actor=a,
            agreement_id="AGZ",
            text_sha256=agreements.text_hash(_agreement("AGZ")),
        ),
        {"MED", "UA", "RU"},
    ),
    (
        A.AGREEMENT_READ,
        "agreement text",
        lambda led, a, _: agreements.agreement_text(led, actor=a, agreement_id="AGZ"),
        {"MED", "UA", "RU"},
    ),
    (
        A.COMMITMENT_STATUS,
        "commitment status",
        lambda led, a, _: agreements.set_commitment_status(
            led, actor=a, commitment_id="AG-DIS", status=ImplementationStatus.NOT_STARTED, note=""
        ),
        {"MED"},
    ),
    (
        A.MONITOR_REPORT,
        "monitor report",
        lambda led, a, _: agreements.report(
            led,
            actor=a,
            commitment_id="AG-DIS",
            kind=ReportKind.OBSERVATION,
            place="x",
            observed_on=dt.date(2020, 1, 1),
            text="quiet",
        ),
        {"SMM"},
    ),
    (
        A.SIDE_LISTS_SUBMIT,
        "batch lists (sign)",
        lambda led, a, _: planning.submit_lists(
            led, actor=a, commitment_id="AG-EX", must_include=set(), veto=set()
        ),
        {"UA", "RU"},
    ),
    (
        A.SIDE_LISTS_READ,
        "batch lists (show)",
        lambda led, a, _: planning.side_lists(led, actor=a, commitment_id="AG-EX"),
        {"MED", "UA", "RU"},
    ),
    (
        A.BATCH_PROPOSE,
        "batch propose",
        lambda led, a, _: propose(led, actor=a, request=PlanRequest("AG-EX")),
        {"MED"},
    ),
    (
        A.BATCH_PLAN,
        "batch plan",
        lambda led, a, _: batches.plan(
            led,
            actor=a,
            batch_id="B2",
            commitment_id="AG-EX",
            place="x",
            planned_date=None,
            persons=[PersonRef("UA", "u0")],
        ),
        {"MED"},
    ),
    (
        A.BATCH_CONFIRM,
        "batch confirm",
        lambda led, a, _: batches.confirm(led, actor=a, batch_id="B", persons=[]),
        {"MED"},
    ),
    (
        A.BATCH_CLOSE,
        "batch close",
        lambda led, a, _: batches.close(led, actor=a, batch_id="B"),
        {"MED"},
    ),
    (
        A.INTERVIEW_READ,
        "interview read",
        lambda led, a, _: batches.interview(led, actor=a, batch_id="B", person=R0),
        {"MED"},
    ),
    (
        A.INTERVIEW_RECORD,
        "interview recorded with a move",
        lambda led, a, _: batches.advance(
            led,
            actor=a,
            batch_id="B",
            moves=[(_INTERVIEWED, S.DISPUTED, "")],
            interviews={_INTERVIEWED: "notes"},
        ),
        {"MED"},
    ),
    *[
        (A(f"handover.{to.value}"), f"handover to {to.value}", _move(_MOVED[to], to), allowed)
        for to, allowed in _HANDOVER_MOVES.items()
    ],
    (
        A.HANDOVER_SUBSTITUTED,
        "substitute",
        lambda led, a, _: batches.substitute(
            led, actor=a, batch_id="B", person=R0, brought=PersonRef("RU", "r18"), note=""
        ),
        {"MED"},
    ),
    (A.HANDOVER_RESUME, "handover back from a dispute", _move(_DISPUTED, S.REQUESTED), MED),
    (
        A.BATCH_AMEND,
        "batch amend (propose)",
        lambda led, a, _: batches.amend(
            led, actor=a, batch_id="B", withdraw=[PersonRef("RU", "r1")], reason="x"
        ),
        {"MED", "UA", "RU"},
    ),
    (
        A.BATCH_CANCEL,
        "batch cancel",
        lambda led, a, _: batches.cancel(led, actor=a, batch_id="B2", reason="x"),
        {"MED"},
    ),
    (
        A.PERSON_OUTCOME_READ,
        "person (RU's record, joined to UA by the batch UA receives from)",
        lambda led, a, _: person.history(led, actor=a, roster_id="RU:held", record_id="r1"),
        {"MED", "UA", "RU"},
    ),
    (
        A.KEY_REVOKE,
        "key revoke (UA's)",
        lambda led, a, _: keys_admin.revoke(
            led, actor=a, party_id="UA", revoked_key_id="no-such-key", reason="x"
        ),
        {"MED", "UA"},
    ),
    (
        A.KEY_REPLACE,
        "key revoke (UA's) naming a replacement",
        lambda led, a, _: keys_admin.revoke(
            led,
            actor=a,
            party_id="UA",
            revoked_key_id="no-such-key",
            reason="x",
            replacement=Ed25519PrivateKey.generate().public_key().public_bytes_raw(),
        ),
        {"UA"},
    ),
    (
        A.KEY_ROTATE,
        "key rotate (its own)",
        lambda led, a, _: keys_admin.rotate(led, party_id=a),
        {"MED", "UA", "RU", "SMM"},
    ),
    (
        A.DESK_SIGN_IN,
        "desk sign-in link",
        lambda led, a, tmp: DeskAccess.start(tmp / "desk", "http://127.0.0.1").mint(
            led, party_id=a
        ),
        {"MED"},
    ),
    (
        A.BATCH_BOARD,
        "batch board",
        lambda led, a, _: desk_boards.board(led, actor=a, batch_id="B"),
        {"MED"},
    ),
    (
        A.BATCH_MANIFEST,
        "batch manifest",
        lambda led, a, _: papers.manifest(led, actor=a, batch_id="B"),
        {"MED", "UA", "RU"},
    ),
    (
        A.SIDE_EXPORT,
        "a side's own view as XLSX (UA's)",
        lambda led, a, _: papers.export_xlsx(led, actor=a, party="UA"),
        {"MED", "UA"},
    ),
]


def _agreement(agreement_id: str) -> Agreement:
    phase = Phase(
        f"{agreement_id}-P", 1, "p", (Commitment(f"{agreement_id}-C", CommitmentKind.OTHER, "x"),)
    )
    return Agreement(agreement_id, "t", ("UA", "RU"), "MED", (phase,))


def _scene(ledger: Ledger) -> None:
    setup_parties(ledger)
    for party, kind, records in (
        ("RU", RosterKind.HELD, people("r", 20)),
        ("UA", RosterKind.HELD, people("u", 2)),
        ("UA", RosterKind.SOUGHT, [PersonRecord("s0", family_name="Коваль0")]),
    ):
        rosters.import_roster(
            ledger, party_id=party, kind=kind, records=records, source="s", source_sha256="0"
        )
    all_for_all(ledger)
    agreements.draft(ledger, actor="MED", agreement=_agreement("AGZ"))
    plan_batch(ledger, "B", [PersonRef("RU", f"r{i}") for i in range(17)])
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(_DISPUTED, S.DISPUTED, "")])
    reconcile.propose(
        ledger,
        actor="MED",
        candidates=[
            reconcile.Candidate(
                RecordRef("UA:sought", "s0"), RecordRef("RU:held", "r0"), 0.9, "same"
            )
        ],
    )


def test_the_matrix_tries_every_action() -> None:
    assert {action for action, *_ in MATRIX} | COMPANIONS == set(Action)


def test_every_command_against_every_party(ledger: Ledger, tmp_path: Path) -> None:
    _scene(ledger)
    checked = 0
    for action, name, command, allowed in MATRIX:
        for actor in sorted(ACTORS, key=lambda a: a in allowed):
            try:
                command(ledger, actor, tmp_path)
            except Forbidden as e:
                assert actor not in allowed, f"{action} ({name}): {actor} was refused: {e}"
                checked += 1
                continue
            except DomainError:
                pass  # allowed to try; refused for another reason (state, not found...)
            assert actor in allowed, f"{action} ({name}): {actor} was let through"
            checked += 1
    assert checked == len(MATRIX) * len(ACTORS)


def test_what_each_party_sees(ledger: Ledger) -> None:
    _scene(ledger)
    # a proposal is the mediator's alone; a confirmed match is seen by the sides it is about
    assert [m["match_id"] for m in reconcile.matches(ledger, actor="MED")] == [_MID]
    assert reconcile.matches(ledger, actor="UA") == []
    ru_history = person.history(ledger, actor="RU", roster_id="RU:held", record_id="r0")
    assert ru_history["matches"] == []
    reconcile.decide_match(ledger, actor="MED", mid=_MID, state=MatchState.CONFIRMED)
    for side in ("UA", "RU"):
        assert [m["match_id"] for m in reconcile.matches(ledger, actor=side)] == [_MID]
    ru_history = person.history(ledger, actor="RU", roster_id="RU:held", record_id="r0")
    assert [m["match_id"] for m in ru_history["matches"]] == [_MID]
    # the explanation quotes both records: the mediator's alone
    # the basis the log keeps, then the two records compared when shown
    (words,) = [m["explanation"] for m in reconcile.matches(ledger, actor="MED")]
    assert words.startswith("same; family name")
    assert [m["explanation"] for m in reconcile.matches(ledger, actor="RU")] == [None]
    assert [m["explanation"] for m in ru_history["matches"]] == [None]
    # each side sees its own signed lists; the mediator both
    for side, wanted in (("UA", PersonRef("RU", "r1")), ("RU", PersonRef("UA", "u1"))):
        planning.submit_lists(
            ledger, actor=side, commitment_id="AG-EX", must_include={wanted}, veto=set()
        )
    lists = {
        actor: [x.party_id for x in planning.side_lists(ledger, actor=actor, commitment_id="AG-EX")]
        for actor in ("MED", "UA", "RU")
    }
    assert lists == {"MED": ["RU", "UA"], "UA": ["UA"], "RU": ["RU"]}
    # only a side may be named a side of an agreement
    named_monitor = dataclasses.replace(_agreement("AGM"), sides=("UA", "SMM"))
    with pytest.raises(DomainError, match="SMM is not a side"):
        agreements.draft(ledger, actor="MED", agreement=named_monitor)


def test_status_shows_each_party_its_own_view(ledger: Ledger) -> None:
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", 2),
        source="s",
        source_sha256="0",
    )
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.HELD,
        records=people("u", 2),
        source="s",
        source_sha256="0",
    )
    all_for_all(ledger)
    plan_batch(ledger, "B", [R0, PersonRef("UA", "u0")])
    batches.advance(
        ledger,
        actor="MED",
        batch_id="B",
        moves=[(R0, S.DECEASED, ""), (PersonRef("UA", "u0"), S.DECEASED, "")],
    )
    full = status.summary(ledger, "MED")
    assert len(full["rosters"]) == 2 and len(full["exceptions"]) == 2
    ua = status.summary(ledger, "UA")
    assert [r["id"] for r in ua["rosters"]] == ["UA:held"]
    names = {e["person"]: e["name"] for e in ua["exceptions"]}
    # UA receives RU/r0: the process joined that person to UA, who sees them by name
    assert names == {"RU/r0": "Коваль0 Петро", "UA/u0": "Коваль0 Петро"}
    assert {e["person"] for e in status.summary(ledger, "RU")["exceptions"]} == {"RU/r0", "UA/u0"}
    smm = status.summary(ledger, "SMM")
    assert smm["rosters"] == [] and smm["exceptions"] == []
    kinds = {c["kind"] for a in smm["agreements"] for p in a["phases"] for c in p["commitments"]}
    assert kinds == {"disengagement"}
    with pytest.raises(Forbidden):
        status.summary(ledger, "XX")
