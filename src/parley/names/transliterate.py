"""Latin forms of a Cyrillic name under the standards and press styles lists are written in.

`translitua` covers the Ukrainian standards and press styles, `iuliia` the Russian ones;
a table is written here only where neither does (German and Polish press for Russian,
Polish press for Ukrainian, and the Ukrainian letters ICAO and GOST 7.79 add to Russian).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import iuliia
import translitua

from parley.names.scripts import Language, clean_text, cyrillic_language


class Standard(enum.StrEnum):
    """A way of writing a Cyrillic name in Latin letters."""

    KMU_2010 = "kmu2010"  # Ukrainian national standard, passports since 2010
    BGN_PCGN = "bgn_pcgn"
    ISO_9 = "iso9"
    GOST_7_79 = "gost7.79"  # system B, ASCII only
    ICAO_9303 = "icao9303"  # machine-readable passports
    SCHOLARLY = "scholarly"
    PRESS_EN = "press_en"
    PRESS_DE = "press_de"
    PRESS_FR = "press_fr"
    PRESS_PL = "press_pl"


_VOWELS = set("аеєиіїоуыэюяё")
_HARD = set("жшщчц")
_PLAIN = {"е": "e", "є": "e", "ё": "o", "ю": "u", "я": "a"}


def _table_transliterator(
    letters: Mapping[str, str],
    iotated_initial: Mapping[str, str],
    iotated_after_consonant: Mapping[str, str],
    endings: tuple[tuple[str, str], ...],
    soft: Mapping[str, str] | None = None,
) -> Callable[[str], str]:
    """A context-aware letter table: iotated vowels depend on what precedes them."""
    ending_res = [(re.compile(pat + r"\b"), rep) for pat, rep in endings]
    soft = soft or {}

    def word(w: str) -> str:
        lower = w.lower()
        for pat, rep in ending_res:
            lower = pat.sub(rep, lower)
        out: list[str] = []
        for i, ch in enumerate(lower):
            prev = lower[i - 1] if i else ""
            nxt = lower[i + 1] if i + 1 < len(lower) else ""
            if ch in iotated_initial:
                table = (
                    iotated_initial
                    if not prev or prev in _VOWELS or prev in "ьъ'"
                    else iotated_after_consonant
                )
                plain = prev in _HARD or prev in soft  # the consonant already carries the softness
                out.append(_PLAIN.get(ch, table[ch]) if plain else table[ch])
            elif ch in soft and nxt in "ьеєёиіїюя":
                out.append(soft[ch])
            else:
                out.append(letters.get(ch, ch))
        text = "".join(out)
        return text[:1].upper() + text[1:] if w[:1].isupper() else text

    return lambda text: re.sub(r"[^\W\d_]+", lambda m: word(m.group(0)), text)


# Duden transcription of Russian, as German newspapers write it (Gorbatschow, Wyschinski).
_ru_german = _table_transliterator(
    letters={
        "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ж": "sch", "з": "s",
        "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch",
        "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ё": "o",
    },
    iotated_initial={"е": "je", "ё": "jo", "ю": "ju", "я": "ja"},
    iotated_after_consonant={"е": "e", "ё": "jo", "ю": "ju", "я": "ja"},
    endings=(("ский", "ski"), ("цкий", "zki"), ("ий", "i"), ("ый", "y")),
)  # fmt: skip

# Polish phonetic transcription (Wyszynski, Pieskow), as Polish newspapers write it.
_PL_COMMON = {
    "а": "a", "б": "b", "в": "w", "д": "d", "ж": "ż", "з": "z", "й": "j", "к": "k",
    "л": "ł", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ъ": "",
    "ь": "", "'": "", "ы": "y", "э": "e", "ґ": "g", "і": "i", "ї": "ji",
}  # fmt: skip
_ru_polish = _table_transliterator(
    letters={**_PL_COMMON, "г": "g", "е": "e", "и": "i", "ё": "o"},
    iotated_initial={"е": "je", "ё": "jo", "ю": "ju", "я": "ja"},
    iotated_after_consonant={"е": "ie", "ё": "io", "ю": "iu", "я": "ia"},
    endings=(("ский", "ski"), ("ская", "ska"), ("цкий", "cki"), ("ий", "ij"), ("ый", "y")),
    soft={"л": "l"},
)
_uk_polish = _table_transliterator(
    letters={**_PL_COMMON, "г": "h", "е": "e", "и": "y"},
    iotated_initial={"є": "je", "ю": "ju", "я": "ja"},
    iotated_after_consonant={"є": "ie", "ю": "iu", "я": "ia"},
    endings=(("ський", "ski"), ("ська", "ska"), ("цький", "cki"), ("ий", "yj")),
    soft={"л": "l"},
)

# Ukrainian letters the Russian ICAO and GOST 7.79 tables of iuliia do not carry.
_UK_FOR_ICAO = str.maketrans({"і": "i", "ї": "i", "є": "ie", "ґ": "g", "'": "", "и": "y"})
_UK_FOR_ICAO.update({ord("І"): "I", ord("Ї"): "I", ord("Є"): "Ie", ord("Ґ"): "G", ord("И"): "Y"})
_UK_FOR_GOST = str.maketrans(
    {"и": "y`", "і": "i", "ї": "yi", "є": "ye", "ґ": "g`", "'": "``", "И": "Y`", "І": "I"}
)
_UK_FOR_GOST.update({ord("Ї"): "Yi", ord("Є"): "Ye", ord("Ґ"): "G`"})
# The Russian reading of a Ukrainian spelling: Ukrainian letters as a Russian would say them.
_UK_FOR_RU = str.maketrans(
    {"і": "и", "ї": "йи", "є": "е", "ґ": "г", "'": "ъ", "І": "И", "Ї": "Йи", "Є": "Е", "Ґ": "Г"}
)
_YO = str.maketrans({"ё": "ë", "Ё": "Ë"})
# Letters of Russian to hand a Ukrainian table that does not know them.
_RU_FOR_UK = str.maketrans(
    {"ы": "и", "э": "е", "ё": "йо", "ъ": "", "Ы": "И", "Э": "Е", "Ё": "Йо", "Ъ": ""}
)


def _uk(table: type[translitua.TransliterationTable]) -> Callable[[str], str]:
    return lambda text: str(translitua.translit(text.translate(_RU_FOR_UK), table))


def _ru(schema: iuliia.Schema, pre: dict[int, str] | None = None) -> Callable[[str], str]:
    table = pre if pre is not None else _UK_FOR_RU
    # Some iuliia tables map ё to the Cyrillic letter itself; their standards write ë.
    return lambda text: str(schema.translate(text.translate(table))).translate(_YO)


_UKRAINIAN: dict[Standard, Callable[[str], str]] = {
    Standard.KMU_2010: _uk(translitua.UkrainianKMU),
    # The 1965 system; the 2019 BGN/PCGN system for Ukrainian is KMU 2010 itself.
    Standard.BGN_PCGN: _uk(translitua.UkrainianBGN),
    Standard.ISO_9: _uk(translitua.UkrainianISO9),
    Standard.GOST_7_79: _ru(iuliia.GOST_779_ALT, _UK_FOR_GOST),
    Standard.ICAO_9303: _ru(iuliia.ICAO_DOC_9303, _UK_FOR_ICAO),
    Standard.SCHOLARLY: _uk(translitua.UkrainianWWS),
    Standard.PRESS_EN: _uk(translitua.UkrainianKMU),
    Standard.PRESS_DE: _uk(translitua.UkrainianGerman),
    Standard.PRESS_FR: _uk(translitua.UkrainianFrench),
    Standard.PRESS_PL: lambda text: _uk_polish(text.translate(_RU_FOR_UK)),
}
_RUSSIAN: dict[Standard, Callable[[str], str]] = {
    Standard.KMU_2010: _UKRAINIAN[Standard.KMU_2010],  # a Ukrainian official's reading
    Standard.BGN_PCGN: _ru(iuliia.BGN_PCGN),
    Standard.ISO_9: _ru(iuliia.GOST_779),  # GOST 7.79 system A is ISO 9:1995
    Standard.GOST_7_79: _ru(iuliia.GOST_779_ALT),
    Standard.ICAO_9303: _ru(iuliia.ICAO_DOC_9303),
    Standard.SCHOLARLY: _ru(iuliia.SCIENTIFIC),
    Standard.PRESS_EN: _ru(iuliia.WIKIPEDIA),
    Standard.PRESS_DE: _ru_german,
    Standard.PRESS_FR: _ru(iuliia.MVD_310_FR),
    Standard.PRESS_PL: _ru_polish,
}


@lru_cache(maxsize=65536)
def to_latin(text: str, standard: Standard, language: Language | None = None) -> str:
    """`text` in Latin letters under `standard`, read as `language` (guessed when None).

    A text that gives no language away is read as Ukrainian; Latin letters pass through.
    """
    cleaned = clean_text(text)
    if language is None:
        language = cyrillic_language(cleaned) or Language.UKRAINIAN
    table = _UKRAINIAN if language is Language.UKRAINIAN else _RUSSIAN
    return table[standard](cleaned)


def readings(text: str) -> dict[Language, str]:
    """Both readings of a Cyrillic name: as Ukrainian (KMU 2010) and as Russian (BGN/PCGN)."""
    return {
        Language.UKRAINIAN: to_latin(text, Standard.KMU_2010, Language.UKRAINIAN),
        Language.RUSSIAN: to_latin(text, Standard.BGN_PCGN, Language.RUSSIAN),
    }


def all_latin_forms(text: str, language: Language | None = None) -> dict[Standard, str]:
    """The name under every standard and press style, for display and for test data."""
    return {s: to_latin(text, s, language) for s in Standard}
