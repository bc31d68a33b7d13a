"""Families on the lists: relatives of a sought person are other people, and must not be linked.

The persons of benchmarks/linkage_synthetic.py get relatives made by the rules of East
Slavic names: a wife or husband (the family name in the other gender's form), a sister and
a mother (female forms; the sister shares the father, so her patronymic is his in the female
form), brothers (the same patronymic, another given name) and twins (the same date too), a
father (his given name is the person's patronymic's source) and a son (his patronymic made
from the person's given name, sometimes the same given name), and namesakes (the same family
and given name, another father) with and without a birth date. The relatives go on the other
side's list, written by it as it writes anyone; a fifth of the persons have no true record
there, so only their relatives can be linked to them.

    .venv/bin/python benchmarks/linkage_families.py [--persons 2000] [--script cross|latin]
    .venv/bin/python benchmarks/linkage_families.py --mixed 100000 [--anchors 5000]
        [--systems parley splink-tuned] [--seed 16] [--dump 50]

Alone: list A holds the persons, list B their true records and their relatives. Mixed: the
relatives of `--anchors` persons (drawn by `--seed`) join list B of the 100,000-a-side lists of
linkage_synthetic.py (the same lists as its `--scale` run). Both print precision and recall
over all pairs and over the persons with relatives, and how many relatives of each kind were
linked. A pair in an ambiguous group counts as not linked. `--dump N` prints N of the true
pairs missed and N of the wrong links with both records as written.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from faker.providers.person.uk_UA import Provider as Ukrainian

from parley.linkage.records import LinkageRecord

# The generator beside this script (benchmarks/ is no package, so it is found at run time).
synthetic: Any = importlib.import_module("linkage_synthetic")
Person = Any

_UK_UK = str.maketrans({"и": "і"})
# Family-name endings by gender: (male, female), Ukrainian then Russian spellings.
_ENDINGS = (
    ("ський", "ська"), ("цький", "цька"), ("ский", "ская"), ("цкий", "цкая"), ("ий", "а"),
    ("ой", "ая"), ("ов", "ова"), ("ев", "ева"), ("єв", "єва"), ("ёв", "ёва"), ("ін", "іна"),
    ("їн", "їна"), ("ин", "ина"), ("ын", "ына"),
)  # fmt: skip
KINDS = ("spouse", "sister", "mother", "brother", "twin", "father", "son", "namesake",
         "namesake-undated")  # fmt: skip


def gendered(word: str, sex: str) -> str:
    """A family name in the form a man (`m`) or a woman (`f`) of the family carries."""
    for male, female in _ENDINGS:
        if sex == "f" and word.endswith(male):
            return word[: -len(male)] + female
        if sex == "m" and word.endswith(female) and len(word) > len(female) + 2:
            return word[: -len(female)] + male
    return word


class Names:
    """Given names of either sex from the same tables as the persons, as (Ukrainian, Russian)."""

    def __init__(self) -> None:
        table = synthetic._table_forms()
        self.male = [table[f] for f in Ukrainian.first_names_male if f in table]
        self.female = [table[f] for f in Ukrainian.first_names_female if f in table]

    def other(self, sex: str, than: tuple[str, str], rng: random.Random) -> tuple[str, str]:
        pool = self.male if sex == "m" else self.female
        while True:
            name = rng.choice(pool)
            if name[0] != than[0]:
                return (str(name[0]), str(name[1]))


def _born(iso: str, years: int, rng: random.Random, same_day: bool = False) -> str:
    y = int(iso[:4]) + years
    if same_day:
        return f"{y}{iso[4:]}"
    return f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _patronymic(father: tuple[str, str], sex: str) -> tuple[str, str]:
    return synthetic._patronymic_uk(father[0], sex), synthetic._patronymic_ru(father[1], sex)


def relative(p: Person, kind: str, pid: int, names: Names, rng: random.Random) -> Person:
    """One relative of `p` (or a namesake) as a person of their own."""
    same_father = p.father if p.father[0] else names.other("m", ("", ""), rng)
    sex = {"spouse": "f" if p.sex == "m" else "m", "sister": "f", "mother": "f"}.get(kind, "m")
    if kind == "namesake" or kind == "namesake-undated":
        sex = p.sex
    family = (gendered(p.family[0], sex), gendered(p.family[1], sex))
    stranger = names.other("m", same_father, rng)  # a father from outside the family
    given = names.other(sex, p.given, rng)
    if kind in ("sister", "brother", "twin"):
        patronymic = _patronymic(same_father, sex)
        birth = _born(p.birth, 0, rng, True) if kind == "twin" else _born(
            p.birth, rng.choice([-11, -7, -4, -2, 2, 3, 5, 9]), rng
        )  # fmt: skip
    elif kind == "spouse":
        patronymic = _patronymic(stranger, sex)
        birth = _born(p.birth, rng.choice([-8, -5, -3, -1, 1, 2, 4, 7]), rng)
    elif kind == "mother":
        patronymic = _patronymic(stranger, sex)
        birth = _born(p.birth, -rng.randint(19, 40), rng)
    elif kind == "father":
        given, patronymic = same_father, _patronymic(stranger, sex)
        birth = _born(p.birth, -rng.randint(20, 42), rng)
    elif kind == "son":
        parent = p.given if p.sex == "m" else stranger
        if p.sex == "m" and rng.random() < 0.35:  # named after his father
            given = p.given
        patronymic = _patronymic(parent, sex)
        birth = _born(p.birth, rng.randint(19, 38), rng)
    else:  # a namesake: the same names, another father and date
        given, patronymic = p.given, _patronymic(stranger, sex)
        birth = _born(p.birth, rng.choice([-30, -17, -9, -4, 6, 13, 25]), rng)
    place = p.place if rng.random() < 0.5 else rng.choice([p.place, "Київ", "Харків", "Одеса"])
    sn = f"Р{rng.randint(0, 999999):06d}" if sex == "m" and rng.random() < 0.2 else None
    return synthetic.Person(pid, sex, family, given, patronymic, birth, place, sn, None, None, None)


def relatives(
    anchors: list[Person], styles: list[str], rng: random.Random
) -> tuple[list[LinkageRecord], dict[str, str]]:
    """One to three relatives of each anchor as the other side writes them, and each one's kind."""
    names = Names()
    out, kinds = [], {}
    for k, p in enumerate(anchors):
        for j, kind in enumerate(rng.sample(KINDS, rng.choice([1, 2, 2, 3]))):
            rid = f"F{k}_{j}"
            person = relative(p, kind, -1, names, rng)
            record = synthetic.render(person, rid, rng.choice(styles), rng)
            if kind == "namesake-undated":
                record = dataclasses.replace(record, birth_date=None)
            out.append(record)
            kinds[rid] = kind
    return out, kinds


