"""Ids for a list without ids (parley.domain.record_ids.assign_ids): how long a roster of N
persons takes to be given its ids — the first import, the next version re-sorted, every
person's name corrected (the near-match pass at its largest), and a list of persons all new.

Birth dates are years only, the worst case for the near match: a year's block holds about
N/40 persons, all searched by edit distance for each row.

Run: .venv/bin/python benchmarks/roster_ids.py [--persons 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from parley.domain.record_ids import assign_ids

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
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
