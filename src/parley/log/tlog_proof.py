"""C2SP tlog-proof: an entry's audit path and the signed checkpoint, as one offline text.

Written by hand: no maintained Python library implements RFC 9162 proofs and C2SP notes.
Format in docs/log-format.md, section 9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.errors import N_
from parley.log.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint
from parley.log.encoding import decode_base64, decode_decimal, encode_base64
from parley.log.errors import NoteError, ProofError, TlogProofError
from parley.log.merkle import HASH_SIZE, verify_inclusion
from parley.log.nodes import NodeReader, inclusion_proof_from_nodes
from parley.log.note import Verifier, parse_note

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 63  # enough for any tree of up to 2^63 entries


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes  # the signed checkpoint note, verbatim
    extra: bytes | None = None  # unauthenticated, application-defined

    def to_bytes(self) -> bytes:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {encode_base64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(encode_base64(h) for h in self.hashes)
        return ("".join(line + "\n" for line in lines) + "\n").encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Read a tlog-proof text strictly; the checkpoint is kept verbatim, not yet checked."""
        head, sep, checkpoint = data.partition(b"\n\n")
        if not sep:
            raise TlogProofError(N_("the proof has no blank line before its checkpoint"))
        try:
            lines = head.decode("ascii").split("\n")
        except UnicodeDecodeError as e:
            raise TlogProofError(N_("the proof's lines before the checkpoint are not ASCII")) from e
        if lines[0] != HEADER:
            raise TlogProofError(
                N_("a tlog-proof must start with the line {header!r}"), header=HEADER
            )
        position = 1
        extra = None
        if position < len(lines) and lines[position].startswith("extra "):
            extra = decode_base64(lines[position].removeprefix("extra "))
            if extra is None:
                raise TlogProofError(N_("the proof's extra line is not canonical base64"))
            position += 1
        index_line = lines[position] if position < len(lines) else ""
        index = decode_decimal(index_line.removeprefix("index "))
        if not index_line.startswith("index ") or index is None:
            raise TlogProofError(
                N_("proof line {number} must be 'index <decimal>'"), number=position + 1
            )
        hash_lines = lines[position + 1 :]
        if len(hash_lines) > MAX_PROOF_HASHES:
            raise TlogProofError(
                N_("the proof has more than {most} hashes"),
                most=MAX_PROOF_HASHES,
            )
        hashes = []
        for number, line in enumerate(hash_lines, start=position + 2):
            value = decode_base64(line)
            if value is None or len(value) != HASH_SIZE:
                raise TlogProofError(
                    N_("proof line {number} is not a base64 SHA-256 hash"), number=number
                )
            hashes.append(value)
        return cls(index, tuple(hashes), checkpoint, extra)


def prove_from_nodes(
    nodes: NodeReader, index: int, signed_checkpoint: bytes, extra: bytes | None = None
) -> TlogProof:
    """The tlog-proof of entry `index` in the tree that a signed checkpoint describes."""
    try:
        checkpoint = Checkpoint.parse(parse_note(signed_checkpoint).text)
    except NoteError as e:
        raise TlogProofError(
            N_("the checkpoint to prove against is not a signed note: {e}"), e=e
        ) from e
    hashes = inclusion_proof_from_nodes(nodes, index, checkpoint.size)
    return TlogProof(index, tuple(hashes), signed_checkpoint, extra)


def verify_tlog_proof(
    proof: TlogProof,
    leaf_hash: bytes,
    log: Verifier,
    witnesses: Sequence[Verifier] = (),
    quorum: int = 0,
) -> SignedCheckpoint:
    """Check the checkpoint's signatures, `quorum` witness cosignatures, and the audit path."""
    signed = open_checkpoint(proof.checkpoint, log, witnesses)
    cosigned = sum(1 for w in witnesses if signed.cosigned_by(w))
    if cosigned < quorum:
        raise ProofError(
            N_("the checkpoint has {cosigned} of the {quorum} witness cosignatures needed"),
            cosigned=cosigned,
            quorum=quorum,
        )
    checkpoint = signed.checkpoint
    verify_inclusion(leaf_hash, proof.index, checkpoint.size, proof.hashes, checkpoint.root)
    return signed
