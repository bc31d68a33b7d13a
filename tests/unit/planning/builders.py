"""Small candidate pools and terms for the planner's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from parley.planning import (
    Candidate,
    Category,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Sex,
    Side,
    SideTerms,
)

AS_OF = dt.date(2024, 6, 1)
PARTY = {Side.A: "UA", Side.B: "RU"}


def ref(side: Side, record_id: str) -> PersonRef:
    return PersonRef(PARTY[side], record_id)


def person(
    side: Side,
    record_id: str,
    *,
    held: int | None = 100,
    sex: Sex = Sex.MALE,
    category: Category = Category.MILITARY,
    swsick: bool = False,
) -> Candidate:
    """A candidate held `held` days before AS_OF (None: capture date unknown)."""
    captured = None if held is None else AS_OF - dt.timedelta(days=held)
    return Candidate(ref(side, record_id), side, category, sex, swsick, captured)


def soldiers(side: Side, n: int, prefix: str = "s", held_from: int = 100) -> list[Candidate]:
    """n men of one side, the first held longest."""
    return [person(side, f"{prefix}{i:02d}", held=held_from - i) for i in range(n)]


def refs(*people: Candidate) -> frozenset[PersonRef]:
    return frozenset(c.person for c in people)


def terms(
    mode: ExchangeMode = ExchangeMode.RATIO,
    *,
    ratio: tuple[int, int] = (1, 1),
    tolerance: int = 0,
    batch_size: int | None = None,
    caps: Mapping[Category, int] | None = None,
    must: Mapping[Side, Iterable[Candidate]] | None = None,
    veto: Mapping[Side, Iterable[Candidate]] | None = None,
    named: Mapping[Side, Iterable[Candidate]] | None = None,
    released: tuple[int, int] = (0, 0),
) -> ExchangeTerms:
    def side(s: Side, n: int) -> SideTerms:
        return SideTerms(
            must_include=refs(*(must or {}).get(s, ())),
            veto=refs(*(veto or {}).get(s, ())),
            named=refs(*(named or {}).get(s, ())),
            released=n,
        )

    return ExchangeTerms(
        mode,
        ratio=ratio,
        tolerance=tolerance,
        batch_size=batch_size,
        category_caps=dict(caps or {}),
        side_a=side(Side.A, released[0]),
        side_b=side(Side.B, released[1]),
    )
