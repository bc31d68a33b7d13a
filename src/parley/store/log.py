"""The log's own tables: its entries, checkpoints and cosignatures, read and written here.

Everything that appends takes the log's write transaction from `writing`; the tree nodes have
their own port in `store.nodes`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from parley.errors import N_
from parley.log.command import SignedCommand
from parley.log.entry import Entry, StoredCheckpoint, StoredEntry
from parley.store import driver
from parley.store import tables as t
from parley.store.engine import ValueRefused, lock_log

_e = t.log_entries.c
_c = t.log_commands.c
# the order `Appender.insert` gives an entry's values in
_INSERTED = (
    "idx", "type", "actor", "key_id", "claimed_time", "header", "signature", "leaf_hash", "payload", "salt",
)  # fmt: skip
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_LAST_INDEX = select(func.max(_e.idx))
# the command an entry belongs to: the last one that begins at or before it
_COMMAND_OF = select(func.max(_c.first_idx)).where(_c.first_idx <= bindparam("idx"))


@contextmanager
def writing(db: Engine) -> Iterator[Connection]:
    """The one write transaction of the log: appenders queue for it, in order."""
    with db.connect().execution_options(parley_write=True) as tx, tx.begin():
        lock_log(tx)
        yield tx


def size(tx: Connection) -> int:
    """How many entries the log holds: the index the next one gets."""
    last = tx.execute(_LAST_INDEX).scalar_one_or_none()
    return 0 if last is None else int(last) + 1


_TIP = select(_e.idx, _e.leaf_hash).order_by(_e.idx.desc()).limit(1)


# the entry that ended the log at a size read before, and any of given types appended after it
_SINCE = (
    select(_e.idx, _e.leaf_hash)
    .where(
        _e.idx >= bindparam("last"),
        (_e.idx == bindparam("last")) | _e.type.in_(bindparam("types", expanding=True)),
    )
    .order_by(_e.idx)
    .limit(2)
)


def extends(tx: Connection, tip: tuple[int, bytes | None], types: Iterable[str]) -> bool:
    """Whether the log still ends its first `tip[0]` entries with the leaf `tip[1]`, and holds
    no entry of `types` after them (another process appended, but none of those)."""
    size, leaf = tip
    if size == 0 or leaf is None:
        return False
    rows = tx.execute(_SINCE, {"last": size - 1, "types": sorted(types)}).all()
    return len(rows) == 1 and rows[0].idx == size - 1 and bytes(rows[0].leaf_hash) == leaf


def tip(tx: Connection) -> tuple[int, bytes | None]:
    """How many entries the log holds and the last one's leaf hash (None for an empty log)."""
    rows = driver.rows(tx, _TIP, {})  # every group commit's first read
    return (0, None) if not rows else (int(rows[0].idx) + 1, bytes(rows[0].leaf_hash))


@functools.cache
def _insert_sql(paramstyle: str) -> str:
    marks = ", ".join([_PLACEHOLDER[paramstyle]] * len(_INSERTED))
    return f"INSERT INTO {t.log_entries.name} ({', '.join(_INSERTED)}) VALUES ({marks})"


@functools.cache
def _command_sql(paramstyle: str) -> str:
    m = _PLACEHOLDER[paramstyle]
    return (
        f"INSERT INTO {t.log_commands.name} (first_idx, key_id, nonce, record, body)"
        f" VALUES ({m}, {m}, {m}, {m}, {m})"
    )


_SAVEPOINT = "SAVEPOINT parley_command"
_RELEASE = "RELEASE SAVEPOINT parley_command"


