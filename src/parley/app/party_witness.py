"""A party's witness for a log that pushes: C2SP tlog-witness `add-checkpoint`, answered on
the party's machine with the state and mirror files `parley sync` keeps (one process owns
them at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.sync import Mirror, SyncRefused, split_view
from parley.errors import N_, ParleyError
from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.errors import CheckpointError, KeyFormatError, WitnessRefusal, WitnessStateMismatch
from parley.log.naming import witness_name
from parley.log.note import Ed25519Verifier
from parley.log.witness import AddCheckpoint, TreeHead, Witness, write_atomically

MAX_REQUEST = 64 * 1024  # 63 proof lines and a checkpoint with some cosignatures
SIZE_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class WitnessAnswer:
    """An HTTP answer as tlog-witness defines it: status, content type, body."""

    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> WitnessAnswer:
    return WitnessAnswer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


class PartyWitness:
    """The party's cosigning key, the operator's pinned key and the party's witness state."""

    def __init__(
        self, data_dir: Path, party: str, key: Ed25519PrivateKey, operator_key: str | None
    ) -> None:
        self.mirror = Mirror(data_dir, party)
        pinned = self.mirror.operator_key
        text = pinned.read_text("utf-8").strip() if pinned.exists() else operator_key
        if text is None:
            raise SyncRefused(
                N_("no mediator key is pinned here: run `parley sync` once or give --mediator-key")
            )
        if operator_key is not None and operator_key.strip() != text:
            raise SyncRefused(
                N_("--mediator-key differs from the key pinned in {pinned}"), pinned=pinned
            )
        try:
            self.log = Ed25519Verifier.from_verifier_key(text)
        except KeyFormatError as e:
            raise SyncRefused(
                N_("the mediator key {text!r} is not a verifier key: {e}"), text=text, e=e
            ) from e
        self.mirror.witness_dir.mkdir(parents=True, exist_ok=True)
        if not pinned.exists():
            write_atomically(pinned, (text + "\n").encode("utf-8"))
        signer = CosignatureSigner(witness_name(party), key)
        self.witness = Witness(signer, self.log, self.mirror.state)

    def add_checkpoint(self, body: bytes) -> WitnessAnswer:
        """Cosign a checkpoint that extends the last one cosigned; else say why, as the spec
        says: 400 malformed, 403 not the log's signature, 409 wrong old size, 422 bad proof."""
        if len(body) > MAX_REQUEST:
            return _text(413, f"a request has at most {MAX_REQUEST} bytes")
        try:
            request = AddCheckpoint.parse(body)
            new = open_checkpoint(request.checkpoint, self.log).checkpoint
        except CheckpointError as e:
            return _text(403, str(e))
        except WitnessRefusal as e:
            return _text(400, str(e))
        if request.old_size > new.size:
            return _text(400, f"old size {request.old_size} is larger than {new.size}")
        head = self.mirror.state.load()
        try:
            signature = self.witness.add_checkpoint(request)
        except WitnessStateMismatch as e:
            return WitnessAnswer(409, SIZE_TYPE, f"{e.latest_size}\n".encode("ascii"))
        except WitnessRefusal as e:
            if head is not None and head.size > 0:
                why = ParleyError(N_("inconsistent ({reason}) with"), reason=e)
                alarm = split_view(
                    self.mirror,
                    ParleyError(N_("a push to this witness")),
                    request.checkpoint,
                    head,
                    new.size,
                    new.root,
                    why,
                    request.proof,
                )
                return _text(422, str(alarm))
            return _text(422, str(e))
        write_atomically(self.mirror.cosigned_note, request.checkpoint)
        return WitnessAnswer(200, "text/plain; charset=utf-8", signature.line().encode("utf-8"))

    def head(self) -> TreeHead | None:
        return self.mirror.state.load()
