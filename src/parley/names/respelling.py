"""A foreign name in Latin letters as a Russian list would have written it, read back in the
Russian press romanisation: `Tachihara` was written `Татихара`, read `tatikhara`.

Russian transcribes foreign names by convention, not letter by letter: English `j` is `дж`
and `h` is `х`; Japanese (Hepburn) `shi`, `chi`, `ji` are `си`, `ти`, `дзи` (Polivanov);
Chinese (pinyin) `zh`, `j`, `q`, `x` are `чжэ`, `цз`, `ц`, `с` (Palladius); Italian `ci` is
`чи`, Spanish `j` is `х`, Portuguese and French `j` is `ж`, German `sch` is `ш` and `eu` is
`ой`. Each convention gives one respelling; a search compares the roster's romanisations with
all of them.
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
_BETWEEN_VOWELS = r"(?<=[aeiou]){}(?=[aeiou])"
# Italian: c and g soften before e and i (an i before another vowel only softens), gli, gn.
_ITALIAN = _rules(
    (r"cch(?=[ei])", "kk"), (r"cci(?=[aou])|cc(?=[ei])", "chch"), (r"ch(?=[ei])", "k"),
    (r"ci(?=[aou])|c(?=[ei])", "ch"), (r"c", "k"), (r"ggh", "gg"), (r"gh", "g"),
    (r"ggi(?=[aou])|gg(?=[ei])|gi(?=[aou])|g(?=[ei])", "dzh"), (r"gli(?=[aeou])", "ly"),
    (r"gli", "li"), (r"gn", "ny"), (r"sci(?=[aou])|sc(?=[ei])", "sh"), (r"sch", "sk"),
    (r"qu", "ku"), (r"zz", "tsts"), (r"z", "ts"), (r"h", ""), (r"j", "y"),
    (_BETWEEN_VOWELS.format("s"), "z"), (_BETWEEN_VOWELS.format("i"), "y"),
    (r"(?<=[^aeiou])i(?=[aeou])", "y"),
)  # fmt: skip
# Spanish: j and g before e, i are х; c before e, i and z are с; ll, ñ are soft; h is silent.
_SPANISH = _rules(
    (r"ch", "ch"), (r"ll(?=[aeiou])", "ly"), (r"ll", "l"), (r"qu(?=[ei])", "k"),
    (r"gu(?=[ei])", "g"), (r"j|g(?=[ei])", "kh"), (r"c(?=[ei])|z", "s"), (r"c", "k"),
    (r"h", ""), (r"x", "ks"),
)  # fmt: skip
# Portuguese: nh and lh are soft, j and g before e, i are ж, ch and x are ш.
_PORTUGUESE = _rules(
    (r"nh", "ny"), (r"lh", "ly"), (r"ch|x", "sh"), (r"gu(?=[ei])", "g"), (r"j|g(?=[ei])", "zh"),
    (r"qu(?=[ei])", "k"), (r"c(?=[ei])", "s"), (r"c", "k"), (r"h", ""),
    (_BETWEEN_VOWELS.format("s"), "z"),
)  # fmt: skip
# French: vowel letters read as one sound, ch and j, mute final letters.
_FRENCH = _rules(
    (r"eaux?$|eau|aux?$|au", "o"), (r"oi|oy", "ua"), (r"ou", "u"), (r"ier$", "ye"),
    (r"e[rtz]$|ai(?![aeiou])|ei|ay|ey$|eu", "e"), (r"ain$|in$", "en"), (r"ent$", "an"),
    (r"es?$", ""), (r"ch", "sh"), (r"gu(?=[eiy])", "g"), (r"j|g(?=[eiy])", "zh"),
    (r"gn", "ny"), (r"qu", "k"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"ph", "f"), (r"th", "t"),
    (r"h", ""), (_BETWEEN_VOWELS.format("s"), "z"), (r"w", "v"), (r"[tdsxz]$", ""), (r"y", "i"),
)  # fmt: skip
# German: sch, ch, ei and eu, z, w and v, st and sp at the start, s before a vowel.
_GERMAN = _rules(
    (r"tsch", "ch"), (r"sch", "sh"), (r"chs", "ks"), (r"ch", "kh"), (r"ck", "k"),
    (r"^st", "sht"), (r"^sp", "shp"), (r"^s(?=[aeiou])", "z"), (_BETWEEN_VOWELS.format("s"), "z"),
    (r"ei|ey|ai|ay", "ay"), (r"eu", "oy"), (r"ie", "i"), (r"tz|z", "ts"), (r"w", "v"),
    (r"v", "f"), (r"j", "y"), (r"(?<=[aeiou])h", ""), (r"h", "kh"), (r"qu", "kv"), (r"ph", "f"),
    (r"th", "t"), (r"y", "i"),
)  # fmt: skip
# English by ear, as Russian lists write most English names: a vowel before a consonant and
# a mute e is said as its name (`Kates` Кейтс, `Wiseman` Уайзман), Mc is Мак.
_ENGLISH_SPOKEN = _rules(
    (r"^mc", "mak"), (r"(?<=^mc)h", "kh"), (r"ph", "f"), (r"th", "t"), (r"ee|ea|ie$", "i"),
    (r"oo", "u"), (r"dge", "dzh"), (r"a(?=[bcdfgklmnprstvz](?:e|y$))|ai|ay", "ey"),
    (r"a(?=[bcdfgkmnpt](?:[bcdfgklmnpstvz]|$))", "e"),
    (r"[iy](?=[bcdfgklmnpstvz]e)", "ay"), (r"u(?=[bcdfgklmnpstvz]e)", "yu"),
    (r"(?<=[bcdfgklmnprstvz])e(?=s?$)", ""), (r"(?<![scz])h", "kh"), (r"j", "dzh"),
    (r"w", "u"), (r"ck", "k"), (r"c(?=[eiy])", "s"), (r"c(?!h)", "k"), (r"q", "k"),
    (r"x", "ks"), (r"y(?=[aeiou])", "y"), (r"y", "i"),
)  # fmt: skip
# Marked letters below are first written as one capital (S ш, Z ж, C ч, D дж) so that the
# rules read them apart from the same letters unmarked.
# Turkish and Azerbaijani: c is дж, ç ч, ş ш, ğ silent, ı ы, j ж.
_TURKISH = _rules(
    (r"S", "sh"), (r"C", "ch"), (r"(?<=[SCZ])y(?=[ou])", ""), (r"c", "dzh"), (r"j", "zh"),
    (r"x", "kh"), (r"q", "g"), (r"h", "kh"),
)  # fmt: skip
# West and South Slavic in Latin letters: š ž č ć đ, c is ц, ch х, j й, lj and nj soft;
# a final -ic is -ић printed without its mark (`Hadzic` Хаджич).
_SLAVIC = _rules(
    (r"S", "sh"), (r"Z", "zh"), (r"C", "ch"), (r"D", "dzh"), (r"ch", "kh"),
    (r"ic(?=$| )", "ich"), (r"c", "ts"),
    (r"(?<=[ln])j(?=[aeiou])", ""), (r"j", "y"), (r"h", "kh"),
)  # fmt: skip
# Romanian: ă э, â and î ы, ș ш, ț ц, c and g soften before e and i, j ж.
_ROMANIAN = _rules(
    (r"S", "sh"), (r"ch(?=[ei])", "k"), (r"ci(?=[aou])|c(?=[ei])", "ch"), (r"c", "k"),
    (r"gh(?=[ei])", "g"), (r"gi(?=[aou])|g(?=[ei])", "dzh"), (r"j", "zh"), (r"h", "kh"),
)  # fmt: skip
# Hungarian: cs ч, sz с, zs ж, gy дь, s ш, c ц, j й.
_HUNGARIAN = _rules(
    (r"cs", "ch"), (r"sz", "s"), (r"zs", "zh"), (r"gy", "d"), (r"ly", "y"), (r"s", "sh"),
    (r"c", "ts"), (r"j", "y"), (r"h", "kh"),
)  # fmt: skip
_ALWAYS = re.compile("")
# Each convention with the marked letters it reads before the marks are dropped, and the
# letters that call for it (a convention of marked letters is tried only where they are).
_CONVENTIONS: tuple[tuple[Rules, dict[str, str], re.Pattern[str]], ...] = (
    (_ENGLISH, {}, _ALWAYS),
    (_ENGLISH_SPOKEN, {}, _ALWAYS),
    (_JAPANESE, {}, _ALWAYS),
    (_CHINESE, {}, _ALWAYS),
    (_ITALIAN, {}, _ALWAYS),
    (_SPANISH, {"ñ": "ny", "ü": "u"}, _ALWAYS),
    (_PORTUGUESE, {"ão": "an", "õe": "oin", "ç": "s"}, _ALWAYS),
    (_FRENCH, {"ç": "s", "é": "e"}, _ALWAYS),
    (_GERMAN, {"äu": "eu", "ä": "e", "ö": "yo", "ü": "yu", "ß": "ss"}, _ALWAYS),
    (
        _TURKISH,
        {"ş": "S", "ç": "C", "ğ": "", "ı": "y", "ö": "yo", "ü": "yu", "ə": "e"},
        re.compile("[şçğıə]"),
    ),
    (
        _SLAVIC,
        {"š": "S", "ž": "Z", "č": "C", "ć": "C", "đ": "D", "ř": "rZ", "ě": "e", "ů": "u"},
        re.compile("[šžčćđřěů]|ic(?:$| )"),  # -ić is often printed without its mark
    ),
    (
        _ROMANIAN,
        {"ă": "e", "â": "y", "î": "y", "ș": "S", "ş": "S", "ț": "ts", "ţ": "ts"},
        re.compile("[ăâîșşțţ]"),
    ),
    (_HUNGARIAN, {"ő": "yo", "ö": "yo", "ű": "yu", "ü": "yu"}, re.compile("cs|sz|zs|gy|ly|[őű]")),
)
_LATIN_WORD = re.compile(r"[a-z' -]+")


def _plain(text: str) -> str:
    """Without diacritics (`ryūmyō` -> `ryumyo`, `høier` -> `hoier`)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ø", "o"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _apply(rules: Rules, text: str) -> str:
    pattern, targets = rules
    return pattern.sub(lambda m: targets[int(str(m.lastgroup)[1:])], text)


@lru_cache(maxsize=65536)
def russian_respellings(text: str) -> tuple[str, ...]:
    """The name as a Russian list would have transcribed it under each convention, read back
    in the Russian press romanisation; nothing for a text that is not plain Latin."""
    lower = text.lower()
    plain = _plain(lower)
    if not _LATIN_WORD.fullmatch(plain):
        return ()
    out: set[str] = set()
    for rules, marks, called in _CONVENTIONS:
        if not called.search(lower):
            continue
        marked = lower
        for letter, sound in marks.items():
            marked = marked.replace(letter, sound)
        out.add(_apply(rules, _plain(marked)))
    out.discard(plain)
    return tuple(sorted(out))
