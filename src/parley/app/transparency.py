"""The log's public face: checkpoints signed by the operator, cosigned by witnesses, and the
proofs and entries other tools check against them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parley.app import authz
from parley.app.ledger import Ledger, rfc3339
from parley.domain.errors import DomainError, NotFound
from parley.errors import N_
from parley.log.checkpoint import Checkpoint, issue_checkpoint
from parley.log.cosignature import CosignatureSigner, CosignatureVerifier
from parley.log.encoding import encode_base64
from parley.log.errors import LogError, NoteError
from parley.log.merkle import EMPTY_ROOT
from parley.log.naming import log_origin, witness_name
from parley.log.nodes import consistency_proof_from_nodes, root_from_nodes
from parley.log.note import Ed25519Signer, Ed25519Verifier, open_note, parse_note
from parley.log.tlog_proof import prove_from_nodes
from parley.log.witness import AddCheckpoint, JsonFileWitnessState, Witness
from parley.store import Tx
from parley.store import keys as store_keys
from parley.store import log as stored
from parley.store.nodes import SqlNodeStore


def origin(conn: Tx) -> str:
    """The log's name in checkpoints: one per instance."""
    instance = store_keys.instance(conn)
    if instance is None:
        raise DomainError(N_("this instance is not initialised: run `parley init`"))
    return log_origin(instance.instance_id)


def operator(conn: Tx) -> tuple[str, bytes]:
    """The mediator, who signs checkpoints, and its current public key."""
    key = store_keys.mediator_key(conn)
    return key.party_id, key.public_key


def operator_verifier(conn: Tx) -> Ed25519Verifier:
    _, public = operator(conn)
    if not public:
        raise DomainError(N_("the mediator has no active key to sign checkpoints with"))
    return Ed25519Verifier(origin(conn), public)


def checkpoint_at(conn: Tx, size: int | None) -> tuple[int, bytes]:
    """The stored checkpoint of a size (the latest when None), cosignatures included."""
    if size is None:
        found = stored.latest_checkpoint(conn)
        if found is None:
            raise NotFound(N_("no checkpoint has been signed yet: run `parley log checkpoint`"))
        size, note = found
    else:
        stored_note = stored.checkpoint_note(conn, size)
        if stored_note is None:
            raise NotFound(N_("there is no checkpoint of size {size}"), size=size)
        note = stored_note
    return size, stored.with_cosignatures(conn, size, note)


def sign_checkpoint(ledger: Ledger) -> tuple[int, bytes]:
    """The operator's checkpoint of the whole log; never one inconsistent with the last."""
    with stored.writing(ledger.engine) as conn:
        size = stored.size(conn)
        last = stored.latest_checkpoint(conn)
        if last is not None and last[0] == size:
            return size, stored.with_cosignatures(conn, size, last[1])
        previous = Checkpoint.parse(parse_note(last[1]).text) if last is not None else None
        mediator, _ = operator(conn)
        signer = Ed25519Signer(origin(conn), ledger.keys.get(mediator))
        try:
            note = issue_checkpoint(signer, SqlNodeStore(conn), size, previous)
        except LogError as e:
            raise DomainError(
                N_("refusing to sign a checkpoint of size {size}: {e}"), size=size, e=e
            ) from e
        root = root_from_nodes(SqlNodeStore(conn), size) if size else EMPTY_ROOT
        stored.add_checkpoint(conn, size, root, note, rfc3339(ledger.clock()))
        return size, note


@dataclass(frozen=True)
class Cosigned:
    witness: str
    size: int
    old_size: int


def cosign(ledger: Ledger, *, party_id: str, state_dir: Path) -> Cosigned:
    """A party, as witness, checks the latest checkpoint against the last it cosigned."""
    with stored.writing(ledger.engine) as conn:
        authz.require(conn, party_id, authz.Action.LOG_COSIGN)
        size, note = checkpoint_at(conn, None)
        state_dir.mkdir(parents=True, exist_ok=True)
        state = JsonFileWitnessState(state_dir / f"{party_id}.json")
        head = state.load()
        old = head.size if head is not None else 0
        if old > size:
            raise DomainError(
                N_("{party_id} has cosigned size {old}, larger than the log's {size}"),
                party_id=party_id,
                old=old,
                size=size,
            )
        proof = (
            consistency_proof_from_nodes(SqlNodeStore(conn), old, size) if 0 < old < size else []
        )
        signer = CosignatureSigner(witness_name(party_id), ledger.keys.get(party_id))
        witness = Witness(signer, operator_verifier(conn), state, origin(conn))
        try:
            signature = witness.add_checkpoint(AddCheckpoint(old, tuple(proof), note))
        except LogError as e:
            raise DomainError(
                N_("{party_id} refuses to cosign: {e}"), party_id=party_id, e=e
            ) from e
        stored.put_cosignature(conn, size, party_id, signature.line())
        return Cosigned(party_id, size, old)


