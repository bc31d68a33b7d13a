"""Synthetic people for the demo, each rendered as either side would write them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from parley.demo.names import FAMILY, FEMALE, MALE, PLACES, feminine, patronymic

Pair = tuple[str, str]  # (Ukrainian form, Russian form)

RANKS: tuple[Pair, ...] = (
    ("матрос", "матрос"), ("старший матрос", "старший матрос"),
    ("старшина 2 статті", "старшина 2 статьи"), ("мічман", "мичман"),
    ("капітан-лейтенант", "капитан-лейтенант"), ("капітан 3 рангу", "капитан 3 ранга"),
)  # fmt: skip
ARMY_RANKS: tuple[Pair, ...] = (
    ("солдат", "солдат"), ("старший солдат", "старший солдат"), ("сержант", "сержант"),
    ("старший сержант", "старший сержант"), ("лейтенант", "лейтенант"), ("капітан", "капитан"),
    ("майор", "майор"),
)  # fmt: skip
VESSELS: tuple[Pair, ...] = (("Бердянськ", "Бердянск"), ("Нікополь", "Никополь"),
                             ("Яни Капу", "Яны Капу"))  # fmt: skip
CATEGORY = {"military": ("військовий", "военный"), "civilian": ("цивільний", "гражданский"),
            "journalist": ("журналіст", "журналист")}  # fmt: skip
HEALTH = {"fit": ("здоровий", "здоров"), "wounded": ("поранений", "раненый"),
          "seriously_wounded_or_sick": ("важкопоранений", "тяжелораненый")}  # fmt: skip


@dataclass
class Human:
    """One synthetic person; both sides' records of them are rendered from here."""

    key: str
    male: bool
    given: Pair
    family: Pair
    patronymic: Pair
    birth_date: dt.date
    birth_place: Pair
    citizenship: Pair
    category: str
    health: str = "fit"
    rank: Pair = ("", "")
    unit: Pair = ("", "")
    service_number: str = ""
    capture_date: dt.date | None = None
    capture_place: Pair = ("", "")
    year_only: bool = False  # the lists know only the year of birth
    role: str = ""  # a word for the summary: "news agency head", "commander", ...
    tags: set[str] = field(default_factory=set)

    def row(self, ukrainian: bool, record_id: str, evidence: str) -> dict[str, str]:
        """The record as a roster row in canonical columns, in one side's language."""
        i = 0 if ukrainian else 1
        return {
            "record_id": record_id,
            "family_name": self.family[i],
            "given_name": self.given[i],
            "patronymic": self.patronymic[i],
            "sex": ("ч" if ukrainian else "м") if self.male else "ж",
            "birth_date": str(self.birth_date.year)
            if self.year_only
            else self.birth_date.strftime("%d.%m.%Y"),
            "birth_place": self.birth_place[i],
            "citizenship": self.citizenship[i],
            "rank": self.rank[i],
            "service_number": self.service_number,
            "unit": self.unit[i],
            "category": CATEGORY[self.category][i],
            "health": HEALTH[self.health][i],
            "capture_date": self.capture_date.isoformat() if self.capture_date else "",
            "capture_place": self.capture_place[i],
            "evidence": evidence,
            "notes": self.role,
        }


UKRAINE: Pair = ("Україна", "Украина")
RUSSIA: Pair = ("Російська Федерація", "Российская Федерация")


