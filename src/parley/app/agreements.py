"""Agreement use cases: draft, sign, witness, and the status of non-exchange commitments."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.agreement_text import ERASED_NAME, canonical_text
from parley.domain.agreements import (
    Agreement,
    CommitmentKind,
    ImplementationStatus,
    NamedRecord,
    PersonRef,
    ReportKind,
    check_status_change,
)
from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.events import Event
from parley.domain.moments import CLOCK_SKEW, check_claimed, write_moment
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, ParleyError
from parley.store import Tx, rosters
from parley.store import agreements as stored

# An agreement's statuses as words a refusal shows in the reader's language (`Word(status)`).
STATUS_WORDS = (N_("draft"), N_("signed"), N_("witnessed"))


def text_hash(agreement: Agreement) -> str:
    """SHA-256 of the agreement's canonical trilingual text: what both sides sign. An agreement
    that reads its persons' names from their records is hashed as `shown` gives it."""
    return hashlib.sha256(canonical_text(agreement).encode("utf-8")).hexdigest()


def load(tx: Tx, agreement_id: str) -> stored.StoredAgreement:
    """An agreement's current version with its number and status; refused when there is none."""
    found = stored.agreement(tx, agreement_id)
    if found is None:
        raise NotFound(N_("there is no agreement {agreement_id}"), agreement_id=agreement_id)
    return found


def _name_forms(written: str) -> tuple[tuple[str, str], ...]:
    """A name as its roster wrote it, in each language's script: as written in Ukrainian and
    Russian (Cyrillic, or Latin when the roster wrote it so), and in Latin letters in English
    (KMU 2010 for a Ukrainian spelling, the English press style for a Russian one)."""
    from parley.names import Language, Script, Standard, detect_script, name_language, to_latin

    latin = written
    if detect_script(written) is Script.CYRILLIC:
        language = name_language(written) or Language.UKRAINIAN
        standard = Standard.KMU_2010 if language is Language.UKRAINIAN else Standard.PRESS_EN
        latin = to_latin(written, standard, language)
    return tuple(sorted({"uk": written, "ru": written, "en": latin}.items()))


def with_records(tx: Tx, agreement: Agreement) -> Agreement:
    """The agreement referring each person it names to their record on the roster they are on,
    at its current revision (whose name the text shows); a person on none of the releasing
    party's rosters, or erased from it, is refused. Names are not written into it."""
    records = []
    members: dict[str, set[str]] = {}  # read once a roster, however many it names
    latest: dict[str, dict[str, int]] = {}
    for ref in agreement.named_persons():
        found: tuple[str, rosters.CurrentRecord | None] | None = None
        for kind in RosterKind:
            rid = roster_id(ref.party_id, kind)
            if rid not in members:
                members[rid] = rosters.current_members(tx, rid)
            if ref.record_id in members[rid]:
                found = rid, rosters.current_record(tx, rid, ref.record_id)
                break
        where = next(
            c.commitment_id
            for p in agreement.phases
            for c in p.commitments
            if c.exchange is not None and any(ref in refs for _, refs in c.exchange.named)
        )
        rid, record = found or ("", None)
        if record is None:
            raise DomainError(
                N_(
                    "commitment {where} names {ref}, who is on none of {party_id}'s rosters (held,"
                    " sought): import them first, or correct the reference"
                ),
                where=where,
                ref=ref,
                party_id=ref.party_id,
            )
        if record.erased:
            raise DomainError(
                N_("commitment {where} names {ref}, whose record was erased"), where=where, ref=ref
            )
        if rid not in latest:
            latest[rid] = rosters.latest_revisions(tx, rid)
        records.append((ref, NamedRecord(rid, latest[rid][ref.record_id])))
    records.sort(key=lambda r: str(r[0]))
    return replace(agreement, names=(), named_records=tuple(records))


@dataclass(frozen=True)
class Shown:
    """An agreement as its text shows it, its persons' names read from the records it refers
    to; `erased`: the persons whose record was erased since, whose names it shows as erased
    (so its text no longer hashes to what was signed)."""

    agreement: Agreement
    erased: tuple[PersonRef, ...]


