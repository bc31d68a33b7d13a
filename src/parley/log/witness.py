"""A party as witness: check consistency from the last cosigned checkpoint, keep it, cosign.

Follows C2SP tlog-witness's add-checkpoint rules; the request body is also the text form
Parley uses for a consistency proof. Format in docs/log-format.md, section 8.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from parley.errors import N_
from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.encoding import decode_base64, decode_decimal, encode_base64
from parley.log.errors import (
    CheckpointError,
    ProofError,
    WitnessRefusal,
    WitnessStateError,
    WitnessStateMismatch,
)
from parley.log.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from parley.log.note import NoteSignature, Verifier

MAX_PROOF_LINES = 63  # tlog-witness: a client never sends more


@dataclass(frozen=True)
class TreeHead:
    """What a witness remembers: the size and root it last cosigned."""

    size: int
    root: bytes


class WitnessState(Protocol):
    """Durable memory of the last cosigned tree head; save must be atomic and durable."""

    def load(self) -> TreeHead | None: ...

    def save(self, head: TreeHead) -> None: ...


class MemoryWitnessState:
    """A WitnessState that forgets on exit: for tests and dry runs only."""

    def __init__(self, head: TreeHead | None = None) -> None:
        self.head = head

    def load(self) -> TreeHead | None:
        return self.head

    def save(self, head: TreeHead) -> None:
        self.head = head


class JsonFileWitnessState:
    """A WitnessState in one small JSON file, replaced atomically and fsynced on each save."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> TreeHead | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            obj = json.loads(raw)
            size, root = obj["size"], decode_base64(obj["root"])
        except (ValueError, KeyError, TypeError) as e:
            raise WitnessStateError(
                N_("witness state {path} is not valid JSON state"), path=self.path
            ) from e
        if type(size) is not int or size < 0 or root is None or len(root) != HASH_SIZE:
            raise WitnessStateError(
                N_("witness state {path} holds no valid size and root"), path=self.path
            )
        return TreeHead(size, root)

    def save(self, head: TreeHead) -> None:
        data = json.dumps({"size": head.size, "root": encode_base64(head.root)}).encode() + b"\n"
        write_atomically(self.path, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a file's contents all at once, durable on return: a crash leaves old or new."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # The rename itself is durable only once the folder's entry is on disk.
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass(frozen=True)
class AddCheckpoint:
    """A tlog-witness add-checkpoint body: old size, consistency proof, signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes

    def to_bytes(self) -> bytes:
        lines = [f"old {self.old_size}", *(encode_base64(h) for h in self.proof)]
        return ("".join(line + "\n" for line in lines) + "\n").encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, body: bytes) -> AddCheckpoint:
        head, sep, checkpoint = body.partition(b"\n\n")
        if not sep:
            raise WitnessRefusal(N_("the request has no blank line before its checkpoint"))
        try:
            lines = head.decode("ascii").split("\n")
        except UnicodeDecodeError as e:
            raise WitnessRefusal(N_("the request's old size and proof lines are not ASCII")) from e
        old_text = lines[0].removeprefix("old ")
        old = decode_decimal(old_text) if old_text != lines[0] else None
        if old is None:
            raise WitnessRefusal(N_("the request must start with 'old <size>'"))
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise WitnessRefusal(
                N_("the request has more than {most} proof lines"),
                most=MAX_PROOF_LINES,
            )
        proof = []
        for number, line in enumerate(lines[1:], start=2):
            value = decode_base64(line)
            if value is None or len(value) != HASH_SIZE:
                raise WitnessRefusal(
                    N_("request line {number} is not a base64 SHA-256 hash"), number=number
                )
            proof.append(value)
        return cls(old, tuple(proof), checkpoint)


class Witness:
    """Cosigns a log's checkpoints only when they extend the last one it cosigned."""

    def __init__(
        self,
        signer: CosignatureSigner,
        log: Verifier,
        state: WitnessState,
        origin: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signer = signer
        self.log = log
        self.origin = log.name if origin is None else origin
        self.state = state
        self._clock = clock
        # tlog-witness: checking against the stored head and saving the new one are one step.
        self._lock = threading.Lock()

    def add_checkpoint(self, request: AddCheckpoint) -> NoteSignature:
        """Check the request and cosign its checkpoint, or raise WitnessRefusal."""
        try:
            signed = open_checkpoint(request.checkpoint, self.log, origin=self.origin)
        except CheckpointError as e:
            raise WitnessRefusal(N_("the witness does not accept this checkpoint: {e}"), e=e) from e
        new = signed.checkpoint
        with self._lock:
            latest = self.state.load() or TreeHead(0, EMPTY_ROOT)
            if request.old_size > new.size:
                raise WitnessRefusal(
                    N_("old size {old_size} is larger than the checkpoint size {size}"),
                    old_size=request.old_size,
                    size=new.size,
                )
            if request.old_size != latest.size:
                raise WitnessStateMismatch(
                    N_(
                        "old size {old_size} is not the size {latest} this witness last"
                        " cosigned; resend with that size"
                    ),
                    latest.size,
                    old_size=request.old_size,
                    latest=latest.size,
                )
            self._check_consistent(latest, new.size, new.root, request.proof)
            self.state.save(TreeHead(new.size, new.root))
            timestamp = int(self._clock())
        return self.signer.cosign(signed.note.text.encode("utf-8"), timestamp)

    def _check_consistent(
        self, latest: TreeHead, size: int, root: bytes, proof: Sequence[bytes]
    ) -> None:
        if latest.size == 0:
            if proof:
                raise WitnessRefusal(N_("a request from old size 0 must carry no proof"))
            return
        try:
            verify_consistency(latest.size, size, latest.root, root, proof)
        except ProofError as e:
            raise WitnessRefusal(
                N_(
                    "checkpoint of size {size} is inconsistent with the cosigned size {cosigned}: {e}"
                ),
                size=size,
                cosigned=latest.size,
                e=e,
            ) from e

    def handle(self, body: bytes) -> bytes:
        """Answer an add-checkpoint body with the cosignature line, as tlog-witness does."""
        return self.add_checkpoint(AddCheckpoint.parse(body)).line().encode("utf-8")
