"""A party's office on the web: its sign-in by a request its own key signed (the same signed
door as /v1), a roster file previewed before it is submitted, and what the office reads — its
rosters and their versions, its sought persons and what is known of each, its batches."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from parley.app import agreements, authz, batches, desk_views, rosters
from parley.app import requests as signed_requests
from parley.app.ledger import Ledger
from parley.app.requests import Answer
from parley.domain.agreement_text import LANGUAGES, canonical_text
from parley.domain.agreement_text import render as render_agreement
from parley.domain.agreements import CommitmentKind, PersonRef
from parley.domain.handovers import PATH, Handover, HandoverState, allowed_next
from parley.domain.matches import MatchState, RecordRef
from parley.domain.parties import Role
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, InvalidInput, ParleyError
from parley.io.rosters import parse_roster
from parley.io.tables import RosterFileError, read_table
from parley.store import agreements as agreement_store
from parley.store import batches as batch_store
from parley.store import keys as key_store
from parley.store import matches as match_store
from parley.store import rosters as roster_store

SIGN_IN_PATH = "/office/sign-in"
MAIN_PATH = tuple(s.value for s in PATH)  # the steps a site page offers first
PREVIEW_ROWS = 10
MAX_FILE_NAME = 200


@dataclass(frozen=True)
class SignedIn:
    party_id: str
    role: Role


def sign_in(
    ledger: Ledger, *, method: str, headers: Mapping[str, str], body: bytes, now: int
) -> SignedIn:
    """The party whose key signed this sign-in request (checked as /v1 checks a request:
    signature, active key, time window, a nonce never used). The body names the party."""
    caller = signed_requests.authenticate(
        ledger, method=method, path=SIGN_IN_PATH, headers=headers, body=body, now=now
    )
    try:
        claimed = json.loads(body)
    except ValueError as e:
        raise signed_requests.Unauthenticated(N_("a sign-in names its party in JSON")) from e
    if not isinstance(claimed, dict) or claimed.get("party") != caller.party_id:
        raise signed_requests.Unauthenticated(
            N_("the sign-in is signed by {party_id}'s key but names another party"),
            party_id=caller.party_id,
        )
    first = signed_requests.claim(ledger, caller)
    try:
        if first is not None:
            raise signed_requests.Unauthenticated(
                N_("this sign-in was already used: sign in again from the page")
            )
        role = Role(desk_views.role(ledger, caller.party_id))
        answer = json.dumps({"party": caller.party_id, "role": role.value}).encode()
        signed_requests.remember(ledger, caller, Answer(200, answer))
    finally:
        signed_requests.release(ledger, caller)
    return SignedIn(caller.party_id, role)


def key_id_of(ledger: Ledger, party_id: str) -> str | None:
    """The id of the party's current key (what its browser's key must be to act), or None."""
    with ledger.reading() as tx:
        key = key_store.current_key(tx, party_id)
    return None if key is None else key.key_id


# --- a roster file before it is submitted ---


@dataclass(frozen=True)
class Column:
    header: str
    canonical: str | None  # the column Parley reads it as; None: kept as a note


@dataclass(frozen=True)
class FileProblem:
    row: int | None
    column: str | None
    reason: str  # in English
    why: ParleyError  # the reason as a refusal, said in the reader's language on the page


@dataclass(frozen=True)
class RosterPreview:
    """What a file would submit: its columns as detected, its first rows, every problem, and
    (when there is none) the rows a signed import sends, column -> text."""

    file: str
    sha256: str
    columns: tuple[Column, ...] = ()
    first_rows: tuple[tuple[int, tuple[str, ...]], ...] = ()
    row_count: int = 0
    problems: tuple[FileProblem, ...] = ()
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _problems(e: RosterFileError) -> tuple[FileProblem, ...]:
    return tuple(
        FileProblem(
            p.row,
            p.column,
            p.reason,
            p.why if isinstance(p.why, ParleyError) else ParleyError(p.why),
        )
        for p in e.problems
    )


def preview_roster(name: str, data: bytes, first: int = PREVIEW_ROWS) -> RosterPreview:
    """Read an uploaded roster file by an import's rules, without importing anything."""
    base = PurePath(name.replace("\\", "/")).name.strip()[:MAX_FILE_NAME] or "roster.csv"
    if base.startswith("."):
        base = "roster" + base
    with tempfile.TemporaryDirectory(prefix="parley-upload-") as tmp:
        path = Path(tmp) / base
        path.write_bytes(data)
        try:
            table = read_table(path)
        except RosterFileError as e:
            return RosterPreview(base, "", problems=_problems(e))
    columns = tuple(Column(h, c) for h, c in zip(table.headers, table.columns, strict=True))
    shown = tuple((n, tuple(cells)) for n, cells in table.rows[:first])
    try:
        parse_roster(table)
    except RosterFileError as e:
        return RosterPreview(
            base, table.sha256, columns, shown, len(table.rows), problems=_problems(e)
        )
    rows = [
        {h: cell for h, cell in zip(table.headers, cells, strict=True) if h and cell}
        for _, cells in table.rows
    ]
    return RosterPreview(base, table.sha256, columns, shown, len(table.rows), rows=rows)


