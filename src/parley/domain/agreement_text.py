"""The canonical text of an agreement in Ukrainian, Russian and English: what the sides sign.

The text is rendered from the agreement alone, deterministically, so the SHA-256 of its UTF-8
bytes names exactly one agreement; titles and descriptions appear as drafted.
"""

from __future__ import annotations

from parley.domain.agreements import Agreement, Commitment, CommitmentKind, ExchangeMode

LANGUAGES = ("uk", "ru", "en")

_WORDS: dict[str, dict[str, str]] = {
    "heading": {"uk": "Українська", "ru": "Русский", "en": "English"},
    "agreement": {"uk": "Угода", "ru": "Соглашение", "en": "Agreement"},
    "sides": {"uk": "Сторони", "ru": "Стороны", "en": "Sides"},
    "mediator": {"uk": "Посередник", "ru": "Посредник", "en": "Mediator"},
    "phase": {"uk": "Етап", "ru": "Этап", "en": "Phase"},
    "place": {"uk": "місце", "ru": "место", "en": "place"},
    "due": {"uk": "строк", "ru": "срок", "en": "due"},
    "releases": {"uk": "звільняє", "ru": "освобождает", "en": "releases"},
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


def _commitment(c: Commitment, lang: str) -> list[str]:
    w = _WORDS
    line = f"  {c.commitment_id}. {w[c.kind][lang]}: {c.description}"
    details = []
    if c.place:
        details.append(f"{w['place'][lang]}: {c.place}")
    if c.due_date:
        details.append(f"{w['due'][lang]}: {c.due_date.isoformat()}")
    if details:
        line += f" ({'; '.join(details)})"
    lines = [line]
    if c.exchange is not None:
        e = c.exchange
        counts = [len(refs) for _, refs in e.named] or [0, 0]
        terms = w[e.mode][lang].format(a=counts[0], b=counts[-1], p=e.ratio[0], q=e.ratio[1])
        lines.append(f"    {terms}")
        for party, refs in e.named:
            lines.append(f"    {party} {w['releases'][lang]}: {', '.join(str(r) for r in refs)}")
    return lines


def render(agreement: Agreement, lang: str) -> str:
    """The agreement in one language."""
    w = _WORDS
    lines = [
        f"{w['agreement'][lang]} {agreement.agreement_id}: {agreement.title}",
        f"{w['sides'][lang]}: {agreement.sides[0]}, {agreement.sides[1]}",
        f"{w['mediator'][lang]}: {agreement.mediator}",
    ]
    for phase in agreement.phases:
        lines.append(f"{w['phase'][lang]} {phase.ordinal} ({phase.phase_id}): {phase.title}")
        for c in phase.commitments:
            lines.extend(_commitment(c, lang))
    return "\n".join(lines) + "\n"


def canonical_text(agreement: Agreement) -> str:
    """All three languages, in a fixed order: the text whose hash is signed."""
    return "".join(
        f"=== {_WORDS['heading'][lang]} ===\n{render(agreement, lang)}\n" for lang in LANGUAGES
    )
