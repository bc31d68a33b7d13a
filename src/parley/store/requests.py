"""Signed requests the server has answered: each nonce of a key once, with the first answer.

A request that appends is recorded by the ledger's own write transaction, beside its entries
(`record`), so a crash leaves either both or neither; any other request when it is answered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, and_, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from parley.log.keys import Key
from parley.store import driver
from parley.store import keys as store_keys
from parley.store import tables as t
from parley.store.engine import Database, Tx

_n = t.request_nonces.c


@dataclass(frozen=True)
class Seen:
    """A nonce already used: the signature it came with, and its answer. A request committed
    with its entries but not yet answered has no status and its provisional answer."""

    signature: bytes
    status: int | None
    answer: bytes | None


_SEEN = select(_n.signature, _n.status, _n.answer).where(
    _n.key_id == bindparam("key_id"), _n.nonce == bindparam("nonce")
)


def seen(tx: Tx, key_id: str, nonce: str) -> Seen | None:
    """What the key's earlier request with this nonce left; None if nothing holds it."""
    row = tx.execute(_SEEN, {"key_id": key_id, "nonce": nonce}).one_or_none()
    if row is None:
        return None
    answer = None if row.answer is None else bytes(row.answer)
    return Seen(bytes(row.signature), row.status, answer)


# the key that signed a request and what its nonce left, in one statement (a request's door)
_ADMISSION = store_keys.SIGNING_KEY.add_columns(
    _n.signature.label("nonce_signature"),
    _n.status.label("nonce_status"),
    _n.answer.label("nonce_answer"),
).outerjoin(
    t.request_nonces,
    and_(_n.key_id == t.party_keys.c.key_id, _n.nonce == bindparam("nonce")),
)


def admission(db: Database, key_id: str, nonce: str) -> tuple[tuple[Key, bool] | None, Seen | None]:
    """The key `key_id` as `store.keys.signing_key` gives it, and what its earlier request with
    this nonce left (`seen`), in one statement: on PostgreSQL outside a transaction, one round
    trip (a statement sees one snapshot; no BEGIN, no COMMIT)."""
    rows = driver.read(db, _ADMISSION, {"key_id": key_id, "nonce": nonce})  # every request's
    row = rows[0] if rows else None
    found = store_keys.signing_key_of(row, key_id)
    if row is None or row.nonce_signature is None:
        return found, None
    answer = None if row.nonce_answer is None else bytes(row.nonce_answer)
    return found, Seen(bytes(row.nonce_signature), row.nonce_status, answer)


@dataclass(frozen=True)
class Taken:
    """A request's nonce as its entries' transaction takes it, with the provisional answer."""

    key_id: str
    nonce: str
    created: int
    signature: bytes
    provisional: bytes

    def holds(self, key_id: str, nonce: str) -> bool:
        return self.key_id == key_id and self.nonce == nonce


_HELD = select(_n.key_id, _n.nonce, _n.signature).where(
    _n.key_id.in_(bindparam("keys", expanding=True)),
    _n.nonce.in_(bindparam("nonces", expanding=True)),
)


_HELD_PG = select(_n.key_id, _n.nonce, _n.signature).where(driver.pairs_in(_n.key_id, _n.nonce))


def held(tx: Tx, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """The signature of the request holding each (key id, nonce) pair that one holds."""
    if not pairs:
        return {}
    if tx.dialect.name == "postgresql":  # one statement whatever the count, on the driver's cursor
        found = driver.rows(tx, _HELD_PG, driver.pairs(pairs))
        wanted = set(pairs)
        return {
            (r.key_id, r.nonce): bytes(r.signature) for r in found if (r.key_id, r.nonce) in wanted
        }
    keys, nonces = sorted({k for k, _ in pairs}), sorted({n for _, n in pairs})
    rows = tx.execute(_HELD, {"keys": keys, "nonces": nonces})
    wanted = set(pairs)
    return {(r.key_id, r.nonce): bytes(r.signature) for r in rows if (r.key_id, r.nonce) in wanted}


def record(tx: Tx, taken: Sequence[Taken]) -> None:
    """Take the requests' nonces inside the transaction that appends their entries, so a crash
    leaves both or neither (the ledger has checked that no request holds them)."""
    if taken:
        rows = [
            {
                "key_id": x.key_id,
                "nonce": x.nonce,
                "created": x.created,
                "signature": x.signature,
                "answer": x.provisional,
            }
            for x in taken
        ]
        tx.execute(insert(t.request_nonces), rows)


# a request that appended nothing is new to the table: its row is inserted, in one statement;
# the update is for a request whose entries' transaction took its nonce with no answer yet
_NEW_ANSWER = {
    "postgresql": pg_insert(t.request_nonces).on_conflict_do_nothing().returning(_n.nonce),
    "sqlite": sqlite_insert(t.request_nonces).on_conflict_do_nothing().returning(_n.nonce),
}
_FIRST_ANSWER = (
    update(t.request_nonces)
    .where(
        _n.key_id == bindparam("k_key_id"), _n.nonce == bindparam("k_nonce"), _n.status.is_(None)
    )
    .values(status=bindparam("status"), answer=bindparam("answer"))
)


def answer(
    db: Engine, key_id: str, nonce: str, created: int, signature: bytes, status: int, body: bytes
) -> None:
    """Keep the answer given to a request, for its retries (the first answer kept wins). On
    PostgreSQL each statement commits itself (no BEGIN, no COMMIT round trip): the insert
    alone, or an update that only a row still waiting for its answer takes."""
    row = {"key_id": key_id, "nonce": nonce, "created": created, "signature": signature}
    try:
        with _statements(db) as tx:
            new = _NEW_ANSWER[tx.dialect.name]
            if tx.execute(new, {**row, "status": status, "answer": body}).first() is None:
                keys = {"k_key_id": key_id, "k_nonce": nonce}
                tx.execute(_FIRST_ANSWER, {**keys, "status": status, "answer": body})
    except IntegrityError:  # answered already (another process): the first answer stands
        pass


@contextmanager
def _statements(db: Database) -> Iterator[Tx]:
    """A connection whose statements each commit themselves on PostgreSQL (autocommit), and
    that commits at the end on SQLite (whose write lock is taken up front by BEGIN)."""
    with db.connect() as conn:
        if conn.dialect.name == "postgresql":
            yield conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            with conn.begin():
                yield conn