class Appender:
    """Entry inserts and per-command savepoints on the driver's own cursor, in the caller's
    transaction: SQLAlchemy's statements cost a third of a grouped command's time here. The
    command rows wait for `write_commands`, one statement for a group."""

    def __init__(self, tx: Connection) -> None:
        driver = tx.connection.driver_connection
        assert driver is not None  # the transaction holds a live connection
        self._driver: Any = driver
        self._cursor: Any = driver.cursor()
        self._insert = _insert_sql(tx.dialect.paramstyle)
        self._insert_command = _command_sql(tx.dialect.paramstyle)
        self._data_error: type[Exception] = tx.dialect.loaded_dbapi.DataError
        # PostgreSQL: statements sent together cost one round trip (a pipeline)
        self._pipelines = tx.dialect.name == "postgresql"
        self._open = False  # a savepoint is taken
        self._taken = False  # the next command's savepoint is taken already
        self._commands: list[tuple[int, str, str, bytes, bytes | None]] = []
        self._entries: list[tuple[Any, ...]] = []  # held back by `hold` to `write_entries`

    def savepoint(self) -> None:
        """A savepoint for the next command (releasing the last: the transaction keeps it)."""
        if self._taken:
            self._taken = False
        elif not self._open:
            self._cursor.execute(_SAVEPOINT)
        elif self._pipelines:
            self._cursor.execute(f"{_RELEASE}; {_SAVEPOINT}")
        else:
            self._cursor.execute(_RELEASE)
            self._cursor.execute(_SAVEPOINT)
        self._open = True

    @contextmanager
    def together(self, *, then_savepoint: bool = False) -> Iterator[None]:
        """The block's writes (no reads) sent at once, and with `then_savepoint` the next
        command's savepoint after them: on PostgreSQL one round trip. A value the database
        refuses is `ValueRefused`, with the transaction to be rolled back to the savepoint."""
        if not self._pipelines:  # SQLite: a statement is a call, not a round trip
            yield
            return
        try:
            with self._driver.pipeline():
                yield
                if then_savepoint:
                    self._cursor.execute(_RELEASE)
                    self._cursor.execute(_SAVEPOINT)
        except self._data_error as e:
            raise ValueRefused(
                N_(
                    "the database cannot store a value of this command ({cause}); nothing was"
                    " written"
                ),
                cause=type(e).__name__,
            ) from e
        self._taken = then_savepoint

    def roll_back(self) -> None:
        """Undo what the command wrote since its savepoint (which stays, to be released)."""
        self._cursor.execute("ROLLBACK TO SAVEPOINT parley_command")

    def insert(self, entries: Sequence[Entry], claimed_time: str) -> None:
        self._cursor.executemany(self._insert, _rows(entries, claimed_time))

    def hold(self, entries: Sequence[Entry], claimed_time: str) -> None:
        """Entries to insert with the others held, by `write_entries`."""
        self._entries += _rows(entries, claimed_time)

    def held(self) -> int:
        return len(self._entries)

    def write_entries(self) -> None:
        """The entries held, in one statement."""
        if self._entries:
            rows, self._entries = self._entries, []
            self._cursor.executemany(self._insert, rows)

    def insert_command(self, first: int, command: SignedCommand, body: bytes | None) -> None:
        """A signed command's record and body, beside the first entry it made (written by
        `write_commands`)."""
        self._commands.append((first, command.keyid, command.nonce, command.to_bytes(), body))

    def holds(self, key_id: str, nonce: str) -> bool:
        """Whether a command waiting to be written used this key's nonce."""
        return any(c[1] == key_id and c[2] == nonce for c in self._commands)

    def pending(self) -> int:
        return len(self._commands)

    def drop(self, keep: int, keep_entries: int = 0) -> None:
        """Forget the commands waiting after the first `keep`, and the entries held after the
        first `keep_entries` (rolled back)."""
        del self._commands[keep:]
        del self._entries[keep_entries:]

    def write_commands(self) -> None:
        """The command rows waiting, in one statement."""
        if self._commands:
            self._cursor.executemany(self._insert_command, self._commands)
            self._commands.clear()


def _rows(entries: Sequence[Entry], claimed_time: str) -> list[tuple[Any, ...]]:
    """The entries' values in the order of `_INSERTED`."""
    return [
        (
            e.index,
            e.header.type,
            e.header.actor,
            e.header.key_id,
            claimed_time,
            e.header_bytes,
            e.signature,
            e.leaf,
            e.payload,
            e.salt,
        )
        for e in entries
    ]


_NONCES = select(_c.key_id, _c.nonce).where(
    _c.key_id.in_(bindparam("keys", expanding=True)),
    _c.nonce.in_(bindparam("nonces", expanding=True)),
)


_NONCE = select(_c.key_id, _c.nonce).where(
    _c.key_id == bindparam("key_id"), _c.nonce == bindparam("nonce")
)


# PostgreSQL: the pairs as two arrays, one statement whatever their count, on the driver's cursor
_NONCES_PG = select(_c.key_id, _c.nonce).where(driver.pairs_in(_c.key_id, _c.nonce))


