"""C2SP tlog-checkpoint: the signed tree head, and the operator's refusal to fork the log.

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
Format in docs/log-format.md, section 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.log.encoding import MAX_UINT63, decode_base64, decode_decimal, encode_base64
from parley.log.errors import CheckpointConflict, CheckpointError, NoteError, ProofError
from parley.log.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from parley.log.nodes import NodeReader, consistency_proof_from_nodes, root_from_nodes
from parley.log.note import OpenedNote, Signer, Verifier, open_note, sign_note


def _has_control(text: str) -> bool:
    return any(ch < " " for ch in text)


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, size and root, plus opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or _has_control(self.origin):
            raise CheckpointError("a checkpoint origin must be one non-empty line")
        if not 0 <= self.size <= MAX_UINT63:
            raise CheckpointError(f"checkpoint size {self.size} is not between 0 and 2^63-1")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"a checkpoint root has {HASH_SIZE} bytes, not {len(self.root)}")
        for line in self.extensions:
            if not line or _has_control(line):
                raise CheckpointError("a checkpoint extension must be one non-empty line")

    def to_text(self) -> str:
        """The note text: origin, size, base64 root and extensions, each ending in a newline."""
        lines = [self.origin, str(self.size), encode_base64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text, refusing anything but the strict C2SP form."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("a checkpoint needs origin, size and root lines")
        for number, line in enumerate(lines, start=1):
            if not line:
                raise CheckpointError(f"checkpoint line {number} is empty")
        size = decode_decimal(lines[1])
        if size is None:
            raise CheckpointError(
                f"checkpoint line 2 ({lines[1][:30]!r}) is not a decimal tree size without "
                "leading zeros"
            )
        root = decode_base64(lines[2])
        if root is None or len(root) != HASH_SIZE:
            raise CheckpointError(
                f"checkpoint line 3 ({lines[2][:50]!r}) is not the canonical base64 of a "
                f"{HASH_SIZE}-byte root"
            )
        return cls(lines[0], size, root, tuple(lines[3:]))


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: OpenedNote
    data: bytes  # the signed note exactly as received

    def cosigned_by(self, witness: Verifier) -> bool:
        return self.note.verified_by(witness)


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> bytes:
    """The checkpoint as a signed note; the signer's key name must be the log's origin."""
    if signer.name != checkpoint.origin:
        raise CheckpointError(
            f"key {signer.name!r} may not sign checkpoints of origin {checkpoint.origin!r}"
        )
    return sign_note(checkpoint.to_text(), [signer])


def open_checkpoint(
    data: bytes,
    log: Verifier,
    witnesses: Sequence[Verifier] = (),
    origin: str | None = None,
) -> SignedCheckpoint:
    """Check a signed checkpoint against the log's key (and any witness keys) and parse it."""
    try:
        note = open_note(data, [log, *witnesses])
    except NoteError as e:
        raise CheckpointError(f"checkpoint signatures do not hold: {e}") from e
    if not note.verified_by(log):
        raise CheckpointError(f"the checkpoint is not signed by the log key {log.name}")
    checkpoint = Checkpoint.parse(note.text)
    expected = log.name if origin is None else origin
    if checkpoint.origin != expected:
        raise CheckpointError(
            f"the checkpoint is for origin {checkpoint.origin!r}, expected {expected!r}"
        )
    return SignedCheckpoint(checkpoint, note, data)


def check_extends(previous: Checkpoint | None, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """Refuse `new` unless the consistency proof shows it extends `previous`."""
    if previous is None:
        return
    if new.origin != previous.origin:
        raise CheckpointConflict(
            f"checkpoint origin {new.origin!r} differs from the earlier {previous.origin!r}"
        )
    if new.size < previous.size:
        raise CheckpointConflict(
            f"checkpoint size {new.size} is smaller than the earlier size {previous.size}"
        )
    if previous.size == 0:
        if previous.root != EMPTY_ROOT or proof:
            raise CheckpointConflict(
                "an empty earlier checkpoint needs the empty root and no proof"
            )
        return
    try:
        verify_consistency(previous.size, new.size, previous.root, new.root, proof)
    except ProofError as e:
        raise CheckpointConflict(
            f"checkpoint of size {new.size} is not an extension of the one of size "
            f"{previous.size}: {e}"
        ) from e


def issue_checkpoint(
    signer: Signer,
    nodes: NodeReader,
    size: int,
    previous: Checkpoint | None,
    extensions: Sequence[str] = (),
) -> bytes:
    """Sign the checkpoint of the first `size` stored leaves, never forking from `previous`.

    `previous` is the last checkpoint this operator signed, as it kept it (not recomputed
    from the store), so a rewritten store is caught here rather than published.
    """
    checkpoint = Checkpoint(signer.name, size, root_from_nodes(nodes, size), tuple(extensions))
    proof: list[bytes] = []
    if previous is not None and 0 < previous.size < size:
        proof = consistency_proof_from_nodes(nodes, previous.size, size)
    check_extends(previous, checkpoint, proof)
    return sign_checkpoint(checkpoint, signer)
