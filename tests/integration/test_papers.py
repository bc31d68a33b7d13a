"""Issue 15.3: papers for the handover site (the batch manifest as PDF), a side's own view as
XLSX, PFIF 1.4 export of sought persons and import of a PFIF file as a sought roster. Real
SQLite (and PostgreSQL where the `ledger` fixture runs it); the PDF read back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader
from typer.testing import CliRunner

from parley.app import batches, papers, person, reconcile, roster_files, rosters
from parley.app.authz import Forbidden
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.demo.scenario import play
from parley.domain.agreements import PersonRef
from parley.domain.dates import PartialDate
from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState, RecordRef
from parley.domain.persons import PersonRecord, Sex
from parley.domain.rosters import RosterKind
from parley.errors import ParleyError
from parley.io import pfif
from parley.log.merkle import leaf_hash
from parley.store import batches as batch_store
from parley.store import log as log_store
from tests.integration.helpers import all_for_all, plan_batch, setup_parties

BORN = PartialDate(1990, 5, 17)


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _exchange(ledger: Ledger, extra: int = 0) -> None:
    """RU holds Ковалёв Пётр (whom UA seeks as Ковальов Петро, a confirmed match) and `extra`
    others; UA holds Сидоренко Іван. Batch B1 takes all of them."""
    setup_parties(ledger)
    held = [
        PersonRecord("ru0", family_name="Ковалёв", given_name="Пётр", birth_date=BORN),
        *(
            PersonRecord(f"ru{i}", family_name=f"Петров{i}", given_name="Олег")
            for i in range(1, extra + 1)
        ),
    ]
    rosters.import_roster(
        ledger, party_id="RU", kind=RosterKind.HELD, records=held, source="s", source_sha256="0"
    )
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.HELD,
        records=[
            PersonRecord("ua0", family_name="Сидоренко", given_name="Іван"),
            PersonRecord("ua1", family_name="=HYPERLINK(1)", given_name="Марія"),
        ],
        source="s",
        source_sha256="0",
    )
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=[
            PersonRecord(
                "s17",
                family_name="Ковальов",
                given_name="Петро",
                birth_date=BORN,
                sex=Sex.MALE,
            ),
            PersonRecord("s18", family_name="Бондар", given_name="Марія", sex=Sex.FEMALE),
        ],
        source="s",
        source_sha256="0",
    )
    all_for_all(ledger)
    sought, found = RecordRef("UA:sought", "s17"), RecordRef("RU:held", "ru0")
    reconcile.propose(
        ledger, actor="MED", candidates=[reconcile.Candidate(sought, found, 0.97, "same")]
    )
    (mid,) = [m["match_id"] for m in reconcile.matches(ledger, actor="MED")]
    reconcile.decide_match(ledger, actor="MED", mid=mid, state=MatchState.CONFIRMED)
    persons = [PersonRef("RU", r.record_id) for r in held] + [PersonRef("UA", "ua0")]
    plan_batch(ledger, "B1", persons)


def test_the_manifest_names_each_person_as_each_side_writes_them(ledger: Ledger) -> None:
    _exchange(ledger)
    found, pdf = papers.manifest_pdf(ledger, actor="MED", batch_id="B1")
    with ledger.reading() as tx:
        index = batch_store.planned_index(tx, "B1")
        header = log_store.header(tx, index or 0)
    assert index is not None and header is not None
    assert found.planned_index == index
    assert found.short_hash == leaf_hash(header).hex()[:16]
    (page,) = _text(pdf)
    flat = " ".join(page.split())
    for text in ("Ковалёв Пётр", "Ковальов Петро", "Сидоренко Іван", "1990-05-17"):
        assert text in flat
    assert "RU:held/ru0" in flat and "UA:sought/s17" in flat
    assert "сторінка 1 з 1" in flat and "страница 1 из 1" in flat
    assert f"запис журналу / запись журнала {index}" in flat
    assert found.short_hash in flat
    for signer in ("За / От UA", "За / От RU", "За / От MED"):
        assert signer in flat
    assert "Handover manifest" not in flat  # English only on request
    _, english = papers.manifest_pdf(ledger, actor="MED", batch_id="B1", languages="uk,ru,en")
    assert "page 1 of 1" in " ".join(_text(english)[0].split())
    # a person who will not be at the site says why in the tick column
    batches.advance(
        ledger, actor="RU", batch_id="B1", moves=[(PersonRef("RU", "ru0"), S.DECEASED, "")]
    )
    _, later = papers.manifest_pdf(ledger, actor="MED", batch_id="B1")
    assert "помер / умер" in " ".join(_text(later)[0].split())


def test_each_side_prints_what_it_may_see(ledger: Ledger) -> None:
    _exchange(ledger)
    ua = " ".join(
        " ".join(_text(papers.manifest_pdf(ledger, actor="UA", batch_id="B1")[1])).split()
    )
    # UA receives Ковалёв Пётр: his name as RU wrote it, not RU's birth date of him; its own
    # sought record in full
    assert "Ковалёв Пётр" in ua and "Ковальов Петро" in ua
    assert ua.count("1990-05-17") == 1 and "не показано" in ua
    ru = " ".join(
        " ".join(_text(papers.manifest_pdf(ledger, actor="RU", batch_id="B1")[1])).split()
    )
    assert "Ковалёв Пётр" in ru and "1990-05-17" in ru
    assert "Ковальов Петро" not in ru  # UA's sought list stays UA's
    assert "UA:sought/s17" in ru  # the confirmed match it was told of, by id
    with pytest.raises(Forbidden):
        papers.manifest(ledger, actor="SMM", batch_id="B1")


def test_a_long_manifest_numbers_its_pages_and_stamps_each(ledger: Ledger) -> None:
    _exchange(ledger, extra=60)
    found, pdf = papers.manifest_pdf(ledger, actor="MED", batch_id="B1")
    pages = [" ".join(p.split()) for p in _text(pdf)]
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"сторінка {n} з {len(pages)}" in page
        assert f"страница {n} из {len(pages)}" in page
        assert found.short_hash in page and str(found.planned_index) in page
    assert "Петров60 Олег" in " ".join(pages)


def _local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An instance in a data folder the CLI opens, with `_exchange` in it."""
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        _exchange(led)
    finally:
        led.close()


