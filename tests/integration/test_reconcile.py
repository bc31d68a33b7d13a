"""Reconciliation: proposals, decisions, acknowledgements, identifiers, not located."""

from __future__ import annotations

import pytest

from parley.app import reconcile, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain.errors import Conflict
from parley.domain.matches import MatchState, RecordRef, match_id
from parley.domain.persons import Evidence, PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import plan_batch, setup_parties


def _rosters(ledger: Ledger) -> None:
    held = [
        PersonRecord("h1", family_name="Вышинский", given_name="Кирилл", service_number="123"),
        PersonRecord("h2", family_name="Коваль", given_name="Пётр"),
    ]
    sought = [
        PersonRecord(
            "s1", family_name="Вишинський", given_name="Кирило", evidence=Evidence.OPEN_SOURCES
        ),
        PersonRecord("s2", family_name="Коваль", given_name="Петро", service_number="999"),
        PersonRecord(
            "s3", family_name="Бойко", given_name="Іван", evidence=Evidence.RELATIVE_REPORT
        ),
        PersonRecord("s4", family_name="Вишинський", given_name="Кирило"),
    ]
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
    )
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )


def S(record_id: str) -> RecordRef:  # noqa: N802
    return RecordRef("UA:sought", record_id)


def H(record_id: str) -> RecordRef:  # noqa: N802
    return RecordRef("RU:held", record_id)


def test_reconciliation_cycle(ledger: Ledger) -> None:
    setup_parties(ledger)
    _rosters(ledger)
    cands = [
        reconcile.Candidate(S("s1"), H("h1"), 0.98, "family name agrees across scripts"),
        reconcile.Candidate(S("s2"), H("h2"), 0.7, "names agree"),
        reconcile.Candidate(S("s4"), S("s1"), 0.99, "same person listed twice"),
    ]
    with pytest.raises(Forbidden):
        reconcile.propose(ledger, actor="UA", candidates=cands)
    done = reconcile.propose(ledger, actor="MED", candidates=cands)
    # h2 has no service number, so s2 may link; the duplicate is linked, not merged
    assert len(done.proposed) == 3 and not done.refused
    again = reconcile.propose(ledger, actor="MED", candidates=cands[:1])
    assert again.known == [match_id(S("s1"), H("h1"))]
    m1 = match_id(S("s1"), H("h1"))
    with pytest.raises(Conflict, match="only confirmed"):
        reconcile.acknowledge(ledger, actor="UA", mid=m1)
    reconcile.decide_match(ledger, actor="MED", mid=m1, state=MatchState.CONFIRMED)
    reconcile.decide_match(
        ledger,
        actor="MED",
        mid=match_id(S("s2"), H("h2")),
        state=MatchState.REJECTED,
        note="other Коваль",
    )
    with pytest.raises(Conflict, match="already confirmed"):
        reconcile.decide_match(ledger, actor="MED", mid=m1, state=MatchState.REJECTED)
    with pytest.raises(Forbidden):
        reconcile.acknowledge(ledger, actor="SMM", mid=m1)
    reconcile.acknowledge(ledger, actor="UA", mid=m1)
    reconcile.acknowledge(ledger, actor="RU", mid=m1)
    seen_by_ua = reconcile.matches(ledger, actor="UA")
    assert [m["match_id"] for m in seen_by_ua] == [m1] and seen_by_ua[0]["acknowledged_by"] == [
        "RU",
        "UA",
    ]
    assert len(reconcile.matches(ledger, actor="MED")) == 3
    with pytest.raises(Forbidden):
        reconcile.matches(ledger, actor="SMM")
    missing = reconcile.not_located(ledger, actor="UA", party_id="UA")
    assert [(r["record"], r["evidence"]) for r in missing] == [
        ("UA:sought/s2", "unknown"),
        ("UA:sought/s3", "relative_report"),
        ("UA:sought/s4", "unknown"),
    ]
    with pytest.raises(Forbidden):
        reconcile.not_located(ledger, actor="RU", party_id="UA")
    from parley.app import person

    seen = person.history(ledger, actor="UA", roster_id="UA:sought", record_id="s1")["matches"]
    assert [(m["with"], m["state"]) for m in seen] == [
        ("RU:held/h1", "confirmed")
    ]  # not the proposal
    assert (
        len(person.history(ledger, actor="MED", roster_id="UA:sought", record_id="s1")["matches"])
        == 2
    )
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live


