"""The canonical text of an agreement in Ukrainian, Russian and English: what the sides sign.

The text is rendered from the agreement alone, deterministically, so the SHA-256 of its UTF-8
bytes names exactly one agreement (docs/agreements.md says which bytes, byte for byte).
Free text (titles, descriptions, places) appears in each language as translated in the
agreement; where no translation was given, as written, marked untranslated. Named persons
appear by id and by name as their roster wrote it, in each language's script (the app reads
the names from the records the agreement refers to, and gives them in `names`). An agreement
drafted before it declared its language is rendered as it always was.
"""

from __future__ import annotations

from parley.domain.agreements import (
    TEXT_LANGUAGES,
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
)
from parley.domain.errors import DomainError
from parley.errors import N_

LANGUAGES = TEXT_LANGUAGES

# How the text names a person whose record was erased, in each language: the name the sides
# signed is gone with the record, so the text no longer hashes to what they signed.
ERASED_NAME: dict[str, str] = {"uk": "[ім'я стерто]", "ru": "[имя стёрто]", "en": "[name erased]"}

_WORDS: dict[str, dict[str, str]] = {
    "heading": {"uk": "Українська", "ru": "Русский", "en": "English"},
    "agreement": {"uk": "Угода", "ru": "Соглашение", "en": "Agreement"},
    "sides": {"uk": "Сторони", "ru": "Стороны", "en": "Sides"},
    "mediator": {"uk": "Посередник", "ru": "Посредник", "en": "Mediator"},
    "phase": {"uk": "Етап", "ru": "Этап", "en": "Phase"},
    "place": {"uk": "місце", "ru": "место", "en": "place"},
    "due": {"uk": "строк", "ru": "срок", "en": "due"},
    "releases": {"uk": "звільняє", "ru": "освобождает", "en": "releases"},
    "after": {"uk": "після етапу", "ru": "после этапа", "en": "after phase"},
    # free text given in another language: (how it is marked, the language it is written in)
    "untranslated": {
        "uk": "[без перекладу, подано {language}]",
        "ru": "[без перевода, дано {language}]",
        "en": "[untranslated, given in {language}]",
    },
    "in_uk": {"uk": "українською", "ru": "на украинском", "en": "Ukrainian"},
    "in_ru": {"uk": "російською", "ru": "на русском", "en": "Russian"},
    "in_en": {"uk": "англійською", "ru": "на английском", "en": "English"},
    CommitmentKind.EXCHANGE: {"uk": "обмін", "ru": "обмен", "en": "exchange"},
    CommitmentKind.CEASEFIRE: {
        "uk": "припинення вогню",
        "ru": "прекращение огня",
        "en": "ceasefire",
    },
    CommitmentKind.DISENGAGEMENT: {
        "uk": "розведення сил",
        "ru": "разведение сил",
        "en": "disengagement",
    },
    CommitmentKind.BORDER_CONTROL: {
        "uk": "контроль кордону",
        "ru": "контроль границы",
        "en": "border control",
    },
    CommitmentKind.OTHER: {
        "uk": "інше зобов'язання",
        "ru": "иное обязательство",
        "en": "other commitment",
    },
    ExchangeMode.NAMED: {
        "uk": "{a} на {b}, поіменно",
        "ru": "{a} на {b}, поименно",
        "en": "{a} for {b}, named",
    },
    ExchangeMode.RATIO: {
        "uk": "у співвідношенні {p}:{q}",
        "ru": "в соотношении {p}:{q}",
        "en": "at a ratio of {p}:{q}",
    },
    ExchangeMode.ALL_FOR_ALL: {"uk": "всіх на всіх", "ru": "всех на всех", "en": "all for all"},
}


def _free(agreement: Agreement, text: str, lang: str) -> str:
    """Free text in `lang`: as drafted, translated, or as written and marked untranslated."""
    if not agreement.language or not text:
        return text
    found = agreement.translated(text, lang)
    if found is not None:
        return found
    given_in = _WORDS[f"in_{agreement.language}"][lang]
    return f"{text} {_WORDS['untranslated'][lang].format(language=given_in)}"


def _commitment(agreement: Agreement, c: Commitment, lang: str) -> list[str]:
    w = _WORDS
    line = f"  {c.commitment_id}. {w[c.kind][lang]}: {_free(agreement, c.description, lang)}"
    details = []
    if c.place:
        details.append(f"{w['place'][lang]}: {_free(agreement, c.place, lang)}")
    if c.due_date:
        details.append(f"{w['due'][lang]}: {c.due_date.isoformat()}")
    if c.after:
        details.append(f"{w['after'][lang]} {c.after}")
    if details:
        line += f" ({'; '.join(details)})"
    lines = [line]
    if c.exchange is not None:
        e = c.exchange
        counts = [len(refs) for _, refs in e.named] or [0, 0]
        terms = w[e.mode][lang].format(a=counts[0], b=counts[-1], p=e.ratio[0], q=e.ratio[1])
        lines.append(f"    {terms}")
        for party, refs in e.named:
            if not agreement.names:  # drafted before names were written into the text
                lines.append(f"    {party} {w['releases'][lang]}: {', '.join(map(str, refs))}")
                continue
            lines.append(f"    {party} {w['releases'][lang]}:")
            lines.extend(f"      {r} {agreement.name_of(r, lang) or ''}".rstrip() for r in refs)
    return lines


def render(agreement: Agreement, lang: str) -> str:
    """The agreement in one language; its persons' names computed (`names`) when it reads
    them from records (`named_records`)."""
    if agreement.named_records and not agreement.names:
        raise DomainError(
            N_(
                "agreement {agreement}: its persons' names are read from their records when it"
                " is shown; render it with them"
            ),
            agreement=agreement.agreement_id,
        )
    w = _WORDS
    title = _free(agreement, agreement.title, lang)
    lines = [
        f"{w['agreement'][lang]} {agreement.agreement_id}: {title}",
        f"{w['sides'][lang]}: {agreement.sides[0]}, {agreement.sides[1]}",
        f"{w['mediator'][lang]}: {agreement.mediator}",
    ]
    for phase in agreement.phases:
        phase_title = _free(agreement, phase.title, lang)
        lines.append(f"{w['phase'][lang]} {phase.ordinal} ({phase.phase_id}): {phase_title}")
        for c in phase.commitments:
            lines.extend(_commitment(agreement, c, lang))
    return "\n".join(lines) + "\n"


def canonical_text(agreement: Agreement) -> str:
    """All three languages, in a fixed order: the text whose hash is signed."""
    return "".join(
        f"=== {_WORDS['heading'][lang]} ===\n{render(agreement, lang)}\n" for lang in LANGUAGES
    )
