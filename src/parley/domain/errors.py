"""Typed errors of the domain: each reaches the user as one clear sentence."""

from parley.errors import ParleyError


class DomainError(ParleyError):
    """A command that the current state does not allow."""


class IllegalTransition(DomainError):
    """A handover asked to move along an edge its state machine does not have."""


class InvalidRecord(DomainError):
    """A person record whose field cannot be accepted."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(DomainError):
    """A command named something that does not exist."""


class Conflict(DomainError):
    """A command would contradict something already on the log."""
