"""Person records: one party's description of one human (GC III arts. 17, 122 and Annex IV)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from parley.domain.dates import PartialDate, parse_partial_date
from parley.domain.errors import InvalidRecord
from parley.domain.words import Words
from parley.errors import N_

E = TypeVar("E", bound=enum.StrEnum)

# The longest record id, the same on every database (a match id joins two references to
# records, each with its roster's name, within the 300 characters the tables keep for it).
MAX_RECORD_ID = 100


class Category(enum.StrEnum):
    MILITARY = "military"
    CIVILIAN = "civilian"
    JOURNALIST = "journalist"
    OTHER = "other"


class Health(enum.StrEnum):
    UNKNOWN = "unknown"
    FIT = "fit"
    SICK = "sick"  # ill, but not seriously: no direct repatriation
    WOUNDED = "wounded"
    # GC III arts. 109-110: direct repatriation regardless of numbers.
    SERIOUSLY_WOUNDED_OR_SICK = "seriously_wounded_or_sick"


class Sex(enum.StrEnum):
    UNKNOWN = "unknown"
    FEMALE = "female"
    MALE = "male"


class Evidence(enum.StrEnum):
    """How strongly it is established that the person is held."""

    CONFIRMED_BY_HOLDING_PARTY = "confirmed_by_holding_party"
    CONFIRMED_BY_MEDIATOR = "confirmed_by_mediator"
    OPEN_SOURCES = "open_sources"
    RETURNEE_TESTIMONY = "returnee_testimony"
    RELATIVE_REPORT = "relative_report"
    UNKNOWN = "unknown"


# every roster column (io/headers.CANONICAL) by its name as a reader sees it (pages, the CLI)
FIELD_LABELS = {
    "record_id": N_("Record id"),
    "row_number": N_("Row number"),
    "family_name": N_("Family name"),
    "given_name": N_("Given name"),
    "patronymic": N_("Father's name"),
    "full_name": N_("Name"),
    "aliases": N_("Other names"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "birth_place": N_("Place of birth"),
    "citizenship": N_("Citizenship"),
    "depends_on": N_("Power the person depends on"),
    "rank": N_("Rank"),
    "service_number": N_("Service number"),
    "unit": N_("Unit"),
    "national_id": N_("National identity number"),
    "mother_maiden_name": N_("Mother's maiden name"),
    "next_of_kin": N_("Next of kin"),
    "home_address": N_("Home address"),
    "category": N_("Category"),
    "health": N_("Health"),
    "capture_date": N_("Date of capture"),
    "capture_place": N_("Place of capture"),
    "evidence": N_("Evidence of detention"),
    "notes": N_("Notes"),
}

# Words a coordination office writes in a category / health / sex / evidence column: the
# first word of each language is the one an error lists (docs/rosters.md); the first English
# word is marked for the catalogs, which translate it as the first word of that language.
CATEGORY_WORDS: Words[Category] = Words("category", {
    Category.MILITARY: {
        "en": (N_("military"), "pow", "prisoner of war", "soldier", "serviceman", "servicewoman",
               "combatant"),
        "uk": ("військовий", "військова", "військовослужбовець", "військовослужбовиця",
               "військовополонений", "військовополонена", "впп", "мобілізований",
               "мобілізована"),
        "ru": ("военный", "военная", "военнослужащий", "военнослужащая", "военнопленный",
               "военнопленная", "мобилизованный", "мобилизованная"),
    },
    Category.CIVILIAN: {
        "en": (N_("civilian"), "civil"),
        "uk": ("цивільний", "цивільна", "цивільна особа", "мирний житель", "мирна жителька"),
        "ru": ("гражданский", "гражданская", "гражданское лицо", "мирный житель",
               "мирная жительница"),
    },
    Category.JOURNALIST: {
        "en": (N_("journalist"), "reporter", "press"),
        "uk": ("журналіст", "журналістка", "репортер"),
        "ru": ("журналист", "журналистка", "репортер"),
    },
    Category.OTHER: {
        "en": (N_("other"),),
        "uk": ("інше", "інший", "інша", "інші"),
        "ru": ("другое", "другой", "другая", "иное", "прочее"),
    },
})  # fmt: skip

HEALTH_WORDS: Words[Health] = Words("health", {
    Health.FIT: {
        "en": (N_("fit"), "healthy", "well", "satisfactory"),
        "uk": ("здоровий", "здорова", "здоров", "задовільний", "задовільна", "задовільно",
               "задовільний стан"),
        "ru": ("здоров", "здорова", "здоровый", "здоровая", "удовлетворительное",
               "удовлетворительно", "удовлетворительное состояние"),
    },
    Health.SICK: {
        "en": (N_("sick"), "ill"),
        "uk": ("хворий", "хвора", "хворіє", "захворювання", "легкохворий", "легкохвора"),
        "ru": ("больной", "больная", "болен", "больна", "болеет", "заболевание"),
    },
    Health.WOUNDED: {
        "en": (N_("wounded"), "injured", "lightly wounded"),
        "uk": ("поранений", "поранена", "поранення", "легкопоранений", "легкопоранена",
               "легке поранення", "травмований", "травмована", "контужений", "контужена",
               "контузія"),
        "ru": ("раненый", "раненая", "ранен", "ранена", "ранение", "легкораненый",
               "легкораненая", "легкое ранение", "травмирован", "травмирована", "контужен",
               "контужена", "контуженный", "контузия"),
    },
    # GC III arts. 109-110: these are repatriated directly, whatever the numbers.
    Health.SERIOUSLY_WOUNDED_OR_SICK: {
        "en": (N_("seriously wounded or sick"), "seriously wounded", "seriously sick",
               "seriously ill", "severely wounded", "gravely wounded", "gravely ill", "swsi"),
        "uk": ("важкопоранений", "важкопоранена", "важкохворий", "важкохвора",
               "тяжкопоранений", "тяжкопоранена", "тяжкохворий", "тяжкохвора",
               "важке поранення", "тяжке поранення", "важкий стан", "тяжкий стан",
               "важкопоранений або важкохворий"),
        "ru": ("тяжелораненый", "тяжелораненая", "тяжелобольной", "тяжелобольная",
               "тяжело ранен", "тяжело ранена", "тяжело болен", "тяжело больна",
               "тяжелое ранение", "тяжелое заболевание", "тяжелое состояние",
               "тяжелораненый или тяжелобольной"),
    },
    Health.UNKNOWN: {
        "en": (N_("unknown"), "n/a"),
        "uk": ("невідомо", "невідомий", "немає даних", "н/д"),
        "ru": ("неизвестно", "неизвестен", "нет данных", "н/д"),
    },
})  # fmt: skip

SEX_WORDS: Words[Sex] = Words("sex", {
    Sex.FEMALE: {
        "en": (N_("female"), "f", "woman", "w"),
        "uk": ("жінка", "ж", "жін", "жіноча", "жіночий"),
        "ru": ("женщина", "ж", "жен", "женский", "женская"),
    },
    Sex.MALE: {
        "en": (N_("male"), "m", "man"),
        "uk": ("чоловік", "ч", "чол", "чоловіча", "чоловічий"),
        "ru": ("мужчина", "м", "муж", "мужской", "мужская"),
    },
    Sex.UNKNOWN: {
        "en": (N_("unknown"),),
        "uk": ("невідомо", "невідома", "невідомий"),
        "ru": ("неизвестно", "неизвестна", "неизвестен"),
    },
})  # fmt: skip

EVIDENCE_WORDS: Words[Evidence] = Words("evidence", {
    Evidence.CONFIRMED_BY_HOLDING_PARTY: {
        "en": ("confirmed by the holding party", "confirmed by holding party",
               "confirmed by the holding side", "confirmed by holding side",
               "holding party", "official confirmation"),
        "uk": ("підтверджено стороною, що утримує", "підтверджено утримуючою стороною",
               "підтверджено стороною утримання", "підтверджено іншою стороною",
               "підтверджено протилежною стороною", "офіційне підтвердження"),
        "ru": ("подтверждено удерживающей стороной", "подтверждено содержащей стороной",
               "подтверждено другой стороной", "подтверждено противоположной стороной",
               "официальное подтверждение"),
    },
    Evidence.CONFIRMED_BY_MEDIATOR: {
        "en": ("confirmed by the ICRC or mediator", "confirmed by icrc",
               "confirmed by the icrc", "confirmed by mediator", "confirmed by the mediator",
               "icrc", "red cross", "mediator"),
        "uk": ("підтверджено МКЧХ", "підтверджено посередником", "підтверджено Червоним Хрестом",
               "МКЧХ", "Червоний Хрест", "посередник"),
        "ru": ("подтверждено МККК", "подтверждено посредником", "подтверждено Красным Крестом",
               "МККК", "Красный Крест", "посредник"),
    },
    Evidence.OPEN_SOURCES: {
        "en": ("open sources", "open source", "osint", "media", "social media"),
        "uk": ("відкриті джерела", "з відкритих джерел", "відкрите джерело", "ЗМІ",
               "соцмережі", "соціальні мережі"),
        "ru": ("открытые источники", "из открытых источников", "открытый источник", "СМИ",
               "соцсети", "социальные сети"),
    },
    Evidence.RETURNEE_TESTIMONY: {
        "en": ("testimony of a returnee", "returnee testimony", "returnee", "released prisoner"),
        "uk": ("свідчення звільненого", "свідчення звільнених", "свідчення повернутого",
               "свідчення повернутих", "свідчення звільненого з полону"),
        "ru": ("показания освобожденного", "показания освобожденных",
               "показания вернувшегося", "свидетельство освобожденного",
               "показания освобожденного из плена"),
    },
    Evidence.RELATIVE_REPORT: {
        "en": ("report of a relative", "relative report", "relative's report", "family report",
               "reported by relatives", "relatives"),
        "uk": ("повідомлення родичів", "повідомлення родича", "заява родичів", "заява родича",
               "від родичів", "родичі"),
        "ru": ("сообщение родственников", "сообщение родственника",
               "заявление родственников", "заявление родственника", "от родственников",
               "родственники"),
    },
    Evidence.UNKNOWN: {
        "en": ("unknown",),
        "uk": ("невідомо",),
        "ru": ("неизвестно",),
    },
})  # fmt: skip


def _word(words: Words[E], text: str, default: E, language: str | None) -> E:
    value = words.read(text, default)
    if value is None:
        raise InvalidRecord(words.column, words.refusal(text.strip(), language))
    return value


def parse_category(text: str, language: str | None = None) -> Category:
    return _word(CATEGORY_WORDS, text, Category.OTHER, language)


def parse_health(text: str, language: str | None = None) -> Health:
    return _word(HEALTH_WORDS, text, Health.UNKNOWN, language)


def parse_sex(text: str, language: str | None = None) -> Sex:
    return _word(SEX_WORDS, text, Sex.UNKNOWN, language)


def parse_evidence(text: str, language: str | None = None) -> Evidence:
    return _word(EVIDENCE_WORDS, text, Evidence.UNKNOWN, language)


def read_evidence(text: str) -> Evidence | None:
    """The evidence `text` names, or None when it names none (the text is then kept as written)."""
    return EVIDENCE_WORDS.read(text, Evidence.UNKNOWN)


_UNSAID = (Sex.UNKNOWN, Health.UNKNOWN, Evidence.UNKNOWN)


@dataclass(frozen=True)
class PersonRecord:
    """One party's description of one human; names may be in any script."""

    record_id: str
    family_name: str = ""
    given_name: str = ""
    patronymic: str = ""  # father's name (GC III art. 17)
    full_name: str = ""
    aliases: tuple[str, ...] = ()
    sex: Sex = Sex.UNKNOWN
    birth_date: PartialDate | None = None
    birth_place: str = ""
    citizenship: str = ""
    depends_on: str = ""  # the Power on which the person depends, distinct from citizenship
    rank: str = ""
    service_number: str = ""
    unit: str = ""
    national_id: str = ""
    mother_maiden_name: str = ""
    next_of_kin: str = ""
    home_address: str = ""
    category: Category = Category.OTHER
    health: Health = Health.UNKNOWN
    capture_date: PartialDate | None = None
    capture_place: str = ""
    evidence: Evidence = Evidence.UNKNOWN
    notes: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())  # unknown columns, kept verbatim

    def __post_init__(self) -> None:
        if not self.record_id.strip():
            raise InvalidRecord("record_id", N_("is empty"))
        if len(self.record_id) > MAX_RECORD_ID:
            raise InvalidRecord(
                "record_id",
                N_("has {length} characters; an id holds at most {most}"),
                length=len(self.record_id),
                most=MAX_RECORD_ID,
            )
        if not (self.family_name or self.given_name or self.full_name or self.aliases):
            raise InvalidRecord("family_name", N_("a person needs a name (family, given or full)"))

    @property
    def display_name(self) -> str:
        """The name as the party wrote it, family name first."""
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)

    @property
    def seriously_wounded_or_sick(self) -> bool:
        return self.health is Health.SERIOUSLY_WOUNDED_OR_SICK

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON values; empty fields are left out."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            # An unknown sex, health or evidence is said by its absence; a text that reads
            # "unknown" is a text (a StrEnum member equals its value: asked by identity).
            if value in ("", None, ()) or any(value is u for u in _UNSAID):
                continue
            if isinstance(value, PartialDate):
                out[f.name] = value.iso()
            elif f.name == "aliases":
                out[f.name] = list(value)
            elif f.name == "extra":
                out[f.name] = dict(value)
            else:
                out[f.name] = str(value)
        out.setdefault("category", self.category.value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PersonRecord:
        """Rebuild a record from `to_dict` output."""
        kwargs: dict[str, Any] = {
            k: v for k, v in data.items() if k not in {"aliases", "extra"} and isinstance(v, str)
        }
        for name in ("birth_date", "capture_date"):
            if name in kwargs:
                kwargs[name] = parse_partial_date(name, kwargs[name])
        if "sex" in kwargs:
            kwargs["sex"] = Sex(kwargs["sex"])
        if "category" in kwargs:
            kwargs["category"] = Category(kwargs["category"])
        if "health" in kwargs:
            kwargs["health"] = Health(kwargs["health"])
        if "evidence" in kwargs:
            kwargs["evidence"] = Evidence(kwargs["evidence"])
        kwargs["aliases"] = tuple(data.get("aliases", ()))
        kwargs["extra"] = tuple(sorted(dict(data.get("extra", {})).items()))
        return cls(**kwargs)