def test_the_cli_writes_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _local(tmp_path, monkeypatch)
    target = tmp_path / "b1.pdf"
    runner = CliRunner()
    done = runner.invoke(
        app, ["batch", "manifest", "B1", "--pdf", str(target), "--lang", "uk,ru,en"]
    )
    assert done.exit_code == 0, done.output
    assert "page 1 of 1" in " ".join(_text(target.read_bytes())[0].split())
    bad = runner.invoke(app, ["batch", "manifest", "B1", "--pdf", str(target), "--lang", "de"])
    assert bad.exit_code == 1 and "uk, ru, en" in bad.output


def test_a_side_exports_its_own_view_with_formulas_inert(ledger: Ledger, tmp_path: Path) -> None:
    _exchange(ledger)
    for state, who in ((S.LOCATED, "MED"), (S.AGREED, "MED"), (S.CLEARED, "RU")):
        batches.advance(
            ledger, actor=who, batch_id="B1", moves=[(PersonRef("RU", "ru0"), state, "")]
        )
    book = load_workbook(io.BytesIO(papers.export_xlsx(ledger, actor="UA", party="UA")))
    assert book.sheetnames == ["UA held", "UA sought", "outcomes", "batches"]
    sought = [[c.value for c in row] for row in book["UA sought"].iter_rows()]
    header = sought[0]
    names = [r[header.index("family_name")] for r in sought[1:]]
    assert "Ковальов" in names
    formula = next(
        c
        for row in book["UA held"].iter_rows()
        for c in row
        if c.value and "HYPERLINK" in str(c.value)
    )
    assert formula.data_type == "s" and formula.quotePrefix  # text, never a formula
    outcomes = {r[0].value: [c.value for c in r] for r in book["outcomes"].iter_rows(min_row=2)}
    head = [c.value for c in next(book["outcomes"].iter_rows())]
    s17 = dict(zip(head, outcomes["s17"], strict=True))
    assert s17["status"] == "in_batch" and s17["found_name"] == "Ковалёв Пётр"
    assert s17["batch"] == "B1" and s17["state"] == "cleared"
    assert dict(zip(head, outcomes["s18"], strict=True))["status"] == "sought"
    lines = [[c.value for c in r] for r in book["batches"].iter_rows(min_row=2)]
    assert {(r[4], r[5]) for r in lines} == {("receives", "RU/ru0"), ("releases", "UA/ua0")}
    with pytest.raises(Forbidden):
        papers.export_xlsx(ledger, actor="RU", party="UA")
    with pytest.raises(DomainError, match="MED is not a side"):
        papers.export_pfif(ledger, actor="MED", party="MED")
    assert papers.export_pfif(ledger, actor="MED", party="UA").count(b"<pfif:person>") == 2
    # a roster's sheet, on a workbook of its own, imports again as the same roster
    assert _sheet_changes(ledger, book["UA sought"], tmp_path) == ((), (), ())


