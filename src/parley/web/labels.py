"""The words for the domain's values on a page, marked for the catalogs (N_) and translated in
the templates: handover states, batch statuses, match states, ratings, report kinds, fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parley.domain.batches import STATUS_LABELS
from parley.domain.handovers import STATE_LABELS
from parley.domain.persons import CATEGORY_WORDS, FIELD_LABELS, HEALTH_WORDS
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
FIELDS = FIELD_LABELS

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
