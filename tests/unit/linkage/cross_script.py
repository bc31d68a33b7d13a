"""Small generated cross-script lists: one side's roster in Ukrainian Cyrillic, the other's
in Russian Cyrillic or Latin letters, with namesakes, a differing service number and a bad date."""

from __future__ import annotations

import random

from parley.linkage import LinkageRecord
from parley.names import Language, Standard, to_latin

FAMILIES = [
    "Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Кравченко", "Олійник", "Мельник",
    "Вишинський", "Порошенко", "Лисенко", "Гончаренко", "Руденко", "Савченко", "Петренко",
    "Мороз", "Марченко", "Кушнір", "Поліщук", "Ковальчук", "Білоус", "Гаврилюк", "Павленко",
]  # fmt: skip
GIVEN = [
    "Олександр", "Сергій", "Андрій", "Володимир", "Микола", "Іван", "Дмитро", "Юрій",
    "Олег", "Віктор", "Михайло", "Кирило", "Петро", "Василь", "Максим", "Артем",
]  # fmt: skip
RUSSIAN = {"Олександр": "Александр", "Сергій": "Сергей", "Андрій": "Андрей",
           "Володимир": "Владимир", "Микола": "Николай", "Іван": "Иван", "Дмитро": "Дмитрий",
           "Юрій": "Юрий", "Олег": "Олег", "Віктор": "Виктор", "Михайло": "Михаил",
           "Кирило": "Кирилл", "Петро": "Пётр", "Василь": "Василий", "Максим": "Максим",
           "Артем": "Артём"}  # fmt: skip
STANDARDS = [Standard.KMU_2010, Standard.BGN_PCGN, Standard.PRESS_DE, Standard.PRESS_PL]


def cross_script_lists() -> tuple[list[LinkageRecord], list[LinkageRecord]]:
    rng = random.Random(5)
    left, right = [], []
    for i in range(240):
        fam, giv = rng.choice(FAMILIES), rng.choice(GIVEN)
        date = f"{rng.randint(1965, 2003)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sn = f"А{100000 + i}" if i % 3 == 0 else None
        left.append(LinkageRecord(f"U{i}", fam, giv, birth_date=date, service_number=sn))
        if i >= 200:
            continue
        if i % 2:  # a Russian list writes the Russian given name in Cyrillic
            name = f"{fam.replace('ський', 'ский')} {RUSSIAN[giv]}"
        else:  # a press list in Latin letters, given name first
            name = to_latin(f"{giv} {fam}", STANDARDS[i % 4], Language.UKRAINIAN)
        written = date if i % 5 else date[:4]
        if i % 11 == 0 and int(date[8:10]) <= 12:  # day and month swapped
            written = f"{date[5:7]}.{date[8:10]}.{date[:4]}"
        right.append(LinkageRecord(f"R{i}", full_name=name, birth_date=written, service_number=sn))
    # Namesakes: the same names, another birth year.
    for j in range(20):
        twin = left[j]
        name = to_latin(f"{twin.given_name} {twin.family_name}", Standard.KMU_2010)
        right.append(LinkageRecord(f"N{j}", full_name=name, birth_date="1950-01-01"))
    # One pair with every name and the date equal but another service number (U201 has no
    # other candidate: a far better one would leave this pair out as a namesake's).
    right.append(LinkageRecord("SN", full_name=f"{left[201].family_name} {left[201].given_name}",
                               birth_date=left[201].birth_date, service_number="Б999999"))  # fmt: skip
    right.append(LinkageRecord("BAD", "Іваненко", "Петро", birth_date="1961-02-30"))
    return left, right
