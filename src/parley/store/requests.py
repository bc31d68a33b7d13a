"""Signed requests the server has seen: each nonce of a key once, with the first answer given."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from parley.store import tables as t

_n = t.request_nonces.c


@dataclass(frozen=True)
class Seen:
    """A nonce already used: the signature it came with, and its answer once there is one."""

    signature: bytes
    status: int | None
    answer: bytes | None


def claim(db: Engine, key_id: str, nonce: str, created: int, signature: bytes) -> Seen | None:
    """Take a nonce for a request (None), or what the key's earlier request with it left."""
    try:
        with db.begin() as tx:
            tx.execute(
                insert(t.request_nonces).values(
                    key_id=key_id, nonce=nonce, created=created, signature=signature
                )
            )
        return None
    except IntegrityError:
        with db.connect() as tx:
            row = tx.execute(
                select(_n.signature, _n.status, _n.answer).where(
                    _n.key_id == key_id, _n.nonce == nonce
                )
            ).one()
        answer = None if row.answer is None else bytes(row.answer)
        return Seen(bytes(row.signature), row.status, answer)


def answer(db: Engine, key_id: str, nonce: str, status: int, body: bytes) -> None:
    """Keep the answer given to a request, for its retries."""
    with db.begin() as tx:
        tx.execute(
            update(t.request_nonces)
            .where(_n.key_id == key_id, _n.nonce == nonce)
            .values(status=status, answer=body)
        )
