"""The web desk's papers and transport: a batch's manifest downloaded as a PDF (the mediator
from its board, a side from its office, each as app.papers lets it see; a monitor refused),
pages gzipped for a browser that asks with their security headers kept, and a record's
category and health in the reader's language."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from pypdf import PdfReader

from parley.app import papers, rosters
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.persons import Category, Health, PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.command import command_body
from parley.web import labels


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _office_sign_in(client: TestClient, ledger: Ledger, party: str) -> None:
    """The side's (or monitor's) browser proves its key: here the same signature, made with
    the key this one-machine instance keeps for it."""
    body = command_body({"party": party})
    signed = ledger.keys.sign_command(party, "POST", "/office/sign-in", body)
    reply = client.post(
        "/office/sign-in",
        content=body,
        headers={
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
            "Content-Type": "application/json",
        },
    )
    assert reply.status_code == 200, reply.text
    assert json.loads(reply.text)["party"] == party


def test_the_board_links_the_manifest_and_the_mediator_downloads_it(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    board = desk.get("/desk/batches/B1", headers={"Accept-Language": "uk"}).text
    assert 'href="/desk/batches/B1/manifest.pdf"' in board
    assert "Список осіб до передачі (PDF)" in board
    reply = desk.get("/desk/batches/B1/manifest.pdf")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["content-disposition"] == 'attachment; filename="manifest-B1.pdf"'
    assert reply.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    assert "content-encoding" not in reply.headers  # a PDF is compressed already
    assert reply.content.startswith(b"%PDF")
    index = papers.manifest(ledger, actor="MED", batch_id="B1").planned_index
    text = _text(reply.content)
    assert f"запис журналу / запись журнала {index}" in text
    assert "Вышинский" in text  # the mediator sees both sides' names
    assert "log entry" not in text
    english = _text(desk.get("/desk/batches/B1/manifest.pdf?en=1").content)
    assert f"запис журналу / запись журнала / log entry {index}" in english


def test_a_side_downloads_its_own_view_and_a_monitor_is_refused(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    _office_sign_in(browser, ledger, "UA")
    assert 'href="/office/batches/B1/manifest.pdf"' in browser.get("/office/batches").text
    reply = browser.get("/office/batches/B1/manifest.pdf")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-disposition"].startswith("attachment;")
    assert reply.content.startswith(b"%PDF")
    _, mine = papers.manifest_pdf(ledger, actor="UA", batch_id="B1")
    _, mediators = papers.manifest_pdf(ledger, actor="MED", batch_id="B1")
    assert _text(reply.content) == _text(mine) != _text(mediators)  # UA's view, not all

    monitor = TestClient(browser.app, base_url=str(browser.base_url))
    _office_sign_in(monitor, ledger, "SMM")
    for path in ("/desk/batches/B1/manifest.pdf", "/office/batches/B1/manifest.pdf"):
        refused = monitor.get(path)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("text/html")
        assert b"%PDF" not in refused.content


def test_pages_are_gzipped_for_a_browser_that_asks_and_keep_their_headers(
    desk: TestClient,
) -> None:
    plain = desk.get("/desk/queue", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = desk.get("/desk/queue", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == plain.text.replace(
        plain.text.split('name="csrf" value="', 1)[1].split('"', 1)[0],
        zipped.text.split('name="csrf" value="', 1)[1].split('"', 1)[0],
    )
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    for header in (
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "cache-control",
    ):
        assert zipped.headers[header] == plain.headers[header], header
    tiny = desk.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tiny.headers  # under 1 KiB: sent as it is


def test_category_and_health_are_shown_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=[
            PersonRecord(
                "s0",
                family_name="Вышинский",
                given_name="Кирилл",
                service_number="12",
                category=Category.MILITARY,
                health=Health.SERIOUSLY_WOUNDED_OR_SICK,
            ),
            PersonRecord("s1", family_name="Коваль", given_name="Пётр"),
            PersonRecord("s2", family_name="Шевченко", given_name="Тарас"),
        ],
        source="t",
        source_sha256="1",
    )
    for language, category, health in (
        ("uk", "військовий", "важкопоранений"),
        ("ru", "военный", "тяжелораненый"),
        ("en", "military", "seriously wounded or sick"),
    ):
        page = desk.get("/desk/queue", headers={"Accept-Language": language}).text
        assert f"<dd>{category}</dd>" in page, language
        assert f"<dd>{health}</dd>" in page, language
        assert "seriously_wounded_or_sick" not in page


def test_a_word_outside_the_vocabulary_is_kept_as_recorded() -> None:
    assert labels.word("category", "військовополонений", "ru") == "военный"
    assert labels.word("health", "ВАЖКО-ПОРАНЕНИЙ.", "en") == "seriously wounded or sick"
    assert labels.word("health", "перелом ноги", "uk") == "перелом ноги"
    assert labels.word("unit", "military", "uk") == "military"
