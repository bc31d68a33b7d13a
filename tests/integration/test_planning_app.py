"""The planner wired to the ledger: candidates, running parity and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley import planning as p
from parley.app import batches, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.planning import PlanRequest, propose
from parley.cli.main import app
from parley.domain.agreements import PersonRef
from parley.domain.handovers import HandoverState as S
from parley.domain.persons import Health, PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import all_for_all, plan_batch, setup_parties


def _held(ledger: Ledger, party: str, n: int, wounded: int = -1) -> None:
    records = [
        PersonRecord(
            f"{party}{i}",
            family_name=f"N{i}",
            health=Health.SERIOUSLY_WOUNDED_OR_SICK if i == wounded else Health.FIT,
        )
        for i in range(n)
    ]
    rosters.import_roster(
        ledger, party_id=party, kind=RosterKind.HELD, records=records, source="s", source_sha256="0"
    )


def _walk(ledger: Ledger, batch: str, people: list[PersonRef]) -> None:
    batches.advance(ledger, actor="MED", batch_id=batch, moves=[(x, S.LOCATED, "") for x in people])
    batches.advance(ledger, actor="MED", batch_id=batch, moves=[(x, S.AGREED, "") for x in people])
    for x in people:
        batches.advance(ledger, actor=x.party_id, batch_id=batch, moves=[(x, S.CLEARED, "")])
        batches.advance(ledger, actor="MED", batch_id=batch, moves=[(x, S.CONSENT_VERIFIED, "")])
        batches.advance(ledger, actor=x.party_id, batch_id=batch, moves=[(x, S.TRANSFERRED, "")])
        receiver = "RU" if x.party_id == "UA" else "UA"
        batches.advance(ledger, actor=receiver, batch_id=batch, moves=[(x, S.RECEIVED, "")])


def test_proposals_follow_the_log(ledger: Ledger) -> None:
    setup_parties(ledger)
    _held(ledger, "UA", 6, wounded=5)
    _held(ledger, "RU", 4)
    all_for_all(ledger)
    with pytest.raises(Forbidden):
        propose(ledger, actor="UA", request=PlanRequest("AG-EX"))
    first = propose(ledger, actor="MED", request=PlanRequest("AG-EX", batch_size=2))
    assert p.PersonRef("UA", "UA5") in first.plan.released_by_a  # wounded, on top of the size
    assert len(first.plan.released_by_a) == 3 and len(first.plan.released_by_b) == 2
    persons = [PersonRef(x.party_id, x.record_id) for x in first.persons]
    plan_batch(ledger, "B1", persons)
    # persons in an open batch are not proposed again
    second = propose(ledger, actor="MED", request=PlanRequest("AG-EX"))
    assert not set(second.persons) & set(first.persons)
    _walk(ledger, "B1", persons[:-1])
    batches.advance(ledger, actor="RU", batch_id="B1", moves=[(persons[-1], S.NOT_DELIVERED, "")])
    third = propose(ledger, actor="MED", request=PlanRequest("AG-EX"))
    # the person not delivered may go again; the received and the wounded do not
    assert p.PersonRef(persons[-1].party_id, persons[-1].record_id) in third.persons
    assert third.plan.balance_before.released_a == 2  # the wounded one is not counted


def test_cli_propose_plan_handover_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    from parley.app.config import Settings

    led = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(led)
        _held(led, "UA", 3)
        _held(led, "RU", 3)
        all_for_all(led)
    finally:
        led.close()
    runner = CliRunner()
    shown = runner.invoke(
        app,
        [
            "batch",
            "propose",
            "--commitment",
            "AG-EX",
            "--size",
            "1",
            "--veto",
            "RU=UA/UA0",
            "--json",
        ],
    )
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["released"] == {"UA": ["UA/UA1"], "RU": ["RU/RU0"]}
    vetoed = next(d for d in data["decisions"] if d["person"] == "UA/UA0")
    assert vetoed["reason"] == "vetoed" and not vetoed["included"]
    planned = runner.invoke(
        app, ["batch", "plan", "B1", "--commitment", "AG-EX", "--place", "bridge", "--size", "1"]
    )
    assert planned.exit_code == 0, planned.output
    moved = runner.invoke(
        app, ["handover", "B1", "UA/UA0", "RU/RU0", "--to", "located", "--as", "MED"]
    )
    assert moved.exit_code == 0, moved.output
    wrong = runner.invoke(app, ["handover", "B1", "UA/UA0", "--to", "cleared", "--as", "RU"])
    assert wrong.exit_code == 1 and "releasing" in wrong.output
    assert runner.invoke(app, ["batch", "close", "B1"]).exit_code == 1
    lists = ["batch", "lists", "--commitment", "AG-EX"]
    signed = runner.invoke(app, [*lists, "--as", "RU", "--include", "UA/UA2", "--veto", "RU/RU2"])
    assert signed.exit_code == 0, signed.output
    assert "1 must include, 1 vetoed" in signed.output
    assert (
        "must include UA/UA2; veto RU/RU2"
        in runner.invoke(app, [*lists, "--as", "RU", "--show"]).output
    )
    assert "No lists signed" in runner.invoke(app, [*lists, "--as", "UA", "--show"]).output
    assert runner.invoke(app, [*lists, "--as", "MED", "--include", "UA/UA2"]).exit_code == 1


def test_consent_interview_is_sealed_to_the_mediator(ledger: Ledger) -> None:
    from sqlalchemy import select

    from parley.domain.errors import DomainError
    from parley.store import tables as t

    setup_parties(ledger)
    _held(ledger, "UA", 1)
    all_for_all(ledger)
    u = PersonRef("UA", "UA0")
    plan_batch(ledger, "B", [u])
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(u, S.LOCATED, ""), (u, S.AGREED, "")]
    )
    batches.advance(ledger, actor="UA", batch_id="B", moves=[(u, S.CLEARED, "")])
    with pytest.raises(DomainError, match="recorded by the mediator"):
        batches.advance(
            ledger, actor="MED", batch_id="B", moves=[(u, S.DISPUTED, "")], interviews={u: "x"}
        )
    secret = "Хоче залишитися; родина в Києві"
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(u, S.DECLINED, "")], interviews={u: secret}
    )
    assert batches.interview(ledger, actor="MED", batch_id="B", person=u) == [secret]
    with pytest.raises(Forbidden):
        batches.interview(ledger, actor="UA", batch_id="B", person=u)
    with ledger.reading() as conn:
        payloads = b"".join(
            bytes(r) for r in conn.execute(select(t.log_entries.c.payload)).scalars() if r
        )
    assert secret.encode() not in payloads and "родина".encode() not in payloads


def test_side_signed_lists_steer_the_planner(ledger: Ledger) -> None:
    from parley.app import planning
    from parley.app.rebuild import projection_snapshot, rebuild
    from parley.domain.errors import DomainError, NotFound

    setup_parties(ledger)
    _held(ledger, "UA", 6)
    _held(ledger, "RU", 6)
    all_for_all(ledger)
    ua3, ru5 = p.PersonRef("UA", "UA3"), p.PersonRef("RU", "RU5")
    # Without lists, a batch of 2 a side takes those held longest: neither of these.
    plain = propose(ledger, actor="MED", request=PlanRequest("AG-EX", batch_size=2))
    assert ua3 not in plain.persons and ru5 not in plain.persons
    # UA insists on RU5 (one of its own held by RU) and will not release UA3 yet.
    for who in ("MED", "SMM"):
        with pytest.raises(Forbidden):
            planning.submit_lists(
                ledger, actor=who, commitment_id="AG-EX", must_include={ru5}, veto=set()
            )
    with pytest.raises(NotFound):
        planning.submit_lists(
            ledger,
            actor="UA",
            commitment_id="AG-EX",
            must_include={p.PersonRef("RU", "nobody")},
            veto=set(),
        )
    with pytest.raises(DomainError):
        planning.submit_lists(
            ledger, actor="UA", commitment_id="AG-EX", must_include={ru5}, veto={ru5}
        )
    planning.submit_lists(ledger, actor="UA", commitment_id="AG-EX", must_include={ru5}, veto={ua3})
    steered = propose(ledger, actor="MED", request=PlanRequest("AG-EX", batch_size=6))
    assert ru5 in steered.persons and ua3 not in steered.persons
    # Each side sees its own lists, the mediator both, a monitor none.
    assert [
        x.party_id for x in planning.side_lists(ledger, actor="MED", commitment_id="AG-EX")
    ] == ["UA"]
    assert planning.side_lists(ledger, actor="RU", commitment_id="AG-EX") == []
    with pytest.raises(Forbidden):
        planning.side_lists(ledger, actor="SMM", commitment_id="AG-EX")
    # A new submission replaces the last: the veto is lifted.
    planning.submit_lists(ledger, actor="UA", commitment_id="AG-EX", must_include={ru5}, veto=set())
    lifted = propose(ledger, actor="MED", request=PlanRequest("AG-EX", batch_size=6))
    assert ua3 in lifted.persons
    # The signed list stands across batches: once RU5 is in a batch it is served, not asked again.
    plan_batch(ledger, "B1", [PersonRef(x.party_id, x.record_id) for x in lifted.persons])
    after = propose(ledger, actor="MED", request=PlanRequest("AG-EX", batch_size=6))
    assert ru5 not in after.persons
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
