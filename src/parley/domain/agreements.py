"""Agreements: phases of commitments, signed by both sides and witnessed by the mediator."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from parley.domain.errors import DomainError
from parley.errors import N_, Word

TEXT_LANGUAGES = ("uk", "ru", "en")  # the languages of an agreement's text, in its order


class ExchangeMode(enum.StrEnum):
    NAMED = "named"  # N-for-N over lists both sides agreed by name
    RATIO = "ratio"  # e.g. 1:3
    ALL_FOR_ALL = "all_for_all"


# An exchange's mode as a refusal or a page says it (translated where shown), not its code.
MODE_LABELS: Mapping[ExchangeMode, str] = MappingProxyType({
    ExchangeMode.NAMED: N_("named"),
    ExchangeMode.RATIO: N_("by ratio"),
    ExchangeMode.ALL_FOR_ALL: N_("all for all"),
})  # fmt: skip


class CommitmentKind(enum.StrEnum):
    EXCHANGE = "exchange"
    CEASEFIRE = "ceasefire"
    DISENGAGEMENT = "disengagement"
    BORDER_CONTROL = "border_control"
    OTHER = "other"


# A commitment's kind as a page or a report says it (translated where shown), not its code.
KIND_LABELS: Mapping[CommitmentKind, str] = MappingProxyType({
    CommitmentKind.EXCHANGE: N_("exchange"),
    CommitmentKind.CEASEFIRE: N_("ceasefire"),
    CommitmentKind.DISENGAGEMENT: N_("disengagement"),
    CommitmentKind.BORDER_CONTROL: N_("border control"),
    CommitmentKind.OTHER: N_("other"),
})  # fmt: skip


class ImplementationStatus(enum.IntEnum):
    """The Peace Accords Matrix 0-3 scale of implementation."""

    NOT_STARTED = 0
    MINIMAL = 1
    INTERMEDIATE = 2
    FULL = 3


@dataclass(frozen=True, order=True)
class PersonRef:
    """A person as recorded on one party's roster; ordered by party, then record id."""

    party_id: str
    record_id: str

    def __str__(self) -> str:
        return f"{self.party_id}/{self.record_id}"

    @classmethod
    def parse(cls, text: str) -> PersonRef:
        party, sep, record = text.partition("/")
        if not sep or not party or not record:
            raise DomainError(N_("{text!r} is not a person reference (PARTY/RECORD_ID)"), text=text)
        return cls(party, record)


@dataclass(frozen=True)
class NamedRecord:
    """Where a named person's name is read when the text is shown: their record on a roster
    and the revision of it whose name the text shows (pinned, so a later correction of the
    roster does not change the agreement's text)."""

    roster_id: str
    revision: int


@dataclass(frozen=True)
class ExchangeTerms:
    """Who is exchanged for whom: named lists, a ratio, or all for all."""

    mode: ExchangeMode
    # named: the persons each releasing side agreed to let go, keyed by releasing party
    named: tuple[tuple[str, tuple[PersonRef, ...]], ...] = ()
    ratio: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        if self.mode is ExchangeMode.NAMED and len(self.named) != 2:
            raise DomainError(
                N_("a named exchange lists the persons each of the two sides releases")
            )
        if self.ratio[0] < 1 or self.ratio[1] < 1:
            raise DomainError(
                N_("ratio {p}:{q} must be positive"), p=self.ratio[0], q=self.ratio[1]
            )

    def named_for(self, party_id: str) -> tuple[PersonRef, ...]:
        return dict(self.named).get(party_id, ())

    def describe(self) -> str:
        if self.mode is ExchangeMode.NAMED:
            counts = [len(refs) for _, refs in self.named]
            return f"{counts[0]} for {counts[1]}, named"
        if self.mode is ExchangeMode.RATIO:
            return f"ratio {self.ratio[0]}:{self.ratio[1]}"
        return "all for all"


@dataclass(frozen=True)
class Commitment:
    """A verifiable promise of a phase: an exchange or another act by a due date."""

    commitment_id: str
    kind: CommitmentKind
    description: str
    exchange: ExchangeTerms | None = None
    place: str = ""
    due_date: dt.date | None = None
    after: str = ""  # the phase (its id) that must be done before this one begins

    def __post_init__(self) -> None:
        if (self.kind is CommitmentKind.EXCHANGE) != (self.exchange is not None):
            raise DomainError(
                N_("commitment {commitment}: exchange terms go with kind 'exchange' only"),
                commitment=self.commitment_id,
            )


@dataclass(frozen=True)
class Phase:
    phase_id: str
    ordinal: int
    title: str
    commitments: tuple[Commitment, ...]