def shown(tx: Tx, agreement: Agreement) -> Shown:
    """The agreement with its persons' names, in each language's script, from the revision of
    each record it refers to. An agreement that refers to no record (drafted before names, or
    whose payload kept the names as logs written before did) is shown as it stands."""
    if not agreement.named_records:
        return Shown(agreement, ())
    names, erased = [], []
    for ref, where in agreement.named_records:
        kept = rosters.revisions(tx, where.roster_id, ref.record_id)
        revision = next((r for r in kept if r.revision == where.revision), None)
        if revision is None:
            raise NotFound(
                N_(
                    "agreement {agreement_id} names {ref}, but roster {roster_id} has no revision"
                    " {revision} of that record"
                ),
                agreement_id=agreement.agreement_id,
                ref=ref,
                roster_id=where.roster_id,
                revision=where.revision,
            )
        if not revision.on_log or revision.data.get("erased"):
            erased.append(ref)
            names.append((ref, tuple(sorted(ERASED_NAME.items()))))
        else:
            written = PersonRecord.from_dict(revision.data).display_name
            names.append((ref, _name_forms(written)))
    return Shown(replace(agreement, names=tuple(names)), tuple(erased))


_ERASED = N_(
    "agreement {agreement_id} names {persons}, whose record was erased: its text as signed can"
    " no longer be derived from the log. The hash recorded for it, {digest}, stays in its"
    " agreement.drafted (or agreement.amended) entry and in each agreement.signed entry, and"
    " their signatures stay valid"
)


def _erased_text(agreement_id: str, erased: Sequence[PersonRef], digest: str) -> dict[str, object]:
    """The fields of `_ERASED`: the agreement, its erased persons and its recorded hash."""
    return {
        "agreement_id": agreement_id,
        "persons": ", ".join(map(str, erased)),
        "digest": digest,
    }


def stored_hash(ledger: Ledger, *, agreement_id: str) -> str:
    """The hash of the agreement's current text (its persons' names in it), as recorded on
    the log when the version was put there: what the sides sign."""
    with ledger.reading() as tx:
        return load(tx, agreement_id).text_sha256


def draft(ledger: Ledger, *, actor: str, agreement: Agreement) -> Appended:
    """Put a draft on the log: its persons are on the releasing side's rosters (referred to
    by record and revision; their names are read into the text when shown), its ids unused;
    `stored_hash` then says what the sides sign."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.AGREEMENT_DRAFT)
        if stored.agreement(tx, agreement.agreement_id) is not None:
            raise Conflict(
                N_("agreement {agreement_id} already exists"), agreement_id=agreement.agreement_id
            )
        named = with_records(tx, agreement)
        for side in agreement.sides:
            if not authz.allows(authz.acting(tx, side), authz.Action.AGREEMENT_NAMED_SIDE):
                raise DomainError(
                    N_("{side} is not a side and cannot be party to an agreement"), side=side
                )
        known_phases = stored.phase_ids(tx)
        known_commitments = stored.commitment_ids(tx)
        for phase in agreement.phases:
            if phase.phase_id in known_phases:
                raise Conflict(
                    N_("phase id {phase_id} is already used by another agreement"),
                    phase_id=phase.phase_id,
                )
            for c in phase.commitments:
                if c.commitment_id in known_commitments:
                    raise Conflict(
                        N_("commitment id {commitment_id} is already used"),
                        commitment_id=c.commitment_id,
                    )
        return [Event(actor, ev.AgreementDrafted(named, text_hash(shown(tx, named).agreement)))]

    return ledger.execute(decide)


def amend(ledger: Ledger, *, actor: str, agreement: Agreement) -> Appended:
    """A new version of an agreement: the signed text stays as it was, the new one is signed
    again by both sides and witnessed before it binds. Commitment ratings carry over."""
    proposed = agreement

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.AGREEMENT_AMEND)
        current = load(tx, proposed.agreement_id)
        agreement = with_records(tx, proposed)
        digest = text_hash(shown(tx, agreement).agreement)
        old = current.agreement
        if old.sides != agreement.sides or old.mediator != agreement.mediator:
            raise DomainError(
                N_("an amendment keeps the same sides and mediator; draft a new agreement instead")
            )
        if current.text_sha256 == digest:
            raise Conflict(
                N_("agreement {agreement_id}: the amendment changes nothing"),
                agreement_id=agreement.agreement_id,
            )
        others_phases = stored.phase_ids(tx, other_than=agreement.agreement_id)
        others = stored.commitment_ids(tx, other_than=agreement.agreement_id)
        for phase in agreement.phases:
            if phase.phase_id in others_phases:
                raise Conflict(
                    N_("phase id {phase_id} is already used by another agreement"),
                    phase_id=phase.phase_id,
                )
            for c in phase.commitments:
                if c.commitment_id in others:
                    raise Conflict(
                        N_("commitment id {commitment_id} is already used by another agreement"),
                        commitment_id=c.commitment_id,
                    )
        carried = stored.carried_statuses(tx, agreement.agreement_id)
        version = current.version + 1
        payload = ev.AgreementAmended(agreement, version, digest, carried)
        return [Event(actor, payload)]

    return ledger.execute(decide)


def _reader(tx: Tx, actor: str, agreement_id: str) -> None:
    """`actor` may read the agreement's text: a side of it or its mediator (it may name persons)."""
    agreement = load(tx, agreement_id).agreement
    authz.require(
        tx,
        actor,
        authz.Action.AGREEMENT_READ,
        parties=(*agreement.sides, agreement.mediator),
        about=agreement_id,
    )