# --- what the office reads ---


@dataclass(frozen=True)
class RosterVersions:
    roster_id: str
    kind: str
    version: int
    records: int


def rosters_of(ledger: Ledger, *, actor: str, party_id: str) -> list[RosterVersions]:
    """The party's rosters and their current versions (the owner or the mediator reads them)."""
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.ROSTER_READ, owner=party_id)
        return [
            RosterVersions(h.roster_id, h.kind, h.version, h.record_count)
            for h in roster_store.roster_headings(tx)
            if h.party_id == party_id
        ]


@dataclass(frozen=True)
class NamedChange:
    record_id: str
    name: str
    fields: tuple[tuple[str, str, str], ...] = ()  # field, before, after


@dataclass(frozen=True)
class NamedDiff:
    roster_id: str
    before: int
    after: int
    latest: int
    added: tuple[NamedChange, ...]
    removed: tuple[NamedChange, ...]
    changed: tuple[NamedChange, ...]


def roster_diff(
    ledger: Ledger, *, actor: str, party_id: str, kind: RosterKind, after: int | None = None
) -> NamedDiff:
    """What version `after` (default: the latest) changed from the one before, by name."""
    rid = roster_id(party_id, kind)
    frm, to, d = rosters.diff_versions(
        ledger, party_id=party_id, kind=kind, after=after, actor=actor
    )
    with ledger.reading() as tx:
        names = {k: r.display_name for k, r in roster_store.records(tx, rid).items()}
        latest = roster_store.current_version(tx, rid)
    return NamedDiff(
        rid,
        frm,
        to,
        latest,
        tuple(NamedChange(r, names.get(r, "")) for r in d.added),
        tuple(NamedChange(r, names.get(r, "")) for r in d.removed),
        tuple(
            NamedChange(
                r,
                names.get(r, ""),
                tuple((c.field, _text(c.before), _text(c.after)) for c in ch),
            )
            for r, ch in d.changed
        ),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class SoughtPerson:
    """One of the party's sought persons, and what is known of them."""

    record_id: str
    name: str
    located: str | None  # the held record a confirmed match found them on
    batch: str | None  # the batch they are in
    state: str | None  # their handover state there
    confirmed: bool


def sought_persons(ledger: Ledger, *, actor: str, party_id: str) -> list[SoughtPerson]:
    rid = roster_id(party_id, RosterKind.SOUGHT)
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.ROSTER_READ, owner=party_id)
        members = roster_store.current_members(tx, rid)
        records = roster_store.records(tx, rid)
        found: dict[str, RecordRef] = {}
        for m in match_store.matches(tx, MatchState.CONFIRMED):
            for a, b in ((m.left, m.right), (m.right, m.left)):
                if a.roster_id == rid and b.kind == "held" and b.party_id != party_id:
                    found[a.record_id] = b
        out = []
        for record_id, r in records.items():
            if record_id not in members:
                continue
            held = found.get(record_id)
            batch = state = None
            confirmed = False
            if held is not None:
                steps = batch_store.handover_steps(tx, PersonRef(held.party_id, held.record_id))
                if steps:
                    person = PersonRef(held.party_id, held.record_id)
                    batch = steps[-1].batch_id
                    handover = batches.load(tx, batch, only=[person]).handover(person)
                    state, confirmed = handover.state.value, handover.confirmed
            out.append(
                SoughtPerson(
                    record_id,
                    r.display_name,
                    None if held is None else str(held),
                    batch,
                    state,
                    confirmed,
                )
            )
        return out


