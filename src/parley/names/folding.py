"""The folded Latin skeleton every spelling of a name reduces to, and a phonetic code.

The skeleton writes a name in a small alphabet (`a b c C d e f h i k l m n o p r s S t u v
z Z`; `c` is ц, `C` ч, `S` ш and щ, `Z` ж) in which the Ukrainian and the Russian reading of
one Cyrillic spelling, and the usual Latin spellings of either, come out the same:
`Вишинський`, `Вышинский`, `Vyshynskyi`, `Vyshinsky`, `Wyschinski`, `Wyszyński` all give
`viSinski`. A Latin spelling is decoded under each press convention whose marks it carries
(German `sch`/`w`/`z`, Polish `sz`/`cz`, French `ou`/`tch`, ISO diacritics), so a token has
one to four skeletons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from operator import itemgetter

from parley.names.scripts import Script, script_of

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "є": "ie",
    "ё": "io", "ж": "Z", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "C", "ш": "S", "щ": "S", "ъ": "",
    "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ў": "u", "ј": "i",
}  # fmt: skip
_CYRILLIC_PAIRS = {"тс": "c", "тьс": "c", "кс": "ks"}

# Letters with marks that carry their own sound; every other mark is dropped.
_MARKED = {
    "š": "S", "č": "C", "ž": "Z", "ŝ": "S", "ĉ": "C", "ẑ": "Z", "ż": "Z", "ź": "Z",
    "ś": "s", "ć": "C", "ń": "n", "ł": "l", "ß": "s", "ø": "o", "æ": "e", "œ": "e",
    "đ": "d", "ı": "i", "â": "ia", "û": "iu", "ê": "ie", "ë": "io", "ğ": "h", "ŭ": "u",
}  # fmt: skip

_DECODERS_TABLES: dict[str, dict[str, str]] = {
    "en": {
        "shch": "S", "sch": "S", "sh": "S", "zh": "Z", "ch": "C", "kh": "h", "gh": "h",
        "ts": "c", "tz": "c", "ph": "f", "th": "t", "ck": "k", "ce": "se", "ci": "si",
        "cy": "si", "c": "k", "x": "ks", "dj": "dZ",
    },
    "de": {
        "schtsch": "S", "tsch": "C", "dsch": "dZ", "sch": "S", "ch": "h", "tz": "c", "ts": "c",
        "z": "c", "ck": "k", "ph": "f", "x": "ks", "qu": "kv", "c": "k",
    },
    "pl": {
        "szcz": "S", "sz": "S", "cz": "C", "rz": "Z", "dż": "dZ", "ch": "h", "c": "c",
    },
    "fr": {
        "chtch": "S", "tch": "C", "dj": "dZ", "ch": "S", "kh": "h", "j": "Z", "ou": "u",
        "gue": "he", "gui": "hi", "ss": "s", "qu": "k", "x": "ks", "ph": "f", "th": "t",
        "ts": "c", "ce": "se", "ci": "si", "c": "k",
    },
    "iso": {
        "shh": "S", "shch": "S", "sh": "S", "zh": "Z", "ch": "C", "kh": "h", "cz": "c",
        "c": "c", "x": "h",
    },
}  # fmt: skip
_TRIGGERS = {
    "de": re.compile(r"sch|w|z(?!h)|tz"),
    "pl": re.compile(r"sz|cz|rz|w|[łżźśćń]|[^aeiouy]ie|c(?![hkz])"),
    "fr": re.compile(r"ou|tch|dj|(?<![kszt])ch|ï|ine$|gu[ei]"),
    "iso": re.compile(r"[čšžŝʹʺâûêìĭ]|c(?![hkz])|shh|`|x"),
}
# Marks that only one convention writes: its reading goes first (`Derhacz` is Polish).
_STRONG = {
    "pl": re.compile(r"sz|cz|rz|[łżźśćń]"),
    "de": re.compile(r"sch"),
    "fr": re.compile(r"ou|tch"),
    "iso": re.compile(r"[čšžŝʹʺâûê]|shh|`"),
}
_VOWEL = "aeiou"
# Any convention's marks; a convention's strong marks are among its own.
_ANY_TRIGGER = re.compile("|".join(f"(?:{mark.pattern})" for mark in _TRIGGERS.values()))


def _compile(table: Mapping[str, str]) -> Callable[[str], str]:
    pattern = re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True))))
    return lambda text: pattern.sub(lambda m: table[m.group(0)], text)


_DECODERS = {name: _compile(t) for name, t in _DECODERS_TABLES.items()}
_CYRILLIC_LETTERS = str.maketrans(_CYRILLIC)
# Longest first. No pair ends with a letter another begins with, none holds another, and
# their Latin output makes no Cyrillic pair: replaced one after the other, they read as a
# scan taking the longest match at each letter does.
_CYRILLIC_PAIRS_FIRST = sorted(_CYRILLIC_PAIRS.items(), key=lambda kv: -len(kv[0]))


def _decode_cyrillic(text: str) -> str:
    for pair, sound in _CYRILLIC_PAIRS_FIRST:
        text = text.replace(pair, sound)
    return text.translate(_CYRILLIC_LETTERS)


_POLISH_SOFT_E = re.compile(r"(?<=[bcdfhklmnprstvwz])ie")
_FRENCH_MUTE_E = re.compile(r"(?<=[^aeiou])e$")
_NOT_SKELETON = re.compile(r"[^a-zSCZ]")
_RUNS = re.compile(r"(.)\1+")
_FIRST = itemgetter(1)  # a run's letter: as the template r"\1", without parsing it each time
_INITIAL_IOTA = "aeou"  # an initial i before these is iotation (`Iakiv`, `Yurii`)
_IOTA_BETWEEN_VOWELS = re.compile(r"(?<=[aeou])i(?=[aeou])")
_FINAL = str.maketrans({"y": "i", "j": "i", "w": "v", "q": "k", "g": "h", "x": "h"})


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    out = "".join(_MARKED.get(c, c) for c in text)
    decomposed = unicodedata.normalize("NFKD", out)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _finish(text: str) -> str:
    folded = _RUNS.sub(_FIRST, _NOT_SKELETON.sub("", text.translate(_FINAL)))
    # A й or iotation between vowels is written by some standards and not by others.
    folded, dropped = _IOTA_BETWEEN_VOWELS.subn("", folded)
    if dropped:  # the vowels it stood between may now be one run
        folded = _RUNS.sub(_FIRST, folded)
    if len(folded) > 1 and folded[0] == "i" and folded[1] in _INITIAL_IOTA:
        return folded[1:]
    return folded


def fold_cyrillic(word: str) -> str:
    """The skeleton of a Cyrillic word, read the same way as Ukrainian or as Russian."""
    return _finish(_decode_cyrillic(word.lower()))


def _decode_latin(stripped: str, convention: str) -> str:
    text = stripped
    if convention == "pl":
        text = _POLISH_SOFT_E.sub("e", text)
    elif convention == "fr" and len(text) > 4:
        text = _FRENCH_MUTE_E.sub("", text)
    return _finish(_DECODERS[convention](text))


@lru_cache(maxsize=262144)
def skeletons(word: str) -> tuple[str, ...]:
    """Every skeleton of one word: one for Cyrillic, one per convention its Latin marks fit.

    The first is the primary reading: Cyrillic folded; Latin read under the convention
    whose own marks it carries (Polish `cz`, German `sch`, French `ou`, ISO diacritics),
    else as English-language passports and press write East-Slavic names.
    """
    return skeletons_of(word)


def skeletons_of(word: str) -> tuple[str, ...]:
    """`skeletons` without its cache, for a batch that keys each word once."""
    lower = word.lower()
    script = script_of(lower)
    if script is Script.CYRILLIC:
        return (fold_cyrillic(lower),)
    if script is Script.MIXED:  # a Cyrillic letter a transliterator left in (`Єschtschenko`)
        lower = "".join(_CYRILLIC.get(c, c) for c in lower)
    stripped = _strip_marks(lower)
    if not _ANY_TRIGGER.search(lower):  # no convention's marks (nor its strong ones): English
        return (_decode_latin(stripped, "en"),)
    strong = [name for name, mark in _STRONG.items() if mark.search(lower)]
    order = [*strong, "en", *(n for n in _TRIGGERS if n not in strong)]
    out: list[str] = []
    for name in order:
        if name == "en" or _TRIGGERS[name].search(lower):
            s = _decode_latin(stripped, name)
            if s and s not in out:
                out.append(s)
    return tuple(out) or ("",)


_PHONETIC = str.maketrans(
    {"f": "v", "z": "s", "Z": "S", "l": "r", "a": "", "e": "", "i": "", "o": "", "u": ""}
)


@lru_cache(maxsize=262144)
def phonetic_code(skeleton: str) -> str:
    """A consonant code that forgives what machine translation and hearing confuse.

    Vowels go (keeping whether the word starts with one), r/l, s/z, ш/ж and f/v merge:
    `Poloshenko` and `Poroshenko` share `pRSnk`.
    """
    return code_of(skeleton)


def code_of(skeleton: str) -> str:
    """`phonetic_code` without its cache."""
    if not skeleton:
        return ""
    head = "a" if skeleton[0] in _VOWEL else ""
    return head + _RUNS.sub(_FIRST, skeleton.translate(_PHONETIC))


def stem(skeleton: str) -> str:
    """The skeleton without its final vowels: the gender-neutral stem of a family name.

    `-skyi`/`-ska`/`-skaya`, `-ov`/`-ova`, `-in`/`-ina`, `-yi`/`-a` reduce to one stem.
    """
    s = skeleton.rstrip(_VOWEL)
    return s or skeleton
