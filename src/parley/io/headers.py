"""Roster column names and the header aliases a coordination office's spreadsheet carries."""

from __future__ import annotations

import unicodedata

CANONICAL: tuple[str, ...] = (
    "record_id",
    "row_number",  # the list's own numbering: kept as the row's number, never identity
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "birth_place",
    "citizenship",
    "depends_on",
    "rank",
    "service_number",
    "unit",
    "national_id",
    "mother_maiden_name",
    "next_of_kin",
    "home_address",
    "category",
    "health",
    "capture_date",
    "capture_place",
    "evidence",
    "notes",
)

# Each column's label on Parley's pages (domain.persons.FIELD_LABELS, translated) is among its
# aliases: a workbook Parley writes in Ukrainian or Russian imports again.
_ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": (
        "id",
        "record id",
        "ідентифікатор запису",
        "идентификатор записи",
        "ідентифікатор",
        "идентификатор",
        "номер запису",
        "номер записи",
        "код",
    ),
    "row_number": (
        "№",
        "№ п/п",
        "№ з/п",
        "п/п",
        "з/п",
        "n",
        "no",
        "nr",
        "row",
        "row number",
        "порядковий номер",
        "номер за списком",
        "номер по списку",
        "порядковый номер",
        "номер з/п",
        "номер п/п",
    ),
    "family_name": ("прізвище", "фамилия", "surname", "last name", "family name"),
    "given_name": ("ім'я", "імя", "имя", "first name", "given name", "given names"),
    "patronymic": ("по батькові", "отчество", "father's name", "fathers name", "middle name"),
    "full_name": (
        "піб",
        "фио",
        "full name",
        "прізвище ім'я по батькові",
        "фамилия имя отчество",
        "повне ім'я",
        "полное имя",
    ),
    "aliases": ("alias", "other names", "інші імена", "другие имена", "псевдонім", "псевдоним"),
    "sex": ("gender", "стать", "пол"),
    "birth_date": (
        "дата народження",
        "дата рождения",
        "date of birth",
        "dob",
        "born",
        # as offices shorten them; a year-of-birth column takes a year as well as a date
        "дата народж",
        "дата нар",
        "дата рожд",
        "д н",
        "рік народження",
        "р н",
        "год рождения",
        "г р",
        "year of birth",
    ),
    "birth_place": ("місце народження", "место рождения", "place of birth"),
    "citizenship": ("громадянство", "гражданство", "nationality"),
    "depends_on": (
        "power",
        "сторона",
        "power on which the person depends",
        "power the person depends on",
        "держава, від якої залежить особа",
        "государство, от которого зависит лицо",
    ),
    "rank": ("звання", "звание", "військове звання", "воинское звание"),
    "service_number": (
        "особистий номер",
        "особовий номер",
        "личный номер",
        "номер жетона",
        "жетон",
        "личный знак",
        "service no",
        "service number",
        "military id",
    ),
    "unit": ("військова частина", "воинская часть", "в/ч", "military unit"),
    "national_id": (
        "номер паспорта / рнокпп",
        "номер паспорта / инн",
        "номер паспорта",
        "рнокпп",
        "инн",
        "passport",
        "passport number",
        "national id number",
        "national identity number",
        "національний ідентифікаційний номер",
        "национальный идентификационный номер",
    ),
    "mother_maiden_name": (
        "дівоче прізвище матері",
        "девичья фамилия матери",
        "mother's maiden name",
    ),
    "next_of_kin": (
        "найближчі родичі",
        "ближайшие родственники",
        "родичі",
        "родственники",
        "next of kin",
        "relatives",
    ),
    "home_address": ("адреса", "адрес", "домашня адреса", "домашний адрес", "address"),
    "category": ("категорія", "категория", "категорія особи", "категория лица", "статус"),
    "health": (
        "стан здоров'я",
        "состояние здоровья",
        "стан здоровя",
        "медичний стан",
        "медицинское состояние",
        "health",
        "health status",
        "medical",
    ),
    "capture_date": (
        "дата полону",
        "дата захоплення",
        "дата захоплення в полон",
        "дата взяття в полон",
        "дата пленения",
        "дата захвата",
        "дата взятия в плен",
        "date of capture",
        "captured",
    ),
    "capture_place": (
        "місце полону",
        "місце захоплення",
        "місце захоплення в полон",
        "місце взяття в полон",
        "место пленения",
        "место захвата",
        "место взятия в плен",
        "place of capture",
    ),
    "evidence": (
        "підстава",
        "основание",
        "source",
        "evidence",
        "джерело",
        "источник",
        "джерело інформації",
        "источник информации",
        "підтвердження",
        "подтверждение",
        "докази",
        "доказ",
        "доказательства",
        "доказательство",
        "evidence of detention",
        "підтвердження утримання",
        "подтверждение содержания",
    ),
    "notes": (
        "примітки",
        "примітка",
        "примечания",
        "примечание",
        "коментар",
        "комментарий",
        "comments",
        "remarks",
    ),
}


def header_key(text: str) -> str:
    """Case-folded letters and digits only, so `Дата народження`, `дата_народження` agree."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


HEADER_MAP: dict[str, str] = {}
for _name in CANONICAL:
    HEADER_MAP[header_key(_name)] = _name
    for _alias in _ALIASES.get(_name, ()):
        HEADER_MAP[header_key(_alias)] = _name


def canonical_column(header: str) -> str | None:
    """The canonical column a header stands for, or None for a column Parley does not know."""
    key = header_key(header)
    if not key and header.strip() == "#":  # a sign alone, which the key drops
        return "row_number"
    return HEADER_MAP.get(key)
