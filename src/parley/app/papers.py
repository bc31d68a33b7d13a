"""Papers for the handover site and exports of a side's own view.

- `manifest`: a batch's printable manifest (io/papers.py), each cell as the reader may see it:
  the mediator sees both sides' records of each person; the releasing side its own record
  (and the receiving side's record id only); the receiving side the person's name as the
  holder wrote it (it receives them) and its own sought record joined to them.
- `side_view` / `export_xlsx`: a side's rosters, its sought persons with their outcome and the
  batches it releases to or receives from, as a workbook whose formula-looking cells are inert.
- `export_pfif` / PFIF import: the sought persons and their status for tracing services.

The manifest names its batch's planning entry by log index and by the first 16 hex digits of
that entry's RFC 9162 leaf hash (SHA-256 of 0x00 and the entry's header, as `parley export`
writes it), so a paper can be matched to the log later; it also prints the log's size when
it was made, since a batch can be amended after it was planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.app import authz, person
from parley.app.agreements import load as load_agreement
from parley.app.batches import load as load_batch
from parley.app.language import DEFAULT, LOCALES, translations
from parley.app.ledger import Ledger
from parley.domain.agreements import PersonRef
from parley.domain.errors import DomainError, NotFound
from parley.domain.handovers import HandoverState
from parley.domain.matches import MatchState, RecordRef
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_
from parley.io import papers, pfif, xlsx_export
from parley.log.merkle import leaf_hash
from parley.store import Tx
from parley.store import batches as batch_store
from parley.store import log as log_store
from parley.store import matches as match_store
from parley.store import rosters as roster_store

__all__ = ["export_pfif", "export_xlsx", "manifest", "manifest_pdf", "side_view"]


def _spelling(tx: Tx, ref: RecordRef, *, full: bool, named: bool) -> papers.Spelling:
    """A record as the reader sees it: everything (`full`), its name only (`named`), or its id."""
    if not (full or named):
        return papers.Spelling(str(ref), None, None)
    current = roster_store.current_record(tx, ref.roster_id, ref.record_id)
    if current is None:
        raise NotFound(
            N_("roster {roster_id} has no record {record_id}"),
            roster_id=ref.roster_id,
            record_id=ref.record_id,
        )
    if current.erased:
        return papers.Spelling(str(ref), None, None, erased=True)
    born = current.data.get("birth_date") if full else None
    return papers.Spelling(str(ref), current.display_name, born, full=full)


def _joined_sought(tx: Tx, held: RecordRef, party: str) -> list[RecordRef]:
    """`party`'s sought records a confirmed match joins to the held record."""
    out = []
    for m in match_store.matches_about(tx, held):
        if m.state is MatchState.CONFIRMED:
            other = m.right if m.left == held else m.left
            if other.kind == RosterKind.SOUGHT and other.party_id == party:
                out.append(other)
    return out


def manifest(ledger: Ledger, *, actor: str, batch_id: str) -> papers.Manifest:
    """The batch's manifest as `actor` may see it (the mediator or a side of its agreement)."""
    with ledger.reading() as tx:
        batch = load_batch(tx, batch_id)
        agreement = load_agreement(tx, batch.agreement_id).agreement
        who = authz.require(
            tx, actor, authz.Action.BATCH_MANIFEST, parties=agreement.sides, about=batch_id
        )
        index = batch_store.planned_index(tx, batch_id)
        header = None if index is None else log_store.header(tx, index)
        if index is None or header is None:
            raise NotFound(
                N_("batch {batch_id} has no planning entry on the log"), batch_id=batch_id
            )
        rows = []
        for h in batch.handovers:
            held = RecordRef(roster_id(h.person.party_id, RosterKind.HELD), h.person.record_id)
            sees_held = authz.allows(who, authz.Action.PERSON_READ, owner=h.person.party_id)
            named = authz.allows(
                who,
                authz.Action.HANDOVER_SEE,
                releasing=h.person.party_id,
                receiving=h.receiving_party,
            )
            sees_sought = authz.allows(who, authz.Action.PERSON_READ, owner=h.receiving_party)
            rows.append(
                papers.ManifestRow(
                    releasing=h.person.party_id,
                    receiving=h.receiving_party,
                    held=_spelling(tx, held, full=sees_held, named=named),
                    sought=tuple(
                        _spelling(tx, s, full=sees_sought, named=False)
                        for s in _joined_sought(tx, held, h.receiving_party)
                    ),
                    state=h.state.value,
                    substitute_for=None if h.substitute_for is None else str(h.substitute_for),
                )
            )
        size = log_store.size(tx)
    return papers.Manifest(
        batch_id=batch_id,
        agreement_id=batch.agreement_id,
        place=batch.place,
        planned_date=None if batch.planned_date is None else batch.planned_date.isoformat(),
        sides=agreement.sides,
        mediator=agreement.mediator,
        reader=actor,
        planned_index=index,
        planned_leaf=leaf_hash(header).hex(),
        log_size=size,
        rows=tuple(rows),
    )