def logged_nonces(tx: Connection, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the (key id, nonce) pairs a command on the log already used."""
    if not pairs:
        return set()
    if len(pairs) == 1:  # a group of one request, on the driver's cursor
        found = driver.rows(tx, _NONCE, {"key_id": pairs[0][0], "nonce": pairs[0][1]})
        return {(r.key_id, r.nonce) for r in found}
    if tx.dialect.name == "postgresql":
        found = driver.rows(tx, _NONCES_PG, driver.pairs(pairs))
        return {(r.key_id, r.nonce) for r in found} & set(pairs)
    keys, nonces = sorted({k for k, _ in pairs}), sorted({n for _, n in pairs})
    rows = tx.execute(_NONCES, {"keys": keys, "nonces": nonces})
    return {(r.key_id, r.nonce) for r in rows} & set(pairs)


def erase_payloads(tx: Connection, indices: Sequence[int]) -> None:
    """Drop payloads and salts: the header's commitment stays, and with its salt gone it
    cannot be brute-forced back into a name."""
    if indices:
        tx.execute(
            update(t.log_entries).where(_e.idx.in_(list(indices))).values(payload=None, salt=None)
        )
        # the body of each command that made an erased entry goes with it (it may name the person)
        firsts: set[int] = set()
        for idx in set(indices):
            first = tx.execute(_COMMAND_OF, {"idx": idx}).scalar_one_or_none()
            if first is not None:
                firsts.add(int(first))
        if firsts:
            tx.execute(update(t.log_commands).where(_c.first_idx.in_(firsts)).values(body=None))


@dataclass(frozen=True)
class EventRow:
    """What a replay needs of an entry: None for an erased payload."""

    idx: int
    type: str
    actor: str
    time: str
    payload: bytes | None


def events(tx: Connection, chunk: int = 5000) -> Iterator[EventRow]:
    """Every entry's event in order, read `chunk` entries at a time."""
    last = -1
    query = select(_e.idx, _e.type, _e.actor, _e.claimed_time, _e.payload)
    while True:
        rows = tx.execute(query.where(_e.idx > last).order_by(_e.idx).limit(chunk)).all()
        for r in rows:
            payload = bytes(r.payload) if r.payload is not None else None
            yield EventRow(int(r.idx), r.type, r.actor, r.claimed_time, payload)
        if len(rows) < chunk:
            return
        last = rows[-1].idx


def payloads_of_type(tx: Connection, event_type: str) -> Iterator[tuple[int, bytes]]:
    """(index, payload) of every entry of one type whose payload is kept."""
    rows = tx.execute(
        select(_e.idx, _e.payload).where(_e.type == event_type, _e.payload.isnot(None))
    )
    for r in rows:
        yield int(r.idx), bytes(r.payload)


@dataclass(frozen=True)
class Columns:
    """What is stored beside an entry's header, for the check that both agree."""

    type: str
    actor: str
    key_id: str
    time: str


def entries(
    tx: Connection, chunk: int = 20_000, *, start: int = 0, end: int | None = None
) -> Iterator[tuple[StoredEntry, Columns]]:
    """Every entry in order (or those start..end-1), as stored, with the columns stored beside it."""
    last = start - 1
    while True:
        query = select(t.log_entries).where(_e.idx > last)
        if end is not None:
            query = query.where(_e.idx < end)
        rows = tx.execute(query.order_by(_e.idx).limit(chunk)).all()
        commands = _commands(tx, int(rows[0].idx), int(rows[-1].idx)) if rows else {}
        for r in rows:
            command, body = commands.get(int(r.idx), (None, None))
            stored = StoredEntry(
                index=int(r.idx),
                header=bytes(r.header),
                signature=bytes(r.signature) if r.signature is not None else None,
                payload=bytes(r.payload) if r.payload is not None else None,
                salt=bytes(r.salt) if r.salt is not None else None,
                leaf_hash=bytes(r.leaf_hash),
                command=command,
                command_body=body,
            )
            yield stored, Columns(r.type, r.actor, r.key_id, r.claimed_time)
        if len(rows) < chunk:
            return
        last = rows[-1].idx


def _commands(tx: Connection, lo: int, hi: int) -> dict[int, tuple[bytes, bytes | None]]:
    """The command records (and bodies) beside entries lo..hi, by their first entry."""
    rows = tx.execute(
        select(_c.first_idx, _c.record, _c.body).where(_c.first_idx >= lo, _c.first_idx <= hi)
    )
    return {
        int(r.first_idx): (bytes(r.record), None if r.body is None else bytes(r.body)) for r in rows
    }


def header(tx: Connection, index: int) -> bytes | None:
    found = tx.execute(select(_e.header).where(_e.idx == index)).scalar_one_or_none()
    return None if found is None else bytes(found)


def nodes(tx: Connection) -> list[tuple[int, int, bytes]]:
    """Every stored tree node: (level, index, hash)."""
    n = t.log_nodes.c
    return [
        (int(r.level), int(r.idx), bytes(r.hash))
        for r in tx.execute(select(n.level, n.idx, n.hash))
    ]


# --- checkpoints and cosignatures ---

_cp = t.checkpoints.c
_co = t.cosignatures.c


def latest_checkpoint(tx: Connection) -> tuple[int, bytes] | None:
    """The largest stored checkpoint's size and note, without cosignatures."""
    row = tx.execute(select(_cp.size, _cp.note).order_by(_cp.size.desc()).limit(1)).one_or_none()
    return None if row is None else (int(row.size), bytes(row.note))


def checkpoint_note(tx: Connection, size: int) -> bytes | None:
    """The stored note of a checkpoint of `size`, without cosignatures."""
    note = tx.execute(select(_cp.note).where(_cp.size == size)).scalar_one_or_none()
    return None if note is None else bytes(note)


def with_cosignatures(tx: Connection, size: int, note: bytes) -> bytes:
    """A stored checkpoint note with every cosignature line the witnesses added."""
    lines = tx.execute(select(_co.line).where(_co.size == size).order_by(_co.witness)).scalars()
    return note + "".join(lines).encode("utf-8")


def checkpoints(tx: Connection) -> list[StoredCheckpoint]:
    """Every stored checkpoint, smallest first, cosignatures included."""
    rows = tx.execute(select(_cp.size, _cp.note).order_by(_cp.size)).all()
    return [
        StoredCheckpoint(int(r.size), with_cosignatures(tx, int(r.size), bytes(r.note)))
        for r in rows
    ]


def add_checkpoint(tx: Connection, size: int, root: bytes, note: bytes, signed_at: str) -> None:
    tx.execute(insert(t.checkpoints).values(size=size, root=root, note=note, signed_at=signed_at))


def put_cosignature(tx: Connection, size: int, witness: str, line: str) -> None:
    """A witness's cosignature of a checkpoint, replacing one it made before."""
    tx.execute(delete(t.cosignatures).where(_co.size == size, _co.witness == witness))
    tx.execute(insert(t.cosignatures).values(size=size, witness=witness, line=line))


def last_time(tx: Connection) -> str | None:
    """The time the last entry claims; None for an empty log."""
    found = tx.execute(
        select(_e.claimed_time).order_by(_e.idx.desc()).limit(1)
    ).scalar_one_or_none()
    return None if found is None else str(found)


def headers(tx: Connection, lo: int, hi: int) -> list[bytes]:
    """The entry bytes (headers) of entries lo..hi-1, in order."""
    rows = tx.execute(select(_e.header).where(_e.idx >= lo, _e.idx < hi).order_by(_e.idx)).all()
    return [bytes(r.header) for r in rows]


@dataclass(frozen=True)
class KeptPayload:
    """An entry's payload and salt as kept (none once erased), with who made it."""

    index: int
    type: str
    actor: str
    payload: bytes
    salt: bytes


def kept_payloads(tx: Connection, lo: int, hi: int) -> list[KeptPayload]:
    """The payloads still kept of entries lo..hi-1, in order (an erased one is left out)."""
    rows = tx.execute(
        select(_e.idx, _e.type, _e.actor, _e.payload, _e.salt)
        .where(_e.idx >= lo, _e.idx < hi, _e.payload.isnot(None), _e.salt.isnot(None))
        .order_by(_e.idx)
    ).all()
    return [KeptPayload(int(r.idx), r.type, r.actor, bytes(r.payload), bytes(r.salt)) for r in rows]
