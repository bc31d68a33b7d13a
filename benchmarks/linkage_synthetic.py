"""Cross-script person lists from name data written by others, linked by Parley and by Splink.

Names come from the uk_UA and ru_RU person tables of Faker (a PyPI package: surnames,
given names, patronymics, by sex); places from the official examples of the Ukrainian
standard in ../shared/vectors/names/. Each person is written as each side would write it:
list A by a Ukrainian office in Ukrainian Cyrillic; list B by the other side in Russian
Cyrillic, by the press or a third party in Latin letters under one of the standards, or
after machine translation (r/l, vowels, dropped letters, sh/s). Then the noise real lists
carry: typos (7% of family names, 5% of given names), dates missing (8%), year only (8%),
month only (4%), day and month swapped (5%), a digit or a year off (5%), impossible (1%),
patronymics left out (60% in Latin, 90% after machine translation), name order, full
names in one column (40%), and relatives and namesakes who are other people. List A, the
holding side's register, carries 30% of that noise.
Given names cross languages through Parley's own table (a Russian clerk writes Алексей
for Олексій): that step is shared with the matcher, and said here so.

    .venv/bin/python benchmarks/linkage_synthetic.py [--quick] [--persons N]
    .venv/bin/python benchmarks/linkage_synthetic.py --scale 10000 100000 [990000]
        [--script cross|latin] [--splink-up-to 100000] [--splink tuned|documented] [--no-floor]

At the largest scale, 990,000 persons: list B holds about 5% more rows than persons, and a
list may hold at most 1,048,576 rows (a spreadsheet's), so a million would be refused.

The two lists are written as CSV files, as offices exchange them. Each system runs in a fresh
process that imports only what it needs, reads both files and links them, as its user would:
Parley as `parley link` does, Splink with pandas and the cleaning its documentation asks
for. Time runs from reading the files to the list of pairs; peak memory (ru_maxrss) is the
whole process's, its imports included (printed apart as "imports").
"""

from __future__ import annotations

import argparse
import csv
import pickle
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faker.providers.person.ru_RU import Provider as Russian
from faker.providers.person.uk_UA import Provider as Ukrainian

from parley.linkage.records import FIELDS, LinkageRecord
from parley.names import GIVEN_NAMES, Language, Standard, to_latin

VECTORS = Path(__file__).resolve().parents[1].parent / "shared" / "vectors" / "names"
LATIN = [Standard.KMU_2010, Standard.BGN_PCGN, Standard.ICAO_9303, Standard.PRESS_EN,
         Standard.PRESS_DE, Standard.PRESS_FR, Standard.PRESS_PL, Standard.SCHOLARLY,
         Standard.ISO_9, Standard.GOST_7_79]  # fmt: skip
RANKS = ["солдат", "старший солдат", "сержант", "старший сержант", "лейтенант", "капітан",
         "майор", "матрос", "молодший сержант", "старший лейтенант"]  # fmt: skip
_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "ь"})
_RU_TO_UK = str.maketrans({"ы": "и", "э": "е", "ё": "е", "ъ": "'", "и": "і"})


@dataclass
class Person:
    pid: int
    sex: str
    family: tuple[str, str]  # Ukrainian spelling, Russian spelling
    given: tuple[str, str]
    patronymic: tuple[str, str]
    birth: str
    place: str
    service_number: str | None
    national_id: str | None
    rank: str | None
    unit: str | None
    father: tuple[str, str] = ("", "")  # the father's given name, Ukrainian and Russian


def _table_forms() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for n in GIVEN_NAMES:
        for form in n.ukrainian + n.russian:
            out[form] = (n.ukrainian[0], n.russian[0])
    return out


def _family_ru(uk: str) -> str:
    out = uk.replace("ський", "ский").replace("цький", "цкий").replace("ська", "ская")
    return out.replace("цька", "цкая").translate(_UK_TO_RU)


def _family_uk(ru: str) -> str:
    out = ru.replace("ский", "ський").replace("цкий", "цький").replace("ская", "ська")
    return out.replace("цкая", "цька").translate(_RU_TO_UK)


def _patronymic_ru(father_ru: str, sex: str) -> str:
    w = father_ru.replace("ё", "е")
    if w.endswith("ий"):
        stem = w[:-2] + "ь"
    elif w.endswith(("ей", "ай")) or w.endswith("ь"):
        stem = w[:-1]
    elif w.endswith(("а", "я")):
        return w[:-1] + ("ич" if sex == "m" else "ична")
    else:
        return w + ("ович" if sex == "m" else "овна")
    return stem + ("евич" if sex == "m" else "евна")


