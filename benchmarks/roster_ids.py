"""Ids for a list without ids (parley.domain.record_ids.assign_ids): how long a roster of N
persons takes to be given its ids — the first import, the next version re-sorted, every
person's name corrected (the near-match pass at its largest), and a list of persons all new.

Birth dates are years only, the worst case for the near match: a year's block holds about
N/40 persons, all searched by edit distance for each row.

With --imports, the whole import of such a list as a CSV file (read, ids, compared with the
roster, written) on a fresh SQLite instance: the first import, the same file again (with
--merge and without: no new version), and the file with 10 dates corrected and 10 persons
added (--merge).

Run: .venv/bin/python benchmarks/roster_ids.py [--persons 10000] [--seed 1] [--imports]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parley.app import instance, roster_files
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.rosters import ImportMode
from parley.domain.parties import Party, Role
from parley.domain.record_ids import assign_ids
from parley.domain.rosters import RosterKind

FAMILY = ["Коваль", "Бойко", "Мороз", "Шевченко", "Ткаченко", "Кравченко", "Мельник", "Олійник"]
GIVEN = ["Іван", "Петро", "Олег", "Андрій", "Сергій", "Марія", "Анна", "Ольга"]


def people(n: int, rnd: random.Random, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "family_name": f"{rnd.choice(FAMILY)}{i}",
            "given_name": rnd.choice(GIVEN),
            "birth_date": str(rnd.randint(1960, 2000)),
        }
        for i in range(start, start + n)
    ]


def timed(label: str, run: Callable[[], list[str]], current: dict[str, Any]) -> None:
    began = time.perf_counter()
    ids = run()
    kept = sum(i in current for i in ids)
    print(f"{label:<28} {time.perf_counter() - began:6.2f} s  ({kept} ids carried over)")


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ["family_name", "given_name", "birth_date"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def imports(rows: list[dict[str, Any]], rnd: random.Random) -> None:
    """The whole import of the list as a file, first and again (see the module)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'parley.db'}"), create=True)
        instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="Mediator")
        party = Party("UA", "Ukraine", Role.SIDE)
        instance.register_party(ledger, actor="MED", party=party, local_key=True)
        first = _csv(folder / "first.csv", rows)
        changed = [dict(r) for r in rows]
        for row in rnd.sample(changed, 10):
            row["birth_date"] = str(int(row["birth_date"]) + 1)
        changed += people(10, rnd, start=10**6)
        runs = [
            ("first import (--merge)", first, ImportMode.MERGE),
            ("again unchanged, --merge", first, ImportMode.MERGE),
            ("again unchanged, replace", first, ImportMode.REPLACE),
            ("10 corrected, 10 added", _csv(folder / "changed.csv", changed), ImportMode.MERGE),
        ]
        for label, path, mode in runs:
            began = time.perf_counter()
            done = roster_files.import_file(
                ledger, path=path, party_id="UA", kind=RosterKind.HELD, mode=mode
            )
            got = done.result
            print(
                f"{label:<28} {time.perf_counter() - began:6.2f} s  (version {got.version},"
                f" {len(got.diff.added)} added, {len(got.diff.changed)} corrected)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--imports", action="store_true", help="time the whole file import")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    if args.imports:
        imports(people(args.persons, rnd), rnd)
        return
    rows = people(args.persons, rnd)
    timed("first import", lambda: assign_ids(rows, {}), {})
    current = dict(zip(assign_ids(rows, {}), rows, strict=True))
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    timed("re-sorted", lambda: assign_ids(shuffled, current), current)
    corrected = [{**r, "family_name": r["family_name"] + "а"} for r in rows]
    timed("every name corrected", lambda: assign_ids(corrected, current), current)
    new = people(args.persons, rnd, start=10**6)
    timed("every person new", lambda: assign_ids(new, current), current)


if __name__ == "__main__":
    main()
