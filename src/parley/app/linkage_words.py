"""The words record linkage and search write to explain a pair, said in the reader's language.

Linkage writes its explanations in English, in DuckDB (linkage/explain.py: each comparison's
level and weight, then the fields one record lacks), and search writes its own (each part of
the names compared, the romanised spelling's score, the birth dates). Both are made of parts
whose shape is the linkage's: a comparison's name, one of its levels' words (linkage.model),
the values a level quotes, a question, a weight. Each part is read back here by that shape and
said again as a template (`ParleyError`), its words through the catalogs, its names and values
as written, its numbers as the language writes them. A part read back says in English exactly
what it said; a part not read back (a linkage's word this table does not know yet) is kept as
written: English is always the text as it stands.
"""

from __future__ import annotations

import re

from parley.errors import N_, ParleyError, Word
from parley.names.similarity import PartComparison

# Each comparison of linkage.model and the words of its levels and their questions, marked for
# the catalogs (a test holds this table to linkage.model.ALL).
COMPARISONS = (
    N_("family name"), N_("given name"), N_("patronymic"), N_("birth date"), N_("birth place"),
    N_("home address"), N_("service number"), N_("national id"), N_("rank"), N_("unit"),
    N_("citizenship"), N_("sex"),
)  # fmt: skip
LEVELS = (
    N_("the same once transliterated"),
    N_("the same in another reading of its Latin letters"),
    N_("the same but for a gendered ending"),
    N_("sound alike (machine translation or hearing)"),
    N_("swapped with the given name"),
    N_("written as the given name on the other record"),
    N_("spelt alike (a typo)"),
    N_("sound nearly alike and spelt somewhat alike"),
    N_("sound nearly alike (one sound apart)"),
    N_("spelt somewhat alike"),
    N_("different"),
    N_("the same name in any language"),
    N_("different given names, the same father's name or birthday"),
    N_("different given names, neither a form, a diminutive nor a typo of the other"),
    N_("sound alike (machine translation)"),
    N_("garbled but near (a sound or two apart)"),
    N_("an initial that agrees"),
    N_("different given names, spelt wholly apart"),
    N_("the same father's name"),
    N_("one's father's name is the other's given name"),
    N_("different fathers' names"),
    N_("the same day"),
    N_("day and month swapped"),
    N_("the same year and month, the day written on one side only"),
    N_("the same year, the rest written on one side only"),
    N_("one number differs (a typo)"),
    N_("a year apart, the rest agreeing where both have it"),
    N_("the same year only"),
    N_("born a generation apart"),
    N_("born years apart"),
    N_("the same place"),
    N_("places that sound alike"),
    N_("places spelt alike"),
    N_("the same address"),
    N_("addresses spelt alike"),
    N_("addresses somewhat alike"),
    N_("the same service number"),
    N_("service numbers one character apart (a typo?)"),
    N_("different service number"),
    N_("the same national id"),
    N_("national ids one character apart (a typo?)"),
    N_("different national id"),
    N_("the same rank"),
    N_("different rank"),
    N_("the same unit"),
    N_("different unit"),
    N_("the same citizenship"),
    N_("different citizenship"),
    N_("the same sex"),
    N_("a man and a woman, each named so twice over"),
    N_("another sex, told by one part of a name only"),
)
QUESTIONS = (
    N_("a brother or a twin?"),
    N_("a brother?"),
    N_("father and son?"),
    N_("a namesake?"),
    N_("a father, son or namesake?"),
    N_("a brother, sister or namesake?"),
    N_("a wife, sister, mother or brother?"),
)
# what a whole explanation starts with: how the pair was found (the log keeps the basis)
_FOUND = {
    "record linkage: ": N_("record linkage: {words}"),
    "search ranks it first by a clear lead: ": N_("search ranks it first by a clear lead: {words}"),
    "possibly written twice: ": N_("possibly written twice: {words}"),
}
_CANDIDATE = N_("as likely as another candidate")
_NAME_NOTES = (  # names.similarity's notes on two names (marked there)
    "a word on one side only",
    "one name is a man's, the other a woman's",
    "given name and patronymic are swapped: father and son?",
    "family and given name swapped",
)