def manifest_pdf(
    ledger: Ledger, *, actor: str, batch_id: str, languages: str = "uk,ru"
) -> tuple[papers.Manifest, bytes]:
    """The manifest and its PDF in the languages asked (`uk,ru`, `uk,ru,en`...)."""
    langs = papers.languages(languages)
    found = manifest(ledger, actor=actor, batch_id=batch_id)
    return found, papers.render(found, langs, lambda lang, text: translations(lang).gettext(text))


# --- a side's own view ---


@dataclass(frozen=True)
class SoughtOutcome:
    """A sought person and what the process made of them, as the seeking side sees it."""

    record_id: str
    name: str | None
    birth_date: str | None
    sex: str | None
    data: dict[str, Any]
    status: str  # pfif.STATUSES: sought, located, in_batch, received, ...
    found_as: str | None  # the held record joined to it
    found_name: str | None
    batch: str | None
    state: str | None  # the handover's state
    closed: bool


def _outcomes(ledger: Ledger, party: str) -> list[SoughtOutcome]:
    """Each sought record on the party's current roster and what the process made of it, read
    at once (as `person.history` tells one record: the held persons a confirmed match joins to
    it, the last handover of each, closed once one reached a closing state). The caller has
    checked that the reader may see the party's own view."""
    sought_roster = roster_id(party, RosterKind.SOUGHT)
    with ledger.reading() as tx:
        records = roster_store.records(tx, sought_roster, erased=False)
        members = roster_store.current_members(tx, sought_roster)
        joined: dict[str, list[RecordRef]] = {}
        for m in match_store.matches(tx, MatchState.CONFIRMED):
            for mine, other in ((m.left, m.right), (m.right, m.left)):
                if mine.roster_id == sought_roster and other.kind == RosterKind.HELD:
                    joined.setdefault(mine.record_id, []).append(other)
        held = {ref for refs in joined.values() for ref in refs}
        last = batch_store.latest_handovers(tx, (PersonRef(r.party_id, r.record_id) for r in held))
        names: dict[str, dict[str, str | None]] = {}
        for roster in sorted({r.roster_id for r in held}):
            names[roster] = roster_store.display_names(tx, roster)
    out = []
    for record_id, current in records.items():
        if record_id not in members:
            continue
        found = []
        for ref in joined.get(record_id, []):
            batch, state = last.get(PersonRef(ref.party_id, ref.record_id), (None, None))
            final = state is not None and HandoverState(state) in person.CLOSING
            found.append((ref, batch, state, final))
        chosen = next((f for f in found if f[3]), None) or next(
            (f for f in found if f[2] is not None), found[0] if found else None
        )
        status = "sought"
        if chosen is not None:
            status = "located" if chosen[2] is None else pfif.status_of_state(chosen[2])
        picked = None if chosen is None else chosen[0]
        out.append(
            SoughtOutcome(
                record_id=record_id,
                name=current.display_name,
                birth_date=current.data.get("birth_date"),
                sex=current.data.get("sex"),
                data=current.data,
                status=status,
                found_as=None if picked is None else str(picked),
                found_name=None
                if picked is None
                else names[picked.roster_id].get(picked.record_id),
                batch=None if chosen is None else chosen[1],
                state=None if chosen is None else chosen[2],
                closed=any(f[3] for f in found),
            )
        )
    return out


