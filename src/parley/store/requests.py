"""Signed requests the server has answered: each nonce of a key once, with the first answer.

A request that appends is recorded by the ledger's own write transaction, beside its entries
(`record`), so a crash leaves either both or neither; any other request when it is answered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from parley.store import tables as t
from parley.store.engine import Tx

_n = t.request_nonces.c


@dataclass(frozen=True)
class Seen:
    """A nonce already used: the signature it came with, and its answer. A request committed
    with its entries but not yet answered has no status and its provisional answer."""

    signature: bytes
    status: int | None
    answer: bytes | None


def seen(db: Engine, key_id: str, nonce: str) -> Seen | None:
    """What the key's earlier request with this nonce left; None if nothing holds it."""
    with db.connect() as tx:
        row = tx.execute(
            select(_n.signature, _n.status, _n.answer).where(_n.key_id == key_id, _n.nonce == nonce)
        ).one_or_none()
    if row is None:
        return None
    answer = None if row.answer is None else bytes(row.answer)
    return Seen(bytes(row.signature), row.status, answer)


def record(
    tx: Tx, key_id: str, nonce: str, created: int, signature: bytes, provisional: bytes
) -> bytes | None:
    """Take the nonce inside the transaction that appends the request's entries; the signature
    of the request that already holds it, if one does (a replay, or a second command of it)."""
    held = tx.execute(
        select(_n.signature).where(_n.key_id == key_id, _n.nonce == nonce)
    ).scalar_one_or_none()
    if held is not None:
        return bytes(held)
    tx.execute(
        insert(t.request_nonces).values(
            key_id=key_id, nonce=nonce, created=created, signature=signature, answer=provisional
        )
    )
    return None


def answer(
    db: Engine, key_id: str, nonce: str, created: int, signature: bytes, status: int, body: bytes
) -> None:
    """Keep the answer given to a request, for its retries (the first answer kept wins)."""
    try:
        with db.begin() as tx:
            done = tx.execute(
                update(t.request_nonces)
                .where(_n.key_id == key_id, _n.nonce == nonce, _n.status.is_(None))
                .values(status=status, answer=body)
            )
            if done.rowcount == 0:
                tx.execute(
                    insert(t.request_nonces).values(
                        key_id=key_id,
                        nonce=nonce,
                        created=created,
                        signature=signature,
                        status=status,
                        answer=body,
                    )
                )
    except IntegrityError:  # answered already (another process): the first answer stands
        pass
