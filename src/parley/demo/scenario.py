"""The seed's roadmap reenacted: a named 35-for-35, then all for all, then the other promises."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from parley.app import (
    agreements,
    batches,
    instance,
    planning,
    reconcile,
    roster_files,
    setup,
    transparency,
)
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.planning import PlanRequest, propose
from parley.demo.files import RUSSIAN_HEADERS, UKRAINIAN_HEADERS, write_csv, write_xlsx
from parley.demo.people import RUSSIA, UKRAINE, Human, Population
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    ImplementationStatus,
    PersonRef,
    Phase,
    ReportKind,
)
from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState, match_id
from parley.domain.parties import Party, Role
from parley.domain.rosters import RosterKind, roster_id
from parley.errors import N_, Sentence

UA, RU, MED, MON = "UA", "RU", "MED", "SMM"
Say = Callable[[str], None]  # a line of the story: a Sentence, for a face to say in its language
# a batch linkage's line: (a roster against itself, pairs held back)
_LINKED = {
    (False, False): N_("Batch linkage, {left} with {right}: {count} new proposals."),
    (False, True): N_(
        "Batch linkage, {left} with {right}: {count} new proposals, {held} held (identifiers"
        " differ)."
    ),
    (True, False): N_("Batch linkage, {left} against itself: {count} new proposals."),
    (True, True): N_(
        "Batch linkage, {left} against itself: {count} new proposals, {held} held (identifiers"
        " differ)."
    ),
}
MIN_PHASE2 = 40  # four batches, each large enough for its exceptions


class DemoClock:
    """The story's own dates, so the log reads like the events it records."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now

    def at(self, day: dt.date, hour: int = 9) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@dataclass
class Cast:
    """Who is held by whom, and the record ids each side gave them."""

    held_by_ua: list[Human] = field(default_factory=list)
    held_by_ru: list[Human] = field(default_factory=list)
    sought_missing_ua: list[Human] = field(default_factory=list)  # sought by UA, held by nobody
    ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (party:kind, human key) -> id

    def ref(self, holder: str, human: Human) -> PersonRef:
        return PersonRef(holder, self.ids[(roster_id(holder, RosterKind.HELD), human.key)])


def prepare_data_dir(settings: Settings) -> None:
    """Start from nothing; a previous demo is replaced, anything else is left alone."""
    if setup.clear_demo(settings):
        shutil.rmtree(_rosters_dir(settings), ignore_errors=True)


def _rosters_dir(settings: Settings) -> Path:
    return settings.data_dir / "demo-rosters"