@dataclass(frozen=True)
class SitePerson:
    """One person of a batch at the handover site: their state, and the next steps the party
    on the page may record for them."""

    party_id: str
    record_id: str
    name: str
    state: str
    receiving: str
    confirmed: bool
    steps: tuple[str, ...]


@dataclass(frozen=True)
class SiteBatch:
    batch_id: str
    place: str
    planned_date: str | None
    status: str
    persons: tuple[SitePerson, ...]


def batches_of(ledger: Ledger, *, actor: str) -> list[tuple[str, str, str]]:
    """The batches the party takes part in: id, place, status."""
    with ledger.reading() as tx:
        who = authz.acting(tx, actor)
        out = []
        for b in batch_store.batch_headings(tx):
            batch = batches.load(tx, b.batch_id)
            if any(_sees(who, h) for h in batch.handovers):
                out.append((b.batch_id, b.place, b.status))
        return out


def _sees(who: authz.Acting, h: Handover) -> bool:
    releasing, receiving = h.person.party_id, h.receiving_party
    return authz.allows(who, authz.Action.HANDOVER_SEE, releasing=releasing, receiving=receiving)


def site_batch(ledger: Ledger, *, actor: str, batch_id: str) -> SiteBatch:
    """A batch at the handover site as `actor` may see it: the persons it releases or receives
    (all of them for the mediator), by name, each with the steps `actor` may record next."""
    with ledger.reading() as tx:
        who = authz.acting(tx, actor)
        batch = batches.load(tx, batch_id)
        names: dict[tuple[str, str], str] = {}
        for party in {h.person.party_id for h in batch.handovers}:
            rid = roster_id(party, RosterKind.HELD)
            for record_id, r in roster_store.records(tx, rid).items():
                names[(party, record_id)] = r.display_name
        persons = []
        for h in batch.handovers:
            releasing, receiving = h.person.party_id, h.receiving_party
            if not _sees(who, h):
                continue
            steps = tuple(
                s.value
                for s in _ordered(allowed_next(h.state, h.before_dispute))
                if s is not HandoverState.SUBSTITUTED
                and authz.allows(
                    who,
                    authz.handover_action(
                        s,
                        resuming=h.state is HandoverState.DISPUTED and s is h.before_dispute,
                    ),
                    releasing=releasing,
                    receiving=receiving,
                    parties=(releasing, receiving),
                )
            )
            persons.append(
                SitePerson(
                    releasing,
                    h.person.record_id,
                    names.get((releasing, h.person.record_id), h.person.record_id),
                    h.state.value,
                    receiving,
                    h.confirmed,
                    steps,
                )
            )
    return SiteBatch(
        batch.batch_id,
        batch.place,
        None if batch.planned_date is None else batch.planned_date.isoformat(),
        batch.status.value,
        tuple(persons),
    )


def _ordered(states: set[HandoverState]) -> list[HandoverState]:
    """The main path's next step first, then the exits."""
    rank = {s: i for i, s in enumerate(PATH)}
    return sorted(states, key=lambda s: (rank.get(s, len(PATH)), s.value))