_WEIGHED = re.compile(r"(?P<name>[a-z ]+): (?P<level>.+) \((?P<weight>[+-]\d+\.\d)\)", re.S)
_PART = re.compile(
    r"(?P<part>family name|given name|patronymic|other words) (?P<left>.*?) ~ (?P<right>.*): "
    r"(?P<reason>.+) \((?P<score>\d\.\d\d)\)",
    re.S,
)
_SAME_GROUP = re.compile(r"same (?:given name|father's name) \((?P<group>.+)\)", re.S)
_GROUP = re.compile(r"ambiguous \(group (?P<group>\d+)\): as likely as another candidate")
_DIFFER = re.compile(
    r"(?P<first>[a-z ]+?)(?: and (?P<second>[a-z ]+))? differs?: review before acting"
)
_BORN = re.compile(r"birth date (?P<date>.*): (?P<agreement>[a-z ,]+)", re.S)
_BOTH_BORN = re.compile(
    r"birth date (?P<left>[^/]*?) / (?P<right>[^/]*?): (?P<agreement>[a-z ,]+)", re.S
)
_IDENTIFIER = re.compile(
    r"(?P<field>service number|national id) (?P<left>.*) / (?P<right>.*) (?P<verb>agrees|differs)",
    re.S,
)
# two records' identifiers compared (app.explanations): (identifier, agrees) -> the words
IDENTIFIER_WORDS = {
    ("service number", True): N_("service number {left} / {right} agrees"),
    ("service number", False): N_("service number {left} / {right} differs"),
    ("national id", True): N_("national id {left} / {right} agrees"),
    ("national id", False): N_("national id {left} / {right} differs"),
}
_SPELT = re.compile(r"romanised spelling (?P<score>\d\.\d\d)")
_RESPELT = re.compile(r"read as a Russian list writes it: (?P<text>.+)", re.S)


def explanation_said(text: str) -> ParleyError:
    """A linkage's or a search's explanation (or a match's basis) as a template: each part in
    the reader's words where it is read back, as written where not; `str()` is `text`."""
    for start, template in _FOUND.items():
        if text.startswith(start) and len(text) > len(start):
            return _checked(ParleyError(template, words=_parts(text[len(start) :])), text)
    return _parts(text)


def match_said(text: str) -> ParleyError:
    """A match's explanation as `explanations.explain_matches` writes it in English (a server's
    answer): its basis, the two records compared, then both names as written (`(Koval Oleh /
    Коваль Олег)`), as a template `explanations.explained` makes; `str()` is `text`."""
    body, names = text, None
    at = text.rfind(" (")
    if text.endswith(")") and at > 0 and text[at + 2 : -1].count(" / ") == 1:
        left, _, right = text[at + 2 : -1].partition(" / ")
        body, names = text[:at], (left, right)
    parts = body.split("; ")
    said = [_part(part) for part in parts]
    first = next((i for i, s in enumerate(said) if _compares(s)), None)
    if first is None:
        return _checked(_with_names(explanation_said(body), names), text)
    compared = _with_names(_joined(said[first:]), names)
    if first:
        basis = explanation_said("; ".join(parts[:first]))
        compared = ParleyError(N_("{basis}; {compared}"), basis=basis, compared=compared)
    return _checked(compared, text)


def _with_names(said: ParleyError, names: tuple[str, str] | None) -> ParleyError:
    if names is None:
        return said
    template = N_("{compared} ({left} / {right})")
    return ParleyError(template, compared=said, left=names[0], right=names[1])


_COMPARING = (
    N_("{part} {left} ~ {right}: {reason} ({score:.2f})"),
    N_("birth date {left} / {right}: {agreement}"),
    N_("nothing to compare"),
    N_("a record is erased: nothing of it is shown"),
)


def _compares(said: object) -> bool:
    """Whether a part is one of the two records compared (app.explanations.compared's)."""
    if isinstance(said, ParleyError):
        return said.template in _COMPARING or said.template in IDENTIFIER_WORDS.values()
    return said in _COMPARING


def _joined(said: list[object]) -> ParleyError:
    params = {f"p{i}": p for i, p in enumerate(said)}
    return ParleyError("; ".join("{" + k + "}" for k in params), **params)


class _Unread(Word):
    """A part not read back: one of Parley's words (a pass's basis), or as written."""

    __slots__ = ()


def _parts(text: str) -> ParleyError:
    said = [_part(part) for part in text.split("; ")]
    if all(isinstance(s, _Unread) for s in said):  # one of Parley's words (`...; ...`) whole
        return ParleyError("{p0}", p0=Word(text))
    return _joined(said)


def _checked(said: ParleyError, text: str) -> ParleyError:
    """`said` where it reads in English as `text` did, else `text` as it stands."""
    return said if str(said) == text else ParleyError("{text}", text=text)


def _part(text: str) -> object:
    """One part of an explanation, said as a template when it is read back."""
    if text in (_CANDIDATE, *_NAME_NOTES):
        return Word(text)
    readers = (
        _weighed, _name_part, _group, _differ, _missing, _both_born, _born, _identifier, _spelt,
        _respelt,
    )  # fmt: skip
    for read in readers:
        said = read(text)
        if said is not None and str(said) == text:
            return said
    return _Unread(text)


