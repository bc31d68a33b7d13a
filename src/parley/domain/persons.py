"""Person records: one party's description of one human (GC III arts. 17, 122 and Annex IV)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from parley.domain.dates import PartialDate, parse_partial_date
from parley.domain.errors import InvalidRecord

E = TypeVar("E", bound=enum.StrEnum)


class Category(enum.StrEnum):
    MILITARY = "military"
    CIVILIAN = "civilian"
    JOURNALIST = "journalist"
    OTHER = "other"


class Health(enum.StrEnum):
    UNKNOWN = "unknown"
    FIT = "fit"
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


# Words a coordination office writes in a category / health / sex / evidence column.
_CATEGORY_WORDS: dict[str, Category] = {
    "military": Category.MILITARY, "pow": Category.MILITARY, "soldier": Category.MILITARY,
    "військовий": Category.MILITARY, "військовополонений": Category.MILITARY,
    "военный": Category.MILITARY, "военнопленный": Category.MILITARY,
    "civilian": Category.CIVILIAN, "цивільний": Category.CIVILIAN,
    "гражданский": Category.CIVILIAN, "мирный житель": Category.CIVILIAN,
    "journalist": Category.JOURNALIST, "журналіст": Category.JOURNALIST,
    "журналист": Category.JOURNALIST, "other": Category.OTHER, "інше": Category.OTHER,
    "другое": Category.OTHER,
}  # fmt: skip
_HEALTH_WORDS: dict[str, Health] = {
    "fit": Health.FIT, "healthy": Health.FIT, "здоровий": Health.FIT, "здоров": Health.FIT,
    "wounded": Health.WOUNDED, "поранений": Health.WOUNDED, "ранен": Health.WOUNDED,
    "раненый": Health.WOUNDED,
    "seriously_wounded_or_sick": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "seriously wounded": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "seriously sick": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "seriously ill": Health.SERIOUSLY_WOUNDED_OR_SICK, "swsi": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "важкопоранений": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "тяжелораненый": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "тяжело больной": Health.SERIOUSLY_WOUNDED_OR_SICK,
    "unknown": Health.UNKNOWN,
}  # fmt: skip
_SEX_WORDS: dict[str, Sex] = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "ж": Sex.FEMALE, "жін": Sex.FEMALE,
    "жінка": Sex.FEMALE, "жен": Sex.FEMALE, "женщина": Sex.FEMALE,
    "m": Sex.MALE, "male": Sex.MALE, "ч": Sex.MALE, "чол": Sex.MALE, "чоловік": Sex.MALE,
    "м": Sex.MALE, "муж": Sex.MALE, "мужчина": Sex.MALE, "unknown": Sex.UNKNOWN,
}  # fmt: skip


def _word(field_name: str, text: str, words: Mapping[str, E], default: E, enum_cls: type[E]) -> E:
    key = " ".join(text.strip().lower().replace("-", " ").split())
    if not key:
        return default
    if key in words:
        return words[key]
    try:
        return enum_cls(key.replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(sorted({e.value for e in enum_cls}))
        raise InvalidRecord(field_name, f"{text!r} is not one of: {allowed}") from None


def parse_category(text: str) -> Category:
    return _word("category", text, _CATEGORY_WORDS, Category.OTHER, Category)


def parse_health(text: str) -> Health:
    return _word("health", text, _HEALTH_WORDS, Health.UNKNOWN, Health)


def parse_sex(text: str) -> Sex:
    return _word("sex", text, _SEX_WORDS, Sex.UNKNOWN, Sex)


def parse_evidence(text: str) -> Evidence:
    return _word("evidence", text, {}, Evidence.UNKNOWN, Evidence)


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
            raise InvalidRecord("record_id", "is empty")
        if not (self.family_name or self.given_name or self.full_name or self.aliases):
            raise InvalidRecord("family_name", "a person needs a name (family, given or full)")

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
            if value in ("", None, (), Sex.UNKNOWN, Health.UNKNOWN, Evidence.UNKNOWN):
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
