"""Small builders shared by the integration tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Table, func, select

from parley.app import (
    agreements,
    audit,
    batches,
    erasure,
    instance,
    keys_admin,
    rosters,
    transparency,
)
from parley.app.ledger import Appended, Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.verify import VerificationFailed


def setup_parties(ledger: Ledger) -> None:
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    # one machine: every party's key in this instance's key ring
    for party in (
        Party("UA", "Ukraine", Role.SIDE),
        Party("RU", "Russia", Role.SIDE),
        Party("SMM", "Monitors", Role.MONITOR),
    ):
        instance.register_party(ledger, actor="MED", party=party, local_key=True)


def log_size(ledger: Ledger) -> int:
    """How many entries the log holds."""
    with ledger.reading() as conn:
        return Ledger.size(conn)


def rows_in(ledger: Ledger, table: Table) -> int:
    """How many rows the table holds."""
    with ledger.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def plan_batch(
    ledger: Ledger, batch_id: str, persons: Sequence[PersonRef], commitment_id: str = "AG-EX"
) -> Appended:
    """The mediator plans a batch under `all_for_all`'s exchange, with no place or date."""
    return batches.plan(
        ledger,
        actor="MED",
        batch_id=batch_id,
        commitment_id=commitment_id,
        place="x",
        planned_date=None,
        persons=persons,
    )


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


def small_log(ledger: Ledger, folder: Path) -> None:
    """A short history with every kind of key event, an erasure and cosigned checkpoints
    (the witnesses keep their state in `folder`/witness)."""
    setup_parties(ledger)
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.HELD,
        records=people("u", 3),
        source="s",
        source_sha256="0",
    )
    transparency.sign_checkpoint(ledger)
    for party in ("UA", "RU"):
        transparency.cosign(ledger, party_id=party, state_dir=folder / "witness")
    keys_admin.rotate(ledger, party_id="RU")
    erasure.erase(ledger, actor="MED", roster_id="UA:held", record_id="u1", reason="request")
    rosters.import_roster(
        ledger,
        party_id="RU",
        kind=RosterKind.HELD,
        records=people("r", 2),
        source="s",
        source_sha256="0",
    )
    transparency.sign_checkpoint(ledger)
    transparency.cosign(ledger, party_id="UA", state_dir=folder / "witness")
    transparency.cosign(ledger, party_id="RU", state_dir=folder / "witness")


def flip_byte(path: Path, position: int, mask: int) -> None:
    """Flip the bits of `mask` in the byte at `position` of the file."""
    data = bytearray(path.read_bytes())
    data[position] ^= mask
    path.write_bytes(bytes(data))


def verdict(folder: Path) -> str:
    """What offline `verify` says of an export: "verifies", or "fails: " and the first problem."""
    try:
        audit.verify_export(folder)
    except VerificationFailed as e:
        return f"fails: {e.problem}"
    return "verifies"