@dataclass(frozen=True)
class Agreement:
    """Terms between the two sides, in phases."""

    agreement_id: str
    title: str
    sides: tuple[str, str]
    mediator: str
    phases: tuple[Phase, ...]
    # The language its free text (titles, descriptions, places) is written in; "" for an
    # agreement drafted before languages were declared, whose text is rendered as it was.
    language: str = ""
    places: tuple[str, ...] = ()  # the places its commitments may name, in `language`
    # free text in the other languages: (text as written, ((language, translation), ...))
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # each named person's name as its roster wrote it, in each language's script: computed
    # from `named_records` when the text is shown (logs written before kept it in the payload)
    names: tuple[tuple[PersonRef, tuple[tuple[str, str], ...]], ...] = ()
    # each named person's record (roster and revision) the text reads their name from; the app
    # fills it in when the draft is put on the log. References only: erasable with the record
    named_records: tuple[tuple[PersonRef, NamedRecord], ...] = ()

    def translated(self, text: str, lang: str) -> str | None:
        """`text` in `lang`: as written in the agreement's language, else its translation."""
        if lang == self.language:
            return text
        return dict(dict(self.translations).get(text, ())).get(lang)

    def name_of(self, ref: PersonRef, lang: str) -> str | None:
        return dict(dict(self.names).get(ref, ())).get(lang)

    def named_persons(self) -> list[PersonRef]:
        """Every person an exchange of the agreement names, in order, once."""
        refs = [
            ref
            for p in self.phases
            for c in p.commitments
            if c.exchange is not None
            for _, named in c.exchange.named
            for ref in named
        ]
        return list(dict.fromkeys(refs))

    def _check_text(self) -> None:
        if self.language and self.language not in TEXT_LANGUAGES:
            raise DomainError(
                N_("language: {language!r} is not one of {languages}"),
                language=self.language,
                languages=", ".join(TEXT_LANGUAGES),
            )
        for text, given in self.translations:
            for lang, _ in given:
                if lang not in TEXT_LANGUAGES:
                    raise DomainError(
                        N_("translations of {text!r}: {language!r} is not one of {languages}"),
                        text=text,
                        language=lang,
                        languages=", ".join(TEXT_LANGUAGES),
                    )

    def _check_references(self) -> None:
        """A commitment names only a phase and a place the agreement has."""
        phase_ids = [p.phase_id for p in self.phases]
        declared = ", ".join(self.places)
        for p in self.phases:
            for c in p.commitments:
                if c.after and (c.after not in phase_ids or c.after == p.phase_id):
                    raise DomainError(
                        N_(
                            "commitment {commitment}: after names phase {phase!r}, which is not"
                            " another phase of agreement {agreement} (its phases: {phases})"
                        ),
                        commitment=c.commitment_id,
                        phase=c.after,
                        agreement=self.agreement_id,
                        phases=", ".join(phase_ids),
                    )
                if c.place and (self.places or self.language) and c.place not in self.places:
                    raise DomainError(
                        N_(
                            "commitment {commitment}: place {place!r} is not one of the"
                            " agreement's places ({places}); name it under places first"
                        ),
                        commitment=c.commitment_id,
                        place=c.place,
                        places=declared or Word(N_("none declared")),
                    )

    def __post_init__(self) -> None:
        self._check_text()
        self._check_references()
        ids = [c.commitment_id for p in self.phases for c in p.commitments]
        if len(ids) != len(set(ids)):
            raise DomainError(
                N_("agreement {agreement} repeats a commitment id"), agreement=self.agreement_id
            )
        phase_ids = [p.phase_id for p in self.phases]
        if len(phase_ids) != len(set(phase_ids)):
            raise DomainError(
                N_("agreement {agreement} repeats a phase id"), agreement=self.agreement_id
            )
        if self.sides[0] == self.sides[1]:
            raise DomainError(N_("an agreement is between two different sides"))


def _ref_list(refs: tuple[PersonRef, ...]) -> list[str]:
    return [str(r) for r in refs]


def agreement_to_dict(a: Agreement) -> dict[str, Any]:
    """The agreement as plain JSON values, the form that is hashed and signed; a field an
    agreement does not use is left out, as agreements drafted before it have it."""
    out: dict[str, Any] = {
        "agreement_id": a.agreement_id,
        "title": a.title,
        "sides": list(a.sides),
        "mediator": a.mediator,
        "phases": [
            {
                "phase_id": p.phase_id,
                "ordinal": p.ordinal,
                "title": p.title,
                "commitments": [_commitment_to_dict(c) for c in p.commitments],
            }
            for p in a.phases
        ],
    }
    if a.language:
        out["language"] = a.language
    if a.places:
        out["places"] = list(a.places)
    if a.translations:
        out["translations"] = {text: dict(given) for text, given in a.translations}
    if a.names:
        out["names"] = {str(ref): dict(forms) for ref, forms in a.names}
    if a.named_records:
        out["named_records"] = {
            str(ref): {"roster_id": r.roster_id, "revision": r.revision}
            for ref, r in a.named_records
        }
    return out


