"""Wall time of the mediator's reconciliation on the demo's rosters: the cross-side passes
(sought against held, Splink and search) against the duplicate passes (each roster against
itself), each pass timed within one `reconcile_all` on a fresh instance.

With --twins N, N records of the first roster are written a second time with one letter of
the family name dropped or doubled, and the duplicate pass (`parley.linkage.twins`) is held
against the search it replaced (each record searched among those born the same year, top 4):
the pairs each finds at the threshold, and its time.

Run: .venv/bin/python benchmarks/reconcile_rosters.py [--size 10000] [--twins 300]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from parley.app import instance, reconcile, roster_files
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.demo.people import Population
from parley.demo.scenario import _cast, _write_rosters
from parley.domain.parties import Party, Role
from parley.domain.rosters import RosterKind
from parley.linkage import SearchIndex
from parley.linkage.twins import written_twice

THRESHOLD = 0.92  # reconcile.duplicate_candidates'


def _instance(folder: Path, size: int) -> Ledger:
    ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="Mediator")
    for party in (Party("UA", "Ukraine", Role.SIDE), Party("RU", "Russia", Role.SIDE)):
        instance.register_party(ledger, actor="MED", party=party, local_key=True)
    cast, _, _ = _cast(Population(), size)
    for rid, path in _write_rosters(folder / "rosters", cast).items():
        party_id, kind = rid.split(":")
        roster_files.import_file(ledger, path=path, party_id=party_id, kind=RosterKind(kind))
    return ledger


def _misspelt(records: dict[str, dict[str, Any]], n: int) -> dict[str, dict[str, Any]]:
    rng = random.Random(7)
    out = dict(records)
    for rid in rng.sample(sorted(records), n):
        data = dict(records[rid])
        family = str(data.get("family_name") or "")
        if len(family) > 3:
            k = rng.randrange(1, len(family) - 1)
            cut = rng.random() < 0.5
            data["family_name"] = family[:k] + family[k + (1 if cut else -1) :]
        out[f"{rid}-again"] = data
    return out


def _searched(records: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """The duplicate pass as it was: each record searched among those born the same year."""
    blocks: dict[str | None, dict[str, dict[str, Any]]] = {}
    for rid, data in records.items():
        born = str(data.get("birth_date") or "")[:4]
        blocks.setdefault(born if born.isdigit() else None, {})[rid] = data
    whole = SearchIndex(reconcile.linkage_records(records))
    indexes = {y: SearchIndex(reconcile.linkage_records(b)) for y, b in blocks.items() if y}
    found = set()
    for year, block in blocks.items():
        index = whole if year is None else indexes[year]
        for rid, data in block.items():
            query = reconcile._query(data)
            for hit in index.search(query, data.get("birth_date"), top=4):
                if hit.record_id != rid and hit.score >= THRESHOLD:
                    found.add((min(rid, hit.record_id), max(rid, hit.record_id)))
    return found


def _twins(ledger: Ledger, n: int) -> None:
    with ledger.reading() as tx:
        records = _misspelt(reconcile._current_records(tx, "UA:held"), n)
    started = time.perf_counter()
    old = _searched(records)
    searched = time.perf_counter() - started
    started = time.perf_counter()
    pairs = written_twice(reconcile.linkage_records(records), THRESHOLD)
    compared = time.perf_counter() - started
    new = {(min(a, h.record_id), max(a, h.record_id)) for a, h in pairs}
    injected = {(rid.removesuffix("-again"), rid) for rid in records if rid.endswith("-again")}
    print(f"UA:held with {n} misspelt twins, {len(records)} records, at {THRESHOLD}:")
    print(
        f"  search per record (before): {len(old)} pairs, {len(old & injected)} injected, {searched:.1f} s"
    )
    print(
        f"  all pairs of a year (now):  {len(new)} pairs, {len(new & injected)} injected, {compared:.1f} s"
    )
    print(f"  found before, not now: {len(old - new)}; now, not before: {len(new - old)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="persons a side in phase 2")
    parser.add_argument("--twins", type=int, default=0, help="misspelt twins to inject")
    parser.add_argument("--twins-only", action="store_true", help="no reconciliation run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ledger = _instance(Path(folder), args.size)
        print(f"rosters imported ({args.size} a side): {time.perf_counter() - started:.1f} s")
        if args.twins:
            _twins(ledger, args.twins)
        if args.twins_only:
            ledger.close()
            return
        started = time.perf_counter()
        done = reconcile.reconcile_all(ledger, actor="MED")
        total = time.perf_counter() - started
        cross = dups = 0.0
        for (left, right, proposed, _), seconds in zip(done.pairs, done.seconds, strict=True):
            what = f"{left} with {right}" if left != right else f"{left} against itself"
            print(f"  {what}: {len(proposed.proposed)} proposed, {seconds:.1f} s")
            if left == right:
                dups += seconds
            else:
                cross += seconds
        print(f"reconcile, duplicates included: {total:.1f} s")
        print(f"cross-side passes: {cross:.1f} s; duplicate passes: {dups:.1f} s")
        ledger.close()


if __name__ == "__main__":
    main()
