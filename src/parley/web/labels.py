"""The words for the domain's values on a page, marked for the catalogs (N_) and translated in
the templates: handover states, batch statuses, match states, ratings, report kinds, fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parley.domain.batches import STATUS_LABELS
from parley.domain.handovers import STATE_LABELS
from parley.domain.persons import CATEGORY_WORDS, HEALTH_WORDS
from parley.domain.words import Words, word_key
from parley.web.i18n import N_

HANDOVER_STATES: dict[str, str] = {str(k): v for k, v in STATE_LABELS.items()}
BATCH_STATUSES: dict[str, str] = {str(k): v for k, v in STATUS_LABELS.items()}
MATCH_STATES = {
    "proposed": N_("Awaiting a decision"),
    "confirmed": N_("Confirmed"),
    "rejected": N_("Rejected"),
    "reversed": N_("Reversed"),
    "ambiguous": N_("Too close to tell apart"),
}
RATINGS = {
    0: N_("not started"),
    1: N_("minimal"),
    2: N_("intermediate"),
    3: N_("full"),
}
REPORT_KINDS = {
    "violation": N_("violation"),
    "compliance": N_("compliance"),
    "observation": N_("observation"),
}
# every roster column (io/headers.CANONICAL) by its name on a page
FIELDS = {
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

# the controlled columns a record shows as recorded: a known word in the reader's language
VOCABULARY: dict[str, Words[Any]] = {"category": CATEGORY_WORDS, "health": HEALTH_WORDS}


def column(text: str, gettext: Callable[[str], str]) -> str:
    """A roster column as a page names it: a known field (`birth_date`) by its label in the
    reader's language, a problem's `canonical (header)` as `label (header)`; a header Parley
    does not read, as the file wrote it."""
    name, bracket, header = text.partition(" (")
    if name not in FIELDS:
        return text
    label = gettext(FIELDS[name])
    if not bracket or header[:-1].strip().casefold() == label.casefold():
        return label
    return f"{label} ({header}"


def word(column: str, value: object, locale: str) -> object:
    """A recorded value of a controlled column (`військовий`, `POW`, `важкопоранений`) as the
    reader's language writes that value (domain/persons.py's words); anything else as recorded."""
    words = VOCABULARY.get(column)
    if words is None or not isinstance(value, str):
        return value
    known = words.lookup.get(word_key(value))
    if known is None:
        return value
    return (words.values[known].get(locale) or (known.value,))[0]