@pytest.mark.parametrize(
    ("locale", "sought"), [("uk", "UA розшукувані"), ("ru", "UA разыскиваемые")]
)
def test_a_side_view_in_its_language_imports_again(
    ledger: Ledger, tmp_path: Path, locale: str, sought: str
) -> None:
    """A Kyiv or Moscow office gets its workbook headed in its language; a roster's sheet of it,
    on a workbook of its own, is the same roster to `roster import`."""
    _exchange(ledger)
    data = papers.export_xlsx(ledger, actor="UA", party="UA", locale=locale)
    book = load_workbook(io.BytesIO(data))
    assert _sheet_changes(ledger, book[sought], tmp_path) == ((), (), ())


def _sheet_changes(ledger: Ledger, sheet: Worksheet, tmp_path: Path) -> tuple[Any, Any, Any]:
    """What `roster diff` finds between UA's sought roster and the sheet, alone in a workbook:
    (added, removed, changed)."""
    alone = Workbook()
    assert alone.active is not None
    for values in sheet.iter_rows(values_only=True):
        alone.active.append(list(values))
    path = tmp_path / "sought.xlsx"
    alone.save(path)
    _, diff = roster_files.diff_file(
        ledger, path=path, party_id="UA", kind=RosterKind.SOUGHT, actor="UA"
    )
    return diff.added, diff.removed, diff.changed


def test_pfif_export_and_import_round_trip(ledger: Ledger, tmp_path: Path) -> None:
    _exchange(ledger)
    r0 = PersonRef("RU", "ru0")
    for state, who in (
        (S.LOCATED, "MED"),
        (S.AGREED, "MED"),
        (S.CLEARED, "RU"),
        (S.CONSENT_VERIFIED, "MED"),
        (S.TRANSFERRED, "RU"),
        (S.RECEIVED, "UA"),
    ):
        batches.advance(ledger, actor=who, batch_id="B1", moves=[(r0, state, "")])
    data = papers.export_pfif(ledger, actor="UA", party="UA")
    text = data.decode()
    assert 'xmlns:pfif="http://zesty.ca/pfif/1.4"' in text
    assert "<pfif:person_record_id>parley.ua/s17</pfif:person_record_id>" in text
    assert "<pfif:status>believed_alive</pfif:status>" in text
    assert "<pfif:status>information_sought</pfif:status>" in text
    assert "received (batch B1, handover received)" in text
    path = tmp_path / "sought.pfif.xml"
    path.write_bytes(data)
    roster_files.import_file(ledger, path=path, party_id="RU", kind=RosterKind.SOUGHT, actor="RU")
    with ledger.reading() as tx:
        from parley.store import rosters as roster_store

        before = roster_store.records(tx, "UA:sought")
        after = roster_store.records(tx, "RU:sought")
    assert set(before) == set(after) == {"s17", "s18"}
    for rid in before:
        a, b = before[rid], after[rid]
        assert a.display_name == b.display_name
        for key in ("birth_date", "sex", "family_name"):
            assert a.data.get(key) == b.data.get(key)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&b;</pfif:pfif>',
            "DTD",
        ),
        (b"<pfif>", "not well-formed XML"),
        (b'<pfif xmlns="http://zesty.ca/pfif/1.2"/>', "not a PFIF 1.4 document"),
        (b'<pfif xmlns="http://zesty.ca/pfif/1.4"/>', "without persons"),
        (
            b'<pfif xmlns="http://zesty.ca/pfif/1.4"><person><person_record_id>x'
            b"</person_record_id><full_name>A</full_name></person></pfif>",
            "DOMAIN/ID",
        ),
    ],
)
def test_hostile_or_foreign_pfif_is_refused_in_one_sentence(document: bytes, reason: str) -> None:
    with pytest.raises(ParleyError, match=re.escape(reason)):
        pfif.parse("in.xml", document)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(str.encode),
        st.lists(
            st.sampled_from(
                [
                    "<pfif xmlns='http://zesty.ca/pfif/1.4'>",
                    "</pfif>",
                    "<person>",
                    "</person>",
                    "<person_record_id>d/1</person_record_id>",
                    "<full_name>=1+1</full_name>",
                    "<date_of_birth>1990-13-40</date_of_birth>",
                    "<sex>x</sex>",
                    "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
                    "&e;",
                    "<![CDATA[\x1b]]>",
                    "\u202e",
                ]
            ),
            max_size=12,
        ).map(lambda parts: "".join(parts).encode()),
    )
)
def test_the_pfif_parser_refuses_garbage_only_with_a_parley_error(data: bytes) -> None:
    try:
        table = pfif.parse("in.xml", data)
    except ParleyError:
        return
    assert table.rows  # what it accepts has persons


