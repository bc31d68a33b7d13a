"""What a verification found: the report of a log that holds, or the first problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.errors import N_, ParleyError
from parley.log.keys import Key


@dataclass(frozen=True)
class Problem:
    index: int | None  # the first bad entry, or None for a problem outside the entries
    what: str | ParleyError  # a refusal's part, said in the reader's language where it is one

    def __str__(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "log"
        return f"{where}: {self.what}"


class VerificationFailed(ParleyError):
    """The log or an export does not verify; `problem` is the first fault found."""

    def __init__(self, problem: Problem) -> None:
        if problem.index is None:
            super().__init__(N_("log: {what}"), what=problem.what)
        else:
            super().__init__(N_("entry {index}: {what}"), index=problem.index, what=problem.what)
        self.problem = problem


@dataclass
class Report:
    entries: int = 0
    erased: int = 0
    withheld: int = 0  # payloads a party's export leaves out (its headers still verify)
    checkpoints: int = 0
    cosignatures: int = 0
    last_checkpoint: int = 0  # the size of the largest checkpoint (0: none)
    last_cosigners: tuple[str, ...] = ()  # the parties whose cosignature it carries
    witnessed: int = 0  # the size of the largest checkpoint a witness cosigned (0: none)
    root: bytes = b""
    keys: dict[str, Key] = field(default_factory=dict)
    origin: str = ""
    operator: str = ""

    @property
    def unwitnessed(self) -> int:
        """Entries after the last checkpoint a witness cosigned: the operator alone vouches
        for them, and could still roll them back unseen."""
        return self.entries - self.witnessed