def test_different_identifiers_are_never_linked_automatically(ledger: Ledger) -> None:
    setup_parties(ledger)
    _rosters(ledger)
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.HELD,
        records=[PersonRecord("x", family_name="Коваль", service_number="777")],
        source="h",
        source_sha256="0",
    )
    done = reconcile.propose(
        ledger,
        actor="MED",
        candidates=[reconcile.Candidate(S("s2"), RecordRef("UA:held", "x"), 0.99, "same name")],
    )
    assert done.proposed == [] and "service numbers differ (999 and 777)" in done.refused[0][1]


def test_exact_first_pass(ledger: Ledger) -> None:
    from parley.domain.dates import PartialDate

    setup_parties(ledger)
    born, caught = PartialDate(1990, 4, 3), PartialDate(2018, 11, 25)
    held = [
        PersonRecord(
            "h1", family_name="Коваль", birth_date=born, capture_date=caught, service_number="A1"
        ),
        PersonRecord(
            "h2", family_name="Бойко", birth_date=born, capture_date=PartialDate(2018, 11, 26)
        ),
        PersonRecord("h3", family_name="Мороз", birth_date=PartialDate(1990), capture_date=caught),
    ]
    sought = [
        PersonRecord(
            "s1", family_name="Koval", birth_date=born, capture_date=caught, service_number="A1"
        ),
        PersonRecord("s2", family_name="Мороз", birth_date=PartialDate(1990), capture_date=caught),
    ]
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
    )
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )
    (only,) = reconcile.exact_candidates(ledger, sought="UA:sought", held="RU:held")
    assert (str(only.left), str(only.right), only.score) == ("UA:sought/s1", "RU:held/h1", 0.9)
    assert "service number A1 agrees" in only.explanation and "(Koval / Коваль)" in only.explanation


def test_a_substitute_is_matched_against_the_receiving_sides_sought_roster(
    ledger: Ledger,
) -> None:
    from parley.app import batches
    from parley.domain.agreements import PersonRef
    from parley.domain.dates import PartialDate as D
    from tests.integration.helpers import all_for_all

    setup_parties(ledger)
    held = [
        PersonRecord(
            "h1", family_name="Коваль", given_name="Пётр", birth_date=D.parse("1980-03-04")
        ),
        PersonRecord(
            "h2", family_name="Вышинский", given_name="Кирилл", birth_date=D.parse("1967-02-03")
        ),
        PersonRecord(
            "h3", family_name="Сидоров", given_name="Иван", birth_date=D.parse("1990-01-01")
        ),
        PersonRecord(
            "h4", family_name="Петров", given_name="Олег", birth_date=D.parse("1985-05-05")
        ),
    ]
    sought = [
        PersonRecord(
            "s1", family_name="Коваль", given_name="Петро", birth_date=D.parse("1980-03-04")
        ),
        PersonRecord(
            "s2", family_name="Вишинський", given_name="Кирило", birth_date=D.parse("1967-02-03")
        ),
    ]
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
    )
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )
    all_for_all(ledger)
    plan_batch(ledger, "B", [PersonRef("RU", "h1")])
    from parley.domain.handovers import HandoverState as S

    def ready(batch_id: str, who: PersonRef) -> None:
        for to in (S.LOCATED, S.AGREED):
            batches.advance(ledger, actor="MED", batch_id=batch_id, moves=[(who, to, "")])

    ready("B", PersonRef("RU", "h1"))
    batches.substitute(
        ledger,
        actor="MED",
        batch_id="B",
        person=PersonRef("RU", "h1"),
        brought=PersonRef("RU", "h2"),
        note="brought instead",
    )
    found = {(m["left"], m["right"], m["state"]) for m in reconcile.matches(ledger, actor="MED")}
    assert ("UA:sought/s2", "RU:held/h2", "proposed") in found
    (m,) = [m for m in reconcile.matches(ledger, actor="MED") if m["right"] == "RU:held/h2"]
    assert m["explanation"].startswith("brought as a substitute")
    # Someone nobody seeks is still handed over, and no match is invented for them.
    plan_batch(ledger, "B2", [PersonRef("RU", "h4")])
    ready("B2", PersonRef("RU", "h4"))
    before = len(reconcile.matches(ledger, actor="MED"))
    batches.substitute(
        ledger,
        actor="MED",
        batch_id="B2",
        person=PersonRef("RU", "h4"),
        brought=PersonRef("RU", "h3"),
        note="",
    )
    assert len(reconcile.matches(ledger, actor="MED")) == before
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
