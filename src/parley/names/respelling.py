"""A foreign name in Latin letters as a Russian list would have written it, read back in the
Russian press romanisation: `Tachihara` was written `Татихара`, read `tatikhara`.

Russian transcribes foreign names by convention, not letter by letter: English `j` is `дж`
and `h` is `х`; Japanese (Hepburn) `shi`, `chi`, `ji` are `си`, `ти`, `дзи` (Polivanov);
Chinese (pinyin) `zh`, `j`, `q`, `x` are `чжэ`, `цз`, `ц`, `с` (Palladius). Each convention
gives one respelling; a search compares the roster's romanisations with all of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

Rules = tuple[re.Pattern[str], tuple[str, ...]]


def _rules(*pairs: tuple[str, str]) -> Rules:
    """One pattern trying each rule in turn at each place, so that no output is rewritten."""
    pattern = "|".join(f"(?P<r{i}>{a})" for i, (a, _) in enumerate(pairs))
    return re.compile(pattern), tuple(b for _, b in pairs)


# Each target is the Russian press romanisation of the Cyrillic a Russian writer would use.
_ENGLISH = _rules(
    (r"ph", "f"), (r"th", "t"), (r"ee|ea", "i"), (r"oo", "u"), (r"ou", "au"),
    (r"(?<![scz])h", "kh"), (r"j", "dzh"), (r"w", "u"), (r"ck", "k"), (r"c(?=[eiy])", "s"),
    (r"c(?!h)", "k"), (r"q", "k"), (r"x", "ks"), (r"y(?=[aeiou])", "y"), (r"y", "i"),
)  # fmt: skip
_JAPANESE = _rules(
    (r"ou|oo", "o"), (r"uu", "u"), (r"shi", "si"), (r"sh", "sy"), (r"chi", "ti"),
    (r"ch", "ty"), (r"ji", "dzi"), (r"j", "dzy"), (r"tsu", "tsu"), (r"fu", "fu"),
    (r"(?<![sck])h", "kh"), (r"z", "dz"), (r"w", ""), (r"n(?=[bmp])", "m"),
)  # fmt: skip
_CHINESE = _rules(
    (r"zh", "chzh"), (r"(?<![cs])h", "kh"), (r"ju", "tszyu"), (r"qu", "tsyu"), (r"xu", "syu"),
    (r"j", "tsz"), (r"q", "ts"), (r"x", "s"),
    (r"z(?!h)", "tsz"), (r"ian", "yan"), (r"iu", "yu"), (r"ie", "e"), (r"ui", "uy"),
    (r"ong", "un"), (r"eng", "en"), (r"c(?!h)", "ts"), (r"r", "zh"),
)  # fmt: skip
_CONVENTIONS = (_ENGLISH, _JAPANESE, _CHINESE)
_LATIN_WORD = re.compile(r"[a-z' -]+")


def _plain(text: str) -> str:
    """Lower case without diacritics (`Ryūmyō` -> `ryumyo`, `Høier` -> `hoier`)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ø", "o"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _apply(rules: Rules, text: str) -> str:
    pattern, targets = rules
    return pattern.sub(lambda m: targets[int(str(m.lastgroup)[1:])], text)


@lru_cache(maxsize=65536)
def russian_respellings(text: str) -> tuple[str, ...]:
    """The name as a Russian list would have transcribed it under each convention, read back
    in the Russian press romanisation; nothing for a text that is not plain Latin."""
    plain = _plain(text)
    if not _LATIN_WORD.fullmatch(plain):
        return ()
    out = {_apply(rules, plain) for rules in _CONVENTIONS}
    out.discard(plain)
    return tuple(sorted(out))
