"""Ambiguous groups on the log: reconcile records candidates too close to tell apart as one
signed group (never as proposals), a second run adds nothing, the mediator's queue shows the
group side by side, the mediator chooses, a later roster version that tells them apart settles
the group, a side sees none of it, erasure treats the candidates as only proposed, and an
export verifies offline."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from parley.app import audit, desk_queue, erasure, match_groups, reconcile, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain import events as ev
from parley.domain.dates import PartialDate
from parley.domain.errors import Conflict, DomainError
from parley.domain.matches import MatchState
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import tables as t
from tests.integration.helpers import setup_parties
from tests.unit.linkage.cross_script import FAMILIES, GIVEN, RUSSIAN

PAIR = ("RU:sought", "UA:held")
FATHER, SON = "RU:sought/ostap=UA:held/father", "RU:sought/ostap=UA:held/son"


def _rosters(ledger: Ledger, *, ostap_born: PartialDate | None = None, first: bool = True) -> None:
    """A background the model trains on, and a sought man with no date whose name a father
    and a son on the held roster both bear."""
    rng = random.Random(3)
    held, sought = [], []
    for i in range(120):
        fam, giv = rng.choice(FAMILIES), rng.choice(GIVEN)
        born = PartialDate(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        held.append(PersonRecord(f"h{i}", fam, giv, birth_date=born))
        if i < 90:
            ru = fam.replace("ський", "ский").replace("ій", "ий")
            sought.append(PersonRecord(f"s{i}", ru, RUSSIAN[giv], birth_date=born))
    held += [
        PersonRecord("father", "Гайдамака", "Остап", "Петрович", birth_date=PartialDate(1950)),
        PersonRecord("son", "Гайдамака", "Остап", "Остапович", birth_date=PartialDate(1978)),
    ]
    sought.append(PersonRecord("ostap", full_name="Haidamaka Ostap", birth_date=ostap_born))
    if first:
        rosters.import_roster(
            ledger, party_id="UA", kind=RosterKind.HELD, records=held, source="h", source_sha256="0"
        )
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.SOUGHT, records=sought, source="s", source_sha256="0"
    )


def _size(ledger: Ledger) -> int:
    with ledger.reading() as tx:
        return len(tx.execute(select(t.log_entries.c.idx)).all())


def _payloads(ledger: Ledger, event_type: str) -> list[dict[str, object]]:
    with ledger.reading() as tx:
        e = t.log_entries.c
        rows = tx.execute(select(e.payload).where(e.type == event_type).order_by(e.idx))
        return [json.loads(r.payload) for r in rows]


@pytest.fixture
def grouped(ledger: Ledger) -> Ledger:
    setup_parties(ledger)
    _rosters(ledger)
    done = reconcile.reconcile_all(ledger, actor="MED", duplicates=False)
    assert len(done.groups[PAIR].formed) == 1
    return ledger


def test_reconcile_records_one_group_and_proposes_none_of_it(grouped: Ledger) -> None:
    ledger = grouped
    (recorded,) = _payloads(ledger, ev.MATCH_AMBIGUOUS)
    candidates = recorded["candidates"]
    assert isinstance(candidates, list)
    assert {c["match_id"] for c in candidates} == {FATHER, SON}
    # The payload can never be erased: it names no one (record references, scores, a basis).
    text = json.dumps(recorded, ensure_ascii=False)
    for quoted in ("Haidamaka", "Гайдамака", "Остап", "Ostap", "1950", "1978", "group 1"):
        assert quoted not in text
    rows = reconcile.matches(ledger, actor="MED", state=MatchState.AMBIGUOUS)
    assert {r["match_id"] for r in rows} == {FATHER, SON}
    assert len({r["group"] for r in rows}) == 1 and rows[0]["group"] == recorded["group_id"]
    proposed = reconcile.matches(ledger, actor="MED", state=MatchState.PROPOSED)
    assert not any(r["left"] == "RU:sought/ostap" for r in proposed)
    assert len(proposed) >= 80  # the rest of the lists is proposed as before

    # Found again: nothing new on the log, the group known.
    size = _size(ledger)
    again = reconcile.reconcile_all(ledger, actor="MED", duplicates=False)
    assert _size(ledger) == size
    assert again.groups[PAIR].known == [recorded["group_id"]]
    assert list(again.groups[PAIR].named.values()) == [recorded["group_id"]]  # for the summary
    assert not again.groups[PAIR].formed and not again.groups[PAIR].extended


def test_the_queue_shows_the_group_side_by_side_and_the_mediator_chooses(
    grouped: Ledger, tmp_path: Path
) -> None:
    ledger = grouped
    page = desk_queue.groups(ledger, actor="MED")
    assert page.total == 1 and page.counts["ambiguous"] == 2
    (group,) = page.groups
    assert [r.ref for r in group.anchors] == ["RU:sought/ostap"]
    assert group.anchors[0].name == "Haidamaka Ostap"
    assert {c.match_id for c in group.candidates} == {FATHER, SON}
    son = next(c for c in group.candidates if c.match_id == SON)
    assert son.right.name == "Гайдамака Остап Остапович" and son.right.latin.startswith("Haidamaka")
    assert ("birth_date", "1978") in son.right.fields
    assert "Haidamaka Ostap / Гайдамака Остап Остапович" in son.explanation
    # what sets the candidates apart, in the order they are shown
    order = [c.match_id for c in group.candidates]
    apart = dict(group.differences)
    fathers = {FATHER: "Петрович", SON: "Остапович"}
    born = {FATHER: "1950", SON: "1978"}
    assert apart["patronymic"] == tuple(fathers[m] for m in order)
    assert apart["birth_date"] == tuple(born[m] for m in order)
    assert "family_name" not in apart and "given_name" not in apart
    assert 0 < son.score < 1

    # A candidate is never decided alone; a side sees no group.
    with pytest.raises(Conflict, match="ambiguous group"):
        reconcile.decide_match(ledger, actor="MED", mid=SON, state=MatchState.CONFIRMED)
    with pytest.raises(Forbidden):
        desk_queue.groups(ledger, actor="UA")
    with pytest.raises(Forbidden):
        match_groups.choose(ledger, actor="UA", group=group.group_id, chosen=[SON])
    for side in ("UA", "RU"):
        assert not reconcile.matches(ledger, actor=side, state=MatchState.AMBIGUOUS)
    with pytest.raises(DomainError, match="not an open candidate"):
        match_groups.choose(ledger, actor="MED", group=group.group_id, chosen=["x=y"])

    done = match_groups.choose(
        ledger, actor="MED", group=group.group_id, chosen=[SON], note="the son's age"
    )
    assert done.count == 2
    states = {r["match_id"]: r["state"] for r in reconcile.matches(ledger, actor="MED")}
    assert (states[SON], states[FATHER]) == ("confirmed", "rejected")
    decided = {p["match_id"]: p for p in _payloads(ledger, ev.MATCH_DECIDED)}
    assert decided[SON]["note"] == f"ambiguous group {group.group_id}: chosen; the son's age"
    assert "another candidate chosen" in str(decided[FATHER]["note"])
    assert desk_queue.groups(ledger, actor="MED").total == 0
    with pytest.raises(Conflict, match="already resolved"):
        match_groups.choose(ledger, actor="MED", group=group.group_id, chosen=[])
    # The side whose record it is sees the confirmed match, as any confirmed match.
    assert [r["match_id"] for r in reconcile.matches(ledger, actor="UA")] == [SON]

    # The projections are what a replay makes of the log; an export verifies offline.
    with ledger.reading() as tx:
        before = projection_snapshot(tx)
    rebuild(ledger)
    with ledger.reading() as tx:
        assert projection_snapshot(tx) == before
    audit.verify_live(ledger)
    audit.export(ledger, tmp_path / "export")
    assert audit.verify_export(tmp_path / "export").entries == _size(ledger)
    # a side's export withholds the group's payloads (the mediator's entries) and verifies too
    audit.export(ledger, tmp_path / "ua", actor="UA")
    assert audit.verify_export(tmp_path / "ua").entries == _size(ledger)
    withheld = (tmp_path / "ua" / "log.jsonl").read_text(encoding="utf-8")
    assert group.group_id not in withheld and FATHER not in withheld


def test_rejecting_them_all(grouped: Ledger) -> None:
    (group,) = desk_queue.groups(grouped, actor="MED").groups
    match_groups.choose(grouped, actor="MED", group=group.group_id, chosen=[])
    rows = reconcile.matches(grouped, actor="MED")
    assert {r["state"] for r in rows if r["group"] == group.group_id} == {"rejected"}
    # Rejected pairs are never proposed again, nor grouped again.
    size = _size(grouped)
    reconcile.reconcile_all(grouped, actor="MED", duplicates=False)
    assert _size(grouped) == size


def test_a_later_roster_version_that_tells_them_apart_settles_the_group(grouped: Ledger) -> None:
    ledger = grouped
    (group,) = desk_queue.groups(ledger, actor="MED").groups
    # RU's next version gives the sought man's birth date: the son's.
    _rosters(ledger, ostap_born=PartialDate(1978, 4, 2), first=False)
    done = reconcile.reconcile_all(ledger, actor="MED", duplicates=False)
    assert done.groups[PAIR].settled == [group.group_id]
    (settled,) = _payloads(ledger, ev.MATCH_SETTLED)
    assert settled["proposed"] == [SON] and settled["withdrawn"] == [FATHER]
    assert "RU:sought v2" in str(settled["reason"])
    states = {r["match_id"]: r["state"] for r in reconcile.matches(ledger, actor="MED")}
    assert (states[SON], states[FATHER]) == ("proposed", "rejected")
    assert desk_queue.groups(ledger, actor="MED").total == 0
    # Now an ordinary proposal, decided as any other.
    reconcile.decide_match(ledger, actor="MED", mid=SON, state=MatchState.CONFIRMED)
    audit.verify_live(ledger)


def test_erasure_names_the_candidates_as_only_proposed(grouped: Ledger) -> None:
    done = erasure.erase_person(
        grouped, actor="MED", roster_id="RU:sought", record_id="ostap", reason="asked"
    )
    assert [str(r) for r in done.erased] == ["RU:sought/ostap"]
    assert {str(r) for r, _ in done.not_erased} >= {"UA:held/father", "UA:held/son"}
    # The group's words quote nothing of the erased record.
    (group,) = desk_queue.groups(grouped, actor="MED").groups
    assert group.anchors[0].erased and group.anchors[0].name == ""
    assert all("Haidamaka" not in c.explanation for c in group.candidates)
    with pytest.raises(Conflict, match="erased"):
        match_groups.choose(grouped, actor="MED", group=group.group_id, chosen=[SON])
    audit.verify_live(grouped)


def test_one_to_one_proposes_each_records_likeliest_candidate_instead(ledger: Ledger) -> None:
    setup_parties(ledger)
    _rosters(ledger)
    done = reconcile.reconcile_all(ledger, actor="MED", duplicates=False, one_to_one=True)
    assert done.groups == {}
    assert _payloads(ledger, ev.MATCH_AMBIGUOUS) == []
    rows = reconcile.matches(ledger, actor="MED")
    assert {r["state"] for r in rows} == {"proposed"}
    assert len([r for r in rows if r["left"] == "RU:sought/ostap"]) == 1
