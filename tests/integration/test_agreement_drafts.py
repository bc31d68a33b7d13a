"""Agreements one can write: the annotated template, drafts refused with the reason, named
persons by name in every language's script (read from their records when shown, gone with
them when erased), untranslated text marked, and the signed hash reproduced from the
documented bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parley.app import agreements, audit, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain import events as ev
from parley.domain.agreement_text import canonical_text
from parley.domain.agreements import (
    TEXT_LANGUAGES,
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    NamedRecord,
    PersonRef,
    Phase,
    agreement_from_dict,
    agreement_to_dict,
)
from parley.domain.dates import PartialDate
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.entry import canonical_json, loads_canonical
from tests.integration.helpers import setup_parties


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARLEY_SERVER", raising=False)
    ledger = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(ledger)
        for party, rid, family, given in (
            ("RU", "RU-H-00001", "Вышинский", "Кирилл"),
            ("UA", "UA-H-00001", "Сенцов", "Олег"),
        ):
            record = PersonRecord(rid, family, given, birth_date=PartialDate(1976, 7, 13))
            rosters.import_roster(
                ledger,
                party_id=party,
                kind=RosterKind.HELD,
                records=[record],
                source="f",
                source_sha256="0",
            )
    finally:
        ledger.close()
    return tmp_path


def _draft(folder: Path, document: dict[str, Any]) -> Any:
    path = folder / "draft.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(app, ["agreement", "draft", str(path)])


def test_the_template_is_annotated_and_drafts_as_it_stands(office: Path) -> None:
    runner = CliRunner()
    annotated = runner.invoke(app, ["agreement", "template"])
    assert annotated.exit_code == 0, annotated.output
    for key, note in agreements.TEMPLATE_NOTES.items():  # every field explained
        assert f'"{key}": ' in annotated.stdout and f"# {note}" in annotated.stdout, key
    bare = runner.invoke(app, ["agreement", "template", "--json"])
    assert json.loads(bare.stdout) == agreements.TEMPLATE
    drafted = _draft(office, agreements.TEMPLATE)
    assert drafted.exit_code == 0, drafted.output
    text = runner.invoke(app, ["agreement", "text", "ROADMAP-2019"]).stdout
    uk, ru, en = re.split(r"^=== .+ ===$", text, flags=re.M)[1:]
    # the named persons by id and by name, in each language's script
    assert "RU/RU-H-00001 Вышинский Кирилл" in uk and "RU/RU-H-00001 Вышинский Кирилл" in ru
    assert "UA/UA-H-00001 Сенцов Олег" in uk
    (latin,) = re.findall(r"RU/RU-H-00001 (.+)", en)
    assert latin.startswith("Vysh") and latin.isascii()
    # translated text in its language; the rest as written, marked untranslated
    assert "Дорожня карта нормалізації" in uk and "Дорожная карта нормализации" in ru
    assert "місце: Золоте" in uk and "место: Золотое" in ru and "place: Zolote" in en
    assert (
        "Withdraw troops and weapons from the contact line [без перекладу, подано англійською]"
        in uk
    )
    assert "Abide by the ceasefire regime [без перевода, дано на английском]" in ru
    assert "untranslated" not in en
    assert "після етапу P1" in uk and "after phase P1" in en


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda d: d["phases"][0]["commitments"][0]["exchange"]["named"].update(
                RU=["RU/RU-H-99999"]
            ),
            "names RU/RU-H-99999, who is on none of RU's rosters",
        ),
        (
            lambda d: d["phases"][1]["commitments"][0].update(place="Stanytsia Luhanska"),
            "place 'Stanytsia Luhanska' is not one of the agreement's places",
        ),
        (
            lambda d: d["phases"][1]["commitments"][0].update(after="P9"),
            "after names phase 'P9', which is not another phase",
        ),
        (lambda d: d.update(language="de"), "language: 'de' is not one of uk, ru, en"),
    ],
)
def test_a_draft_naming_what_does_not_exist_is_refused_with_the_reason(
    office: Path, change: Any, reason: str
) -> None:
    document = json.loads(json.dumps(agreements.TEMPLATE))
    change(document)
    refused = _draft(office, document)
    assert refused.exit_code == 1
    assert reason in refused.output
    assert "Traceback" not in refused.output


def test_an_auditor_reproduces_the_signed_hash_from_the_documented_bytes(office: Path) -> None:
    runner = CliRunner()
    drafted = _draft(office, agreements.TEMPLATE)
    digest = drafted.stdout.split("text hash ")[1].split()[0]
    # docs/agreements.md: the bytes `parley agreement text ID --hashed` writes, which are
    # `parley agreement text ID` without its last line ("SHA-256: ..."), hashed whole
    hashed = runner.invoke(app, ["agreement", "text", "ROADMAP-2019", "--hashed"])
    assert hashed.exit_code == 0, hashed.output
    assert hashlib.sha256(hashed.stdout_bytes).hexdigest() == digest
    shown = runner.invoke(app, ["agreement", "text", "ROADMAP-2019"]).stdout_bytes
    body, last = shown[: shown.rindex(b"SHA-256: ")], shown[shown.rindex(b"SHA-256: ") :]
    assert body == hashed.stdout_bytes and last == f"SHA-256: {digest}\n".encode()
    assert hashed.stdout_bytes.startswith("=== Українська ===\n".encode())
    assert hashed.stdout_bytes.endswith(b"\n\n")  # each language's text, then an empty line
    for signer in ("UA", "RU", "MED"):  # the hash the sides sign is that one
        signed = runner.invoke(
            app, ["agreement", "sign", "ROADMAP-2019", "--hash", digest, "--as", signer]
        )
        assert signed.exit_code == 0, signed.output


def _signed_template(folder: Path) -> str:
    """The template drafted, signed by both sides and witnessed; its text hash."""
    runner = CliRunner()
    drafted = _draft(folder, agreements.TEMPLATE)
    assert drafted.exit_code == 0, drafted.output
    digest: str = drafted.stdout.split("text hash ")[1].split()[0]
    for signer in ("UA", "RU", "MED"):
        signed = runner.invoke(
            app, ["agreement", "sign", "ROADMAP-2019", "--hash", digest, "--as", signer]
        )
        assert signed.exit_code == 0, signed.output
    return digest


# What must not survive RU/RU-H-00001's erasure: his name in both scripts (his birth date is
# UA-H-00001's too, in this office)
SECRETS = ("Вышинск", "Кирилл", "Vyshinsk", "Vysh", "Kirill")


def test_the_payload_names_no_one_and_the_text_keeps_the_name_it_was_drafted_with(
    office: Path,
) -> None:
    """The draft refers to each person's record at its revision: names are read from it when
    shown, so a later correction of the roster leaves the text and its hash as drafted."""
    digest = _signed_template(office)
    ledger = Ledger.open(Settings.from_env())
    try:
        with ledger.reading() as tx:
            payload = agreements.load(tx, "ROADMAP-2019").agreement
        written = canonical_json(ev.AgreementDrafted(payload, digest).to_json())
        assert "names" not in json.loads(written)["agreement"]
        assert [s for s in SECRETS if s in written.decode()] == []
        corrected = PersonRecord("RU-H-00001", "Вышинский", "Кирилл", patronymic="Валерьевич")
        rosters.import_roster(
            ledger,
            party_id="RU",
            kind=RosterKind.HELD,
            records=[corrected],
            source="g",
            source_sha256="1",
        )
    finally:
        ledger.close()
    hashed = CliRunner().invoke(app, ["agreement", "text", "ROADMAP-2019", "--hashed"])
    assert hashlib.sha256(hashed.stdout_bytes).hexdigest() == digest
    assert "Валерьевич" not in hashed.stdout


def test_an_erased_person_leaves_the_agreement_and_its_text_says_so(office: Path) -> None:
    runner = CliRunner()
    digest = _signed_template(office)
    erased = runner.invoke(app, ["erase", "--person", "RU:held/RU-H-00001", "--reason", "asked"])
    assert erased.exit_code == 0, erased.output
    # nothing of him in the raw database file, nor in the export
    raw = b"".join(p.read_bytes() for p in (office / "data").glob("parley.db*"))
    assert "Сенцов".encode() in raw  # the file is readable as it is
    assert [s for s in SECRETS if s.encode() in raw] == []
    ledger = Ledger.open(Settings.from_env())
    try:
        audit.export(ledger, office / "export")
        report = audit.verify_live(ledger)  # the signatures over the hash still hold
        assert report.erased >= 1
    finally:
        ledger.close()
    exported = "".join(p.read_text() for p in (office / "export").rglob("*") if p.is_file())
    assert digest in exported  # the hash the sides signed stays on the log
    assert [s for s in SECRETS if s in exported] == []
    # the text shows his name as erased, in each language, and says it is not what was signed
    text = runner.invoke(app, ["agreement", "text", "ROADMAP-2019"])
    assert text.exit_code == 0, text.output
    uk, ru, en = re.split(r"^=== .+ ===$", text.stdout, flags=re.M)[1:]
    assert "RU/RU-H-00001 [ім'я стерто]" in uk and "UA/UA-H-00001 Сенцов Олег" in uk
    assert "RU/RU-H-00001 [имя стёрто]" in ru and "RU/RU-H-00001 [name erased]" in en
    assert f"SHA-256 as signed: {digest} (not this text's" in en
    assert [s for s in SECRETS if s in text.stdout] == []
    # the hashed text can no longer be derived: refused, nothing printed to hash
    hashed = runner.invoke(app, ["agreement", "text", "ROADMAP-2019", "--hashed"])
    assert hashed.exit_code == 1 and "Traceback" not in hashed.output
    assert "whose record was erased" in hashed.output and "=== " not in hashed.output
    assert "can no longer be derived from the log" in hashed.output


def test_an_agreement_whose_payload_kept_the_names_is_shown_with_them() -> None:
    """Logs written before kept each person's name in the agreement's payload: still read."""
    document = json.loads(json.dumps(agreements.TEMPLATE))
    document["names"] = {
        "RU/RU-H-00001": {"uk": "Вышинский Кирилл", "ru": "Вышинский Кирилл", "en": "Vyshinsky"},
        "UA/UA-H-00001": {"uk": "Сенцов Олег", "ru": "Сенцов Олег", "en": "Sentsov Oleh"},
    }
    legacy = agreement_from_dict(document)
    assert agreement_from_dict(json.loads(json.dumps(agreement_to_dict(legacy)))) == legacy
    text = canonical_text(legacy)
    assert "RU/RU-H-00001 Vyshinsky\n" in text and "UA/UA-H-00001 Сенцов Олег\n" in text


def test_an_agreement_drafted_before_languages_keeps_its_hash() -> None:
    """Rendered as it always was: the same text, the same hash as before names and
    languages came into the text (pinned from the version before)."""
    legacy = Agreement(
        "AG",
        "test agreement",
        ("UA", "RU"),
        "MED",
        (
            Phase(
                "AG-P1",
                1,
                "one",
                (
                    Commitment(
                        "AG-EX",
                        CommitmentKind.EXCHANGE,
                        "exchange",
                        exchange=ExchangeTerms(
                            ExchangeMode.NAMED,
                            named=(
                                ("RU", (PersonRef("RU", "r0"),)),
                                ("UA", (PersonRef("UA", "u0"),)),
                            ),
                        ),
                    ),
                    Commitment(
                        "AG-DIS",
                        CommitmentKind.DISENGAGEMENT,
                        "withdraw",
                        place="Zolote",
                        due_date=dt.date(2019, 11, 1),
                    ),
                ),
            ),
        ),
    )
    assert (
        agreements.text_hash(legacy)
        == "77db7cfe70fb26f6bdf47a143065b877accb87b212f6c74a8dda01067c3e8fdc"
    )


_word = st.text(alphabet="ABCPXZ019-", min_size=1, max_size=6)
_free = st.text(alphabet="abc Зол'ёї", min_size=1, max_size=12).filter(str.strip)
_lang = st.sampled_from(TEXT_LANGUAGES)


@st.composite
def _agreements(draw: st.DrawFn) -> Agreement:
    """Agreements using every field the draft may carry: language, places, translations,
    named persons with their names, commitments after another phase."""
    phase_ids = draw(st.lists(_word, min_size=2, max_size=3, unique=True))
    places = tuple(draw(st.lists(_free, max_size=3, unique=True)))
    language = draw(st.sampled_from(("", *TEXT_LANGUAGES)))
    phases = []
    for k, pid in enumerate(phase_ids):
        others = [p for p in phase_ids if p != pid]
        place: str = draw(st.sampled_from(["", *places]))
        after: str = draw(st.sampled_from(["", *others]))
        c = Commitment(
            f"{pid}-C", CommitmentKind.DISENGAGEMENT, draw(_free), place=place, after=after
        )
        phases.append(Phase(pid, k + 1, draw(_free), (c,)))
    refs = draw(st.lists(_word.map(lambda r: PersonRef("RU", r)), max_size=2, unique=True))
    forms = st.dictionaries(_lang, _free, min_size=1).map(lambda d: tuple(sorted(d.items())))
    revisions = st.integers(1, 3).map(lambda n: NamedRecord("RU:held", n))
    records = tuple((r, draw(revisions)) for r in sorted(refs)) if draw(st.booleans()) else ()
    texts = sorted({draw(_free) for _ in range(draw(st.integers(0, 2)))})
    return Agreement(
        "AG",
        draw(_free),
        ("UA", "RU"),
        "MED",
        tuple(phases),
        language=language,
        places=places,
        translations=tuple((t, draw(forms)) for t in texts),
        names=tuple((r, draw(forms)) for r in sorted(refs)),
        named_records=records,  # the names as `shown` computes them from these records
    )


@settings(max_examples=60, deadline=None)
@given(agreement=_agreements())
def test_an_agreement_with_every_field_reads_back_as_written(agreement: Agreement) -> None:
    payload = ev.AgreementDrafted(agreement, agreements.text_hash(agreement))
    written = canonical_json(payload.to_json())
    read = ev.payload_from_json(ev.AGREEMENT_DRAFTED, loads_canonical(written))
    assert read == payload and canonical_json(read.to_json()) == written
    assert agreements.text_hash(read.agreement) == payload.text_sha256
