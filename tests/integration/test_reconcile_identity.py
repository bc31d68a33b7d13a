"""Batch reconciliation and identity: relatives are not proposed, candidates too close to
tell apart wait side by side for the mediator, and what search answers clearly batch
reconciliation proposes too."""

from __future__ import annotations

import random

from parley.app import reconcile, rosters
from parley.app.ledger import Ledger
from parley.domain.dates import PartialDate
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.linkage import SearchIndex
from tests.integration.helpers import setup_parties
from tests.unit.linkage.cross_script import FAMILIES, GIVEN, RUSSIAN


def _background(rng: random.Random) -> tuple[list[PersonRecord], list[PersonRecord]]:
    held, sought = [], []
    for i in range(120):
        fam, giv = rng.choice(FAMILIES), rng.choice(GIVEN)
        born = PartialDate(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        held.append(PersonRecord(f"h{i}", fam, giv, birth_date=born))
        if i < 90:
            ru = fam.replace("ський", "ский").replace("ій", "ий")
            sought.append(PersonRecord(f"s{i}", ru, RUSSIAN[giv], birth_date=born))
    return held, sought


def _import(ledger: Ledger, held: list[PersonRecord], sought: list[PersonRecord]) -> None:
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
    )
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )


def test_relatives_are_not_proposed_and_namesakes_wait_as_a_group(ledger: Ledger) -> None:
    setup_parties(ledger)
    held, sought = _background(random.Random(3))
    born = PartialDate(1984, 5, 17)
    held += [
        # A twin brother: the same family, father and day, another given name.
        PersonRecord("twin", "Бондаренко", "Павло", "Ігорович", birth_date=born),
        # A sister: the family name in its female form, the same father.
        PersonRecord("sister", "Вишинська", "Олена", "Валеріївна", birth_date=PartialDate(1979)),
        # A father and a son both named Остап Гайдамака.
        PersonRecord("father", "Гайдамака", "Остап", "Петрович", birth_date=PartialDate(1950)),
        PersonRecord("son", "Гайдамака", "Остап", "Остапович", birth_date=PartialDate(1978)),
    ]
    sought += [
        PersonRecord("oleh", "Бондаренко", "Олег", "Игоревич", birth_date=born),
        PersonRecord("kyrylo", "Вышинский", "Кирилл", "Валерьевич", birth_date=PartialDate(1981)),
        PersonRecord("ostap", full_name="Haidamaka Ostap"),  # no date, no patronymic
    ]
    _import(ledger, held, sought)
    found = reconcile.linked_candidates(ledger, sought="RU:sought", held="UA:held")
    proposed = {(c.left.record_id, c.right.record_id) for c in found.candidates}
    assert not {("oleh", "twin"), ("kyrylo", "sister")} & proposed
    assert not any(left == "ostap" for left, _ in proposed)
    groups = [
        {c.right.record_id for c in among}
        for among in found.ambiguous.values()
        if any(c.left.record_id == "ostap" for c in among)
    ]
    assert groups == [{"father", "son"}]
    assert sum(right == f"h{i}" for i in range(90) for _, right in proposed) >= 80
    # Nothing of a group is proposed; the mediator sees the group when reconciling.
    done = reconcile.reconcile_all(ledger, actor="MED", duplicates=False)
    matches = {(m["left"], m["state"]) for m in reconcile.matches(ledger, actor="MED")}
    assert {state for left, state in matches if left == "RU:sought/ostap"} == {"ambiguous"}
    assert any(f.ambiguous for _, _, _, f in done.pairs)


def test_what_search_answers_clearly_batch_reconciliation_proposes(ledger: Ledger) -> None:
    setup_parties(ledger)
    held, sought = _background(random.Random(4))
    held.append(
        PersonRecord(
            "vk", "Вишинський", "Кирило", "Валерійович", birth_date=PartialDate(1966, 2, 3)
        )
    )
    # Machine-translated: the family name through another language, a year, a patronymic.
    sought.append(PersonRecord("mt", full_name="Kirill Valerievich Vyshenski",
                               birth_date=PartialDate(1966)))  # fmt: skip
    _import(ledger, held, sought)
    found = reconcile.linked_candidates(ledger, sought="RU:sought", held="UA:held")
    answered = {(c.left.record_id, c.right.record_id) for c in found.candidates}
    answered |= {(a.record_id, b.record_id) for a, b, _ in found.held}
    answered |= {(c.left.record_id, c.right.record_id) for g in found.ambiguous.values() for c in g}
    index = SearchIndex(reconcile._linkage_records({r.record_id: _data(r) for r in held}))
    clear = 0
    for record in sought:
        query = reconcile._query(_data(record))
        hit = index.clear_first(query, str(record.birth_date) if record.birth_date else None)
        if hit is not None:
            clear += 1
            assert (record.record_id, hit.record_id) in answered, (record, hit)
    assert clear >= 80
    assert ("mt", "vk") in answered


def _data(record: PersonRecord) -> dict[str, str]:
    """A record's fields as the ledger keeps them (the names and the date as written)."""
    out = {
        "family_name": record.family_name,
        "given_name": record.given_name,
        "patronymic": record.patronymic,
        "full_name": record.full_name,
        "birth_date": str(record.birth_date) if record.birth_date else "",
    }
    return {k: v for k, v in out.items() if v}
