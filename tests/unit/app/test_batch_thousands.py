"""A batch of thousands (an all-for-all's) advances in one command on both databases: the named
persons' handovers are not read through one statement's parameters, which both bound."""

from __future__ import annotations

from parley.app import agreements, batches, instance, rosters
from parley.app.ledger import Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.handovers import HandoverState as S
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import batches as stored

PER_SIDE = 9_000  # PostgreSQL refused 8,000 pairs in one IN list; SQLite binds at most 32,766


def test_a_batch_of_thousands_advances_in_one_command(ledger: Ledger) -> None:
    instance.init_instance(ledger, name="t", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE), local_key=True)
    terms = ExchangeTerms(ExchangeMode.ALL_FOR_ALL)
    phase = Phase("P", 1, "p", (Commitment("EX", CommitmentKind.EXCHANGE, "x", exchange=terms),))
    agreement = Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    agreements.draft(ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for signer in ("UA", "RU", "MED"):
        agreements.sign(ledger, actor=signer, agreement_id="A", text_sha256=digest)
    refs: list[PersonRef] = []
    for side in ("UA", "RU"):
        records = [PersonRecord(f"{side}-{n}", family_name=f"F{n}") for n in range(PER_SIDE)]
        rosters.import_roster(
            ledger,
            party_id=side,
            kind=RosterKind.HELD,
            records=records,
            source="t",
            source_sha256="0",
        )
        refs += [PersonRef(side, r.record_id) for r in records]
    batches.plan(
        ledger,
        actor="MED",
        batch_id="B",
        commitment_id="EX",
        place="p",
        planned_date=None,
        persons=refs,
    )
    ua = [r for r in refs if r.party_id == "UA"]
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(r, S.LOCATED, "") for r in ua])
    with ledger.reading() as tx:
        whole = stored.batch(tx, "B")
        assert whole is not None
        states = [h.state for h in whole.by_person.values()]
        named = stored.batch(tx, "B", only=[*ua[:300], PersonRef("UA", "nobody")])
    assert states.count(S.LOCATED) == PER_SIDE and len(states) == 2 * PER_SIDE
    assert named is not None and list(named.by_person) == ua[:300]
