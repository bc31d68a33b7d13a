"""What the planner is given: the candidates of each side and the terms of the phase.

The vocabulary (category, sex, exchange mode, person reference) is the domain's.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from parley.domain.agreements import MODE_LABELS, ExchangeMode, PersonRef
from parley.domain.persons import Category, Sex
from parley.errors import N_, Word
from parley.planning.errors import InvalidTerms


class Side(enum.StrEnum):
    """A side of the exchange; a candidate's side is the side that releases them."""

    A = "A"
    B = "B"

    @property
    def other(self) -> Side:
        return Side.B if self is Side.A else Side.A


@dataclass(frozen=True)
class Candidate:
    """A person who could go in the next batch, with what the priority rules look at.

    A partial capture date (a month, a year) should be passed as its first day.
    `birth_year` and `labels` are carried for the caller; no rule ranks by them.
    """

    person: PersonRef
    side: Side
    category: Category = Category.OTHER
    sex: Sex = Sex.UNKNOWN
    seriously_wounded_or_sick: bool = False
    capture_date: dt.date | None = None
    birth_year: int | None = None
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # a plain "A" / "military" from a caller still compares and hashes as the enum does
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "category", Category(self.category))
        object.__setattr__(self, "sex", Sex(self.sex))


@dataclass(frozen=True)
class SideTerms:
    """One side's lists and its count so far in the phase.

    - `must_include`: persons this side insists go in this batch, whichever side
      releases them (persons it holds and wants to let go, or persons it wants back).
    - `veto`: persons this side will not see in this batch: a person it holds (it
      refuses to release them) or a person the other side holds (it refuses to
      receive them). A veto never keeps out a seriously wounded or sick person:
      GC III art. 109 binds the detaining power to send them back regardless of
      number, and the receiving side's own wounded are owed their repatriation too.
      The only way such a person stays behind is their own refusal (art. 109 ¶3),
      recorded at the handover interview; the app then no longer passes them in.
    - `named`: in a named exchange, the persons this side agreed to release in
      this phase; persons already released may stay on it, they are ignored.
    - `released`: persons this side has released so far in the phase, counted as
      parity counts them, i.e. leaving out the seriously wounded and sick.
    """

    must_include: frozenset[PersonRef] = frozenset()
    veto: frozenset[PersonRef] = frozenset()
    named: frozenset[PersonRef] = frozenset()
    released: int = 0

    def __post_init__(self) -> None:
        for name in ("must_include", "veto", "named"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if self.released < 0:
            raise InvalidTerms(
                N_("a side cannot have released {count} persons"), count=self.released
            )
        both = sorted(self.must_include & self.veto)
        if both:
            raise InvalidTerms(
                N_(
                    "{persons} is both on the must-include and the veto list of the same side;"
                    " remove it from one of them"
                ),
                persons=", ".join(map(str, both)),
            )


@dataclass(frozen=True)
class ExchangeTerms:
    """The terms of one exchange phase that a batch must keep.

    - `ratio` (p, q): side A releases p persons for every q side B releases. Parity
      is kept over the phase: after the batch, the imbalance q·(A released) −
      p·(B released) lies within ±`tolerance`. For 1:1 the imbalance is how many
      more persons A released than B; for 1:q it counts persons of side B; for p:1
      persons of side A. A named exchange has no ratio to keep: the persons named in the
      signed agreement are the batch, all of them, whatever their category.
    - `batch_size`: the most persons each side releases in this batch, counting
      those parity counts (the seriously wounded and sick travel on top).
    - `category_caps`: the most persons of a category each side releases in this
      batch, counted the same way.
    """

    mode: ExchangeMode
    ratio: tuple[int, int] = (1, 1)
    tolerance: int = 0
    batch_size: int | None = None
    category_caps: Mapping[Category, int] = field(default_factory=dict)
    side_a: SideTerms = field(default_factory=SideTerms)
    side_b: SideTerms = field(default_factory=SideTerms)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", ExchangeMode(self.mode))
        caps = {Category(c): n for c, n in sorted(self.category_caps.items())}
        object.__setattr__(self, "category_caps", MappingProxyType(caps))
        p, q = self.ratio
        if p < 1 or q < 1:
            raise InvalidTerms(N_("ratio {p}:{q} must have two positive terms"), p=p, q=q)
        if self.mode is ExchangeMode.NAMED and self.ratio != (1, 1):
            raise InvalidTerms(
                N_("a named exchange is N for N; ratio {p}:{q} does not apply"), p=p, q=q
            )
        if self.tolerance < 0:
            raise InvalidTerms(
                N_("tolerance {tolerance} must not be negative"), tolerance=self.tolerance
            )
        if self.batch_size is not None and self.batch_size < 0:
            raise InvalidTerms(N_("batch size {size} must not be negative"), size=self.batch_size)
        for category, cap in caps.items():
            if cap < 0:
                raise InvalidTerms(
                    N_("the {category} cap {cap} must not be negative"),
                    category=Word(category.value),
                    cap=cap,
                )
        if self.mode is not ExchangeMode.NAMED and (self.side_a.named or self.side_b.named):
            raise InvalidTerms(
                N_("named lists belong to a named exchange; this exchange is {mode}"),
                mode=Word(MODE_LABELS[self.mode]),
            )
        if self.mode is ExchangeMode.NAMED and (
            self.batch_size is not None or self.category_caps or self.tolerance
        ):
            raise InvalidTerms(
                N_(
                    "a named exchange executes as signed: every person named goes, so a batch"
                    " size, category caps and a parity tolerance do not apply; to change who goes,"
                    " amend the batch (both sides and the mediator agree)"
                )
            )

    def side(self, side: Side) -> SideTerms:
        return self.side_a if side is Side.A else self.side_b

    @property
    def parity(self) -> tuple[int, int] | None:
        """The ratio parity keeps, or None when parity does not apply: all for all, and a named
        exchange, which executes as signed."""
        return self.ratio if self.mode is ExchangeMode.RATIO else None

    def cap(self, category: Category) -> int | None:
        return self.category_caps.get(category)
