"""The mediator's batch reconciliation: sought against held on Splink, each roster against
itself for duplicates, every candidate a proposal, never a merge."""

from __future__ import annotations

import random

import pytest

from parley.app import reconcile, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.domain.dates import PartialDate
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from tests.integration.helpers import setup_parties
from tests.unit.linkage.cross_script import FAMILIES, GIVEN, RUSSIAN


def _rosters(ledger: Ledger) -> None:
    rng = random.Random(11)
    held, sought = [], []
    for i in range(160):
        fam, giv = rng.choice(FAMILIES), rng.choice(GIVEN)
        born = PartialDate(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        held.append(PersonRecord(f"h{i}", fam, giv, birth_date=born))
        if i < 120:  # the other side seeks most of them, written in Russian
            ru = fam.replace("ський", "ский").replace("ій", "ий")
            sought.append(PersonRecord(f"s{i}", ru, RUSSIAN[giv], birth_date=born))
    # h0 written a second time on the same roster, with a typo in the family name
    first = held[0]
    held.append(
        PersonRecord("h0-again", first.family_name[:-1] + "а", first.given_name,
                     birth_date=first.birth_date)
    )  # fmt: skip
    # someone sought whose service number contradicts the held record of the same name
    held.append(PersonRecord("hx", "Ткачук", "Остап", birth_date=PartialDate(1977, 7, 7),
                             service_number="A-111"))  # fmt: skip
    sought.append(PersonRecord("sx", "Ткачук", "Остап", birth_date=PartialDate(1977, 7, 7),
                               service_number="B-999"))  # fmt: skip
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
    )
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )


def test_reconcile_proposes_links_and_duplicates_once(ledger: Ledger) -> None:
    setup_parties(ledger)
    _rosters(ledger)
    with pytest.raises(Forbidden):
        reconcile.reconcile_all(ledger, actor="UA")
    done = reconcile.reconcile_all(ledger, actor="MED")
    matches = reconcile.matches(ledger, actor="MED")
    cross = {(m["left"], m["right"]) for m in matches if not m["duplicate"]}
    truth = {(f"RU:sought/s{i}", f"UA:held/h{i}") for i in range(120)}
    assert len(cross & truth) >= 0.9 * len(truth)
    assert len(cross - truth - {("RU:sought/s0", "UA:held/h0-again")}) <= 6
    # Different service numbers: held for review, never proposed.
    assert ("RU:sought/sx", "UA:held/hx") not in cross
    held = [h for _, _, _, found in done.pairs for h in found.held]
    assert any(str(a) == "RU:sought/sx" and str(b) == "UA:held/hx" for a, b, _ in held)
    # The record written twice is linked to its twin, as a duplicate, not merged.
    dups = {(m["left"], m["right"]) for m in matches if m["duplicate"]}
    assert ("UA:held/h0", "UA:held/h0-again") in dups
    # proposals, and candidates too close to tell apart waiting as groups (never proposed)
    assert {m["state"] for m in matches} <= {"proposed", "ambiguous"}
    assert all(m["group"] for m in matches if m["state"] == "ambiguous")
    # Running again proposes nothing new.
    again = reconcile.reconcile_all(ledger, actor="MED")
    assert sum(len(p.proposed) for _, _, p, _ in again.pairs) == 0
    assert len(reconcile.matches(ledger, actor="MED")) == len(matches)


def test_duplicates_are_sought_within_a_birth_year_and_among_all_without_one(
    ledger: Ledger,
) -> None:
    setup_parties(ledger)
    born = PartialDate(1980, 3, 4)
    records = [
        PersonRecord("a", "Шевчук", "Тарас", birth_date=born),
        PersonRecord("a-again", "Шевчук", "Тарас"),  # no birth date: searched among all
        PersonRecord("b", "Мельник", "Андрій", birth_date=PartialDate(1990, 1, 2)),
        PersonRecord("b-again", "Мельник", "Андрій", birth_date=PartialDate(1990, 1, 2)),
        PersonRecord("c", "Бондар", "Олег", birth_date=PartialDate(1971, 5, 6)),
    ]
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.HELD, records=records, source="h", source_sha256="0"
    )
    found = reconcile.duplicate_candidates(ledger, roster="UA:held")
    pairs = {(str(c.left), str(c.right)) for c in found.candidates}
    assert ("UA:held/b", "UA:held/b-again") in pairs
    assert ("UA:held/a", "UA:held/a-again") in pairs
    assert not any("/c" in x or "/c" in y for x, y in pairs)
