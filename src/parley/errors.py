"""The root of Parley's errors: a face (the CLI now, an API next) catches `ParleyError` alone.

It imports nothing, so `names`, `log` and `domain` may derive from it and stay pure.

    ParleyError
    ├── InvalidInput         a file, a text or a value from outside that Parley cannot take
    │   ├── RosterFileError, ExportError, LinkageError     (also ValueError)
    ├── DomainError          a command that the current state does not allow
    │   ├── NotFound, Conflict, IllegalTransition, InvalidRecord, Forbidden
    ├── LogError             proofs, notes, checkpoints, entries, the witness (also ValueError)
    ├── PlanningError        a batch that cannot be planned: InvalidTerms, InfeasibleTerms
    └── VerificationFailed   the log or an export does not verify
"""

from __future__ import annotations


class ParleyError(Exception):
    """Base of every error Parley raises on purpose; its message is one sentence for the user."""


class InvalidInput(ParleyError):
    """A file, a text or a value given from outside that Parley cannot take as it is."""
