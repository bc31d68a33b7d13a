"""How alike two names are, part by part, with the reason for each part's score."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from rapidfuzz.distance import OSA, JaroWinkler

from parley.errors import N_, ParleyError, Word
from parley.names.keys import NameKeys, TokenKeys, normalise_person_name
from parley.names.transcription import best_transcription_similarity

# At or above this, two names are taken for the same name (chosen on the labelled pairs of
# benchmarks/names_pairs.py: precision 0.99, recall 0.95 there).
NAME_MATCH_THRESHOLD = 0.85
# How much each part says about identity, when both names carry it.
_WEIGHTS = {"family name": 0.5, "given name": 0.3, "patronymic": 0.2}
_SWAP_PENALTY = 0.03
_DISAGREE = 0.8
_EXTRA_WEIGHT = 0.2
# Endings shared by many unrelated family names (skeleton alphabet), longest first.
_COMMON_ENDINGS = (
    "Cenko",
    "enko",
    "ovski",
    "evski",
    "inski",
    "ovska",
    "evska",
    "inska",
    "ski",
    "ska",
    "cki",
    "cka",
    "oviC",
    "eviC",
    "Cuk",
    "uk",
    "ova",
    "eva",
    "ina",
    "ov",
    "ev",
    "in",
)  # a guessed order of family and given name costs a little


# The words a comparison says, for the catalogs (a face shows them translated, `said`): the
# parts, each reason and each note as the functions below write them.
_WORDS = (
    N_("family name"), N_("given name"), N_("patronymic"), N_("other words"),
    N_("same"), N_("same once transliterated"), N_("same name, another gendered or case ending"),
    N_("sounds alike (vowels, r/l, s/z differ)"), N_("spelt differently"),
    N_("an everyday form of the same name"), N_("initial agrees"), N_("initial differs"),
    N_("same stem"), N_("compared word by word"), N_("no name part on both sides"),
    N_("a word on one side only"), N_("one name is a man's, the other a woman's"),
    N_("given name and patronymic are swapped: father and son?"),
    N_("family and given name swapped"),
)  # fmt: skip
# Reasons naming what is compared (a given name, a father's name) and the table's name.
_SAME_NAME = {
    "given name": N_("same given name ({group})"),
    "father's name": N_("same father's name ({group})"),
}
_DIFFERENT_NAMES = {
    "given name": N_("different given names"),
    "father's name": N_("different father's names"),
}


@dataclass(frozen=True)
class PartComparison:
    """One part of two names compared: the score in [0, 1] and why."""

    part: str
    left: str
    right: str
    score: float
    reason: str
    group: str = ""  # the given-name table's name both are forms of, when the reason names it

    def said(self) -> ParleyError:
        """This part as `NameComparison.explain` writes it, as a template with named fields."""
        what = "father's name" if self.part == "patronymic" else self.part
        template = _SAME_NAME.get(what)
        reason: object = Word(self.reason)
        if self.group and template is not None:
            reason = ParleyError(template, group=self.group)
        return ParleyError(
            N_("{part} {left} ~ {right}: {reason} ({score:.2f})"),
            part=Word(self.part),
            left=self.left,
            right=self.right,
            reason=reason,
            score=self.score,
        )


@dataclass(frozen=True)
class NameComparison:
    """Two names compared: the overall score in [0, 1], each part, and notes."""

    score: float
    parts: tuple[PartComparison, ...]
    notes: tuple[str, ...] = ()

    def explain(self) -> str:
        """One line in words: each part, its reason and score, then the notes."""
        words = [f"{p.part} {p.left} ~ {p.right}: {p.reason} ({p.score:.2f})" for p in self.parts]
        return "; ".join(words + list(self.notes)) or "nothing to compare"

    def said(self) -> ParleyError:
        """`explain` as a template with named fields: each part and note said in a face's
        language, the names as written."""
        shown: list[object] = [p.said() for p in self.parts] + [Word(n) for n in self.notes]
        if not shown:
            return ParleyError(N_("nothing to compare"))
        params = {f"p{i}": x for i, x in enumerate(shown)}
        return ParleyError("; ".join("{" + k + "}" for k in params), **params)


def string_similarity(a: str, b: str) -> float:
    """Jaro-Winkler and edit-distance similarity of two skeletons, averaged.

    The edit distance counts a swap of neighbouring letters as one typo (`Будла`/`Булда`).
    """
    if not a or not b:
        return 0.0
    return 0.5 * JaroWinkler.normalized_similarity(a, b) + 0.5 * OSA.normalized_similarity(a, b)


def _same(a: TokenKeys, b: TokenKeys) -> str:
    return "same" if a.text == b.text else "same once transliterated"


@lru_cache(maxsize=262144)
def _common_ending(skeleton: str) -> str:
    return next((e for e in _COMMON_ENDINGS if skeleton.endswith(e)), "")


def _root_similarity(a: str, b: str) -> float:
    """Similarity with a shared common ending set aside: -enko alone makes no two names alike."""
    full = string_similarity(a, b)
    suffix = _common_ending(a)
    if suffix and suffix == _common_ending(b):
        ra, rb = a[: -len(suffix)], b[: -len(suffix)]
        if len(ra) >= 2 and len(rb) >= 2:
            return min(full, 0.3 + 0.7 * string_similarity(ra, rb))
    return full


def _best_string(a: TokenKeys, b: TokenKeys) -> float:
    best = max(_root_similarity(x, y) for x, y in product(a.skeletons, b.skeletons))
    if a.latin != b.latin:  # across scripts, the ways transcription changes names are cheap
        lat, cyr = (a, b) if a.latin else (b, a)
        best = best_transcription_similarity(lat.skeletons, cyr.skeleton)
    return best


def compare_family(a: TokenKeys, b: TokenKeys) -> tuple[float, str]:
    """Family names: equal skeletons, equal stems (gendered endings), sound, then spelling."""
    if set(a.skeletons) & set(b.skeletons):
        return 1.0, _same(a, b)
    if any(len(s) >= 3 for s in set(a.stems) & set(b.stems)):
        return 0.95, "same name, another gendered or case ending"
    text = _best_string(a, b)
    if any(len(c) >= 4 for c in set(a.codes) & set(b.codes)):  # short codes collide too often
        # A shared code is strong evidence, graded by spelling so that ties stay rare.
        return max(text, 0.8 + 0.15 * text), "sounds alike (vowels, r/l, s/z differ)"
    code = max(string_similarity(x, y) for x, y in product(a.codes, b.codes))
    score = max(text, 0.5 * text + 0.5 * code) * 0.95
    return min(score, 0.89), "spelt differently"


def _initial_agrees(a: TokenKeys, b: TokenKeys) -> bool:
    short, long_ = (a, b) if a.initial else (b, a)
    return any(s[:1] == t[:1] for s, t in product(short.skeletons, long_.skeletons))


def compare_given(a: TokenKeys, b: TokenKeys, what: str = "given name") -> tuple[float, str]:
    """Given names (or fathers' names of patronymics): the table first, then spelling."""
    score, reason, _group = _given(a, b, what)
    return score, reason


def _given(a: TokenKeys, b: TokenKeys, what: str) -> tuple[float, str, str]:
    """`compare_given`, and the table's name when the reason names it."""
    if a.groups & b.groups:
        same = set(a.skeletons) & set(b.skeletons)
        group = min(a.groups & b.groups)
        if same:
            return 1.0, _same(a, b), ""
        return 1.0, _SAME_NAME.get(what, f"same {what} ({{group}})").format(group=group), group
    if set(a.skeletons) & set(b.skeletons):
        return 1.0, _same(a, b), ""
    if (a.groups | a.diminutive_of) & (b.groups | b.diminutive_of):
        return 0.9, "an everyday form of the same name", ""
    if a.initial or b.initial:
        agrees = _initial_agrees(a, b)
        return (0.8, "initial agrees", "") if agrees else (0.0, "initial differs", "")
    text = _best_string(a, b)
    if a.groups and b.groups:
        return min(text, 0.35), _DIFFERENT_NAMES.get(what, f"different {what}s"), ""
    if set(a.stems) & set(b.stems):
        return max(0.9, text), "same stem", ""
    return text * 0.95, "spelt differently", ""


def _pairs(a: NameKeys, b: NameKeys) -> list[tuple[str, TokenKeys, TokenKeys]]:
    out = []
    if a.family is not None and b.family is not None:
        out.append(("family name", a.family, b.family))
    if a.given is not None and b.given is not None:
        out.append(("given name", a.given, b.given))
    if a.patronymic is not None and b.patronymic is not None:
        out.append(("patronymic", a.patronymic, b.patronymic))
    return out


def _compare_extra(a: tuple[TokenKeys, ...], b: tuple[TokenKeys, ...]) -> PartComparison | None:
    """Words besides family, given name and patronymic (second names, titles): each word of
    the shorter side must find itself on the longer side."""
    if not a or not b:
        return None
    short, long_ = (a, b) if len(a) < len(b) else (b, a) if len(b) < len(a) else (a, b)
    score = min(max(compare_family(x, y)[0] for y in long_) for x in short)
    if len(a) == len(b):  # equal counts: each side must find itself on the other
        score = min(score, min(max(compare_family(y, x)[0] for x in a) for y in b))
    left = " ".join(t.text for t in a)
    right = " ".join(t.text for t in b)
    return PartComparison("other words", left, right, score, "compared word by word")


def _swapped(keys: NameKeys) -> NameKeys:
    return NameKeys(
        keys.text, keys.given, keys.family, keys.patronymic, keys.extra, keys.sex, keys.script,
        False, keys.sex_from_ending,
    )  # fmt: skip


def _score(a: NameKeys, b: NameKeys) -> NameComparison:
    parts: list[PartComparison] = []
    notes: list[str] = []
    for name, x, y in _pairs(a, b):
        group = ""
        if name == "family name":
            score, reason = compare_family(x, y)
        else:
            score, reason, group = _given(x, y, "father's name" if name == "patronymic" else name)
        parts.append(PartComparison(name, x.text, y.text, score, reason, group))
    if not parts:
        return NameComparison(0.0, (), ("no name part on both sides",))
    weight = sum(_WEIGHTS[p.part] for p in parts)
    score = sum(_WEIGHTS[p.part] * p.score for p in parts) / weight
    extra = _compare_extra(a.extra, b.extra)
    if extra is not None:
        parts.append(extra)
        score = (score * weight + _EXTRA_WEIGHT * extra.score) / (weight + _EXTRA_WEIGHT)
    elif len(a.extra) + len(b.extra):
        score *= 0.9
        notes.append("a word on one side only")
    worst = min(p.score for p in parts)
    if worst < _DISAGREE:  # one part that clearly disagrees outweighs the others' agreement
        score *= 0.55 + 0.45 * worst / _DISAGREE
    if weight < 0.5:  # no family name on both sides: given names alone say little
        score *= 0.8
    if a.sex and b.sex and a.sex != b.sex:
        weak = a.sex_from_ending or b.sex_from_ending
        score *= 0.85 if weak else 0.6
        notes.append("one name is a man's, the other a woman's")
    g, p = a.given, a.patronymic
    direct_low = any(x.score < 0.9 for x in parts if x.part in ("given name", "patronymic"))
    if direct_low and g and p and b.given is not None and b.patronymic is not None:
        crossed = compare_given(g, b.patronymic)[0] + compare_given(p, b.given)[0]
        direct = compare_given(g, b.given)[0] + compare_given(p, b.patronymic)[0]
        if crossed >= 1.8 and direct < 1.5:
            score *= 0.6
            notes.append("given name and patronymic are swapped: father and son?")
    return NameComparison(min(score, 1.0), tuple(parts), tuple(notes))


def compare_names(a: NameKeys | str, b: NameKeys | str) -> NameComparison:
    """Compare two names in any scripts; when an order was guessed, try the other one too."""
    ka = a if isinstance(a, NameKeys) else normalise_person_name(a)
    kb = b if isinstance(b, NameKeys) else normalise_person_name(b)
    best = _score(ka, kb)
    if ka.order_certain and kb.order_certain:
        return best
    swaps = [(ka, _swapped(kb))] if not kb.order_certain else []
    swaps += [(_swapped(ka), kb)] if not ka.order_certain else []
    for x, y in swaps:
        alt = _score(x, y)
        if alt.score - _SWAP_PENALTY > best.score:
            best = NameComparison(
                alt.score - _SWAP_PENALTY, alt.parts, (*alt.notes, "family and given name swapped")
            )
    return best


def name_similarity(a: NameKeys | str, b: NameKeys | str) -> float:
    """How alike two names are, from 0 (nothing in common) to 1 (the same name)."""
    return compare_names(a, b).score
