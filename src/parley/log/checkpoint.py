"""C2SP tlog-checkpoint: the signed tree head, and the operator's refusal to fork the log.

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
Format in docs/log-format.md, section 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.errors import N_
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
            raise CheckpointError(N_("a checkpoint origin must be one non-empty line"))
        if not 0 <= self.size <= MAX_UINT63:
            raise CheckpointError(
                N_("checkpoint size {size} is not between 0 and 2^63-1"), size=self.size
            )
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(
                N_("a checkpoint root has {hash_size} bytes, not {count}"),
                hash_size=HASH_SIZE,
                count=len(self.root),
            )
        for line in self.extensions:
            if not line or _has_control(line):
                raise CheckpointError(N_("a checkpoint extension must be one non-empty line"))

    def to_text(self) -> str:
        """The note text: origin, size, base64 root and extensions, each ending in a newline."""
        lines = [self.origin, str(self.size), encode_base64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text, refusing anything but the strict C2SP form."""
        if not text.endswith("\n"):
            raise CheckpointError(N_("checkpoint text must end with a newline"))
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(N_("a checkpoint needs origin, size and root lines"))
        for number, line in enumerate(lines, start=1):
            if not line:
                raise CheckpointError(N_("checkpoint line {number} is empty"), number=number)
        size = decode_decimal(lines[1])
        if size is None:
            raise CheckpointError(
                N_(
                    "checkpoint line 2 ({lines!r}) is not a decimal tree size without leading zeros"
                ),
                lines=lines[1][:30],
            )
        root = decode_base64(lines[2])
        if root is None or len(root) != HASH_SIZE:
            raise CheckpointError(
                N_(
                    "checkpoint line 3 ({lines!r}) is not the canonical base64 of a {hash_size}-byte"
                    " root"
                ),
                lines=lines[2][:50],
                hash_size=HASH_SIZE,
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
            N_("key {signer!r} may not sign checkpoints of origin {origin!r}"),
            signer=signer.name,
            origin=checkpoint.origin,
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
        raise CheckpointError(N_("checkpoint signatures do not hold: {e}"), e=e) from e
    if not note.verified_by(log):
        raise CheckpointError(N_("the checkpoint is not signed by the log key {log}"), log=log.name)
    checkpoint = Checkpoint.parse(note.text)
    expected = log.name if origin is None else origin
    if checkpoint.origin != expected:
        raise CheckpointError(
            N_("the checkpoint is for origin {origin!r}, expected {expected!r}"),
            origin=checkpoint.origin,
            expected=expected,
        )
    return SignedCheckpoint(checkpoint, note, data)


def check_extends(previous: Checkpoint | None, new: Checkpoint, proof: Sequence[bytes]) -> None:
    """Refuse `new` unless the consistency proof shows it extends `previous`."""
    if previous is None:
        return
    if new.origin != previous.origin:
        raise CheckpointConflict(
            N_("checkpoint origin {origin!r} differs from the earlier {earlier!r}"),
            origin=new.origin,
            earlier=previous.origin,
        )
    if new.size < previous.size:
        raise CheckpointConflict(
            N_("checkpoint size {size} is smaller than the earlier size {earlier}"),
            size=new.size,
            earlier=previous.size,
        )
    if previous.size == 0:
        if previous.root != EMPTY_ROOT or proof:
            raise CheckpointConflict(
                N_("an empty earlier checkpoint needs the empty root and no proof")
            )
        return
    try:
        verify_consistency(previous.size, new.size, previous.root, new.root, proof)
    except ProofError as e:
        raise CheckpointConflict(
            N_("checkpoint of size {size} is not an extension of the one of size {earlier}: {e}"),
            size=new.size,
            earlier=previous.size,
            e=e,
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