def test_the_cli_exports_a_side_view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _local(tmp_path, monkeypatch)
    runner = CliRunner()
    target = tmp_path / "ua.xml"
    done = runner.invoke(app, ["roster", "export", str(target), "--as", "UA"])
    assert done.exit_code == 0, done.output
    assert b"parley.ua/s17" in target.read_bytes()
    sheet = tmp_path / "ua.xlsx"
    assert runner.invoke(app, ["roster", "export", str(sheet), "--as", "UA"]).exit_code == 0
    assert load_workbook(sheet).sheetnames[0] == "UA held"
    refused = runner.invoke(app, ["roster", "export", str(target), "--as", "RU", "--party", "UA"])
    assert refused.exit_code == 1 and "only its own" in refused.output
    monkeypatch.setenv("PARLEY_LANG", "uk")
    assert runner.invoke(app, ["roster", "export", str(sheet), "--as", "UA"]).exit_code == 0
    assert load_workbook(sheet).sheetnames == [
        "UA утримувані",
        "UA розшукувані",
        "Результати розшуку",
        "Партії обміну",
    ]


def test_the_demo_batch_prints_both_sides_spellings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's first batch (UA and RU release 35 each): each person as the holder writes them
    and as the seeking side wrote them, on numbered pages stamped with the planning entry."""
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        play(led, tmp_path / "rosters", phase2_size=40, say=lambda _: None)
        found, pdf = papers.manifest_pdf(led, actor="MED", batch_id="B1")
        # the sought persons' outcomes, read at once, as `person` tells each one
        for side in ("UA", "RU"):
            outcomes = papers.side_view(led, actor=side, party=side).sought
            assert sum(o.closed for o in outcomes) >= 30
            for o in outcomes:
                one = person.history(
                    led, actor=side, roster_id=f"{side}:sought", record_id=o.record_id
                )
                assert o.closed == one["closed"]
                if one["outcome"]:
                    assert (o.found_as, o.batch) == (
                        one["outcome"]["record"],
                        one["outcome"]["batch"],
                    )
                    assert o.state == one["outcome"]["state"]
                assert bool(o.found_as) == bool(one["found_as"])
    finally:
        led.close()
    pages = [" ".join(p.split()) for p in _text(pdf)]
    text = " ".join(pages)
    joined = [r for r in found.rows if r.sought and r.held.name and r.sought[0].name]
    assert len(joined) >= 60  # nearly every person was sought by the side receiving them
    for row in joined:
        assert row.held.name and row.sought[0].name
        assert row.held.name in text and row.sought[0].name in text
        assert re.search("[а-яіїєґ]", row.held.name)  # Cyrillic, as written
    assert any(r.held.name != r.sought[0].name for r in joined)  # the two spellings differ
    (brought,) = [r for r in found.rows if r.substitute_for]  # RU brought another person
    assert f"замість / вместо {brought.substitute_for}" in text
    assert "замінено / заменено" in text  # and the one replaced says so
    gone = sum(1 for r in found.rows if r.state in ("withdrawn", "substituted"))
    assert gone >= 1  # counted apart: printed, but not handed over here
    assert (
        f"{len(found.rows)} осіб / лиц ({gone} з них вилучено або замінено / из них исключено"
        " или заменено)"
    ) in text
    for n, page in enumerate(pages, start=1):
        assert f"сторінка {n} з {len(pages)}" in page and found.short_hash in page
        assert f"запис журналу / запись журнала {found.planned_index}" in page


def test_roster_import_refuses_a_hostile_pfif_file_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _local(tmp_path, monkeypatch)
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE pfif [<!ENTITY l0 "lol">{lol}]>'
        '<pfif xmlns="http://zesty.ca/pfif/1.4"><person><person_record_id>d/1'
        "</person_record_id><full_name>&l9;</full_name></person></pfif>"
    )
    runner = CliRunner()
    args = ["roster", "import", str(bomb), "--party", "UA", "--kind", "sought"]
    done = runner.invoke(app, args)
    assert done.exit_code == 1
    assert "nothing was imported" in done.output and "bomb.xml" in done.output
    assert "DTD" in done.output and "Traceback" not in done.output
    good = tmp_path / "found.pfif"
    good.write_text(
        '<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>'
        "<pfif:person_record_id>icrc.example/77</pfif:person_record_id>"
        "<pfif:full_name>Мельник Олена</pfif:full_name><pfif:given_name>Олена</pfif:given_name>"
        "<pfif:family_name>Мельник</pfif:family_name><pfif:sex>female</pfif:sex>"
        "<pfif:date_of_birth>1985-03</pfif:date_of_birth></pfif:person></pfif:pfif>"
    )
    args = ["roster", "import", str(good), "--party", "UA", "--kind", "sought", "--merge"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["person", "UA:sought/77", "--as", "UA", "--json"])
    assert shown.exit_code == 0, shown.output
    assert "Мельник Олена" in shown.output and "1985-03" in shown.output
