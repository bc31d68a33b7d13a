"""The mediator's agreements from its desk: a draft uploaded as the file `parley agreement
draft` takes, read by the same rules, its text previewed in Ukrainian, Russian and English
(its persons' names read from their records) before it is put up for signature; then each
agreement's text in the three languages, who has signed it, and the mediator's witness."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from parley.app import agreements, authz, office
from parley.app.documents import read_json_document
from parley.app.ledger import Ledger
from parley.domain.agreement_text import LANGUAGES, canonical_text, render
from parley.domain.agreements import Agreement, agreement_from_dict
from parley.domain.errors import DomainError
from parley.errors import N_, InvalidInput

MAX_NAME = 200


def read_draft(name: str, data: bytes) -> Agreement:
    """An uploaded draft, read as `parley agreement draft FILE` reads its file (the same caps
    and refusals, named by the file's own name)."""
    base = PurePath(name.replace("\\", "/")).name.strip()[:MAX_NAME] or "agreement.json"
    if base.startswith("."):
        base = "agreement" + base
    with tempfile.TemporaryDirectory(prefix="parley-upload-") as tmp:
        path = Path(tmp) / base
        path.write_bytes(data)
        document = read_json_document(path)
    try:
        return agreement_from_dict(document)
    except (DomainError, ValueError, KeyError, TypeError) as e:
        raise InvalidInput(N_("{file}: not an agreement ({e})"), file=base, e=e) from e


@dataclass(frozen=True)
class Texts:
    """An agreement's text in each language, the canonical text the sides sign and its
    SHA-256."""

    agreement_id: str
    title: str
    sides: tuple[str, ...]
    texts: tuple[tuple[str, str], ...]  # (language, text), in LANGUAGES' order
    canonical: str
    sha256: str
    titles: dict[str, str]  # the title in each language the agreement gives it in


def preview(ledger: Ledger, *, actor: str, agreement: Agreement) -> Texts:
    """The draft as it would read once put up: nothing is recorded. Refused as the draft
    would be when a person it names is on none of the releasing side's rosters."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.AGREEMENT_DRAFT)
        named = agreements.with_records(tx, agreement)
        seen = agreements.shown(tx, named).agreement
    return Texts(
        seen.agreement_id,
        seen.title,
        seen.sides,
        tuple((lang, render(seen, lang)) for lang in LANGUAGES),
        canonical_text(seen),
        agreements.text_hash(seen),
        _titles(seen),
    )


def _titles(agreement: Agreement) -> dict[str, str]:
    found = {lang: agreement.translated(agreement.title, lang) for lang in LANGUAGES}
    return {lang: title for lang, title in found.items() if title}


def put_up(ledger: Ledger, *, actor: str, agreement: Agreement) -> str:
    """Draft it on the log; the hash each side signs."""
    agreements.draft(ledger, actor=actor, agreement=agreement)
    return agreements.stored_hash(ledger, agreement_id=agreement.agreement_id)


@dataclass(frozen=True)
class Reading:
    """An agreement on the log as the mediator reads it: in every language, with its
    signatures so far."""

    agreement_id: str
    title: str
    status: str
    version: int
    sides: tuple[str, ...]
    mediator: str
    texts: tuple[tuple[str, str], ...]
    sha256: str
    signed_by: tuple[str, ...]
    titles: dict[str, str]


def reading(ledger: Ledger, *, actor: str, agreement_id: str) -> Reading:
    each = [
        office.read_agreement(ledger, actor=actor, agreement_id=agreement_id, lang=lang)
        for lang in LANGUAGES
    ]
    with ledger.reading() as tx:
        found = agreements.load(tx, agreement_id).agreement
    first = each[0]
    return Reading(
        first.agreement_id,
        first.title,
        first.status,
        first.version,
        found.sides,
        found.mediator,
        tuple((lang, r.text) for lang, r in zip(LANGUAGES, each, strict=True)),
        first.sha256,
        first.signed_by,
        _titles(found),
    )


def headings(ledger: Ledger, *, actor: str) -> list[office.AgreementHeading]:
    """Every agreement `actor` may read (all of them for the mediator), newest last."""
    return office.agreements_of(ledger, actor=actor)


def witness(ledger: Ledger, *, actor: str, agreement_id: str, text_sha256: str) -> None:
    """The mediator signs the text it read (by its hash): refused until both sides signed."""
    agreements.sign(ledger, actor=actor, agreement_id=agreement_id, text_sha256=text_sha256)