def versions_diff(
    ledger: Ledger,
    *,
    agreement_id: str,
    before: int,
    after: int,
    lang: str = "en",
    actor: str | None = None,
) -> str:
    """A unified diff of two versions' texts in one language (as `actor` may read them: None,
    the instance's own operator)."""
    import difflib

    from parley.domain.agreement_text import LANGUAGES, render

    if lang not in LANGUAGES:
        raise DomainError(
            N_("language {lang!r} is not one of {listed}"), lang=lang, listed=", ".join(LANGUAGES)
        )
    with ledger.reading() as tx:
        if actor is not None:
            _reader(tx, actor, agreement_id)
        found = stored.versions(tx, agreement_id, (before, after))
        rows = {number: shown(tx, a).agreement for number, a in found.items()}
    for number in (before, after):
        if number not in rows:
            raise NotFound(
                N_("agreement {agreement_id} has no version {number}"),
                agreement_id=agreement_id,
                number=number,
            )
    return "".join(
        difflib.unified_diff(
            render(rows[before], lang).splitlines(keepends=True),
            render(rows[after], lang).splitlines(keepends=True),
            fromfile=f"{agreement_id} v{before}",
            tofile=f"{agreement_id} v{after}",
        )
    )


def sign(ledger: Ledger, *, actor: str, agreement_id: str, text_sha256: str) -> Appended:
    """A side signs the text it read (by hash); the mediator witnesses once both sides signed."""

    def decide(tx: Tx) -> Sequence[Event]:
        current = load(tx, agreement_id)
        agreement = current.agreement
        authz.require(
            tx,
            actor,
            authz.Action.AGREEMENT_SIGN,
            parties=(*agreement.sides, agreement.mediator),
            about=agreement_id,
        )
        version = current.version
        expected = current.text_sha256
        erased = shown(tx, agreement).erased
        if erased:
            raise Conflict(
                N_("{erased}; it cannot be signed as it stands: amend it"),
                erased=ParleyError(_ERASED, **_erased_text(agreement_id, erased, expected)),
            )
        if text_sha256 != expected:
            raise Conflict(
                N_(
                    "agreement {agreement_id}: the signed text hash {text_sha256}… is not the"
                    " agreement's ({expected}…); read the current text again"
                ),
                agreement_id=agreement_id,
                text_sha256=text_sha256[:12],
                expected=expected[:12],
            )
        signed = stored.signers(tx, agreement_id, version)
        if actor in signed:
            raise Conflict(
                N_("{actor} has already signed version {version} of agreement {agreement_id}"),
                actor=actor,
                version=version,
                agreement_id=agreement_id,
            )
        if actor not in agreement.sides:
            missing = [s for s in agreement.sides if s not in signed]
            if missing:
                raise Conflict(
                    N_("the mediator witnesses only after both sides sign; {listed} has not"),
                    listed=", ".join(missing),
                )
            status = "witnessed"
        else:
            status = "signed" if set(agreement.sides) <= signed | {actor} else "draft"
        return [Event(actor, ev.AgreementSigned(agreement_id, version, text_sha256, status))]

    return ledger.execute(decide)