def _commitment_to_dict(c: Commitment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "commitment_id": c.commitment_id,
        "kind": c.kind.value,
        "description": c.description,
    }
    if c.place:
        out["place"] = c.place
    if c.due_date:
        out["due_date"] = c.due_date.isoformat()
    if c.after:
        out["after"] = c.after
    if c.exchange is not None:
        out["exchange"] = {
            "mode": c.exchange.mode.value,
            "ratio": list(c.exchange.ratio),
            "named": {party: _ref_list(refs) for party, refs in c.exchange.named},
        }
    return out


def agreement_from_dict(d: object) -> Agreement:
    """Read back `agreement_to_dict` output, or a draft written by hand: each field of the
    wrong shape is refused by its place (`phases[0].commitments[1].exchange.ratio`)."""
    top = _object(d, "the agreement")
    phases = []
    for i, p in enumerate(_array(top, "phases", "")):
        where = f"phases[{i}]"
        phase = _object(p, where)
        commitments = []
        for j, c in enumerate(_array(phase, "commitments", where)):
            at = f"{where}.commitments[{j}]"
            item = _object(c, at)
            terms = None
            if "exchange" in item:
                e = _object(item["exchange"], f"{at}.exchange")
                ratio = _array(e, "ratio", f"{at}.exchange")
                if len(ratio) != 2 or not all(_whole(n) for n in ratio):
                    raise DomainError(
                        N_("{where}: two whole numbers, as [1, 3]"), where=f"{at}.exchange.ratio"
                    )
                named = _object(e.get("named", {}), f"{at}.exchange.named")
                terms = ExchangeTerms(
                    mode=_word(
                        ExchangeMode, _id(e, "mode", f"{at}.exchange"), f"{at}.exchange.mode"
                    ),
                    ratio=(int(ratio[0]), int(ratio[1])),
                    named=tuple(
                        (
                            _name(party, f"{at}.exchange.named"),
                            tuple(
                                PersonRef.parse(_name(r, f"{at}.exchange.named.{party}"))
                                for r in _array(named, party, f"{at}.exchange.named")
                            ),
                        )
                        for party in sorted(named)
                    ),
                )
            due = item.get("due_date")
            commitments.append(
                Commitment(
                    commitment_id=_id(item, "commitment_id", at),
                    kind=_word(CommitmentKind, _id(item, "kind", at), f"{at}.kind"),
                    description=_text(item, "description", at),
                    exchange=terms,
                    place=_text(item, "place", at) if "place" in item else "",
                    due_date=None if due is None else _date(due, f"{at}.due_date"),
                    after=_id(item, "after", at) if "after" in item else "",
                )
            )
        ordinal = phase.get("ordinal")
        if not isinstance(ordinal, int) or not _whole(ordinal):
            raise DomainError(N_("{where}: a whole number"), where=f"{where}.ordinal")
        phases.append(
            Phase(
                _id(phase, "phase_id", where),
                int(ordinal),
                _text(phase, "title", where),
                tuple(commitments),
            )
        )
    sides = _array(top, "sides", "")
    if len(sides) != 2:
        raise DomainError(N_("sides: the two sides' party ids, not {count}"), count=len(sides))
    return Agreement(
        _id(top, "agreement_id", ""),
        _text(top, "title", ""),
        (_name(sides[0], "sides"), _name(sides[1], "sides")),
        _id(top, "mediator", ""),
        tuple(phases),
        **_languages(top),
    )


def _languages(top: Mapping[str, Any]) -> dict[str, Any]:
    """The agreement's language, places, translations, named persons' names (as logs written
    before kept them) and named persons' records, as given."""
    out: dict[str, Any] = {}
    if "language" in top:
        out["language"] = _id(top, "language", "")
    if "places" in top:
        out["places"] = tuple(
            _name(x, f"places[{i}]") for i, x in enumerate(_array(top, "places", ""))
        )
    if "translations" in top:
        given = _object(top["translations"], "translations")
        out["translations"] = tuple(
            (text, _forms(given[text], f"translations.{text}")) for text in sorted(given)
        )
    if "names" in top:
        names = _object(top["names"], "names")
        out["names"] = tuple(
            (PersonRef.parse(ref), _forms(names[ref], f"names.{ref}")) for ref in sorted(names)
        )
    if "named_records" in top:
        records = _object(top["named_records"], "named_records")
        out["named_records"] = tuple(
            (PersonRef.parse(ref), _named_record(records[ref], f"named_records.{ref}"))
            for ref in sorted(records)
        )
    return out


