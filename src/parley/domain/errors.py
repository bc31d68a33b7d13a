"""Typed errors of the domain: each reaches the user as one clear sentence."""

from parley.errors import N_, ParleyError


class DomainError(ParleyError):
    """A command that the current state does not allow."""


class IllegalTransition(DomainError):
    """A handover asked to move along an edge its state machine does not have."""


class InvalidRecord(DomainError):
    """A person record whose field cannot be accepted: `reason` is the English sentence, `why`
    the same reason as a refusal a face says in the reader's language."""

    def __init__(self, field: str, reason: str | ParleyError, /, **params: object) -> None:
        why = reason if isinstance(reason, ParleyError) else ParleyError(reason, **params)
        super().__init__(N_("{field}: {reason}"), field=field, reason=why)
        self.field = field
        self.why = why
        self.reason = str(why)


class NotFound(DomainError):
    """A command named something that does not exist."""


class Conflict(DomainError):
    """A command would contradict something already on the log."""