class Population:
    """A deterministic source of synthetic humans."""

    def __init__(self, seed: int = 20190907) -> None:
        self.rng = random.Random(seed)
        self.count = 0

    def human(self, *, category: str, citizenship: Pair, female_share: float = 0.08) -> Human:
        rng = self.rng
        self.count += 1
        male = rng.random() >= female_share
        family = rng.choice(FAMILY)
        father = rng.choice(MALE)
        if male:
            g = rng.choice(MALE)
            given: Pair = (g[0], g[1])
        else:
            given = rng.choice(FEMALE)
            family = (feminine(family[0]), feminine(family[1]))
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 42))
        return Human(
            key=f"P{self.count:05d}",
            male=male,
            given=given,
            family=family,
            patronymic=(
                patronymic(father[2], not male, True),
                patronymic(father[3], not male, False),
            ),
            birth_date=born,
            birth_place=rng.choice(PLACES),
            citizenship=citizenship,
            category=category,
            health=rng.choices(("fit", "wounded", "seriously_wounded_or_sick"), (85, 10, 5))[0],
        )

    def sailors(self) -> list[Human]:
        """The 24 naval servicemen captured in the Kerch Strait on 25 November 2018."""
        out = []
        for n in range(24):
            h = self.human(category="military", citizenship=UKRAINE, female_share=0.0)
            h.rank = RANKS[min(n // 5, len(RANKS) - 1)] if n < 21 else RANKS[-1 - (n - 21) % 2]
            vessel = VESSELS[n % 3]
            h.unit = (f"ВМС ЗСУ, катер «{vessel[0]}»", f"ВМС ВСУ, катер «{vessel[1]}»")
            h.service_number = f"UA-{self.rng.randrange(10**6, 10**7)}"
            h.capture_date = dt.date(2018, 11, 25)
            h.capture_place = ("Керченська протока", "Керченский пролив")
            h.health = "fit" if n != 3 else "seriously_wounded_or_sick"
            h.role = "naval serviceman, Kerch Strait"
            h.tags.add("sailor")
            out.append(h)
        return out

    def crimea_civilians(self) -> list[Human]:
        """The 11 civilians held in Crimea and Russia."""
        out = []
        for _ in range(11):
            h = self.human(category="civilian", citizenship=UKRAINE)
            h.capture_date = dt.date(2014, 5, 1) + dt.timedelta(days=self.rng.randrange(0, 1500))
            h.capture_place = self.rng.choice(
                [("Сімферополь", "Симферополь"), ("Севастополь", "Севастополь"), ("Керч", "Керчь")]
            )
            h.role = "civilian held in Crimea"
            out.append(h)
        return out

    def held_by_ukraine_phase1(self) -> list[Human]:
        """A news agency's head, a commander of an armed formation, and 33 others."""
        head = Human(
            key="P-HEAD", male=True, given=("Кирило", "Кирилл"), family=("Вишинський", "Вышинский"),
            patronymic=("Валерійович", "Валерьевич"), birth_date=dt.date(1967, 1, 1), year_only=True,
            birth_place=("Дніпро", "Днепр"), citizenship=RUSSIA, category="journalist",
            capture_date=dt.date(2018, 5, 15), capture_place=("Київ", "Киев"),
            role="head of a news agency's Ukrainian branch",
        )  # fmt: skip
        commander = Human(
            key="P-CMDR", male=True, given=("Володимир", "Владимир"), family=("Цемах", "Цемах"),
            patronymic=("Миколайович", "Николаевич"), birth_date=dt.date(1961, 1, 1), year_only=True,
            birth_place=("Сніжне", "Снежное"), citizenship=UKRAINE, category="military",
            rank=("командир", "командир"), unit=("ППО збройного формування", "ПВО формирования"),
            capture_date=dt.date(2019, 6, 27), capture_place=("Сніжне", "Снежное"),
            role="commander of an armed formation's air defence",
        )  # fmt: skip
        others = []
        for n in range(33):
            category = "military" if n % 3 else "civilian"
            h = self.human(category=category, citizenship=RUSSIA if n % 4 == 0 else UKRAINE)
            h.capture_date = dt.date(2015, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 1600))
            h.capture_place = self.rng.choice(PLACES[:15])
            if category == "military":
                h.rank = self.rng.choice(ARMY_RANKS)
            others.append(h)
        return [head, commander, *others]

    def phase2(self, n: int, citizenship: Pair) -> list[Human]:
        """Persons for the all-for-all phase, mostly servicemen."""
        out = []
        for _ in range(n):
            category = self.rng.choices(("military", "civilian", "journalist"), (80, 19, 1))[0]
            h = self.human(category=category, citizenship=citizenship)
            h.capture_date = dt.date(2014, 6, 1) + dt.timedelta(days=self.rng.randrange(0, 1800))
            h.capture_place = self.rng.choice(PLACES[:16])
            if category == "military":
                h.rank = self.rng.choice(ARMY_RANKS)
                h.service_number = f"{self.rng.randrange(10**6, 10**7)}"
            out.append(h)
        return out
