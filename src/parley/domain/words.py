"""The words offices write in a list's controlled columns, in English, Ukrainian and Russian.

The one place Parley's roster vocabulary lives: each value of a column with its words per
language, the first word of each language being the one an error shows. A written word is
compared by `word_key`, so case, `ё`/`е`, apostrophes, spaces, hyphens and dots do not count:
`Важко поранений`, `важкопоранений` and `ВАЖКО-ПОРАНЕНИЙ.` are one word.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from parley.errors import N_, ParleyError, Word

E = TypeVar("E", bound=enum.StrEnum)

LANGUAGES = ("en", "uk", "ru")
# How an error introduces the accepted words in the user's own language.
_ACCEPTED = {"uk": "допустимі значення", "ru": "допустимые значения"}


def word_key(text: str) -> str:
    """A word as compared: case-folded letters and digits only, `ё` read as `е`."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True)
class Words(Generic[E]):
    """One controlled column: each value's words in `en`, `uk` and `ru`."""

    column: str
    values: Mapping[E, Mapping[str, tuple[str, ...]]]

    @cached_property
    def lookup(self) -> dict[str, E]:
        """Every word's key to its value; the value's own name is a word too."""
        table: dict[str, E] = {}
        for value, by_language in self.values.items():
            table[word_key(value.value)] = value
            for words in by_language.values():
                for word in words:
                    table[word_key(word)] = value
        return table

    def shown(self, language: str) -> list[str]:
        """The words an error lists in `language`: the first of each value."""
        out: list[str] = []
        for value, by_language in self.values.items():
            out.append((by_language.get(language) or (value.value,))[0])
        return out

    def read(self, text: str, default: E) -> E | None:
        """The value `text` stands for; `default` when empty, None when it is no word of it."""
        key = word_key(text)
        if not key:
            return default
        return self.lookup.get(key)

    def refusal(self, text: str, language: str | None) -> ParleyError:
        """Why `text` is refused: the accepted values in English and, when `language` is
        Ukrainian or Russian, in it too. Said in Ukrainian or Russian, the values are listed
        in that language (the first English word of each is marked for the catalogs)."""
        if language in _ACCEPTED:
            return ParleyError(
                N_("{text!r} is not one of: {accepted} ({label}: {yours})"),
                text=text,
                accepted=", ".join(self.shown("en")),
                label=_ACCEPTED[language],
                yours=", ".join(self.shown(language)),
            )
        return ParleyError(
            N_("{text!r} is not one of: {accepted}"), text=text, accepted=listed(self.shown("en"))
        )


def listed(words: Iterable[str]) -> ParleyError:
    """Words of Parley's own (states, kinds) as a refusal's field: `a, b, c` in English, each
    word translated where a face says it in another language."""
    params = {f"w{i}": Word(w) for i, w in enumerate(words)}
    return ParleyError(", ".join("{" + name + "}" for name in params), **params)


def user_language(*settings: str | None) -> str:
    """`uk`, `ru` or `en` from the first set locale-like value (`uk_UA.UTF-8`, `ru`, `C`)."""
    for value in settings:
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"