def check_party_id(text: str) -> str:
    """A party id typed on the sign-in page: short and plain, or refused."""
    party = text.strip()
    if not party or len(party) > 32 or not party.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(N_("a party id is up to 32 letters, digits, - or _"))
    return party


@dataclass(frozen=True)
class AgreementHeading:
    agreement_id: str
    title: str
    status: str
    version: int
    signed: bool  # by the reading party, in this version
    exchanges: tuple[str, ...]  # its exchange commitments (for the must-include and veto lists)


def agreements_of(ledger: Ledger, *, actor: str) -> list[AgreementHeading]:
    """The agreements the party is a side to (every one for the mediator)."""
    with ledger.reading() as tx:
        who = authz.acting(tx, actor)
        out = []
        for a in agreement_store.agreement_headings(tx):
            found = agreements.load(tx, a.agreement_id).agreement
            if not authz.allows(
                who, authz.Action.AGREEMENT_SIGN, parties=(*found.sides, found.mediator)
            ):
                continue
            exchanges = tuple(
                c.commitment_id
                for p in agreement_store.phases_of(tx, a.agreement_id)
                for c in agreement_store.commitments_of(tx, p.phase_id)
                if c.kind is CommitmentKind.EXCHANGE
            )
            signers = agreement_store.signers(tx, a.agreement_id, a.version)
            out.append(
                AgreementHeading(
                    a.agreement_id, a.title, a.status, a.version, actor in signers, exchanges
                )
            )
        return out


@dataclass(frozen=True)
class AgreementReading:
    """An agreement to read in one language, and the canonical trilingual text the sides sign
    (its SHA-256 is what a signature names; the browser hashes the text it shows)."""

    agreement_id: str
    title: str
    status: str
    version: int
    text: str
    canonical: str
    sha256: str
    signed_by: tuple[str, ...]


def read_agreement(ledger: Ledger, *, actor: str, agreement_id: str, lang: str) -> AgreementReading:
    with ledger.reading() as tx:
        found = agreements.load(tx, agreement_id)
        a = agreements.shown(tx, found.agreement).agreement  # its persons' names, read now
        authz.require(
            tx,
            actor,
            authz.Action.AGREEMENT_SIGN,
            parties=(*a.sides, a.mediator),
            about=agreement_id,
        )
        signed = tuple(sorted(agreement_store.signers(tx, agreement_id, found.version)))
    return AgreementReading(
        agreement_id,
        a.title,
        found.status,
        found.version,
        render_agreement(a, lang if lang in LANGUAGES else "en"),
        canonical_text(a),
        found.text_sha256,
        signed,
    )


@dataclass(frozen=True)
class ListCandidate:
    """A person a side may put on its must-include or veto list: by reference and name."""

    ref: str  # PARTY/RECORD, as the lists name persons
    name: str


def list_candidates(
    ledger: Ledger, *, actor: str, party_id: str
) -> tuple[list[ListCandidate], list[ListCandidate]]:
    """Whom a side's lists usually name: its own people the other side holds (its sought
    persons a confirmed match located, by the name it sought them under), and the persons it
    holds itself."""
    located = [
        ListCandidate(_list_ref(p.located), p.name)
        for p in sought_persons(ledger, actor=actor, party_id=party_id)
        if p.located is not None
    ]
    rid = roster_id(party_id, RosterKind.HELD)
    with ledger.reading() as tx:
        authz.require(tx, actor, authz.Action.ROSTER_READ, owner=party_id)
        members = roster_store.current_members(tx, rid)
        records = roster_store.records(tx, rid)
    held = [
        ListCandidate(f"{party_id}/{record_id}", r.display_name)
        for record_id, r in records.items()
        if record_id in members
    ]
    return located, held


def _list_ref(record: str) -> str:
    """`RU:held/R-17` (a record reference) as the lists write it: `RU/R-17`."""
    ref = RecordRef.parse(record)
    return f"{ref.party_id}/{ref.record_id}"