def _weighed(text: str) -> ParleyError | None:
    """`family name: the same once transliterated (+9.1)`: a comparison's level and weight."""
    found = _WEIGHED.fullmatch(text)
    if found is None or found["name"] not in COMPARISONS:
        return None
    level = _level(found["level"])
    if level is None:
        return None
    return ParleyError(
        "{comparison}: {level} ({weight:+.1f})",
        comparison=Word(found["name"]),
        level=level,
        weight=float(found["weight"]),
    )


def _level(text: str) -> object | None:
    """A level's words, with the two values it quotes (`: Олег / Павел`) and its question."""
    said: object | None = None
    rest = ""
    for label in sorted(LEVELS, key=len, reverse=True):
        if text.startswith(label):
            said, rest = Word(label), text[len(label) :]
            break
    if said is None:
        return None
    question = next((q for q in QUESTIONS if rest.endswith(f" — {q}")), None)
    if question is not None:
        rest = rest[: -len(f" — {question}")]
    if rest:
        left, slash, right = rest.removeprefix(": ").partition(" / ")
        if not rest.startswith(": ") or not slash:
            return None
        said = ParleyError("{label}: {left} / {right}", label=said, left=left, right=right)
    if question is not None:
        said = ParleyError("{level} — {question}", level=said, question=Word(question))
    return said


def _name_part(text: str) -> ParleyError | None:
    """`given name Олег ~ Oleh: same once transliterated (0.97)`: a part of two names."""
    found = _PART.fullmatch(text)
    if found is None:
        return None
    group = _SAME_GROUP.fullmatch(found["reason"])
    return PartComparison(
        found["part"],
        found["left"],
        found["right"],
        float(found["score"]),
        found["reason"],
        group["group"] if group else "",
    ).said()


def _group(text: str) -> ParleyError | None:
    found = _GROUP.fullmatch(text)
    if found is None:
        return None
    return ParleyError(
        N_("ambiguous (group {group}): as likely as another candidate"), group=found["group"]
    )


def _differ(text: str) -> ParleyError | None:
    """`service number differs: review before acting` (or both identifiers)."""
    found = _DIFFER.fullmatch(text)
    if found is None or found["first"] not in COMPARISONS:
        return None
    if found["second"] is None:
        template = N_("{identifier} differs: review before acting")
        return ParleyError(template, identifier=Word(found["first"]))
    template = N_("{first} and {second} differ: review before acting")
    return ParleyError(template, first=Word(found["first"]), second=Word(found["second"]))


def _missing(text: str) -> ParleyError | None:
    """`not on both records: birth place, home address`."""
    start = "not on both records: "
    if not text.startswith(start):
        return None
    names = text[len(start) :].split(", ")
    if not all(n in COMPARISONS for n in names):
        return None
    params = {f"p{i}": Word(n) for i, n in enumerate(names)}
    listed = ParleyError(", ".join("{" + k + "}" for k in params), **params)
    return ParleyError(N_("not on both records: {fields}"), fields=listed)


def _born(text: str) -> ParleyError | None:
    """`birth date 1980-03-04: same year and month, another day` (a search's)."""
    found = _BORN.fullmatch(text)
    if found is None:
        return None
    return ParleyError(
        N_("birth date {date}: {agreement}"),
        date=found["date"],
        agreement=Word(found["agreement"]),
    )


def _both_born(text: str) -> ParleyError | None:
    """`birth date 1980-03-04 / 1980-04-03: day and month swapped` (two records compared)."""
    found = _BOTH_BORN.fullmatch(text)
    if found is None:
        return None
    return ParleyError(
        N_("birth date {left} / {right}: {agreement}"),
        left=found["left"],
        right=found["right"],
        agreement=Word(found["agreement"]),
    )


def _identifier(text: str) -> ParleyError | None:
    """`service number 123 / 123 agrees` (two records compared)."""
    found = _IDENTIFIER.fullmatch(text)
    if found is None:
        return None
    template = IDENTIFIER_WORDS[found["field"], found["verb"] == "agrees"]
    return ParleyError(template, left=found["left"], right=found["right"])


def _spelt(text: str) -> ParleyError | None:
    found = _SPELT.fullmatch(text)
    if found is None:
        return None
    return ParleyError(N_("romanised spelling {score:.2f}"), score=float(found["score"]))


def _respelt(text: str) -> ParleyError | None:
    found = _RESPELT.fullmatch(text)
    if found is None:
        return None
    return ParleyError(N_("read as a Russian list writes it: {text}"), text=found["text"])
