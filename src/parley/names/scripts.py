"""Scripts of a written name: detection, Unicode clean-up, repair of mixed-script words."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


class Script(enum.StrEnum):
    """The writing system a name is in."""

    EMPTY = "empty"
    LATIN = "latin"
    CYRILLIC = "cyrillic"
    MIXED = "mixed"
    OTHER = "other"


class Language(enum.StrEnum):
    """The two languages whose Cyrillic spelling of a name we must read."""

    UKRAINIAN = "uk"
    RUSSIAN = "ru"


APOSTROPHE = "'"
# Every mark a keyboard, a word processor or a scanner puts where Ukrainian writes an apostrophe,
# and the double marks BGN/PCGN and GOST write for the hard sign (`Podʺyachev`, `Dem”yan`).
_APOSTROPHES = "ʼ’‘`´′ʹꞌ＇‛”″"
_DASHES = "‐‑‒–—―−﹣－"
# Stress marks and invisible characters that lists copy from the web.
_DROP = dict.fromkeys(map(ord, "\u0301\u0300\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TRANSLATE = {
    **{ord(c): APOSTROPHE for c in _APOSTROPHES},
    **{ord(c): "-" for c in _DASHES},
    **_DROP,
}
_SPACES = re.compile(r"\s+")
# GOST 7.79 writes the apostrophe and ъ as two marks (`Luk``yan`): one apostrophe, one word.
_DOUBLED = re.compile("'{2,}")

# Letters, and spellings of the -sky ending, that only one of the two languages writes.
_UKRAINIAN_SIGNS = re.compile(r"[ґєії']|[сцз]ьк|ьо", re.IGNORECASE)
_RUSSIAN_SIGNS = re.compile(r"[ёъыэ]|[сцз]к(?:ий|ой|ая)\b", re.IGNORECASE)

# Letters that look alike in the two alphabets: what a typist's wrong keyboard layout mixes in.
_LATIN_TO_CYRILLIC = dict(
    zip(
        "aceiopxyABCEHIKMOPTXYkm",
        "асеіорхуАВСЕНІКМОРТХУкм",
        strict=True,
    )
)
_CYRILLIC_TO_LATIN = dict(
    zip(
        "асеіорхуАВСЕНІКМОРТХУкмјѕЈЅ",
        "aceiopxyABCEHIKMOPTXYkmjsJS",
        strict=True,
    )
)


@lru_cache(maxsize=4096)
def _letter_script(ch: str) -> Script | None:
    if not ch.isalpha():
        return None
    if "a" <= ch.lower() <= "z":
        return Script.LATIN
    name = unicodedata.name(ch, "")
    if name.startswith("CYRILLIC"):
        return Script.CYRILLIC
    if name.startswith("LATIN"):
        return Script.LATIN
    return Script.OTHER


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_BASIC_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OTHER_LETTER = re.compile(r"[^\W\dA-Za-z\u0400-\u04ff_]")


def _letters(first: int, last: int, script: Script) -> str:
    return "".join(c for c in map(chr, range(first, last + 1)) if _letter_script(c) is script)


# Latin letters with marks (`š`, `ì`, `ł`), and Cyrillic letters, as `_letter_script` reads them.
_MARKED_LATIN = _letters(0xC0, 0x24F, Script.LATIN)
_CYRILLIC_LETTER = re.compile(f"[{_letters(0x400, 0x4FF, Script.CYRILLIC)}]")
_NOR_MARKED_LATIN = re.compile(f"[^\\W\\dA-Za-z\u0400-\u04ff_{_MARKED_LATIN}]")


@lru_cache(maxsize=262144)
def detect_script(text: str) -> Script:
    """The script of a text: the one of its letters, MIXED if several, EMPTY if none."""
    return script_of(text)


def script_of(text: str) -> Script:
    """`detect_script` without its cache, for a batch that keys each text once."""
    if text.isascii():  # its letters, if any, are Latin
        return Script.LATIN if _ASCII_LETTER.search(text) is not None else Script.EMPTY
    if _OTHER_LETTER.search(text) is None:  # the usual case, without a look at each letter
        lat = _ASCII_LETTER.search(text) is not None
        cyr = _BASIC_CYRILLIC.search(text) is not None
        if lat or cyr:
            return Script.MIXED if lat and cyr else Script.LATIN if lat else Script.CYRILLIC
        return Script.EMPTY
    if _NOR_MARKED_LATIN.search(text) is None:  # its other letters are Latin ones with marks
        return Script.MIXED if _CYRILLIC_LETTER.search(text) is not None else Script.LATIN
    seen = {s for s in map(_letter_script, set(text)) if s is not None}
    if not seen:
        return Script.EMPTY
    if len(seen) > 1:
        return Script.MIXED
    return seen.pop()


def cyrillic_language(text: str) -> Language | None:
    """UKRAINIAN or RUSSIAN when a spelling only one of them uses gives it away, else None."""
    uk = _UKRAINIAN_SIGNS.search(text) is not None
    ru = _RUSSIAN_SIGNS.search(text) is not None
    if uk and not ru:
        return Language.UKRAINIAN
    if ru and not uk:
        return Language.RUSSIAN
    return None


# A father's name ending only one language writes: Russian -еевич/-аевич/-ьевич/-евна/-овна
# where Ukrainian writes -ійович/-айович/-ьович/-івна/-ївна (those also carry і/ї/ьо). A
# consonant before -евич is left alone: surnames (Станкевич) are written so in both.
_RUSSIAN_PATRONYMIC = re.compile(r"(?:[аеиоуюяь]евич|[ое]вна)$")
_UKRAINIAN_PATRONYMIC = re.compile(r"(?:[ійь]ович|[ії]вна)$")
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _given_forms() -> tuple[frozenset[str], frozenset[str]]:
    """Given names written only the Ukrainian way, and only the Russian way (lower case)."""
    from parley.names.given_names import GIVEN_NAMES

    uk = {f.lower() for n in GIVEN_NAMES for f in n.ukrainian}
    ru = {f.lower() for n in GIVEN_NAMES for f in n.russian}
    return frozenset(uk - ru), frozenset(ru - uk)


def _word_language(word: str) -> Language | None:
    uk_only, ru_only = _given_forms()
    uk = (
        _UKRAINIAN_SIGNS.search(word) is not None
        or word in uk_only
        or _UKRAINIAN_PATRONYMIC.search(word) is not None
    )
    ru = (
        _RUSSIAN_SIGNS.search(word) is not None
        or word in ru_only
        or _RUSSIAN_PATRONYMIC.search(word) is not None
        # Ukrainian writes І at the start of a name (Іванов, Ігор); Russian writes И.
        or word.startswith("и")
    )
    if uk == ru:
        return None
    return Language.UKRAINIAN if uk else Language.RUSSIAN


@lru_cache(maxsize=65536)
def name_language(text: str) -> Language | None:
    """The language a Cyrillic personal name is written in, from all its words, or None.

    Beyond the letters `cyrillic_language` looks for, each word is weighed: a given name the
    table knows only in one language (Сергій / Сергей, Микола / Николай), a father's name's
    ending (-ійович, -івна / -еевич, -овна, -евна), a word opening with И (Russian; Ukrainian writes
    І). Each word that points one way only is one vote; the majority decides, a tie is None.
    """
    votes = {Language.UKRAINIAN: 0, Language.RUSSIAN: 0}
    for word in _WORD.findall(normalise_text(text)):
        language = _word_language(word)
        if language is not None:
            votes[language] += 1
    uk, ru = votes[Language.UKRAINIAN], votes[Language.RUSSIAN]
    if uk == ru:
        return None
    return Language.UKRAINIAN if uk > ru else Language.RUSSIAN


def roster_language(names: Iterable[str], *, share: float = 2 / 3) -> Language | None:
    """The language most of a roster's names are written in: the one at least `share` of the
    names that decide (`name_language`) decide for; None when too few decide or they split."""
    votes = {Language.UKRAINIAN: 0, Language.RUSSIAN: 0}
    for name in names:
        language = name_language(name)
        if language is not None:
            votes[language] += 1
    decided = sum(votes.values())
    for language, count in votes.items():
        if decided and count >= share * decided:
            return language
    return None


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str:
    """NFC, one apostrophe, one dash, no stress marks or invisible characters, single spaces."""
    return cleaned(text)


def cleaned(text: str) -> str:
    """`clean_text` without its cache."""
    if text.isascii():
        return _SPACES.sub(" ", _DOUBLED.sub(APOSTROPHE, text.translate(_TRANSLATE))).strip()
    nfc = unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFD", nfc)
    if "\u0301" in decomposed or "\u0300" in decomposed:
        # Stress marks only exist decomposed; й and ё must be recomposed afterwards.
        nfc = unicodedata.normalize("NFC", decomposed.translate(_DROP))
    return _SPACES.sub(" ", _DOUBLED.sub(APOSTROPHE, nfc.translate(_TRANSLATE))).strip()


def recleaned(clean: str) -> str:
    """`cleaned` of a text `cleaned` gave: the text itself, unless dropping an invisible
    character left a letter and a mark to compose (`Zoe\u200d\u0308`)."""
    return clean if unicodedata.is_normalized("NFC", clean) else cleaned(clean)


def _repair_word(word: str, prefer: Script | None) -> str:
    if detect_script(word) is not Script.MIXED:
        return word
    scripts = [_letter_script(c) for c in word]
    has_cyr = Script.CYRILLIC in scripts
    has_lat = Script.LATIN in scripts
    if not (has_cyr and has_lat):
        return word
    cyr_only = sum(
        1 for c, s in zip(word, scripts, strict=True)
        if s is Script.CYRILLIC and c not in _CYRILLIC_TO_LATIN
    )  # fmt: skip
    lat_only = sum(
        1 for c, s in zip(word, scripts, strict=True)
        if s is Script.LATIN and c not in _LATIN_TO_CYRILLIC
    )  # fmt: skip
    if cyr_only > lat_only or (cyr_only == lat_only and prefer is Script.CYRILLIC):
        return "".join(_LATIN_TO_CYRILLIC.get(c, c) for c in word)
    if lat_only > cyr_only or prefer is Script.LATIN:
        return "".join(_CYRILLIC_TO_LATIN.get(c, c) for c in word)
    return word


@lru_cache(maxsize=65536)
def repair_mixed_script(text: str) -> str:
    """Rewrite look-alike letters of the other alphabet inside each word (`Iванiвна` -> `Іванівна`).

    A word goes to the script of its unambiguous letters; when it has none, to the script
    the rest of the text is in.
    """
    words = [_repair_word(w, None) for w in text.split(" ")]
    pure = [detect_script(w) for w in words]
    cyr = sum(len(w) for w, s in zip(words, pure, strict=True) if s is Script.CYRILLIC)
    lat = sum(len(w) for w, s in zip(words, pure, strict=True) if s is Script.LATIN)
    prefer = Script.CYRILLIC if cyr > lat else Script.LATIN if lat > cyr else None
    return " ".join(_repair_word(w, prefer) for w in words)


@lru_cache(maxsize=262144)
def normalise_text(text: str) -> str:
    """The clean, repaired, lower-case text every other function of this package starts from."""
    return normalised(text)


def normalised(text: str) -> str:
    """`normalise_text` without its cache."""
    return lowered(cleaned(text))


def lowered(clean: str) -> str:
    """A text as `cleaned` gives it, lower-case, its mixed-script words repaired first."""
    if script_of(clean) is not Script.MIXED:
        return clean.lower()
    return repair_mixed_script(clean).lower()