def set_commitment_status(
    ledger: Ledger,
    *,
    actor: str,
    commitment_id: str,
    status: ImplementationStatus,
    note: str,
    at: dt.datetime | None = None,
) -> Appended:
    """The mediator rates a commitment on the 0-3 scale, under the verification rules, as of
    `at` (when the rating holds, if not now): the quiet days are counted back from it."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.COMMITMENT_STATUS)
        c = stored.commitment(tx, commitment_id)
        if c is None:
            raise NotFound(
                N_("there is no commitment {commitment_id}"), commitment_id=commitment_id
            )
        if c.kind is CommitmentKind.EXCHANGE:
            raise DomainError(
                N_(
                    "commitment {commitment_id} is an exchange: its status follows from its handovers"
                ),
                commitment_id=commitment_id,
            )
        if at is not None:
            check_claimed(
                ParleyError(N_("the rating of {commitment_id}"), commitment_id=commitment_id),
                at,
                ledger.clock(),
            )
        on = (at or ledger.clock()).date()
        violations = stored.violations(tx, commitment_id)
        check_status_change(c.kind, c.place, c.status, status, on, violations)
        return [Event(actor, ev.CommitmentStatusSet(commitment_id, status, note, at))]

    return ledger.execute(decide)


def report(
    ledger: Ledger,
    *,
    actor: str,
    commitment_id: str,
    kind: ReportKind,
    place: str,
    observed_on: dt.date,
    text: str,
    at: dt.datetime | None = None,
) -> Appended:
    """A monitor's report: what was observed, where, when (a day, or `at` to the minute), by
    whom (the signing monitor); refused if dated after the time it is entered."""

    def decide(tx: Tx) -> Sequence[Event]:
        authz.require(tx, actor, authz.Action.MONITOR_REPORT)
        c = stored.commitment(tx, commitment_id)
        if c is None:
            raise NotFound(
                N_("there is no commitment {commitment_id}"), commitment_id=commitment_id
            )
        if c.kind is CommitmentKind.EXCHANGE:
            raise DomainError(
                N_("commitment {commitment_id} is an exchange; monitors report on the roadmap"),
                commitment_id=commitment_id,
            )
        if at is not None and at.date() != observed_on:
            raise DomainError(
                N_("the report is dated {observed_on} and timed {at}"),
                observed_on=observed_on,
                at=write_moment(at),
            )
        now = ledger.clock()
        if at is not None:
            check_claimed(
                ParleyError(N_("the report on {commitment_id}"), commitment_id=commitment_id),
                at,
                now,
            )
        if observed_on > (now + CLOCK_SKEW).date():
            raise DomainError(
                N_(
                    "the report on {commitment_id} is dated {observed_on}, after the day it is"
                    " entered ({date}): a report records what was observed"
                ),
                commitment_id=commitment_id,
                observed_on=observed_on,
                date=now.date(),
            )
        payload = ev.MonitorReported(commitment_id, kind, place, observed_on, text, at)
        return [Event(actor, payload)]

    return ledger.execute(decide)


def agreement_text(
    ledger: Ledger,
    *,
    agreement_id: str,
    lang: str | None = None,
    hashed: bool = False,
    actor: str | None = None,
) -> str:
    """The canonical text ending with its SHA-256 (what the sides sign), or one language's;
    `hashed`: exactly the text whose UTF-8 bytes are hashed, nothing after it. Read as `actor`
    may (None: the instance's own operator)."""
    from parley.domain.agreement_text import LANGUAGES, render

    if lang is not None and lang not in LANGUAGES:
        raise DomainError(
            N_("language {lang!r} is not one of {listed}"), lang=lang, listed=", ".join(LANGUAGES)
        )
    with ledger.reading() as tx:
        if actor is not None:
            _reader(tx, actor, agreement_id)
        found = load(tx, agreement_id)
        seen = shown(tx, found.agreement)
    agreement, digest = seen.agreement, found.text_sha256
    if hashed and seen.erased:  # never a text that does not hash to what was signed
        raise DomainError(_ERASED, **_erased_text(agreement_id, seen.erased, digest))
    if hashed:
        return canonical_text(agreement)
    if lang is None and seen.erased:
        return canonical_text(agreement) + (
            f"SHA-256 as signed: {digest} (not this text's: it shows"
            f" {len(seen.erased)} erased name(s))\n"
        )
    if lang is None:
        return canonical_text(agreement) + f"SHA-256: {digest}\n"
    return render(agreement, lang)


# An example draft and what each of its fields means: `parley agreement template` prints
# them, docs/agreements.md says the same at length.
TEMPLATE: dict[str, object] = {
    "agreement_id": "ROADMAP-2019",
    "title": "Roadmap for normalisation",
    "language": "en",
    "sides": ["UA", "RU"],
    "mediator": "MED",
    "places": ["contact line", "Zolote"],
    "translations": {
        "Roadmap for normalisation": {
            "uk": "Дорожня карта нормалізації",
            "ru": "Дорожная карта нормализации",
        },
        "Zolote": {"uk": "Золоте", "ru": "Золотое"},
    },
    "phases": [
        {
            "phase_id": "P1",
            "ordinal": 1,
            "title": "First step: named persons",
            "commitments": [
                {
                    "commitment_id": "P1-EX",
                    "kind": "exchange",
                    "description": "Mutual release of the named detained persons",
                    "exchange": {
                        "mode": "named",
                        "ratio": [1, 1],
                        "named": {"RU": ["RU/RU-H-00001"], "UA": ["UA/UA-H-00001"]},
                    },
                }
            ],
        },
        {
            "phase_id": "P2",
            "ordinal": 2,
            "title": "Disengagement",
            "commitments": [
                {
                    "commitment_id": "P2-DIS",
                    "kind": "disengagement",
                    "description": "Withdraw troops and weapons from the contact line",
                    "place": "Zolote",
                    "due_date": "2019-11-01",
                    "after": "P1",
                },
                {
                    "commitment_id": "P2-CF",
                    "kind": "ceasefire",
                    "description": "Abide by the ceasefire regime",
                    "place": "contact line",
                },
            ],
        },
    ],
}

# each field of the template, for whoever edits the draft (said in the user's language)
TEMPLATE_NOTES: dict[str, str] = {
    "agreement_id": N_("short id, unique on this instance"),
    "title": N_("free text, written in `language`"),
    "language": N_(
        "uk, ru or en: the language of all free text; text without a translation"
        " appears in the other two as written, marked untranslated"
    ),
    "sides": N_("the two sides' party ids"),
    "mediator": N_("the mediator's party id: it witnesses once both sides have signed"),
    "places": N_("every place a commitment may name, written in `language`; any other is refused"),
    "translations": N_("optional: free text as written -> its translation, by language"),
    "phases": N_("the phases in order, each with its commitments"),
    "phase_id": N_("unique among all agreements of the instance"),
    "ordinal": N_("1, 2, 3...: the phase's place in the order"),
    "commitments": N_("what the phase promises; each verifiable"),
    "commitment_id": N_("unique among all agreements; batches and reports name it"),
    "kind": N_("exchange, ceasefire, disengagement, border_control or other"),
    "description": N_("free text, written in `language`"),
    "exchange": N_("with kind exchange only: who is exchanged for whom"),
    "mode": N_("named (the lists below), ratio (p for q) or all_for_all"),
    "ratio": N_("[p, q]: with mode ratio, p released for q; [1, 1] otherwise"),
    "named": N_(
        "with mode named: each releasing side's persons as PARTY/RECORD_ID, each on one"
        " of its rosters (or the draft is refused); the text shows them by name too"
    ),
    "place": N_("one of `places`"),
    "due_date": N_("YYYY-MM-DD"),
    "after": N_("optional: the id of another phase that must be done first"),
}
