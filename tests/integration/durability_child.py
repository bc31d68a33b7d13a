"""Appends for ever, printing each acknowledged entry range; the durability test kills it."""

from __future__ import annotations

import sys
from pathlib import Path

from parley.app import rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind


def main() -> None:
    data_dir, url = Path(sys.argv[1]), sys.argv[2]
    ledger = Ledger.open(Settings(data_dir, url))
    i = 0
    while True:
        i += 1
        result = rosters.import_roster(
            ledger,
            party_id="UA",
            kind=RosterKind.SOUGHT,
            records=[
                PersonRecord("x", family_name=f"Коваль{i}"),
                PersonRecord(f"n{i}", family_name="Бойко"),
            ],
            source="loop",
            source_sha256="0" * 64,
        )
        # acknowledged only now: the transaction has committed
        print(result.version, flush=True)


if __name__ == "__main__":
    main()