def family_lists(
    n: int, seed: int, script: str
) -> tuple[list[LinkageRecord], list[LinkageRecord], set[tuple[str, str]], dict[str, str]]:
    """Families alone: A the persons (a fifth without a birth date), B four fifths of them and
    every person's relatives."""
    rng = random.Random(seed)
    people = synthetic.make_people(n, seed)
    styles = ["ru", "ru", "latin", "latin", "mt"] if script == "cross" else ["latin"]
    left = []
    for p in people:
        record = synthetic.render(p, f"A{p.pid}", "uk" if script == "cross" else "latin", rng)
        if rng.random() < 0.2:
            record = dataclasses.replace(record, birth_date=None)
        left.append(record)
    right, truth = [], set()
    for p in people:
        if rng.random() < 0.8:
            right.append(synthetic.render(p, f"B{p.pid}", rng.choice(styles), rng))
            truth.add((f"A{p.pid}", f"B{p.pid}"))
    family, kinds = relatives(people, styles, rng)
    right += family
    rng.shuffle(right)
    return left, right, truth, kinds


def mixed_lists(
    n: int, anchors: int, script: str, seed: int = 16
) -> tuple[
    list[LinkageRecord], list[LinkageRecord], set[tuple[str, str]], dict[str, str], set[str]
]:
    """The `--scale` lists of linkage_synthetic.py with the relatives of `anchors` of their
    persons added to list B; `seed` draws the persons and their relatives (the lists are
    always the same)."""
    left, right, truth = synthetic.make_lists(n, seed=n, script=script)
    people = synthetic.make_people(n, n)  # the same persons make_lists drew
    rng = random.Random(n + seed)
    chosen = rng.sample(people, anchors)
    styles = ["ru", "ru", "latin", "latin", "mt"] if script == "cross" else ["latin"]
    family, kinds = relatives(chosen, styles, rng)
    return left, right + family, truth, kinds, {f"A{p.pid}" for p in chosen}