def _cast(pop: Population, phase2_size: int) -> tuple[Cast, list[Human], list[Human]]:
    cast = Cast()
    phase1_ru_holds = pop.sailors() + pop.crimea_civilians()
    phase1_ua_holds = pop.held_by_ukraine_phase1()
    cast.held_by_ru = phase1_ru_holds + pop.phase2(phase2_size, UKRAINE)
    cast.held_by_ua = phase1_ua_holds + pop.phase2(phase2_size, RUSSIA)
    cast.sought_missing_ua = pop.phase2(max(phase2_size // 20, 1), UKRAINE)
    return cast, phase1_ua_holds, phase1_ru_holds


def _write_rosters(folder: Path, cast: Cast) -> dict[str, Path]:
    """Each side's held and sought lists, in its own language and its own file habits."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, str]]] = {}

    def add(roster: str, humans: list[Human], ukrainian: bool, evidence: str) -> None:
        prefix = roster.replace(":held", "-H-").replace(":sought", "-S-")
        out = rows.setdefault(roster, [])
        for h in humans:
            rid = f"{prefix}{len(out) + 1:05d}"
            cast.ids[(roster, h.key)] = rid
            out.append(h.row(ukrainian, rid, evidence))

    add("UA:held", cast.held_by_ua, True, "confirmed_by_holding_party")
    add("RU:held", cast.held_by_ru, False, "confirmed_by_holding_party")
    add("UA:sought", cast.held_by_ru + cast.sought_missing_ua, True, "relative_report")
    add("RU:sought", cast.held_by_ua, False, "open_sources")
    paths = {
        "UA:held": folder / "ua_held.csv",
        "UA:sought": folder / "ua_sought.txt",
        "RU:held": folder / "ru_held.csv",
        "RU:sought": folder / "ru_sought.xlsx",
    }
    write_csv(
        paths["UA:held"], rows["UA:held"], UKRAINIAN_HEADERS, encoding="cp1251", delimiter=";"
    )
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    write_csv(
        paths["UA:sought"], rows["UA:sought"], UKRAINIAN_HEADERS, encoding="utf-16", delimiter="\t"
    )
    write_csv(
        paths["RU:held"], rows["RU:held"], RUSSIAN_HEADERS, encoding="utf-8-sig", delimiter=","
    )
    write_xlsx(paths["RU:sought"], rows["RU:sought"], RUSSIAN_HEADERS)
    return paths


def _walk(
    ledger: Ledger,
    batch_id: str,
    people: list[PersonRef],
    receiving: dict[str, str],
    until: S = S.RECEIVED,
    note: str = "",
) -> None:
    """Take persons along the main path, each step by the party whose step it is."""
    path = [S.LOCATED, S.AGREED, S.CLEARED, S.CONSENT_VERIFIED, S.TRANSFERRED, S.RECEIVED]
    for state in path[: path.index(until) + 1]:
        by_actor: dict[str, list[PersonRef]] = {}
        for p in people:
            actor = {
                S.CLEARED: p.party_id,
                S.TRANSFERRED: p.party_id,
                S.RECEIVED: receiving[p.party_id],
            }.get(state, MED)
            by_actor.setdefault(actor, []).append(p)
        for actor, group in by_actor.items():
            batches.advance(
                ledger, actor=actor, batch_id=batch_id, moves=[(p, state, note) for p in group]
            )
    if until is S.RECEIVED:
        batches.confirm(ledger, actor=MED, batch_id=batch_id, persons=people)


_TOO_FEW = N_("the all-for-all phase needs at least {least} persons a side")


def run(settings: Settings, *, phase2_size: int = 2000, say: Say = print) -> Ledger:
    """Run the whole demo into a fresh embedded instance; returns the open ledger."""
    if phase2_size < MIN_PHASE2:
        raise DomainError(_TOO_FEW, least=MIN_PHASE2)
    prepare_data_dir(settings)
    ledger = Ledger.open(settings, create=True)
    play(ledger, _rosters_dir(settings), phase2_size=phase2_size, say=say)
    return ledger


def play(ledger: Ledger, folder: Path, *, phase2_size: int = 2000, say: Say = print) -> None:
    """The story, on any empty instance; roster files are written to `folder` and imported."""
    if phase2_size < MIN_PHASE2:
        raise DomainError(_TOO_FEW, least=MIN_PHASE2)
    clock = DemoClock(dt.datetime(2019, 7, 10, 9, tzinfo=dt.UTC))
    ledger.clock = clock
    instance.init_instance(
        ledger,
        name="Roadmap 2019: exchange of detained persons (demo)",
        mediator_id=MED,
        mediator_name="Neutral mediator (tracing agency)",
        demo=True,
    )
    for party in (
        Party(UA, "Ukraine", Role.SIDE),
        Party(RU, "Russian Federation", Role.SIDE),
        Party(MON, "Special Monitoring Mission", Role.MONITOR),
    ):
        instance.register_party(ledger, actor=MED, party=party, local_key=True)
    say(
        Sentence(
            N_(
                "Parties registered: Ukraine (UA), Russian Federation (RU), mediator (MED),"
                " monitor (SMM)."
            )
        )
    )

    cast, ua_phase1, ru_phase1 = _cast(Population(), phase2_size)
    paths = _write_rosters(folder, cast)
    clock.at(dt.date(2019, 7, 12))
    for rid, path in paths.items():
        party_id, kind = rid.split(":")
        result = roster_files.import_file(
            ledger, path=path, party_id=party_id, kind=RosterKind(kind)
        ).result
        line = N_("Roster {roster} v{version}: {count} persons from {file}.")
        say(
            Sentence(
                line, roster=rid, version=result.version, count=result.record_count, file=path.name
            )
        )

    # Reconciliation: each side's sought roster against the other side's held roster
    clock.at(dt.date(2019, 8, 1))
    for seeker, holder in ((UA, RU), (RU, UA)):
        candidates = reconcile.exact_candidates(
            ledger,
            sought=roster_id(seeker, RosterKind.SOUGHT),
            held=roster_id(holder, RosterKind.HELD),
        )
        proposed = reconcile.propose(ledger, actor=MED, candidates=candidates)
        sure = {match_id(c.left, c.right) for c in candidates if c.score >= 0.9}
        reconcile.decide_matches(
            ledger,
            actor=MED,
            mids=[m for m in proposed.proposed if m in sure],
            state=MatchState.CONFIRMED,
        )
        line = N_(
            "Strict pass, {seeker}'s sought roster with {holder}'s held roster: {proposed}"
            " matches proposed, {confirmed} confirmed."
        )
        say(
            Sentence(
                line,
                seeker=seeker,
                holder=holder,
                proposed=len(proposed.proposed),
                confirmed=len(sure),
            )
        )
    # Then the batch linkage across scripts (Splink over Parley's name keys), and each roster
    # against itself for persons written twice: the mediator reviews the candidates.
    linked = reconcile.reconcile_all(ledger, actor=MED)
    for left, right, done, found in linked.pairs:
        line = _LINKED[(left == right, bool(found.held))]
        say(Sentence(line, left=left, right=right, count=len(done.proposed), held=len(found.held)))
    reviewed = [
        m
        for m in reconcile.matches(ledger, actor=MED)
        if m["state"] == "proposed" and not m["duplicate"] and m["score"] >= 0.95
    ]
    reconcile.decide_matches(
        ledger,
        actor=MED,
        mids=[m["match_id"] for m in reviewed],
        state=MatchState.CONFIRMED,
        note="reviewed: same person across scripts",
    )
    for m in reviewed[:5]:
        line = N_("  e.g. {left} = {right} ({score:.2f}: {why})")
        say(
            Sentence(line, left=m["left"], right=m["right"], score=m["score"], why=m["explanation"])
        )
    for seeker in (UA, RU):
        unlocated = reconcile.not_located(ledger, actor=MED, party_id=seeker)
        line = N_("{party}: {count} sought persons not located.")
        say(Sentence(line, party=seeker, count=len(unlocated)))

    clock.at(dt.date(2019, 9, 5))
    terms1 = ExchangeTerms(
        ExchangeMode.NAMED,
        named=(
            (RU, tuple(cast.ref(RU, h) for h in ru_phase1)),
            (UA, tuple(cast.ref(UA, h) for h in ua_phase1)),
        ),
    )
    roadmap = Agreement(
        agreement_id="ROADMAP-2019",
        title="Roadmap for normalisation: detainees, disengagement, border",
        sides=(UA, RU),
        mediator=MED,
        phases=(
            Phase(
                "P1",
                1,
                "First step: 35 for 35",
                (
                    Commitment(
                        "P1-EX",
                        CommitmentKind.EXCHANGE,
                        "Mutual release of 35 named detained persons each",
                        exchange=terms1,
                    ),
                ),
            ),
            Phase(
                "P2",
                2,
                "All detainees from both sides",
                (
                    Commitment(
                        "P2-EX",
                        CommitmentKind.EXCHANGE,
                        "All for all",
                        exchange=ExchangeTerms(ExchangeMode.ALL_FOR_ALL),
                    ),
                    Commitment(
                        "P2-CF",
                        CommitmentKind.CEASEFIRE,
                        "Abide by the ceasefire regime",
                        place="contact line",
                        due_date=dt.date(2019, 7, 21),
                    ),
                ),
            ),
            Phase(
                "P3",
                3,
                "Disengagement and border",
                (
                    Commitment(
                        "P3-DIS-SL",
                        CommitmentKind.DISENGAGEMENT,
                        "Withdraw troops and weapons from the contact line",
                        place="Stanytsia Luhanska",
                        due_date=dt.date(2019, 7, 1),
                    ),
                    Commitment(
                        "P3-DIS-ZO",
                        CommitmentKind.DISENGAGEMENT,
                        "Withdraw troops and weapons from the contact line",
                        place="Zolote",
                        due_date=dt.date(2019, 11, 1),
                    ),
                    Commitment(
                        "P3-DIS-PE",
                        CommitmentKind.DISENGAGEMENT,
                        "Withdraw troops and weapons from the contact line",
                        place="Petrivske",
                        due_date=dt.date(2019, 11, 9),
                    ),
                    Commitment(
                        "P3-BORDER",
                        CommitmentKind.BORDER_CONTROL,
                        "Restore Ukraine's control of the border in Donetsk and Luhansk regions",
                        place="state border, Donetsk and Luhansk regions",
                        due_date=dt.date(2020, 12, 31),
                    ),
                ),
            ),
        ),
    )
    agreements.draft(ledger, actor=MED, agreement=roadmap)
    digest = agreements.stored_hash(ledger, agreement_id=roadmap.agreement_id)  # names in it
    for signer in (UA, RU, MED):
        agreements.sign(ledger, actor=signer, agreement_id=roadmap.agreement_id, text_sha256=digest)
    line = N_("Agreement {agreement} signed by {a} and {b}, witnessed by {mediator}.")
    say(Sentence(line, agreement=roadmap.agreement_id, a=UA, b=RU, mediator=MED))

    receiving = {UA: RU, RU: UA}
    # Phase 1: 35 for 35 on 7 September 2019
    clock.at(dt.date(2019, 9, 7), 6)
    phase1 = [cast.ref(UA, h) for h in ua_phase1] + [cast.ref(RU, h) for h in ru_phase1]
    batches.plan(
        ledger,
        actor=MED,
        batch_id="B1",
        commitment_id="P1-EX",
        place="Boryspil and Vnukovo airports",
        planned_date=dt.date(2019, 9, 7),
        persons=phase1,
    )
    decliner = cast.ref(UA, ua_phase1[-1])  # a civilian who asks to stay, at the private interview
    missing = cast.ref(RU, ru_phase1[-2])  # not brought to the airport
    substitute = cast.ref(RU, cast.held_by_ru[len(ru_phase1)])  # brought instead
    regular = [p for p in phase1 if p not in (decliner, missing)]
    _walk(ledger, "B1", [decliner, missing], receiving, until=S.CLEARED)
    batches.advance(
        ledger,
        actor=MED,
        batch_id="B1",
        moves=[(decliner, S.DECLINED, "refused repatriation at the private interview")],
        interviews={
            decliner: "Interviewed alone, with an interpreter; wishes to stay where his family"
            " lives; informed of the consequences; the decision is firm."
        },
    )
    batches.substitute(
        ledger,
        actor=MED,
        batch_id="B1",
        person=missing,
        brought=substitute,
        note="not brought to the airport; another person presented instead",
    )
    _walk(ledger, "B1", regular, receiving)
    for state, actor in (
        (S.AGREED, MED),
        (S.CLEARED, RU),
        (S.CONSENT_VERIFIED, MED),
        (S.TRANSFERRED, RU),
        (S.RECEIVED, UA),
    ):
        batches.advance(ledger, actor=actor, batch_id="B1", moves=[(substitute, state, "")])
    batches.confirm(ledger, actor=MED, batch_id="B1")
    batches.close(ledger, actor=MED, batch_id="B1")
    say(
        Sentence(
            N_("Batch {batch} (phase 1) closed: one declined at interview, one substituted."),
            batch="B1",
        )
    )
    _checkpoint(ledger, folder.parent / "witness", say)

    # Phase 2: all for all, in four batches the planner proposes; the last still under way.
    # Each side first signs its must-include list: a few of its own people held by the other
    # side, whom the planner then puts in the first batch.
    clock.at(dt.date(2019, 12, 20), 10)
    for side, holder, held in ((UA, RU, cast.held_by_ru), (RU, UA, cast.held_by_ua)):
        start = (len(ru_phase1) if holder == RU else len(ua_phase1)) + 5
        refs = [cast.ref(holder, h) for h in held[start : start + 3]]
        insisted = set(refs)
        planning.submit_lists(
            ledger, actor=side, commitment_id="P2-EX", must_include=insisted, veto=set()
        )
        line = N_("{party} signed its must-include list for phase 2: {count} persons.")
        say(Sentence(line, party=side, count=len(insisted)))
    quarters = 4
    for q in range(quarters):
        clock.at(dt.date(2019, 12, 29) + dt.timedelta(days=45 * q), 8)
        request = PlanRequest(
            "P2-EX", batch_size=-(-phase2_size // quarters), as_of=clock.now.date()
        )
        proposal = propose(ledger, actor=MED, request=request)
        ua_part = list(proposal.plan.released_by_a)
        ru_part = list(proposal.plan.released_by_b)
        # interleaved, so that what happens to a few happens on both sides
        part = [p for pair in zip(ua_part, ru_part, strict=False) for p in pair]
        part += ua_part[len(ru_part) :] + ru_part[len(ua_part) :]
        batch_id = f"B2-{q + 1}"
        batches.plan(
            ledger,
            actor=MED,
            batch_id=batch_id,
            commitment_id="P2-EX",
            place="Mayorske crossing point",
            planned_date=clock.now.date(),
            persons=part,
            basis=proposal.plan.summary(),
        )
        _phase2_batch(ledger, batch_id, part, receiving, last=q == quarters - 1)
        line = N_("Batch {batch} (phase 2), proposed by the planner: {summary}.")
        say(Sentence(line, batch=batch_id, summary=proposal.plan.summary_said()))

    # Phase 3: monitors report, and the mediator rates each commitment under the rules
    for day, cid, kind, place, text in (
        (
            dt.date(2019, 10, 29),
            "P3-DIS-ZO",
            ReportKind.COMPLIANCE,
            "Zolote",
            "positions vacated, weapons withdrawn",
        ),
        (
            dt.date(2020, 6, 28),
            "P3-DIS-PE",
            ReportKind.VIOLATION,
            "Petrivske",
            "small-arms fire across the line",
        ),
        (
            dt.date(2020, 6, 30),
            "P2-CF",
            ReportKind.OBSERVATION,
            "contact line",
            "ceasefire violations fewer than in May",
        ),
    ):
        clock.at(day, 18)
        agreements.report(
            ledger, actor=MON, commitment_id=cid, kind=kind, place=place, observed_on=day, text=text
        )
    clock.at(dt.date(2020, 7, 1))
    for cid, status, note in (
        ("P2-CF", ImplementationStatus.INTERMEDIATE, "violations down, not ended"),
        ("P3-DIS-SL", ImplementationStatus.FULL, "disengagement verified by monitors"),
        ("P3-DIS-ZO", ImplementationStatus.FULL, "disengagement verified by monitors"),
        ("P3-BORDER", ImplementationStatus.NOT_STARTED, "awaiting later steps"),
    ):
        agreements.set_commitment_status(
            ledger, actor=MED, commitment_id=cid, status=status, note=note
        )
    try:
        agreements.set_commitment_status(
            ledger,
            actor=MED,
            commitment_id="P3-DIS-PE",
            status=ImplementationStatus.MINIMAL,
            note="withdrawal begins",
        )
    except DomainError as refused:
        say(Sentence(N_("Refused by the verification rule: {refusal}."), refusal=refused))
    clock.at(dt.date(2020, 7, 6))
    agreements.set_commitment_status(
        ledger,
        actor=MED,
        commitment_id="P3-DIS-PE",
        status=ImplementationStatus.INTERMEDIATE,
        note="withdrawal under way after 7 quiet days",
    )
    _checkpoint(ledger, folder.parent / "witness", say)


def _checkpoint(ledger: Ledger, witness_dir: Path, say: Say) -> None:
    """The mediator signs the log's head; each side, as a witness, checks it is consistent
    with the last head it cosigned and cosigns it."""
    size, _ = transparency.sign_checkpoint(ledger)
    for side in (UA, RU):
        transparency.cosign(ledger, party_id=side, state_dir=witness_dir)
    line = N_(
        "Checkpoint of the log's {size} entries signed by {mediator}, cosigned by {a} and {b}."
    )
    say(Sentence(line, size=size, mediator=MED, a=UA, b=RU))


def _phase2_batch(
    ledger: Ledger, batch_id: str, part: list[PersonRef], receiving: dict[str, str], *, last: bool
) -> None:
    """A large batch with what large batches bring: deaths, refusals, a dispute."""
    died, refused, disputed = part[6], part[11], part[14]
    absent = part[17]
    exits = {died, refused, disputed, absent}
    regular = [p for p in part if p not in exits]
    _walk(ledger, batch_id, [died, absent], receiving, until=S.AGREED)
    batches.advance(
        ledger,
        actor=MED,
        batch_id=batch_id,
        moves=[(died, S.DECEASED, "died in custody before the exchange")],
    )
    batches.advance(
        ledger,
        actor=absent.party_id,
        batch_id=batch_id,
        moves=[(absent, S.NOT_DELIVERED, "serving a sentence; release not granted")],
    )
    _walk(ledger, batch_id, [refused], receiving, until=S.CLEARED)
    batches.advance(
        ledger,
        actor=MED,
        batch_id=batch_id,
        moves=[(refused, S.RELEASED_TO_THIRD_STATE, "asked for resettlement in a third state")],
    )
    _walk(ledger, batch_id, [disputed], receiving, until=S.TRANSFERRED)
    batches.advance(
        ledger,
        actor=receiving[disputed.party_id],
        batch_id=batch_id,
        moves=[(disputed, S.DISPUTED, "identity questioned at the crossing point")],
    )
    if last:
        # the last batch is still under way: half transferred, receipt not yet confirmed
        half = len(regular) // 2
        _walk(ledger, batch_id, regular[:half], receiving)
        _walk(ledger, batch_id, regular[half:], receiving, until=S.TRANSFERRED)
        return
    batches.advance(
        ledger,
        actor=MED,
        batch_id=batch_id,
        moves=[(disputed, S.TRANSFERRED, "identity confirmed by the mediator")],
    )
    batches.advance(
        ledger,
        actor=receiving[disputed.party_id],
        batch_id=batch_id,
        moves=[(disputed, S.RECEIVED, "")],
    )
    _walk(ledger, batch_id, regular, receiving)
    batches.confirm(ledger, actor=MED, batch_id=batch_id)
    batches.close(ledger, actor=MED, batch_id=batch_id)