def _patronymic_uk(father_uk: str, sex: str) -> str:
    w = father_uk
    if w.endswith("й"):
        return w + "ович" if sex == "m" else w[:-1] + "ївна"
    if w.endswith(("о", "а")):
        return w[:-1] + ("ович" if sex == "m" else "івна")
    if w.endswith("ь"):
        return w + "ович" if sex == "m" else w[:-1] + "івна"
    return w + ("ович" if sex == "m" else "івна")


def make_people(n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    table = _table_forms()
    males = [f for f in Ukrainian.first_names_male if f in table]
    fathers = [table[f] for f in males]
    with (VECTORS / "kmu2010_examples.csv").open(encoding="utf-8") as f:
        persons = set(Ukrainian.last_names) | set(Ukrainian.first_names)
        places = [r["cyrillic"] for r in csv.DictReader(f) if r["cyrillic"] not in persons]
    people = []
    for pid in range(n):
        sex = "m" if rng.random() < 0.85 else "f"
        if rng.random() < 0.7:  # a Ukrainian family name, Russian spelling derived
            fam_uk = rng.choice(
                Ukrainian.last_names_male if sex == "m" else Ukrainian.last_names_female
            )
            family = (fam_uk, _family_ru(fam_uk))
        else:
            fam_ru = rng.choice(
                Russian.last_names_male if sex == "m" else Russian.last_names_female
            )
            family = (_family_uk(fam_ru), fam_ru)
        pool = Ukrainian.first_names_male if sex == "m" else Ukrainian.first_names_female
        first = rng.choice(pool)
        given = table.get(first, (first, first.translate(_UK_TO_RU)))
        father = rng.choice(fathers)
        patronymic = (_patronymic_uk(father[0], sex), _patronymic_ru(father[1], sex))
        birth = f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        military = rng.random() < 0.8
        people.append(
            Person(
                pid, sex, family, given, patronymic, birth, rng.choice(places),
                f"{rng.choice('АВСКМОРТ')}{rng.choice('АВСКМОРТ')}{rng.randint(0, 999999):06d}"
                if military and rng.random() < 0.7 else None,
                f"{rng.randint(10**9, 10**10 - 1)}" if rng.random() < 0.3 else None,
                rng.choice(RANKS) if military else None,
                f"А{rng.randint(1000, 9999)}" if military else None, father,
            )
        )  # fmt: skip
    return people


def relative(p: Person, pid: int, rng: random.Random) -> Person:
    """A brother (same father, another given name) or a namesake (another father and date)."""
    table = _table_forms()
    other = table[rng.choice([f for f in Ukrainian.first_names_male if f in table])]
    if rng.random() < 0.5:
        given, patronymic = other, p.patronymic
    else:
        given = p.given
        patronymic = (_patronymic_uk(other[0], p.sex), _patronymic_ru(other[1], p.sex))
    year = int(p.birth[:4]) + rng.choice([-9, -6, -3, 3, 5, 8])
    birth = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Person(pid, p.sex, p.family, given, patronymic, birth, p.place, None, None, None, None)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1 :]
    if kind < 0.6:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("аеиоснтрклм" if word[i] > "z" else "aeiosntrklm") + word[i + 1 :]


def machine_translated(word: str, rng: random.Random) -> str:
    """The errors of a name sent through another language and back (Poloshenko, Vyshenski)."""
    out = word
    for _ in range(rng.choice([1, 1, 2])):
        kind = rng.random()
        if kind < 0.3 and ("r" in out or "l" in out):
            out = out.replace("r", "\0").replace("l", "r").replace("\0", "l")
        elif kind < 0.6:
            vowels = [i for i, c in enumerate(out) if c in "aeiouy" and i > 0]
            if vowels:
                i = rng.choice(vowels)
                out = out[:i] + rng.choice("aeiy".replace(out[i], "")) + out[i + 1 :]
        elif kind < 0.8:
            out = out.replace("yi", "i").replace("kh", "h").replace("shch", "sh")
        else:
            out = typo(out, rng)
    return out


def written_date(iso: str, rng: random.Random, noise: float) -> tuple[str | None, str]:
    """The date as a list writes it, and what was done to it; `noise` scales the damage."""
    y, m, d = iso.split("-")
    r = rng.random() / noise
    if r < 0.08:
        return None, "missing"
    if r < 0.16:
        return y, "year only"
    if r < 0.20:
        return f"{y}-{m}", "month only"
    if r < 0.25 and int(d) <= 12:
        return f"{m}.{d}.{y}", "day and month swapped"
    if r < 0.28:
        return f"{y}-{m}-{int(d) % 28 + 1:02d}", "a digit off"
    if r < 0.30:
        return f"{int(y) + rng.choice([-1, 1])}-{m}-{d}", "a year off"
    if r < 0.31 and m == "02":
        return f"{y}-02-30", "impossible"
    return (f"{d}.{m}.{y}" if rng.random() < 0.5 else iso), "as is"