def report(
    name: str, out: dict[str, Any], truth: set[tuple[str, str]], kinds: dict[str, str],
    anchors: set[str] | None,
) -> None:  # fmt: skip
    pairs = set(out["pairs"])
    s = synthetic.score(pairs, truth)
    line = (f"{name}: precision {s['precision']:.4f} recall {s['recall']:.4f} F1 {s['f1']:.4f}"
            f" | {out['seconds']:.1f} s, peak {out['peak_mib']:.0f} MiB")  # fmt: skip
    if out.get("ambiguous_pairs"):
        line += f" | {out['ambiguous_groups']} ambiguous groups ({out['ambiguous_pairs']} pairs)"
    if out.get("error"):
        line += f" | failed: {out['error']}"
    print(line)
    if anchors is not None:
        mine = {pr for pr in pairs if pr[0] in anchors}
        theirs = {pr for pr in truth if pr[0] in anchors}
        f = synthetic.score(mine, theirs)
        print(f"  persons with relatives ({len(anchors):,}): precision {f['precision']:.4f}"
              f" recall {f['recall']:.4f} F1 {f['f1']:.4f}")  # fmt: skip
    linked = Counter(kinds[r] for _, r in pairs if r in kinds)
    if linked:
        print("  relatives linked: " + ", ".join(f"{k} {linked[k]}" for k in KINDS if linked[k]))


def _written(r: LinkageRecord) -> str:
    name = r.full_name or " ".join(x for x in (r.family_name, r.given_name, r.patronymic) if x)
    return f"{name} ({r.birth_date or 'no date'})"


def dump(
    out: dict[str, Any], truth: set[tuple[str, str]], kinds: dict[str, str],
    anchors: set[str] | None, records: dict[str, LinkageRecord], limit: int,
) -> None:  # fmt: skip
    """The true pairs missed and the pairs linked wrongly, the two records side by side: what
    to read before changing the model (a garbled name, a missing date, a relative)."""
    pairs = set(out["pairs"])
    theirs = {pr for pr in truth if anchors is None or pr[0] in anchors}
    mine = {pr for pr in pairs if anchors is None or pr[0] in anchors}
    linked = dict(pairs)
    print(f"  missed ({len(theirs - mine):,}; 'not linked' is under the threshold or ambiguous):")
    for a, b in sorted(theirs - mine)[:limit]:
        other = linked.get(a)
        got = f"linked to {other} ({kinds.get(other, 'no relative')})" if other else "not linked"
        print(f"    {a} {_written(records[a])}  /  {b} {_written(records[b])}  -- {got}")
    print(f"  linked wrongly ({len(mine - theirs):,}):")
    for a, b in sorted(mine - theirs)[:limit]:
        print(f"    {a} {_written(records[a])}  /  {b} {_written(records[b])}"
              f"  -- {kinds.get(b, 'no relative')}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--script", choices=("cross", "latin"), default="cross")
    parser.add_argument("--mixed", type=int, help="persons a side of the lists mixed into")
    parser.add_argument("--anchors", type=int, default=5_000)
    parser.add_argument("--systems", nargs="*", default=["parley", "splink-tuned"])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--dump", type=int, default=0, help="print this many misses and errors")
    args = parser.parse_args()
    anchors: set[str] | None = None
    if args.mixed:
        left, right, truth, kinds, anchors = mixed_lists(
            args.mixed, args.anchors, args.script, args.seed
        )
        title = (f"{args.script}, {args.mixed:,} a side with the relatives of {args.anchors:,}"
                 f" (seed {args.seed})")  # fmt: skip
    else:
        left, right, truth, kinds = family_lists(args.persons, args.seed, args.script)
        title = f"{args.script} families alone, {args.persons:,} persons"
    print(f"{title}: A {len(left):,}, B {len(right):,}, true pairs {len(truth):,}")
    with tempfile.TemporaryDirectory() as tmp:
        synthetic.write_lists(Path(tmp), left, right)
        records = {r.record_id: r for r in (*left, *right)} if args.dump else {}
        del left, right
        results = {}
        for system in args.systems:
            results[system] = out = synthetic.in_child(system, Path(tmp), None)
            report(system, out, truth, kinds, anchors)
            if args.dump:
                dump(out, truth, kinds, anchors, records, args.dump)
        if "parley" in results and "splink-tuned" in results:
            a, b = results["parley"], results["splink-tuned"]
            print(f"  Parley / tuned Splink: time {a['seconds'] / b['seconds']:.2f}, "
                  f"memory {a['peak_mib'] / b['peak_mib']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
