"""An agreement's own words (its title, its phases' titles, its commitments' descriptions and
places) in a reader's language, where the agreement carries their translation: the pages show
them so, the words as the agreement is written kept beside them."""

from __future__ import annotations

from dataclasses import dataclass

from parley.app.ledger import Ledger
from parley.store import agreements as stored


@dataclass(frozen=True)
class Translated:
    """Words of an agreement in the reader's language, as the agreement itself translates them."""

    text: str
    language: str  # the language the agreement is written in: the words' own


def translated_words(ledger: Ledger, locale: str) -> dict[str, Translated]:
    """Every agreement's free text (as written) that its current version translates into
    `locale`, with that translation; text written in `locale`, or not translated, is absent."""
    found: dict[str, Translated] = {}
    with ledger.reading() as tx:
        for heading in stored.agreement_headings(tx):
            current = stored.agreement(tx, heading.agreement_id)
            if current is None:
                continue
            agreement = current.agreement
            if not agreement.language or agreement.language == locale:
                continue
            for text, given in agreement.translations:
                translation = dict(given).get(locale)
                if translation:
                    found.setdefault(text, Translated(translation, agreement.language))
    return found