def render(p: Person, rid: str, style: str, rng: random.Random) -> LinkageRecord:
    """One person as one side writes it: `uk`, `ru`, `latin` or `mt` (machine translation)."""
    lang = rng.random() < 0.5
    fam, giv, pat = p.family, p.given, p.patronymic
    if style in ("uk", "ru"):
        i = 0 if style == "uk" else 1
        f, g, pa = fam[i], giv[i], pat[i]
    else:
        i = 0 if lang else 1
        language = Language.UKRAINIAN if i == 0 else Language.RUSSIAN
        standard = rng.choice(LATIN)
        f, g, pa = (to_latin(x[i], standard, language) for x in (fam, giv, pat))
        if style == "mt":
            f, g = machine_translated(f, rng), machine_translated(g, rng)
    # The holding side's register is cleaner than a list pieced together from reports.
    noise = 0.3 if style == "uk" else 1.0
    if rng.random() < 0.07 * noise:
        f = typo(f, rng)
    if rng.random() < 0.05 * noise:
        g = typo(g, rng)
    keep_patronymic = rng.random() < {"uk": 0.95, "ru": 0.85, "latin": 0.4, "mt": 0.1}[style]
    pa_out = pa if keep_patronymic else None
    birth, _ = written_date(p.birth, rng, noise)
    sn = p.service_number if p.service_number and rng.random() < 0.5 else None
    if sn and rng.random() < 0.3:
        sn = f"{sn[:2]} {sn[2:]}"
    record: dict[str, Any] = {
        "record_id": rid, "birth_date": birth, "service_number": sn,
        "national_id": p.national_id if rng.random() < 0.5 else None,
        "rank": p.rank if rng.random() < 0.5 else None,
        "unit": p.unit if rng.random() < 0.4 else None,
        "birth_place": p.place if style == "uk" and rng.random() < 0.6 else None,
    }  # fmt: skip
    if rng.random() < 0.4:  # one full-name column, in the order the writer is used to
        extra = [pa_out] if pa_out else []
        if style in ("latin", "mt") and rng.random() < 0.7:
            words = [g, *extra, f]  # Kirill Valerievich Vyshinsky
        else:
            words = [f.upper() if style == "latin" and rng.random() < 0.3 else f, g, *extra]
        record["full_name"] = " ".join(words)
    else:
        record.update(family_name=f, given_name=g, patronymic=pa_out)
    return LinkageRecord(**record)


