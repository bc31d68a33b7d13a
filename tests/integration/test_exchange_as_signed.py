"""Issue 15: a named exchange executes as signed; batches amended and cancelled by signed
events; outcomes by name for the sides entitled; time as it happened (`--at`). Through the
use cases and the CLI, on real SQLite (and PostgreSQL where the `ledger` fixture runs it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import agreements, batches, person, reconcile, rosters, status
from parley.app.authz import Forbidden
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.planning import PlanRequest, propose
from parley.app.rebuild import projection_snapshot, rebuild
from parley.cli.main import app
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    ImplementationStatus,
    PersonRef,
    Phase,
    ReportKind,
)
from parley.domain.batches import Batch
from parley.domain.errors import Conflict, DomainError
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState, RecordRef
from parley.domain.persons import Health, PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, plan_batch, setup_parties

T0 = dt.datetime(2019, 9, 1, 8, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def _held(ledger: Ledger, party: str, n: int, wounded: int = -1) -> list[PersonRef]:
    records = [
        PersonRecord(
            f"{party.lower()}{i}",
            family_name=f"Коваль{i}",
            given_name="Петро",
            health=Health.SERIOUSLY_WOUNDED_OR_SICK if i == wounded else Health.FIT,
        )
        for i in range(n)
    ]
    rosters.import_roster(
        ledger, party_id=party, kind=RosterKind.HELD, records=records, source="s", source_sha256="0"
    )
    return [PersonRef(party, r.record_id) for r in records]


def _named(ledger: Ledger, ua: list[PersonRef], ru: list[PersonRef]) -> None:
    terms = ExchangeTerms(ExchangeMode.NAMED, named=(("RU", tuple(ru)), ("UA", tuple(ua))))
    agreement = Agreement(
        "AGN",
        "35 for 35",
        ("UA", "RU"),
        "MED",
        (
            Phase(
                "P1",
                1,
                "first step",
                (
                    Commitment(
                        "P1-EX",
                        CommitmentKind.EXCHANGE,
                        "named",
                        exchange=terms,
                        due_date=dt.date(2019, 9, 10),
                    ),
                ),
            ),
        ),
    )
    agreements.draft(ledger, actor="MED", agreement=agreement)
    digest = agreements.stored_hash(ledger, agreement_id="AGN")  # the text names the persons
    for signer in ("UA", "RU", "MED"):
        agreements.sign(ledger, actor=signer, agreement_id="AGN", text_sha256=digest)


def test_a_named_35_for_35_executes_as_signed_with_its_wounded(ledger: Ledger) -> None:
    setup_parties(ledger)
    ua = _held(ledger, "UA", 36)
    ru = _held(ledger, "RU", 36, wounded=3)
    _named(ledger, ua[:35], ru[:35])
    from parley.app import planning

    planning.submit_lists(
        ledger, actor="UA", commitment_id="P1-EX", must_include={ru[3]}, veto=set()
    )
    proposal = propose(ledger, actor="MED", request=PlanRequest("P1-EX"))
    assert len(proposal.plan.released_by_a) == len(proposal.plan.released_by_b) == 35
    assert ru[3] in proposal.persons  # seriously wounded, must-include, named: in
    assert ua[35] not in proposal.persons and ru[35] not in proposal.persons
    with pytest.raises(DomainError, match="executes as signed"):
        propose(ledger, actor="MED", request=PlanRequest("P1-EX", batch_size=34))
    # a named person already in a batch is said to be elsewhere, not silently left out
    plan_batch(ledger, "B0", [ua[0]], commitment_id="P1-EX")
    again = propose(ledger, actor="MED", request=PlanRequest("P1-EX"))
    assert (ua[0], "requested in batch B0") in again.not_proposed
    assert len(again.persons) == 69


def _batch(ledger: Ledger, batch_id: str) -> Batch:
    with ledger.reading() as tx:
        return batches.load(tx, batch_id)


def _amendable(ledger: Ledger) -> tuple[list[PersonRef], list[PersonRef]]:
    setup_parties(ledger)
    ua = _held(ledger, "UA", 4)
    ru = _held(ledger, "RU", 4)
    all_for_all(ledger)
    plan_batch(ledger, "B1", [ua[0], ua[1], ru[0], ru[1]])
    return ua, ru


def test_an_amendment_needs_both_sides_and_the_mediator(ledger: Ledger) -> None:
    ua, ru = _amendable(ledger)
    batches.advance(ledger, actor="MED", batch_id="B1", moves=[(ru[0], S.LOCATED, "")])
    with pytest.raises(Forbidden):
        batches.amend(ledger, actor="SMM", batch_id="B1", add=[ua[2]], reason="x")
    with pytest.raises(DomainError, match="says why"):
        batches.amend(ledger, actor="UA", batch_id="B1", add=[ua[2]])
    batches.amend(
        ledger, actor="UA", batch_id="B1", add=[ua[2]], withdraw=[ru[0]], reason="swap at request"
    )
    batches.amend(ledger, actor="RU", batch_id="B1", agree=1)
    with pytest.raises(Conflict, match="already agreed"):
        batches.amend(ledger, actor="RU", batch_id="B1", agree=1)
    before = _batch(ledger, "B1")
    assert ua[2] not in before.by_person  # not in force until the mediator agrees
    batches.amend(ledger, actor="MED", batch_id="B1", agree=1)
    after = _batch(ledger, "B1")
    assert after.handover(ua[2]).state is S.REQUESTED
    assert after.handover(ua[2]).receiving_party == "RU"
    assert after.handover(ru[0]).state is S.WITHDRAWN  # kept, never dropped
    (shown,) = batches.amendments(ledger, actor="RU", batch_id="B1")
    assert shown.in_force and shown.agreed_by == ("UA", "RU", "MED")
    # a withdrawn person may be planned again
    assert ru[0] in propose(ledger, actor="MED", request=PlanRequest("AG-EX")).persons
    # nobody moves a handover to withdrawn by hand
    with pytest.raises(Forbidden):
        batches.advance(ledger, actor="MED", batch_id="B1", moves=[(ru[1], S.WITHDRAWN, "")])
    h = person.history(ledger, actor="MED", roster_id="RU:held", record_id=ru[0].record_id)
    assert h["handovers"][-1]["to"] == "withdrawn"
    assert "amendment 1 of batch B1: swap at request" in h["handovers"][-1]["note"]
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live


def test_a_cancelled_batch_keeps_what_moved_and_frees_the_rest(ledger: Ledger) -> None:
    ua, ru = _amendable(ledger)
    u = ua[0]
    batches.advance(
        ledger, actor="MED", batch_id="B1", moves=[(u, S.LOCATED, ""), (u, S.AGREED, "")]
    )
    batches.advance(ledger, actor="UA", batch_id="B1", moves=[(u, S.CLEARED, "")])
    batches.advance(ledger, actor="MED", batch_id="B1", moves=[(u, S.CONSENT_VERIFIED, "")])
    batches.advance(ledger, actor="UA", batch_id="B1", moves=[(u, S.TRANSFERRED, "")])
    with pytest.raises(Conflict, match="in transit"):
        batches.cancel(ledger, actor="MED", batch_id="B1", reason="shelling")
    batches.advance(ledger, actor="RU", batch_id="B1", moves=[(u, S.RECEIVED, "")])
    batches.confirm(ledger, actor="MED", batch_id="B1")
    with pytest.raises(Forbidden):
        batches.cancel(ledger, actor="UA", batch_id="B1", reason="shelling")
    batches.cancel(ledger, actor="MED", batch_id="B1", reason="shelling at the bridge")
    b = _batch(ledger, "B1")
    assert b.status.value == "cancelled"
    assert b.handover(u).state is S.RECEIVED  # moved: keeps its state
    assert b.handover(ru[0]).state is S.REQUESTED
    with pytest.raises(Conflict, match="cancelled"):
        batches.advance(ledger, actor="MED", batch_id="B1", moves=[(ru[0], S.LOCATED, "")])
    with pytest.raises(Conflict, match="cancelled"):
        batches.amend(ledger, actor="UA", batch_id="B1", add=[ua[3]], reason="x")
    stopped = {e["person"] for e in status.summary(ledger, "MED")["exceptions"]}
    assert stopped == {str(ua[1]), str(ru[0]), str(ru[1])}  # nobody left unsaid
    nxt = propose(ledger, actor="MED", request=PlanRequest("AG-EX")).persons
    assert ru[0] in nxt and u not in nxt
    plan_batch(ledger, "B2", [ru[0]])  # planned again
    with pytest.raises(Conflict, match="cannot be added: already received in batch B1"):
        batches.amend(ledger, actor="RU", batch_id="B2", add=[u], reason="again?")
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live


def test_outcomes_by_name_for_the_side_that_sought_and_received(ledger: Ledger) -> None:
    setup_parties(ledger)
    _held(ledger, "RU", 2)
    _held(ledger, "UA", 1)
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=[PersonRecord("s17", family_name="Коваль0", given_name="Петро")],
        source="s",
        source_sha256="0",
    )
    all_for_all(ledger)
    sought, held = RecordRef("UA:sought", "s17"), RecordRef("RU:held", "ru0")
    with pytest.raises(Forbidden):
        person.history(ledger, actor="UA", roster_id="RU:held", record_id="ru0")
    reconcile.propose(
        ledger, actor="MED", candidates=[reconcile.Candidate(sought, held, 0.97, "same")]
    )
    (mid,) = [m["match_id"] for m in reconcile.matches(ledger, actor="MED")]
    reconcile.decide_match(ledger, actor="MED", mid=mid, state=MatchState.CONFIRMED)
    seen = person.history(ledger, actor="UA", roster_id="RU:held", record_id="ru0")
    assert seen["name"] == "Коваль0 Петро" and seen["state"] is None
    assert seen["revisions"] == [] and seen["current"] is None  # never RU's raw record
    with pytest.raises(Forbidden):  # not joined to UA: RU's other record stays RU's
        person.history(ledger, actor="UA", roster_id="RU:held", record_id="ru1")
    with pytest.raises(Forbidden):
        person.history(ledger, actor="SMM", roster_id="RU:held", record_id="ru0")
    r0 = PersonRef("RU", "ru0")
    plan_batch(ledger, "B", [r0])
    for state, who in (
        (S.LOCATED, "MED"),
        (S.AGREED, "MED"),
        (S.CLEARED, "RU"),
        (S.CONSENT_VERIFIED, "MED"),
        (S.TRANSFERRED, "RU"),
        (S.RECEIVED, "UA"),
    ):
        batches.advance(ledger, actor=who, batch_id="B", moves=[(r0, state, "")])
    own = person.history(ledger, actor="UA", roster_id="UA:sought", record_id="s17")
    assert own["closed"] and own["outcome"] == {
        "record": "RU:held/ru0",
        "state": "received",
        "batch": "B",
    }
    assert own["found_as"][0]["handovers"][-1]["to"] == "received"
    # the receiving side sees the exceptions about persons it receives, by name
    plan_batch(ledger, "B3", [PersonRef("RU", "ru1")])
    batches.advance(
        ledger, actor="RU", batch_id="B3", moves=[(PersonRef("RU", "ru1"), S.DECEASED, "")]
    )
    (e,) = status.summary(ledger, "UA")["exceptions"]
    assert e["name"] == "Коваль1 Петро"
    assert status.summary(ledger, "SMM")["exceptions"] == []


def test_time_as_it_happened(ledger: Ledger) -> None:
    clock = Clock()
    ledger.clock = clock
    _amendable(ledger)
    u = PersonRef("UA", "ua0")
    clock.now = T0 + dt.timedelta(days=3)
    with pytest.raises(DomainError, match="before the batch was planned"):
        batches.advance(
            ledger, actor="MED", batch_id="B1", moves=[(u, S.LOCATED, "")], at=T0 - dt.timedelta(1)
        )
    with pytest.raises(DomainError, match="after the time it is entered"):
        batches.advance(
            ledger, actor="MED", batch_id="B1", moves=[(u, S.LOCATED, "")], at=T0 + dt.timedelta(4)
        )
    bridge = T0 + dt.timedelta(days=1, hours=6)
    batches.advance(ledger, actor="MED", batch_id="B1", moves=[(u, S.LOCATED, "")], at=bridge)
    with pytest.raises(DomainError, match="before its previous step"):
        batches.advance(
            ledger,
            actor="MED",
            batch_id="B1",
            moves=[(u, S.AGREED, "")],
            at=bridge - dt.timedelta(1),
        )
    h = person.history(ledger, actor="MED", roster_id="UA:held", record_id="ua0")
    assert h["handovers"][-1]["time"] == "2019-09-02T14:00:00Z"  # as claimed
    # a report is not dated in the future; the quiet days count back from the claimed time
    with pytest.raises(DomainError, match="after the day it is entered"):
        agreements.report(
            ledger,
            actor="SMM",
            commitment_id="AG-DIS",
            kind=ReportKind.VIOLATION,
            place="Zolote",
            observed_on=dt.date(2030, 1, 1),
            text="x",
        )
    agreements.report(
        ledger,
        actor="SMM",
        commitment_id="AG-DIS",
        kind=ReportKind.VIOLATION,
        place="Zolote",
        observed_on=dt.date(2019, 8, 30),
        text="shelling",
        at=dt.datetime(2019, 8, 30, 22, tzinfo=dt.UTC),
    )
    clock.now = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)  # entered years later
    with pytest.raises(DomainError, match="7 consecutive days"):
        agreements.set_commitment_status(
            ledger,
            actor="MED",
            commitment_id="AG-DIS",
            status=ImplementationStatus.FULL,
            note="",
            at=dt.datetime(2019, 9, 2, tzinfo=dt.UTC),
        )
    agreements.set_commitment_status(
        ledger,
        actor="MED",
        commitment_id="AG-DIS",
        status=ImplementationStatus.MINIMAL,
        note="",
        at=dt.datetime(2019, 9, 7, tzinfo=dt.UTC),
    )
    (r,) = status.reports(ledger, "SMM")
    assert (r["commitment"], r["kind"], r["observed_on"]) == ("AG-DIS", "violation", "2019-08-30")


def _cli_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(led)
        ua = _held(led, "UA", 3)
        ru = _held(led, "RU", 3, wounded=2)
        _named(led, ua[:2], ru)
    finally:
        led.close()


def test_the_cli_plans_amends_cancels_and_takes_real_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_instance(tmp_path, monkeypatch)
    run = CliRunner().invoke

    def ok(*args: str) -> str:
        done = run(app, list(args))
        assert done.exit_code == 0, done.output
        return done.output

    shown = json.loads(ok("batch", "propose", "--commitment", "P1-EX", "--json"))
    assert shown["released"] == {"UA": ["UA/ua0", "UA/ua1"], "RU": ["RU/ru2", "RU/ru0", "RU/ru1"]}
    refused = run(
        app, ["batch", "plan", "B1", "--commitment", "P1-EX", "--place", "x", "--size", "1"]
    )
    assert refused.exit_code == 1 and "executes as signed" in refused.output
    assert "2 named" in ok("batch", "plan", "B1", "--commitment", "P1-EX", "--place", "bridge")
    ok("batch", "amend", "B1", "--add", "UA/ua2", "--reason", "agreed at the table", "--as", "RU")
    ok("batch", "amend", "B1", "--agree", "1", "--as", "UA")
    assert "in force" in ok("batch", "amend", "B1", "--agree", "1", "--as", "MED")
    assert "agreed by RU, UA, MED; in force" in ok("batch", "amendments", "B1", "--as", "UA")
    future = run(
        app,
        ["handover", "B1", "UA/ua2", "--to", "located", "--as", "MED", "--at", "2099-01-01T10:00"],
    )
    assert future.exit_code == 1 and "after the time it is entered" in future.output
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0)  # after the batch was planned
    typed = moment.astimezone(dt.timezone(dt.timedelta(hours=3))).isoformat()
    ok("handover", "B1", "UA/ua2", "--to", "located", "--as", "MED", "--at", typed)
    seen = json.loads(ok("person", "UA:held/ua2", "--json"))
    assert seen["handovers"][-1]["time"] == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "No reports" in ok("report", "list")
    assert "Cancelled batch B1" in ok("batch", "cancel", "B1", "--reason", "postponed")
    status_text = ok("status")
    assert "PAST DUE" in status_text  # due 2019-09-10, its batch cancelled, nothing closed


def test_the_cli_shows_outcomes_by_name_and_takes_observed_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(led)
        _held(led, "RU", 1)
        rosters.import_roster(
            led,
            party_id="UA",
            kind=RosterKind.SOUGHT,
            records=[PersonRecord("s62", family_name="Коваль0", given_name="Петро")],
            source="s",
            source_sha256="0",
        )
        all_for_all(led)
        sought, held = RecordRef("UA:sought", "s62"), RecordRef("RU:held", "ru0")
        reconcile.propose(
            led, actor="MED", candidates=[reconcile.Candidate(sought, held, 0.97, "same")]
        )
        (mid,) = [m["match_id"] for m in reconcile.matches(led, actor="MED")]
        reconcile.decide_match(led, actor="MED", mid=mid, state=MatchState.CONFIRMED)
        plan_batch(led, "B", [PersonRef("RU", "ru0")])
    finally:
        led.close()
    run = CliRunner().invoke

    def ok(*args: str) -> str:
        done = run(app, list(args))
        assert done.exit_code == 0, done.output
        return done.output

    r0 = "RU/ru0"
    for to, who in (
        ("located", "MED"),
        ("agreed", "MED"),
        ("cleared", "RU"),
        ("consent_verified", "MED"),
        ("transferred", "RU"),
        ("received", "UA"),
    ):
        ok("handover", "B", r0, "--to", to, "--as", who)
    seen = ok("person", "RU:held/ru0", "--as", "UA")
    assert "Коваль0 Петро" in seen and "now: received (final)" in seen
    # a state said as the pages and refusals say it, not by its code (consent_verified)
    history = ok("person", "RU:held/ru0")
    assert "cleared → consent verified by MED" in history, history
    assert "consent verified → transferred by RU" in history
    own = ok("person", "UA:sought/s62", "--as", "UA")
    assert "found as RU:held/ru0" in own and "closed: received in batch B" in own
    refused = run(app, ["person", "RU:held/ru0", "--as", "SMM"])
    assert refused.exit_code == 1
    # observed times: a report to the minute, a rating as of a day, both checked
    report = ["report", "--commitment", "AG-DIS", "--kind", "violation", "--place", "Zolote"]
    ahead = run(app, [*report, "--at", "2099-06-03T14:30", "--text", "x", "--as", "SMM"])
    assert ahead.exit_code == 1 and "after the time it is entered" in ahead.output
    ok(*report, "--at", "2020-06-03T14:30+03:00", "--text", "shelling", "--as", "SMM")
    listed = json.loads(ok("report", "list", "--as", "UA", "--json"))
    assert [(r["commitment"], r["observed_on"], r["by"]) for r in listed] == [
        ("AG-DIS", "2020-06-03", "SMM")
    ]
    early = run(app, ["commitment", "status", "AG-DIS", "--status", "1", "--at", "2020-06-08"])
    assert early.exit_code == 1 and "7 consecutive days" in early.output
    ok("commitment", "status", "AG-DIS", "--status", "1", "--at", "2020-06-11")
