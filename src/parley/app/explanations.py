"""A match's explanation in words, computed when it is shown (docs/log-format.md, match.proposed).

The log keeps, for each proposal, the two record references, the score and a basis that names
no one (how the pair was found); it never keeps the words that quote a person, which could not
be erased with them. The words are made here, each time, from the two records as they stand:
names part by part, the birth date, the identifiers. An erased record has no values left, so
nothing of it can be quoted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from parley.app.language import DEFAULT, said_in
from parley.app.linkage_words import IDENTIFIER_WORDS, explanation_said
from parley.domain.dates import parse_written_date
from parley.domain.matches import RecordRef
from parley.errors import N_, ParleyError, Word
from parley.names import compare_names, normalise_person_name
from parley.store import Tx
from parley.store import rosters as roster_store
from parley.store.matches import StoredMatch

ERASED = "(erased)"
_IDENTIFIERS = ("service_number", "national_id")
# How two birth dates agree, as linkage.search.date_agreement says it (for the catalogs: a page
# shows them translated).
_DATE_WORDS = (
    N_("same year, month unknown on one side"),
    N_("same year and month, day unknown on one side"),
    N_("same birth date"),
    N_("same year and month, another day"),
    N_("day and month swapped"),
    N_("same year, another month"),
    N_("one year apart, same day"),
    N_("different birth dates"),
)


def _name(data: Mapping[str, Any]) -> str:
    """A record's name as written: the full name, or family, given and father's names."""
    if data.get("full_name"):
        return str(data["full_name"])
    parts = (data.get(k) for k in ("family_name", "given_name", "patronymic"))
    return " ".join(str(p) for p in parts if p)


def _date_words(left: Mapping[str, Any], right: Mapping[str, Any]) -> ParleyError | None:
    from parley.linkage.search import date_agreement  # linkage pulls in numpy and rapidfuzz

    a, b = left.get("birth_date"), right.get("birth_date")
    if not a or not b:
        return None
    agreed = date_agreement(parse_written_date(str(a)), parse_written_date(str(b)))
    if agreed is None:
        return None
    return ParleyError(
        N_("birth date {left} / {right}: {agreement}"),
        left=str(a),
        right=str(b),
        agreement=Word(agreed[1]),
    )


def _identifier_words(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[ParleyError]:
    out = []
    for field in _IDENTIFIERS:
        a, b = str(left.get(field) or "").strip(), str(right.get(field) or "").strip()
        if a and b:
            template = IDENTIFIER_WORDS[field.replace("_", " "), a.casefold() == b.casefold()]
            out.append(ParleyError(template, left=a, right=b))
    return out


def compared(left: Mapping[str, Any] | None, right: Mapping[str, Any] | None) -> ParleyError:
    """Two records' fields compared, then both names as written (`(Koval Oleh / Коваль
    Олег)`), as a template with named fields a face says in its reader's language (`str()` is
    `compare_records`'s English); nothing is quoted of an erased record (`None`)."""
    if left is None or right is None:
        return ParleyError(N_("a record is erased: nothing of it is shown"))
    words: list[ParleyError] = []
    a, b = _name(left), _name(right)
    if a and b:
        words.append(compare_names(normalise_person_name(a), normalise_person_name(b)).said())
    dates = _date_words(left, right)
    if dates is not None:
        words.append(dates)
    words += _identifier_words(left, right)
    params = {f"p{i}": w for i, w in enumerate(words)}
    said = (
        ParleyError("; ".join("{" + k + "}" for k in params), **params)
        if params
        else ParleyError(N_("nothing to compare"))
    )
    if a and b:
        return ParleyError(N_("{compared} ({left} / {right})"), compared=said, left=a, right=b)
    return said


def compare_records(left: Mapping[str, Any] | None, right: Mapping[str, Any] | None) -> str:
    """Two records' fields compared in words, then both names as written (`(Koval Oleh /
    Коваль Олег)`); for an erased record, of which nothing is quoted, a sentence saying so."""
    return str(compared(left, right))


def explained(
    basis: str, left: Mapping[str, Any] | None, right: Mapping[str, Any] | None
) -> ParleyError:
    """A match's explanation as `explain_matches` says it (`str()`), as a template a face says
    in its reader's language: the basis the log keeps in the reader's words (the linkage's
    comparisons and levels, the other passes' bases; a person's note as written), the two
    records compared in the reader's."""
    if not basis:
        return compared(left, right)
    # a basis this code writes is one of its words (marked where it is written), the linkage's
    # (`record linkage: ...`) is read back part by part (linkage_words); a person's note is
    # quoted as it stands
    said = explanation_said(basis)
    return ParleyError(N_("{basis}; {compared}"), basis=said, compared=compared(left, right))


def _records(tx: Tx, refs: set[RecordRef]) -> dict[RecordRef, Mapping[str, Any] | None]:
    """Each record's current fields, None when it is erased or unknown; one query a roster."""
    out: dict[RecordRef, Mapping[str, Any] | None] = {}
    for roster in {r.roster_id for r in refs}:
        found = roster_store.records(tx, roster)
        for ref in refs:
            if ref.roster_id == roster:
                record = found.get(ref.record_id)
                out[ref] = None if record is None or record.erased else record.data
    return out


def explain_matches(
    tx: Tx, matches: Sequence[StoredMatch], locale: str = DEFAULT
) -> dict[str, str]:
    """Match id -> its explanation: the basis the log keeps, then the two records compared as
    they stand now, in `locale` (English: as the log's readers always had it). No permission
    check: call it after authz, for a reader who may see both."""
    records = _records(tx, {ref for m in matches for ref in (m.left, m.right)})
    out = {}
    for m in matches:
        left, right = records[m.left], records[m.right]
        if locale != DEFAULT:
            out[m.match_id] = said_in(explained(m.basis, left, right), locale)
            continue
        compared = compare_records(left, right)
        out[m.match_id] = f"{m.basis}; {compared}" if m.basis else compared
    return out


def explain_match(tx: Tx, match: StoredMatch) -> str:
    """One match's explanation, as `explain_matches`."""
    return explain_matches(tx, [match])[match.match_id]
