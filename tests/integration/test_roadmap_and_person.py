"""Monitor reports and the quiet-days rule; one person's history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parley.app import agreements, batches, person, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.domain.agreements import ImplementationStatus, PersonRef, ReportKind
from parley.domain.errors import DomainError, NotFound
from parley.domain.handovers import HandoverState as S
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2020, 6, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_disengagement_waits_for_seven_quiet_days(ledger: Ledger) -> None:
    clock = Clock()
    ledger.clock = clock
    setup_parties(ledger)
    all_for_all(ledger)
    with pytest.raises(Forbidden):
        agreements.report(
            ledger,
            actor="UA",
            commitment_id="AG-DIS",
            kind=ReportKind.VIOLATION,
            place="x",
            observed_on=dt.date(2020, 6, 1),
            text="",
        )
    with pytest.raises(DomainError, match="exchange"):
        agreements.report(
            ledger,
            actor="SMM",
            commitment_id="AG-EX",
            kind=ReportKind.VIOLATION,
            place="x",
            observed_on=dt.date(2020, 6, 1),
            text="",
        )
    clock.now = dt.datetime(2020, 6, 3, 20, tzinfo=dt.UTC)  # a report is not dated ahead
    agreements.report(
        ledger,
        actor="SMM",
        commitment_id="AG-DIS",
        kind=ReportKind.VIOLATION,
        place="Zolote",
        observed_on=dt.date(2020, 6, 3),
        text="shelling",
    )
    clock.now = dt.datetime(2020, 6, 9, tzinfo=dt.UTC)  # six days after
    with pytest.raises(DomainError, match="6 days before; it needs 7 consecutive days"):
        agreements.set_commitment_status(
            ledger,
            actor="MED",
            commitment_id="AG-DIS",
            status=ImplementationStatus.MINIMAL,
            note="",
        )
    clock.now = dt.datetime(2020, 6, 10, tzinfo=dt.UTC)  # seven quiet days
    agreements.set_commitment_status(
        ledger, actor="MED", commitment_id="AG-DIS", status=ImplementationStatus.MINIMAL, note=""
    )
    # once started, later reports do not stop the mediator rating progress
    agreements.report(
        ledger,
        actor="SMM",
        commitment_id="AG-DIS",
        kind=ReportKind.VIOLATION,
        place="Zolote",
        observed_on=dt.date(2020, 6, 10),
        text="again",
    )
    agreements.set_commitment_status(
        ledger,
        actor="MED",
        commitment_id="AG-DIS",
        status=ImplementationStatus.INTERMEDIATE,
        note="",
    )
    # but "fully implemented" needs the same seven quiet days, counted back from its day
    clock.now = dt.datetime(2020, 6, 12, tzinfo=dt.UTC)
    with pytest.raises(DomainError, match="cannot be rated fully implemented on 2020-06-12"):
        agreements.set_commitment_status(
            ledger, actor="MED", commitment_id="AG-DIS", status=ImplementationStatus.FULL, note=""
        )
    clock.now = dt.datetime(2020, 6, 17, tzinfo=dt.UTC)
    agreements.set_commitment_status(
        ledger, actor="MED", commitment_id="AG-DIS", status=ImplementationStatus.FULL, note=""
    )


def test_person_history(ledger: Ledger) -> None:
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", 2),
        source="v1.csv",
        source_sha256="0",
    )
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=[PersonRecord("r0", family_name="Коваль0", given_name="Павло")],
        source="v2.csv",
        source_sha256="0",
    )
    all_for_all(ledger)
    r0 = PersonRef("RU", "r0")
    plan_batch(ledger, "B", [r0])
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(r0, S.LOCATED, "found in camp 3")])
    h = person.history(ledger, actor="MED", roster_id="RU:held", record_id="r0")
    assert h["name"] == "Коваль0 Павло"
    assert [r["revision"] for r in h["revisions"]] == [1, 2]
    assert [(v["version"], v["on_roster"]) for v in h["roster_versions"]] == [(1, True), (2, True)]
    assert [(x["from"], x["to"], x["by"]) for x in h["handovers"]] == [
        (None, "requested", "MED"),
        ("requested", "located", "MED"),
    ]
    gone = person.history(ledger, actor="RU", roster_id="RU:held", record_id="r1")
    assert [v["on_roster"] for v in gone["roster_versions"]] == [True, False]
    # UA receives r0 in batch B: it sees the person by name and the handover, not RU's record
    seen = person.history(ledger, actor="UA", roster_id="RU:held", record_id="r0")
    assert seen["name"] == "Коваль0 Павло" and seen["state"] == "located"
    assert seen["revisions"] == seen["roster_versions"] == [] and seen["current"] is None
    with pytest.raises(Forbidden):
        person.history(ledger, actor="UA", roster_id="RU:held", record_id="r1")
    with pytest.raises(Forbidden):
        person.history(ledger, actor="SMM", roster_id="RU:held", record_id="r0")
    with pytest.raises(NotFound):
        person.history(ledger, actor="MED", roster_id="RU:held", record_id="zz")


def test_agreement_text_is_what_is_signed(ledger: Ledger) -> None:
    from parley.domain.agreement_text import canonical_text, render

    setup_parties(ledger)
    agreement = all_for_all(ledger, "AGX")
    text = canonical_text(agreement)
    assert (
        text.index("=== Українська ===")
        < text.index("=== Русский ===")
        < text.index("=== English ===")
    )
    assert "всіх на всіх" in render(agreement, "uk") and "всех на всех" in render(agreement, "ru")
    assert "all for all" in render(agreement, "en")
    import hashlib

    assert agreements.text_hash(agreement) == hashlib.sha256(text.encode()).hexdigest()
    changed = type(agreement)(
        agreement.agreement_id,
        agreement.title + ".",
        agreement.sides,
        agreement.mediator,
        agreement.phases,
    )
    assert agreements.text_hash(changed) != agreements.text_hash(agreement)


def test_agreement_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from parley.app.config import Settings
    from parley.cli.main import app

    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(led)
    finally:
        led.close()
    draft = {
        "agreement_id": "AG",
        "title": "Exchange",
        "sides": ["UA", "RU"],
        "mediator": "MED",
        "phases": [
            {
                "phase_id": "P1",
                "ordinal": 1,
                "title": "one",
                "commitments": [
                    {
                        "commitment_id": "C1",
                        "kind": "exchange",
                        "description": "1:3",
                        "exchange": {"mode": "ratio", "ratio": [1, 3], "named": {}},
                    }
                ],
            }
        ],
    }
    (tmp_path / "ag.json").write_text(json.dumps(draft))
    runner = CliRunner()
    drafted = runner.invoke(app, ["agreement", "draft", str(tmp_path / "ag.json")])
    assert drafted.exit_code == 0, drafted.output
    digest = drafted.output.split("text hash ")[1].split()[0]
    text = runner.invoke(app, ["agreement", "text", "AG"]).stdout
    assert "у співвідношенні 1:3" in text and f"SHA-256: {digest}" in text
    assert (
        runner.invoke(app, ["agreement", "sign", "AG", "--hash", "0" * 64, "--as", "UA"]).exit_code
        == 1
    )
    for signer in ("UA", "RU", "MED"):
        assert (
            runner.invoke(
                app, ["agreement", "sign", "AG", "--hash", digest, "--as", signer]
            ).exit_code
            == 0
        )
    status = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert status["agreements"][0]["status"] == "witnessed"


def test_amendments_are_new_versions_signed_again(ledger: Ledger) -> None:
    from parley.app.rebuild import projection_snapshot, rebuild
    from parley.domain.agreements import Commitment, CommitmentKind, Phase

    setup_parties(ledger)
    v1 = all_for_all(ledger, "AGV")
    agreements.set_commitment_status(
        ledger,
        actor="MED",
        commitment_id="AGV-DIS",
        status=ImplementationStatus.MINIMAL,
        note="begun",
    )
    phase = v1.phases[0]
    extra = Commitment("AGV-BORDER", CommitmentKind.BORDER_CONTROL, "border", place="east")
    v2 = type(v1)(
        v1.agreement_id,
        v1.title,
        v1.sides,
        v1.mediator,
        (Phase(phase.phase_id, 1, phase.title, (*phase.commitments, extra)),),
    )
    with pytest.raises(Forbidden):
        agreements.amend(ledger, actor="UA", agreement=v2)
    with pytest.raises(DomainError, match="changes nothing"):
        agreements.amend(ledger, actor="MED", agreement=v1)
    agreements.amend(ledger, actor="MED", agreement=v2)
    with ledger.reading() as conn:
        amended = agreements.load(conn, "AGV")
    assert amended.status == "draft" and amended.agreement == v2 and amended.version == 2
    # the old signatures do not carry over; the rating does
    with pytest.raises(DomainError, match="not the agreement's"):
        agreements.sign(
            ledger, actor="UA", agreement_id="AGV", text_sha256=agreements.text_hash(v1)
        )
    for signer in ("UA", "RU", "MED"):
        agreements.sign(
            ledger, actor=signer, agreement_id="AGV", text_sha256=agreements.text_hash(v2)
        )
    from parley.app import status

    summary = status.summary(ledger)
    (a,) = summary["agreements"]
    assert (a["status"], a["version"], a["signed_by"]) == ("witnessed", 2, ["MED", "RU", "UA"])
    ratings = {c["id"]: c.get("status") for c in a["phases"][0]["commitments"]}
    assert ratings["AGV-DIS"] == 1 and ratings["AGV-BORDER"] == 0
    diff = agreements.versions_diff(ledger, agreement_id="AGV", before=1, after=2)
    assert "+  AGV-BORDER. border control: border (place: east)" in diff
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