def _a_side(tx: Tx, actor: str, party: str) -> None:
    """`actor` may export `party`'s own view, and `party` is a side (it has rosters)."""
    authz.require(tx, actor, authz.Action.SIDE_EXPORT, owner=party, about=party)
    # a side's view is of a party the table lets be a side (as an agreement names its sides)
    if not authz.allows(authz.acting(tx, party), authz.Action.AGREEMENT_NAMED_SIDE):
        raise DomainError(
            N_("{party} is not a side: name the side whose view to export (--party)"), party=party
        )


def side_view(ledger: Ledger, *, actor: str, party: str) -> xlsx_export.SideView:
    """What `party` may read of its own: its rosters, its sought persons with their outcome,
    the handovers it releases or receives (by name: it holds or receives the person)."""
    with ledger.reading() as tx:
        _a_side(tx, actor, party)
        rosters: dict[str, list[dict[str, Any]]] = {}
        for kind in (RosterKind.HELD, RosterKind.SOUGHT):
            rid = roster_id(party, kind)
            members = roster_store.current_members(tx, rid)
            records = roster_store.records(tx, rid, erased=False)
            rosters[kind.value] = [records[r].data for r in records if r in members]
        handovers = batch_store.handovers_of_party(tx, party)
        names: dict[str, dict[str, str | None]] = {}
        for h in handovers:
            if h.person.party_id not in names:
                names[h.person.party_id] = roster_store.display_names(
                    tx, roster_id(h.person.party_id, RosterKind.HELD)
                )
    batch_rows = [
        xlsx_export.BatchLine(
            batch_id=h.batch_id,
            place=h.place,
            planned_date=h.planned_date or "",
            batch_status=h.batch_status,
            direction="releases" if h.person.party_id == party else "receives",
            person=str(h.person),
            name=names[h.person.party_id].get(h.person.record_id) or "",
            other_side=h.receiving_party if h.person.party_id == party else h.person.party_id,
            state=h.state,
        )
        for h in handovers
    ]
    sought = [
        xlsx_export.SoughtLine(
            record_id=o.record_id,
            name=o.name or "",
            birth_date=o.birth_date or "",
            status=o.status,
            found_as=o.found_as or "",
            found_name=o.found_name or "",
            batch=o.batch or "",
            state=o.state or "",
            closed=o.closed,
        )
        for o in _outcomes(ledger, party)
    ]
    return xlsx_export.SideView(party, rosters, sought, batch_rows)


def export_xlsx(ledger: Ledger, *, actor: str, party: str, locale: str = DEFAULT) -> bytes:
    """A side's own view as an XLSX workbook (formula-looking text made inert), its sheets and
    headers in `locale` (uk, ru; English: the column names and codes, as always)."""
    view = side_view(ledger, actor=actor, party=party)
    if locale == DEFAULT or locale not in LOCALES:
        return xlsx_export.workbook(view)
    return xlsx_export.workbook(view, xlsx_export.Reader(locale, translations(locale).gettext))


def export_pfif(ledger: Ledger, *, actor: str, party: str, domain: str | None = None) -> bytes:
    """The party's sought persons and their status as a PFIF 1.4 document: one `person` a sought
    record, with one `note` giving where the process stands. `domain`: the repository's name in
    each record id (by default `parley.<party>`, lower case)."""
    with ledger.reading() as tx:
        _a_side(tx, actor, party)
        now = ledger.clock()
    people = [
        pfif.Sought(
            record_id=o.record_id,
            data=o.data,
            status=o.status,
            batch=o.batch,
            state=o.state,
        )
        for o in _outcomes(ledger, party)
    ]
    return pfif.write(people, domain=domain or f"parley.{party.lower()}", when=now)
