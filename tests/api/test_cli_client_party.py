"""The rest of a party's commands from its own data directory against a real server: UA and RU
take persons off their rosters, erase a person, list their sought persons not located, export
their own view (XLSX, PFIF) and print a batch's manifest; each sees its own compartment alone,
and the other side and the monitor are refused as they would be locally."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from parley.app import agreements, audit, batches, reconcile, served_export, transparency
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.matches import MatchState
from parley.store import batches as batch_store
from parley.store import keys as key_store
from parley.store import log as stored_log
from tests.api.helpers import Sites, run_cli

UA_HELD = (
    "UA-0,Іванов,Іван,1990-01-02,2022-03-04\n"
    "UA-1,Шевченко,Тарас,1991-02-03,2022-03-05\n"
    "UA-2,Коваль,Олег,1992-03-04,2022-03-06\n"
) + "".join(f"UA-{n},Мельник,Петро,198{n}-05-06,2022-04-0{n}\n" for n in range(3, 9))


def _refused(result: Result, says: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Refused"), result.stderr
    assert says in result.stderr, result.stderr


def test_a_side_takes_persons_off_its_roster_by_id_and_by_list(
    runner: CliRunner, sites: Sites
) -> None:
    held = sites.file("ua-held.csv", UA_HELD)
    sites.run(runner, "UA", "roster", "import", str(held), "--party", "UA", "--kind", "held")

    by_id = sites.run(runner, "UA", "roster", "remove", "--party", "UA", "--kind", "held", "UA-1")
    assert "UA:held v2: 8 persons (0 added, 1 removed, 0 corrected)." in by_id
    assert "- Шевченко Тарас (UA-1)" in by_id

    # a list without ids: the person its names and birth date carry over to
    listed = sites.file(
        "leaving.csv", "Коваль,Олег,1992-03-04\n", "family_name,given_name,birth_date\n"
    )
    args = ("roster", "remove", "--party", "UA", "--kind", "held", "--list", str(listed))
    by_list = sites.run(runner, "UA", *args)
    assert "UA:held v3: 7 persons (0 added, 1 removed, 0 corrected)." in by_list
    assert "- Коваль Олег (UA-2)" in by_list
    with sites.ledger.reading() as tx:
        last = list(stored_log.events(tx))[-1]
    assert last.actor == "UA"  # signed by UA on its own machine, not by the server

    # more than half the roster: refused until UA says --yes
    size = sites.size()
    nobody = sites.try_(runner, "UA", "roster", "remove", "--party", "UA", "--kind", "held")
    assert nobody.exit_code != 0 and "name the persons to remove" in nobody.output
    most = (
        "roster",
        "remove",
        "--party",
        "UA",
        "--kind",
        "held",
        *(f"UA-{n}" for n in range(3, 9)),
    )
    _refused(sites.try_(runner, "UA", *most), "this would remove 6 of the 7 persons of UA:held")
    # RU may not touch UA's roster (its key signs as RU), nor UA name a person not on it
    _refused(
        sites.try_(runner, "RU", *most, "--yes", "--as", "RU"), "RU may not import UA's roster"
    )
    absent = ("roster", "remove", "--party", "UA", "--kind", "held", "UA-99")
    _refused(sites.try_(runner, "UA", *absent), "UA-99")
    assert sites.size() == size
    gone = sites.run(runner, "UA", *most, "--yes")
    assert "UA:held v4: 1 persons (0 added, 6 removed, 0 corrected)." in gone


def _rosters_and_a_match(runner: CliRunner, sites: Sites) -> None:
    """UA holds three; RU seeks one of them (confirmed by the mediator on its own machine) and
    one nobody holds; RU holds one, whom UA seeks."""
    rosters = {
        ("UA", "held"): UA_HELD,
        ("RU", "sought"): "S-0,Іванов,Іван,1990-01-02,2022-03-04\n"
        "S-1,Бондар,Андрій,1985-07-08,2022-09-10\n",
        ("RU", "held"): "RU-0,Петров,Пётр,1980-03-04,2022-05-06\n",
        ("UA", "sought"): "S-0,Петров,Пётр,1980-03-04,2022-05-06\n",
    }
    for (party, kind), rows in rosters.items():
        path = sites.file(f"{party}-{kind}.csv", rows)
        sites.run(runner, party, "roster", "import", str(path), "--party", party, "--kind", kind)
    candidates = reconcile.exact_candidates(sites.ledger, sought="RU:sought", held="UA:held")
    candidates += reconcile.exact_candidates(sites.ledger, sought="UA:sought", held="RU:held")
    proposed = reconcile.propose(sites.ledger, actor="MED", candidates=candidates).proposed
    assert len(proposed) == 2
    reconcile.decide_matches(sites.ledger, actor="MED", mids=proposed, state=MatchState.CONFIRMED)


def test_a_side_erases_a_person_of_its_own_roster(runner: CliRunner, sites: Sites) -> None:
    _rosters_and_a_match(runner, sites)
    erase = ("erase", "--person", "UA:held/UA-0", "--reason", "the family asked")
    # RU may not erase UA's record, nor a monitor anyone's: nothing is appended
    size = sites.size()
    _refused(sites.try_(runner, "RU", *erase), "RU may not erase a record of UA's roster")
    _refused(sites.try_(runner, "SMM", *erase), "SMM may not erase a record of UA's roster")
    assert sites.size() == size

    done = sites.run(runner, "UA", *erase)
    assert f"Erased 1 record(s) and 0 consent interview(s), recorded from log entry {size}:" in done
    assert "  erased UA:held/UA-0" in done
    # the person joined to it on RU's roster is RU's (or the mediator's) to erase
    assert "  not erased: RU:sought/S-0: joined to this person, but on RU's roster" in done
    with sites.ledger.reading() as tx:
        last = list(stored_log.events(tx))[-1]
    assert (last.type, last.actor) == (ev.PERSON_ERASED, "UA")
    seen = json.loads(sites.run(runner, "UA", "person", "UA:held/UA-0", "--json"))
    assert seen["erased"] is True and "Іван" not in json.dumps(seen, ensure_ascii=False)
    _refused(sites.try_(runner, "UA", *erase), "already erased")
    _refused(sites.try_(runner, "UA", "erase", "--person", "UA:held/UA-99"), "has no record UA-99")


def test_a_side_lists_its_sought_persons_not_located(runner: CliRunner, sites: Sites) -> None:
    _rosters_and_a_match(runner, sites)
    rows = json.loads(sites.run(runner, "RU", "unlocated", "--party", "RU", "--json"))
    assert rows == [{"record": "RU:sought/S-1", "name": "Бондар Андрій", "evidence": "unknown"}]
    shown = sites.run(runner, "RU", "unlocated", "--party", "RU")
    assert "1 sought by RU and not located:" in shown
    assert "RU:sought/S-1 Бондар Андрій (evidence: unknown)" in shown
    assert "0 sought by UA and not located:" in sites.run(
        runner, "UA", "unlocated", "--party", "UA"
    )
    # UA may not see RU's sought persons, nor the monitor anyone's
    _refused(
        sites.try_(runner, "UA", "unlocated", "--party", "RU"),
        "UA may see only its own sought persons",
    )
    _refused(
        sites.try_(runner, "SMM", "unlocated", "--party", "RU"),
        "SMM may see only its own sought persons",
    )


def _agreement(title: str = "test agreement") -> Agreement:
    terms = ExchangeTerms(ExchangeMode.ALL_FOR_ALL)
    exchange = Commitment("AG-EX", CommitmentKind.EXCHANGE, "exchange", exchange=terms)
    return Agreement("AG", title, ("UA", "RU"), "MED", (Phase("AG-P1", 1, "all", (exchange,)),))


def _a_batch(runner: CliRunner, sites: Sites) -> None:
    """The rosters above, RU seeking UA-0 as RU writes him (Иванов Иван, confirmed), and batch
    B1 of an agreement both sides signed from their machines: UA-0 to RU, RU-0 to UA."""
    _rosters_and_a_match(runner, sites)
    path = sites.file("RU-sought.csv", "S-0,Иванов,Иван,1990-01-02,2022-03-04\n")
    args = ("roster", "import", str(path), "--party", "RU", "--kind", "sought", "--merge")
    sites.run(runner, "RU", *args)
    agreement = _agreement()
    agreements.draft(sites.ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for side in ("UA", "RU"):
        sites.run(runner, side, "agreement", "sign", "AG", "--hash", digest, "--as", side)
    agreements.sign(sites.ledger, actor="MED", agreement_id="AG", text_sha256=digest)
    batches.plan(
        sites.ledger,
        actor="MED",
        batch_id="B1",
        commitment_id="AG-EX",
        place="the border",
        planned_date=None,
        persons=[PersonRef("UA", "UA-0"), PersonRef("RU", "RU-0")],
    )


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def test_each_side_prints_the_manifest_it_may_see(runner: CliRunner, sites: Sites) -> None:
    _a_batch(runner, sites)
    with sites.ledger.reading() as tx:
        index = batch_store.planned_index(tx, "B1")
    pdfs = {p: sites.tmp / f"B1-{p}.pdf" for p in ("UA", "RU", "SMM")}
    said = sites.run(runner, "UA", "batch", "manifest", "B1", "--pdf", str(pdfs["UA"]))
    assert f"Wrote {pdfs['UA']}: batch B1, 2 person(s), log entry {index}, hash " in " ".join(
        said.split()
    )
    ua = _pdf_text(pdfs["UA"])
    # UA's own held person and the person it receives, as their holders write them, and its
    # own sought record; not RU's spelling of the person RU seeks (Иванов Иван)
    for text in ("Іванов Іван", "Петров Пётр", "UA:held/UA-0", "RU:held/RU-0", "UA:sought/S-0"):
        assert text in ua
    assert "Иванов Иван" not in ua
    assert "сторінка 1 з 1" in ua
    args = ("batch", "manifest", "B1", "--pdf", str(pdfs["RU"]), "--lang", "uk,ru,en")
    sites.run(runner, "RU", *args)
    ru = _pdf_text(pdfs["RU"])
    assert "Иванов Иван" in ru and "Петров Пётр" in ru and "page 1 of 1" in ru
    # a monitor prints no list of persons; an unknown batch is refused; nothing is written
    monitor = ("batch", "manifest", "B1", "--pdf", str(pdfs["SMM"]))
    _refused(
        sites.try_(runner, "SMM", *monitor),
        "SMM (monitor) may not print a batch's handover manifest",
    )
    _refused(sites.try_(runner, "UA", "batch", "manifest", "B9", "--pdf", str(pdfs["SMM"])), "B9")
    assert not pdfs["SMM"].exists()


def test_a_side_exports_its_own_view(
    runner: CliRunner, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_batch(runner, sites)
    book = sites.tmp / "ua.xlsx"
    said = sites.run(runner, "UA", "roster", "export", str(book), "--as", "UA")
    assert f"Wrote {book}: UA's view (workbook)." in said
    sheets = {
        s.title: [[c for c in row if c is not None] for row in s.iter_rows(values_only=True)]
        for s in load_workbook(book, read_only=True).worksheets
    }
    assert {"UA held", "UA sought", "outcomes", "batches"} <= set(sheets)
    held = {row[0]: row for row in sheets["UA held"][1:]}
    assert sorted(held) == [f"UA-{n}" for n in range(9)]
    assert "Шевченко" in held["UA-1"]
    cells = json.dumps(sheets, ensure_ascii=False, default=str)
    assert "Бондар" not in cells and "Иванов" not in cells  # RU's sought persons are RU's
    assert "B1" in cells
    # in the user's language, made so on the server
    monkeypatch.setenv("PARLEY_LANG", "uk")
    sites.run(runner, "UA", "roster", "export", str(book), "--as", "UA")
    monkeypatch.delenv("PARLEY_LANG")
    titles = load_workbook(book, read_only=True).sheetnames
    assert "UA утримувані" in titles and "UA held" not in titles

    pfif_file = sites.tmp / "ru.xml"
    args = ("roster", "export", str(pfif_file), "--as", "RU", "--domain", "example.org")
    assert "RU's view (PFIF 1.4)" in sites.run(runner, "RU", *args)
    text = pfif_file.read_text(encoding="utf-8")
    assert "example.org/" in text and "Бондар" in text and "Иванов" in text
    assert "Шевченко" not in text

    # RU may not export UA's view, nor a monitor any; no file is written
    other = sites.tmp / "other.xlsx"
    _refused(
        sites.try_(runner, "RU", "roster", "export", str(other), "--as", "RU", "--party", "UA"),
        "RU may export only its own rosters and batches, not UA's",
    )
    _refused(
        sites.try_(runner, "SMM", "roster", "export", str(other), "--as", "SMM", "--party", "UA"),
        "SMM (monitor) may not export a side's rosters and batches",
    )
    assert not other.exists()


def test_a_side_reads_the_agreement_text_it_signs(runner: CliRunner, sites: Sites) -> None:
    _a_batch(runner, sites)  # UA and RU signed AG by the hash of the text they read
    hashed = sites.try_(runner, "UA", "agreement", "text", "AG", "--hashed")
    assert hashed.exit_code == 0, hashed.output
    assert hashed.stdout_bytes == agreements.agreement_text(
        sites.ledger, agreement_id="AG", hashed=True
    ).encode("utf-8")
    digest = agreements.stored_hash(sites.ledger, agreement_id="AG")
    assert hashlib.sha256(hashed.stdout_bytes).hexdigest() == digest
    whole = sites.run(runner, "RU", "agreement", "text", "AG")
    assert whole.endswith(f"SHA-256: {digest}\n")
    for lang in ("uk", "ru", "en"):
        assert sites.run(runner, "UA", "agreement", "text", "AG", "--lang", lang) == (
            agreements.agreement_text(sites.ledger, agreement_id="AG", lang=lang)
        )

    # the mediator amends; each side compares the versions from its own machine
    agreements.amend(sites.ledger, actor="MED", agreement=_agreement("amended"))
    diff = sites.run(runner, "RU", "agreement", "diff", "AG", "--from", "1", "--to", "2")
    assert diff == agreements.versions_diff(sites.ledger, agreement_id="AG", before=1, after=2)
    assert "-Agreement AG: test agreement" in diff and "+Agreement AG: amended" in diff

    # a monitor reads no agreement's text (it may name persons); nor does anyone an unknown one
    for args in (("text", "AG"), ("diff", "AG", "--from", "1", "--to", "2")):
        _refused(
            sites.try_(runner, "SMM", "agreement", *args),
            "SMM (monitor) may not read an agreement's text",
        )
    _refused(sites.try_(runner, "UA", "agreement", "text", "AG9"), "there is no agreement AG9")
    bad = sites.try_(
        runner, "UA", "agreement", "diff", "AG", "--from", "1", "--to", "2", "--lang", "de"
    )
    _refused(bad, "language 'de' is not one of uk, ru, en")


def test_a_party_exports_its_compartment_of_the_log(
    runner: CliRunner, sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rosters_and_a_match(runner, sites)
    transparency.sign_checkpoint(sites.ledger)
    # pages of 7 entries, so that the export takes several
    monkeypatch.setattr(audit, "EXPORT_PAGE", 7)
    monkeypatch.setattr(served_export, "EXPORT_PAGE", 7)
    served, local = sites.tmp / "ua-served", sites.tmp / "ua-local"
    said = sites.run(runner, "UA", "export", "--out", str(served))
    assert f"Exported {sites.size()} entries to {served}." in " ".join(said.split())
    # the same folder the mediator's machine writes for UA, byte for byte
    run_cli(runner, sites.data["MED"], "export", "--as", "UA", "--out", str(local))
    files = sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file())
    assert Path("log.jsonl") in files and Path("keys.json") in files
    assert any(p.parent == Path("checkpoints") for p in files)
    for name in files:
        assert (served / name).read_bytes() == (local / name).read_bytes(), name
    assert sorted(p.relative_to(served) for p in served.rglob("*") if p.is_file()) == files
    verified = " ".join(
        sites.run(runner, "UA", "verify", "--allow-unwitnessed", str(served)).split()
    )
    assert f"Verified {sites.size()} entries" in verified and "withheld" in verified
    lines = [json.loads(x) for x in (served / "log.jsonl").read_text("utf-8").splitlines()]
    payloads = " ".join(x["payload"] or "" for x in lines)
    assert "Шевченко" in payloads and "Бондар" not in payloads  # UA's roster, not RU's

    # a monitor's: every header, no person; an occupied folder and --public refused
    smm = sites.tmp / "smm-export"
    sites.run(runner, "SMM", "export", "--out", str(smm))
    assert "Іванов" not in (smm / "log.jsonl").read_text("utf-8")
    again = sites.try_(runner, "UA", "export", "--out", str(served))
    assert again.exit_code == 1 and "is not an empty folder" in again.stderr
    public = sites.try_(runner, "UA", "export", "--public", "--out", str(sites.tmp / "pub"))
    assert public.exit_code == 1 and "--public is the operator's export" in public.stderr
    assert not (sites.tmp / "pub").exists()
    assert [p.name for p in sites.tmp.iterdir() if p.name.startswith(".")] == []


def test_without_as_a_party_acts_with_the_key_in_its_data_directory(
    runner: CliRunner, sites: Sites
) -> None:
    """Commands whose --as says the mediator by default act, with --server, as the one party
    whose key is in the data directory (as `status`, `person` and `sync` do)."""
    _a_batch(runner, sites)
    found = json.loads(sites.run(runner, "UA", "search", "Shevchenko Taras", "--json"))
    assert found[0]["roster_id"] == "UA:held" and found[0]["record_id"] == "UA-1"
    assert {h["roster_id"] for h in found} <= {"UA:held", "UA:sought"}  # its own rosters only
    assert "Batch B1 has no amendments." in sites.run(runner, "RU", "batch", "amendments", "B1")
    args = ("batch", "amend", "B1", "--withdraw", "UA/UA-0", "--reason", "ill", "--as", "UA")
    sites.run(runner, "UA", *args)
    listed = sites.run(runner, "RU", "batch", "amendments", "B1")
    assert "withdraw UA/UA-0" in listed and "agreed by UA" in listed
    with sites.ledger.reading() as tx:
        (ua_key,) = [k.key_id for k in key_store.every_key(tx) if k.party_id == "UA"]
    revoke = ("key", "revoke", "--party", "UA", "--key-id", ua_key, "--reason", "lost")
    _refused(sites.try_(runner, "RU", *revoke), "RU may not revoke a key of UA")
    # a monitor's report and a side's move in a batch, without --as: the party whose key is here
    report: tuple[str, ...] = ("report", "--commitment", "AG-EX", "--kind", "observation")
    report += ("--place", "the line", "--date", "2024-05-01", "--text", "quiet")
    _refused(sites.try_(runner, "SMM", *report), "AG-EX is an exchange; monitors report on")
    _refused(sites.try_(runner, "UA", *report), "UA (side) may not send a monitor's report")
    move = ("handover", "B1", "UA/UA-0", "--to", "located")
    _refused(sites.try_(runner, "UA", *move), "UA may not move a handover to located")


def test_the_live_checks_point_a_party_to_what_it_runs_instead(
    runner: CliRunner, sites: Sites
) -> None:
    verify = sites.try_(runner, "UA", "verify")
    assert verify.exit_code == 1 and "`parley export --out DIR`" in verify.stderr
    witness = sites.try_(runner, "UA", "log", "witness", "--as", "UA")
    assert witness.exit_code == 1 and "`parley sync`" in witness.stderr
    for result in (verify, witness):
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_party_reads_proofs_checkpoints_and_keys_from_the_server(
    runner: CliRunner, sites: Sites
) -> None:
    """`parley log …` from a party's machine prints what the mediator's machine prints."""
    _rosters_and_a_match(runner, sites)
    first, _ = transparency.sign_checkpoint(sites.ledger)
    _import_one_more(runner, sites)
    size, _ = transparency.sign_checkpoint(sites.ledger)
    assert size > first
    asked = [
        ("log", "prove", "--index", "3"),
        ("log", "prove", "--index", "3", "--size", str(first)),
        ("log", "consistency", "--from", str(first), "--to", str(size)),
        ("log", "consistency", "--from", "2", "--to", str(size - 1)),  # no checkpoint: hashes
        ("log", "checkpoint", "--size", str(first)),
        ("log", "key"),
        ("log", "key", "--witness", "UA"),
    ]
    for args in asked:
        here = run_cli(runner, sites.data["MED"], *args)
        assert sites.run(runner, "RU", *args) == here, args
        assert sites.run(runner, "SMM", *args) == here, args
    served, local = sites.tmp / "entry-served", sites.tmp / "entry-local"
    sites.run(runner, "UA", "log", "entry", "--index", "5", "--out", str(served))
    run_cli(runner, sites.data["MED"], "log", "entry", "--index", "5", "--out", str(local))
    assert served.read_bytes() == local.read_bytes() and served.read_bytes()

    # refused as on the mediator's machine; signing a checkpoint stays the mediator's
    _refused(
        sites.try_(runner, "RU", "log", "prove", "--index", str(size)),
        f"entry index {size} is not in a tree of size {size}",
    )
    _refused(
        sites.try_(runner, "RU", "log", "checkpoint", "--size", "1"), "no checkpoint of size 1"
    )
    _refused(
        sites.try_(runner, "RU", "log", "entry", "--index", "99999", "--out", str(served)), "99999"
    )
    unsigned = sites.try_(runner, "RU", "log", "checkpoint")
    assert unsigned.exit_code == 1 and "the mediator signs checkpoints" in unsigned.stderr


def _import_one_more(runner: CliRunner, sites: Sites) -> None:
    path = sites.file("RU-held-2.csv", "RU-1,Сидоренко,Іван,1970-01-01,2022-01-01\n")
    args = ("roster", "import", str(path), "--party", "RU", "--kind", "held", "--merge")
    sites.run(runner, "RU", *args)


def test_on_the_mediators_machine_a_move_and_a_report_still_say_who_acts(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Without --server there is no 'party whose key is here': --as is asked for."""
    data = ["--data-dir", str(tmp_path)]
    moved = runner.invoke(app, [*data, "handover", "B1", "UA/UA-0", "--to", "located"])
    assert moved.exit_code == 1 and "say which party makes the move with --as" in moved.stderr
    report = ("report", "--commitment", "CF", "--kind", "observation", "--place", "x")
    reported = runner.invoke(app, [*data, *report, "--date", "2024-05-01", "--text", "quiet"])
    assert reported.exit_code == 1 and "and --as" in reported.stderr
    no_text = runner.invoke(app, [*data, *report, "--date", "2024-05-01"])
    assert "a report needs --commitment, --kind, --place and --text" in no_text.stderr
