"""Erase a person, not a record: every record the process joined to them on both sides'
rosters leaves every payload, projection, export and CLI output, and the raw SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parley.app import audit, batches, erasure, reconcile, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.agreements import PersonRef
from parley.domain.dates import PartialDate
from parley.domain.errors import Conflict, NotFound
from parley.domain.events import INTERVIEW_RECORDED
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState, RecordRef
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import log as log_store
from tests.integration.helpers import all_for_all, plan_batch, setup_parties

# What must not survive: names in both sides' spellings, dates and numbers.
SECRETS = ("Зелінськ", "Зелинск", "Остап", "Zelinsk", "1979-03-14", "2019-05-02", "ZX-559911")


def _roster(ledger: Ledger, party: str, kind: RosterKind, records: list[PersonRecord]) -> None:
    rosters.import_roster(
        ledger, party_id=party, kind=kind, records=records, source="s", source_sha256="0"
    )


def _person(record_id: str, family: str, given: str) -> PersonRecord:
    return PersonRecord(
        record_id,
        family_name=family,
        given_name=given,
        birth_date=PartialDate(1979, 3, 14),
        service_number="ZX-559911",
        capture_date=PartialDate(2019, 5, 2),
    )


def _joined_person(ledger: Ledger) -> None:
    """UA seeks Остап Зелінський; RU holds him as Остап Зелинский; the mediator confirms the
    match. RU also holds a namesake only proposed as him."""
    setup_parties(ledger)
    _roster(
        ledger,
        "UA",
        RosterKind.SOUGHT,
        [_person("s1", "Зелінський", "Остап"), PersonRecord("s2", family_name="Коваль")],
    )
    _roster(
        ledger,
        "RU",
        RosterKind.HELD,
        [
            _person("h1", "Зелинский", "Остап"),
            PersonRecord("h2", family_name="Zalinsky", given_name="O."),
            PersonRecord("h3", family_name="Петров"),
        ],
    )
    sought, h1, h2 = (
        RecordRef("UA:sought", "s1"),
        RecordRef("RU:held", "h1"),
        RecordRef("RU:held", "h2"),
    )
    outcome = reconcile.propose(
        ledger,
        actor="MED",
        candidates=[
            reconcile.Candidate(sought, h1, 0.97, "by hand", "by hand"),
            reconcile.Candidate(sought, h2, 0.6, "by hand", "by hand"),
        ],
    )
    reconcile.decide_match(ledger, actor="MED", mid=outcome.proposed[0], state=MatchState.CONFIRMED)


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("PARLEY_DATABASE_URL", settings.database_url)
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args])


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_erasing_one_record_erases_the_person_everywhere(
    ledger: Ledger, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _joined_person(ledger)
    before = _cli(settings, monkeypatch, "match", "list", "--json")
    assert before.exit_code == 0 and _leaks(before.output)  # the mediator's words quote him
    erased = _cli(settings, monkeypatch, "erase", "--person", "UA:sought/s1", "--reason", "asked")
    assert erased.exit_code == 0, erased.output
    said = erased.output
    assert "erased UA:sought/s1" in said and "erased RU:held/h1" in said
    assert "not erased: RU:held/h2: only proposed" in said
    assert "never joined" in said
    # nothing left to erase: refused, nothing written
    with pytest.raises(Conflict):
        erasure.erase_person(ledger, actor="MED", roster_id="RU:held", record_id="h1", reason="x")

    outputs = [
        _cli(settings, monkeypatch, *args)
        for args in (
            ("person", "UA:sought/s1"),
            ("person", "RU:held/h1"),
            ("person", "UA:sought/s1", "--json"),
            ("match", "list"),
            ("match", "list", "--json"),
            ("status", "--json"),
        )
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert _leaks(result.output) == [], result.output
    audit.export(ledger, tmp_path / "export")
    exported = "".join(p.read_text() for p in (tmp_path / "export").rglob("*") if p.is_file())
    assert _leaks(exported) == []
    assert _leaks(json.dumps(exported)) == []
    assert audit.verify_live(ledger).erased == 2


def test_the_raw_database_file_keeps_no_copy(ledger: Ledger, settings: Settings) -> None:
    if not settings.embedded:
        pytest.skip("the raw file of SQLite")
    _joined_person(ledger)
    erasure.erase_person(ledger, actor="MED", roster_id="RU:held", record_id="h1", reason="x")
    files = [p for p in settings.data_dir.iterdir() if p.name.startswith("parley.db")]
    raw = b"".join(p.read_bytes() for p in files)
    assert b"Koval" not in raw and "Коваль".encode() in raw  # the file is readable as it is
    for secret in SECRETS:
        assert secret.encode() not in raw, secret


def test_a_side_erases_its_own_record_and_is_told_what_it_may_not(ledger: Ledger) -> None:
    _joined_person(ledger)
    done = erasure.erase_person(
        ledger, actor="UA", roster_id="UA:sought", record_id="s1", reason="x"
    )
    assert done.erased == [RecordRef("UA:sought", "s1")]
    (who, why), _ = done.not_erased
    assert who == RecordRef("RU:held", "h1") and "RU or the mediator may erase it" in why


def test_the_persons_consent_interview_is_erased_with_them(ledger: Ledger) -> None:
    _joined_person(ledger)
    all_for_all(ledger)
    held = PersonRef("RU", "h1")
    plan_batch(ledger, "B", [held])
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(held, S.LOCATED, ""), (held, S.AGREED, "")]
    )
    batches.advance(ledger, actor="RU", batch_id="B", moves=[(held, S.CLEARED, "")])
    secret = "Хоче залишитися"
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(held, S.DECLINED, "")], interviews={held: secret}
    )
    assert batches.interview(ledger, actor="MED", batch_id="B", person=held) == [secret]
    done = erasure.erase_person(
        ledger, actor="MED", roster_id="UA:sought", record_id="s1", reason="x"
    )
    assert RecordRef("RU:held", "h1") in done.erased and done.interviews == 1
    assert [why for ref, why in done.not_erased if ref == RecordRef("RU:held", "h1")] == []
    with pytest.raises(NotFound, match="no interview"):
        batches.interview(ledger, actor="MED", batch_id="B", person=held)
    with ledger.reading() as tx:
        kept = list(log_store.payloads_of_type(tx, INTERVIEW_RECORDED))
    assert kept == []
    report = audit.verify_live(ledger)  # the projections equal a replay: the interview is gone
    assert report.erased == 3  # two records' revisions and the interview