def make_lists(
    n: int, seed: int = 11, script: str = "cross"
) -> tuple[list[LinkageRecord], list[LinkageRecord], set[tuple[str, str]]]:
    """List A, list B (80% of A plus strangers, brothers and namesakes), and the true pairs."""
    rng = random.Random(seed)
    people = make_people(n, seed)
    left = [render(p, f"A{p.pid}", "uk" if script == "cross" else "latin", rng) for p in people]
    right, truth = [], set()
    styles = ["ru", "ru", "latin", "latin", "mt"] if script == "cross" else ["latin"]
    for p in people:
        if rng.random() < 0.8:
            right.append(render(p, f"B{p.pid}", rng.choice(styles), rng))
            truth.add((f"A{p.pid}", f"B{p.pid}"))
    extra = make_people(n // 5, seed + 1)
    for q in extra:
        right.append(render(q, f"S{q.pid}", rng.choice(styles), rng))
    for k, p in enumerate(rng.sample(people, n // 20)):
        right.append(render(relative(p, k, rng), f"R{k}", rng.choice(styles), rng))
    rng.shuffle(right)
    return left, right, truth


def score(pairs: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(pairs & truth)
    p = tp / len(pairs) if pairs else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if tp else 0.0}


def write_lists(folder: Path, left: list[LinkageRecord], right: list[LinkageRecord]) -> None:
    """The lists as CSV files with every field, an empty cell where a field is empty."""
    for name, records in (("left.csv", left), ("right.csv", right)):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(FIELDS)
            out.writerows([getattr(r, n) or "" for n in FIELDS] for r in records)


def in_child(system: str, folder: Path, threshold: float | None) -> dict[str, Any]:
    """Run one system on the files in a fresh interpreter (benchmarks/linkers.py), so that its
    time and peak memory are its own and it imports nothing the other needs."""
    result = folder / f"{system}.pkl"
    script = Path(__file__).with_name("linkers.py")
    subprocess.run(
        [sys.executable, str(script), system, str(folder), str(threshold), str(result)],
        check=True,
    )
    out: dict[str, Any] = pickle.loads(result.read_bytes())
    return out


def _line(name: str, out: dict[str, Any], truth: set[tuple[str, str]]) -> str:
    s = score(set(out["pairs"]), truth)
    text = (f"{name}: precision {s['precision']:.4f} recall {s['recall']:.4f} F1 {s['f1']:.4f}"
            f" | {out['seconds']:.1f} s, peak {out['peak_mib']:.0f} MiB"
            f" (imports {out.get('floor_mib', 0):.0f})")  # fmt: skip
    if out.get("worker_peak_mib", 0) > 1:
        text += f" (+ workers, largest {out['worker_peak_mib']:.0f} MiB)"
    if out.get("held"):
        both = score(set(out["pairs"]) | set(out["held"]), truth)
        text += f" | {len(out['held'])} held for review (links + held: F1 {both['f1']:.4f})"
    if out.get("stats"):
        st = out["stats"]
        text += (f" | prepare {st.get('prepare_s', 0):.1f} s, train {st.get('train_s', 0):.1f} s,"
                 f" score {st.get('predict_s', 0):.1f} s")  # fmt: skip
    if out.get("error"):
        text += f" | failed: {out['error']}"
    return text


_SPLINK = {
    "tuned": ("splink-tuned", "Splink tuned"),
    "documented": ("splink", "Splink as documented"),
}


def quality(persons: int, script: str, splink_kind: str = "tuned") -> None:
    left, right, truth = make_lists(persons, script=script)
    print(f"{script} lists: A {len(left)}, B {len(right)}, true pairs {len(truth)}")
    with tempfile.TemporaryDirectory() as tmp:
        write_lists(Path(tmp), left, right)
        parley = in_child("parley", Path(tmp), None)
        print(_line(f"Parley at its default threshold {parley['threshold']}", parley, truth))
        system, label = _SPLINK[splink_kind]
        splink = in_child(system, Path(tmp), 0.5)
        print(_line(f"{label}, p >= 0.5", splink, truth))
        if parley["seconds"] and splink["seconds"]:
            print(f"  wall time Parley / Splink: {parley['seconds'] / splink['seconds']:.2f}")


def scale(
    sizes: list[int], script: str, splink_up_to: int, splink_kind: str = "tuned", floor: bool = True
) -> None:
    system, label = _SPLINK[splink_kind]
    for n in sizes:
        t = time.perf_counter()
        left, right, truth = make_lists(n, seed=n, script=script)
        made = time.perf_counter() - t
        print(f"{script}, {n:,} persons: A {len(left):,}, B {len(right):,} (made in {made:.0f} s)")
        with tempfile.TemporaryDirectory() as tmp:
            write_lists(Path(tmp), left, right)
            del left, right
            parley = in_child("parley", Path(tmp), None)
            print("  " + _line("Parley", parley, truth))
            if n <= splink_up_to:
                splink = in_child(system, Path(tmp), 0.5)
                print("  " + _line(label, splink, truth))
                print(f"  Parley / Splink: time {parley['seconds'] / splink['seconds']:.2f}, "
                      f"memory {parley['peak_mib'] / splink['peak_mib']:.2f}")  # fmt: skip
                # Beyond the libraries each imports: reading, keying and linking.
                grew = [out["peak_mib"] - out["floor_mib"] for out in (parley, splink)]
                print(f"  memory beyond the imports: Parley {grew[0]:.0f} MiB, "
                      f"Splink {grew[1]:.0f} MiB ({grew[0] / grew[1]:.2f})")  # fmt: skip
                if floor:
                    model_floor(Path(tmp), splink, truth)


def model_floor(folder: Path, splink: dict[str, Any], truth: set[tuple[str, str]]) -> None:
    """Parley's Splink stages alone, in a fresh process, on feature tables prepared before:
    what Parley's run costs at the least while Splink is its model."""
    in_child("parley-frames", folder, None)
    floor = in_child("parley-model", folder, None)
    st = floor["stats"]
    print(f"  Parley's Splink stages alone (tables keyed beforehand): train {st['train_s']:.1f} s"
          f" + score {st['predict_s']:.1f} s, peak {floor['peak_mib']:.0f} MiB (imports"
          f" {floor['floor_mib']:.0f}, tables {floor['frames_mib']:.0f}), F1"
          f" {score(set(floor['pairs']), truth)['f1']:.4f}; / Splink's whole run: time"
          f" {floor['seconds'] / splink['seconds']:.2f}, memory"
          f" {floor['peak_mib'] / splink['peak_mib']:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 persons")
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--script", choices=("cross", "latin"), default="cross")
    parser.add_argument("--scale", type=int, nargs="*", help="sizes a side for the scale run")
    parser.add_argument("--splink-up-to", type=int, default=100_000)
    parser.add_argument("--splink", choices=tuple(_SPLINK), default="tuned")
    parser.add_argument("--no-floor", action="store_true", help="skip Parley's Splink stages alone")
    args = parser.parse_args()
    if args.scale:
        scale(args.scale, args.script, args.splink_up_to, args.splink, not args.no_floor)
    else:
        quality(1_000 if args.quick else args.persons, args.script, args.splink)


if __name__ == "__main__":
    main()
