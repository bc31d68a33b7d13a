"""Names in any script: normal forms, transliteration, comparison keys and similarity.

Pure functions, no I/O, nothing imported from the rest of Parley.
"""

from parley.names.folding import fold_cyrillic, phonetic_code, skeletons, stem
from parley.names.given_names import GIVEN_NAMES, GivenName
from parley.names.keys import (
    NameKeys,
    TokenKeys,
    family_keys,
    given_key,
    given_keys,
    normalise_person_name,
    part_sex,
    patronymic_key,
    patronymic_keys,
    sex_evidence,
    told_sex,
)
from parley.names.reading import NameReader
from parley.names.scripts import (
    Language,
    Script,
    clean_text,
    cyrillic_language,
    detect_script,
    name_language,
    normalise_text,
    repair_mixed_script,
    roster_language,
)
from parley.names.similarity import (
    NAME_MATCH_THRESHOLD,
    NameComparison,
    PartComparison,
    compare_names,
    name_similarity,
)
from parley.names.transliterate import Standard, all_latin_forms, readings, to_latin

__all__ = [
    "GIVEN_NAMES",
    "NAME_MATCH_THRESHOLD",
    "GivenName",
    "Language",
    "NameComparison",
    "NameKeys",
    "NameReader",
    "PartComparison",
    "Script",
    "Standard",
    "TokenKeys",
    "all_latin_forms",
    "clean_text",
    "compare_names",
    "cyrillic_language",
    "detect_script",
    "family_keys",
    "fold_cyrillic",
    "given_key",
    "given_keys",
    "name_language",
    "name_similarity",
    "normalise_person_name",
    "normalise_text",
    "part_sex",
    "patronymic_key",
    "patronymic_keys",
    "phonetic_code",
    "readings",
    "repair_mixed_script",
    "roster_language",
    "sex_evidence",
    "skeletons",
    "stem",
    "to_latin",
    "told_sex",
]
