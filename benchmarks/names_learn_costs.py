"""Learn the costs of transcription edits between name skeletons from the Wikidata tune file.

Prints the table that src/parley/names/transcription.py carries. Uses only
`wikidata_ru_latin_tune.tsv` (never the test file): Viterbi alignment of each Latin
skeleton with its Russian skeleton under the current costs, counts of the edits, new costs
-ln P(edit | source letter) scaled so that an edit never seen costs 1; three rounds.

    .venv/bin/python benchmarks/names_learn_costs.py [--quick]
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from pathlib import Path

from parley.names.folding import skeletons
from parley.names.transcription import Costs, align

TUNE = (
    Path(__file__).resolve().parents[1].parent / "shared/vectors/names/wikidata_ru_latin_tune.tsv"
)
SMOOTH = 20.0  # pseudo-count: an edit needs support before it gets cheap
FLOOR = 0.15  # no edit is free


def read_pairs(limit: int | None) -> list[tuple[str, str]]:
    pairs = []
    with TUNE.open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            a, b = skeletons(cols[0])[0], skeletons(cols[1].replace(" ", ""))[0]
            if a and b and len(a) < 20 and len(b) < 20:
                pairs.append((a, b))
            if limit and len(pairs) >= limit:
                break
    return pairs


def learn(pairs: list[tuple[str, str]], rounds: int = 3) -> Costs:
    costs: Costs = {}
    for _ in range(rounds):
        edits: Counter[tuple[str, str]] = Counter()
        sources: Counter[str] = Counter()
        for a, b in pairs:
            distance, ops = align(a, b, costs)
            if distance > 0.6 * len(a):  # a misaligned row teaches nothing
                continue
            for x, y in ops:
                edits[(x, y)] += 1
                sources[x] += 1
        scale = -math.log(0.5 / SMOOTH)
        costs = {
            (x, y): round(
                min(1.0, max(FLOOR, -math.log((c + 0.5) / (sources[x] + SMOOTH)) / scale)), 2
            )
            for (x, y), c in edits.items()
            if x != y
        }
        costs = {k: v for k, v in costs.items() if v < 1.0}
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="learn from 10,000 pairs")
    args = parser.parse_args()
    pairs = read_pairs(10_000 if args.quick else None)
    costs = learn(pairs)
    print(f"# learned from {len(pairs)} tune pairs; {len(costs)} edits cheaper than 1")
    cells = [f"{x or '_'}>{y or '_'}:{c:.2f}" for (x, y), c in sorted(costs.items())]
    for i in range(0, len(cells), 8):
        print(" ".join(cells[i : i + 8]))


if __name__ == "__main__":
    main()