def add_cosignature(ledger: Ledger, *, party_id: str, size: int, line: str) -> None:
    """A party's cosignature, made on its own machine, kept beside the stored checkpoint."""
    with stored.writing(ledger.engine) as conn:
        authz.require(conn, party_id, authz.Action.LOG_COSIGN)
        note = stored.checkpoint_note(conn, size)
        if note is None:
            raise NotFound(N_("there is no checkpoint of size {size}"), size=size)
        key = store_keys.current_key(conn, party_id)
        if key is None:
            raise NotFound(N_("{party_id} is not a party with an active key"), party_id=party_id)
        witness = CosignatureVerifier(witness_name(party_id), key.public_key)
        try:
            opened = open_note(note + line.encode("utf-8"), [operator_verifier(conn), witness])
        except (NoteError, UnicodeError) as e:
            raise DomainError(
                N_("{party_id}'s cosignature of size {size} does not hold: {e}"),
                party_id=party_id,
                size=size,
                e=e,
            ) from e
        signature = next((s for s in opened.verified if s.name == witness.name), None)
        if signature is None or signature.key_id != witness.key_id:
            raise DomainError(
                N_("the line is not a cosignature by {party_id}'s current key"), party_id=party_id
            )
        stored.put_cosignature(conn, size, party_id, signature.line())


def prove(ledger: Ledger, *, index: int, size: int | None) -> bytes:
    """A C2SP tlog-proof of one entry against a stored checkpoint."""
    with ledger.reading() as conn:
        _, note = checkpoint_at(conn, size)
        try:
            return prove_from_nodes(SqlNodeStore(conn), index, note).to_bytes()
        except LogError as e:
            raise DomainError(e.template or str(e), **e.params) from e  # said as e is


def consistency(ledger: Ledger, *, size1: int, size2: int) -> list[bytes]:
    with ledger.reading() as conn:
        if size2 > stored.size(conn):
            raise DomainError(N_("the log has only {size} entries"), size=stored.size(conn))
        try:
            return consistency_proof_from_nodes(SqlNodeStore(conn), size1, size2)
        except LogError as e:
            raise DomainError(e.template or str(e), **e.params) from e  # said as e is


def consistency_text(ledger: Ledger, *, size1: int, size2: int) -> bytes:
    """The proof in tlog-witness form when a checkpoint of size2 is stored, else bare hashes."""
    hashes = consistency(ledger, size1=size1, size2=size2)
    with ledger.reading() as conn:
        note = stored.checkpoint_note(conn, size2)
        if note is None:
            return "".join(encode_base64(h) + "\n" for h in hashes).encode("ascii")
        signed = stored.with_cosignatures(conn, size2, note)
    return AddCheckpoint(size1, tuple(hashes), signed).to_bytes()


def stored_checkpoint(ledger: Ledger, size: int) -> bytes:
    with ledger.reading() as conn:
        return checkpoint_at(conn, size)[1]


def witness_key(ledger: Ledger, party_id: str) -> str:
    """A party's cosignature verifier key, for tools that check witnesses."""
    with ledger.reading() as conn:
        key = store_keys.current_key(conn, party_id)
    if key is None:
        raise NotFound(N_("{party_id} is not a party with an active key"), party_id=party_id)
    return CosignatureVerifier(witness_name(party_id), key.public_key).verifier_key()


def entry_bytes(ledger: Ledger, index: int) -> bytes:
    """The exact bytes whose RFC 9162 leaf hash is entry `index` of the tree."""
    with ledger.reading() as conn:
        header = stored.header(conn, index)
    if header is None:
        raise NotFound(N_("there is no log entry {index}"), index=index)
    return header


def verifier_key(ledger: Ledger) -> str:
    """The operator's checkpoint key in the signed-note `name+hash+key` form."""
    with ledger.reading() as conn:
        return operator_verifier(conn).verifier_key()
