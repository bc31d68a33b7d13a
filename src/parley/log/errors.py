"""Typed errors of the verifiable-log core; each message is one sentence a person can act on."""

from __future__ import annotations

from parley.errors import ParleyError


class LogError(ParleyError, ValueError):
    """Base of every error raised by Parley's Merkle, entry, note and checkpoint code."""


class ProofError(LogError):
    """An inclusion or consistency proof does not verify."""


class ProofRequestError(LogError):
    """A proof or root was asked for sizes or an index the tree cannot answer."""


class NoteError(LogError):
    """A signed note is malformed, or its signatures do not verify under the known keys."""


class KeyFormatError(LogError):
    """A verifier key string or a key name is malformed."""


class CheckpointError(LogError):
    """A checkpoint's text is not in the strict C2SP tlog-checkpoint form."""


class CheckpointConflict(LogError):
    """The operator refused to sign a checkpoint that does not extend the last one it signed."""


class TlogProofError(LogError):
    """A tlog-proof text is malformed."""


class WitnessRefusal(LogError):
    """The witness will not cosign this checkpoint; its stored state is unchanged."""


class WitnessStateMismatch(WitnessRefusal):
    """The request's old size is not the size the witness last cosigned."""

    def __init__(self, message: str, latest_size: int, /, **params: object) -> None:
        super().__init__(message, **params)
        # Callers retry with this size, as tlog-witness's 409 answer tells them to.
        self.latest_size = latest_size


class WitnessStateError(LogError):
    """The witness's durable state file is unreadable or malformed."""