def _named_record(value: object, where: str) -> NamedRecord:
    record = _object(value, where)
    revision = record.get("revision")
    if not isinstance(revision, int) or not _whole(revision) or revision < 1:
        raise DomainError(N_("{where}: a whole number from 1"), where=f"{where}.revision")
    return NamedRecord(_id(record, "roster_id", where), int(revision))


def _forms(value: object, where: str) -> tuple[tuple[str, str], ...]:
    forms = _object(value, where)
    return tuple((lang, _name(forms[lang], f"{where}.{lang}")) for lang in sorted(forms))


_Word = TypeVar("_Word", bound=enum.StrEnum)


def _field(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DomainError(
            N_("{where}: an object ({{...}}), not {kind}"), where=where, kind=_kind(value)
        )
    return value


def _array(d: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = d.get(key)
    if not isinstance(value, list):
        raise DomainError(
            N_("{where}: a list ([...]), not {kind}"), where=_field(where, key), kind=_kind(value)
        )
    return value


def _id(d: Mapping[str, Any], key: str, where: str) -> str:
    return _name(d.get(key), _field(where, key))


def _text(d: Mapping[str, Any], key: str, where: str) -> str:
    value = d.get(key)
    if not isinstance(value, str):
        raise DomainError(
            N_("{where}: a text, not {kind}"), where=_field(where, key), kind=_kind(value)
        )
    return value


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DomainError(N_("{where}: a text, not {kind}"), where=where, kind=_kind(value))
    return value


def _word(words: type[_Word], value: str, where: str) -> _Word:
    try:
        return words(value)
    except ValueError:
        raise DomainError(
            N_("{where}: one of {words}"), where=where, words=", ".join(words)
        ) from None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31


def _date(value: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_name(value, where))
    except ValueError as e:
        raise DomainError(
            N_("{where}: a date as 2019-09-07 ({problem})"), where=where, problem=str(e)
        ) from e


def _kind(value: object) -> Word:
    """What a JSON value is, as a word a refusal shows translated."""
    if value is None:
        return Word(N_("null (or missing)"))
    if isinstance(value, str):
        return Word(N_("an empty text") if not value.strip() else N_("a text"))
    kinds = {bool: N_("true/false"), int: N_("a number"), float: N_("a number"), list: N_("a list")}
    return Word(kinds.get(type(value), N_("an object")))


class ReportKind(enum.StrEnum):
    VIOLATION = "violation"
    COMPLIANCE = "compliance"
    OBSERVATION = "observation"


QUIET_DAYS_BEFORE_DISENGAGEMENT = 7


def check_status_change(
    kind: CommitmentKind,
    place: str,
    before: ImplementationStatus,
    after: ImplementationStatus,
    on: dt.date,
    violations: list[tuple[dt.date, str]],
) -> None:
    """Verification rules: disengagement starts, and is rated fully implemented, only after 7
    consecutive quiet days before the day the rating holds (between the two, progress may be
    rated whatever is reported)."""
    starts = before is ImplementationStatus.NOT_STARTED and after > before
    if kind is CommitmentKind.DISENGAGEMENT and (starts or after is ImplementationStatus.FULL):
        recent = [
            (day, who)
            for day, who in violations
            if on - dt.timedelta(days=QUIET_DAYS_BEFORE_DISENGAGEMENT) < day <= on
        ]
        if recent:
            day, who = max(recent)
            facts = {
                "place": place or Word(N_("this place")),
                "on": on.isoformat(),
                "who": who,
                "day": day.isoformat(),
                "quiet": (on - day).days,
                "needed": QUIET_DAYS_BEFORE_DISENGAGEMENT,
            }
            if starts:
                raise DomainError(
                    N_(
                        "disengagement at {place} cannot start on {on}: {who} reported a violation"
                        " on {day}, {quiet} days before; it needs {needed} consecutive days"
                        " without reported violations"
                    ),
                    **facts,
                )
            raise DomainError(
                N_(
                    "disengagement at {place} cannot be rated fully implemented on {on}: {who}"
                    " reported a violation on {day}, {quiet} days before; it needs {needed}"
                    " consecutive days without reported violations"
                ),
                **facts,
            )
