"""Typed errors of the planner: each reaches the user as one clear sentence."""

from __future__ import annotations

import enum

from parley.errors import ParleyError


class PlanningError(ParleyError):
    """A batch that cannot be planned from what was given."""


class InvalidTerms(PlanningError):
    """Terms or candidates that contradict themselves (a duplicate, a bad ratio...)."""


class Constraint(enum.StrEnum):
    """The term that cannot be met, for a caller that reacts to the kind of failure."""

    MUST_INCLUDE_ABSENT = "must_include_absent"
    MUST_INCLUDE_VETOED = "must_include_vetoed"
    MUST_INCLUDE_NOT_NAMED = "must_include_not_named"
    NAMED_VETOED = "named_vetoed"
    BATCH_SIZE = "batch_size"
    CATEGORY_CAP = "category_cap"
    PARITY = "parity"


class InfeasibleTerms(PlanningError):
    """No batch meets every term; `constraint` names the one that cannot be met."""

    def __init__(self, constraint: Constraint, message: str, /, **params: object) -> None:
        super().__init__(message, **params)
        self.constraint = constraint
