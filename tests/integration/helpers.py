"""Small builders shared by the integration tests."""

from __future__ import annotations

from parley.app import agreements, instance
from parley.app.ledger import Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    Phase,
)
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord


def setup_parties(ledger: Ledger) -> None:
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    instance.register_party(ledger, actor="MED", party=Party("UA", "Ukraine", Role.SIDE))
    instance.register_party(ledger, actor="MED", party=Party("RU", "Russia", Role.SIDE))
    instance.register_party(ledger, actor="MED", party=Party("SMM", "Monitors", Role.MONITOR))


def people(prefix: str, n: int) -> list[PersonRecord]:
    return [
        PersonRecord(f"{prefix}{i}", family_name=f"Коваль{i}", given_name="Петро") for i in range(n)
    ]


def all_for_all(ledger: Ledger, agreement_id: str = "AG") -> Agreement:
    agreement = Agreement(
        agreement_id,
        "test agreement",
        ("UA", "RU"),
        "MED",
        (
            Phase(
                f"{agreement_id}-P1",
                1,
                "all for all",
                (
                    Commitment(
                        f"{agreement_id}-EX",
                        CommitmentKind.EXCHANGE,
                        "exchange",
                        exchange=ExchangeTerms(ExchangeMode.ALL_FOR_ALL),
                    ),
                    Commitment(f"{agreement_id}-DIS", CommitmentKind.DISENGAGEMENT, "withdraw"),
                ),
            ),
        ),
    )
    agreements.draft(ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for signer in ("UA", "RU", "MED"):
        agreements.sign(ledger, actor=signer, agreement_id=agreement_id, text_sha256=digest)
    return agreement
