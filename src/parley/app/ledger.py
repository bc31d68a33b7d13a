"""The ledger: every command is checked, becomes events, and is appended with its projections
in one transaction. Nothing else writes to the database."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.engine import Connection

from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.domain import events as ev
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.log.entry import Entry, EntrySigner, draft, runs, sign_run
from parley.log.nodes import extend
from parley.store import migrate
from parley.store import tables as t
from parley.store.engine import lock_log, make_engine
from parley.store.nodes import SqlNodeStore
from parley.store.projection import Projection

Clock = Callable[[], dt.datetime]
Decide = Callable[[Connection], Sequence[Event]]


def erase_payloads(conn: Connection, indices: Sequence[int]) -> None:
    """Drop payloads and salts: the header's commitment stays, and with its salt gone it
    cannot be brute-forced back into a name."""
    if indices:
        conn.execute(
            update(t.log_entries)
            .where(t.log_entries.c.idx.in_(list(indices)))
            .values(payload=None, salt=None)
        )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_MAX_GROUP = 256
_ENTRY_COLUMNS = tuple(c.name for c in t.log_entries.columns)
_LEAF = _ENTRY_COLUMNS.index("leaf_hash")
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@functools.cache
def _insert_entries_sql(paramstyle: str) -> str:
    """The entries' INSERT for the driver's own cursor: through SQLAlchemy's execute it cost
    a fifth of a command (the log's hot path; the projections keep SQLAlchemy)."""
    marks = ", ".join([_PLACEHOLDER[paramstyle]] * len(_ENTRY_COLUMNS))
    return f"INSERT INTO {t.log_entries.name} ({', '.join(_ENTRY_COLUMNS)}) VALUES ({marks})"


_LAST_INDEX = select(func.max(t.log_entries.c.idx))
_KEY_ROW = select(t.party_keys.c.party_id, t.party_keys.c.status).where(
    t.party_keys.c.key_id == bindparam("kid")
)
_PARTY_ROW = select(t.parties.c.party_id).where(t.parties.c.party_id == bindparam("actor"))
# events after which a key checked earlier in the same commit group must be checked again
_KEY_EVENTS = frozenset({ev.INSTANCE_CREATED, ev.PARTY_REGISTERED, ev.KEY_ROTATED, ev.KEY_REVOKED})


class _Group:
    """What one group commit learns as it applies its commands in order: the next index, the
    keys already found active for their actor, and the leaves whose tree nodes are written once
    at the end (no command reads `log_nodes` while deciding)."""

    def __init__(self, conn: Connection) -> None:
        self.next: int | None = None
        self.active_keys: set[tuple[str, str]] = set()
        self.leaves: list[bytes] = []
        # the driver's own cursor, in the same transaction: savepoints and entry inserts
        self.cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.insert_entries = _insert_entries_sql(conn.dialect.paramstyle)


@dataclass(frozen=True)
class Appended:
    """What a command put on the log: the first index and how many entries."""

    first: int
    count: int


class _Ticket:
    """One command waiting for the commit that holds it."""

    def __init__(self, decide: Decide) -> None:
        self.decide = decide
        self.done = False
        self.appended: Appended | None = None
        self.error: BaseException | None = None

    def result(self) -> Appended:
        if self.error is not None:
            raise self.error
        assert self.appended is not None
        return self.appended


class Ledger:
    """One Parley instance: its database, the keys it signs with, and its clock."""

    def __init__(self, engine: Engine, keys: KeyRing, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.keys = keys
        self.clock = clock
        self._pending: list[_Ticket] = []
        self._queue = threading.Condition()  # guards _pending and _leading
        self._leading = False  # a thread is committing groups

    @classmethod
    def open(cls, settings: Settings, *, clock: Clock = utc_now, create: bool = False) -> Ledger:
        """Open an instance; `create` makes the data directory and brings the schema up to date."""
        if settings.embedded:
            if create:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            elif not (settings.data_dir / "parley.db").exists():
                raise DomainError(
                    f"no Parley instance in {settings.data_dir}: run `parley init` first"
                    " (or set PARLEY_DATA_DIR)"
                )
        engine = make_engine(settings.database_url)
        if create:
            migrate.upgrade(engine)
        elif not migrate.is_current(engine):
            raise DomainError("the database schema is not current: run `parley init` to upgrade it")
        return cls(engine, KeyRing(settings.keys_dir), clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def execute(self, decide: Decide) -> Appended:
        """Run a command: decide on the locked current state, append, project, commit.

        Commands arriving together from several threads share one durable commit (group
        commit), each in its own savepoint: a refused command leaves the others untouched,
        and none is acknowledged before the commit that holds it. One thread at a time leads:
        it commits what is pending while the others wait on the queue, not on a lock, so a
        thread whose command is done returns at once and its next command joins the next group.
        """
        ticket = _Ticket(decide)
        with self._queue:
            self._pending.append(ticket)
            while self._leading and not ticket.done:
                self._queue.wait()
            if ticket.done:
                return ticket.result()
            self._leading = True
        try:
            while not ticket.done:
                # let the threads just woken by the last commit queue their next command
                self._gather()
                with self._queue:
                    group = self._pending[:_MAX_GROUP]
                    del self._pending[: len(group)]
                self._commit_group(group)
                with self._queue:
                    self._queue.notify_all()
        finally:
            with self._queue:
                self._leading = False
                self._queue.notify_all()
        return ticket.result()

    def _gather(self) -> None:
        """Yield the interpreter until the queue stops growing (a few microseconds when alone)."""
        seen = -1
        while seen != len(self._pending) < _MAX_GROUP:
            seen = len(self._pending)
            time.sleep(0)

    def _commit_group(self, group: list[_Ticket]) -> None:
        try:
            with self.engine.connect().execution_options(parley_write=True) as conn, conn.begin():
                lock_log(conn)
                state = _Group(conn)
                savepoint = state.cursor
                if len(group) == 1:
                    group[0].appended = self._apply(conn, group[0].decide, state)
                else:
                    # plain SAVEPOINT statements on the driver's own cursor: SQLAlchemy's
                    # begin_nested() compiles each one anew, a tenth of a command's cost here
                    for ticket in group:
                        mark = (state.next, len(state.leaves))
                        savepoint.execute("SAVEPOINT parley_command")
                        try:
                            ticket.appended = self._apply(conn, ticket.decide, state)
                            savepoint.execute("RELEASE SAVEPOINT parley_command")
                        except Exception as e:  # this command alone is refused
                            ticket.error = e
                            savepoint.execute("ROLLBACK TO SAVEPOINT parley_command")
                            savepoint.execute("RELEASE SAVEPOINT parley_command")
                            # its savepoint is gone: forget what it appended and any key it saw
                            state.next = mark[0]
                            del state.leaves[mark[1] :]
                            state.active_keys.clear()
                if state.leaves:
                    first = state.next - len(state.leaves) if state.next is not None else 0
                    extend(SqlNodeStore(conn), first, state.leaves)
        except BaseException as e:  # the commit failed: no command of the group holds
            for ticket in group:
                if ticket.error is None:
                    ticket.error, ticket.appended = e, None
            if not isinstance(e, Exception):  # an interrupt: still answer every waiting thread
                for ticket in group:
                    ticket.done = True
                raise
        for ticket in group:
            ticket.done = True

    def _apply(self, conn: Connection, decide: Decide, state: _Group) -> Appended:
        events = list(decide(conn))
        if state.next is None:
            state.next = self.size(conn)
        first = state.next
        if not events:
            return Appended(first, 0)
        time = rfc3339(self.clock())
        projection = Projection(conn)
        checked: set[str] = set()
        drafts: list[Entry] = []
        signers: dict[str, EntrySigner] = {}
        for offset, event in enumerate(events):
            idx = first + offset
            key = signers.get(event.actor)
            if key is None:  # one key an actor for the whole command
                key = signers[event.actor] = self.keys.signer(event.actor)
            if event.actor not in checked:
                if (event.actor, key.key_id) not in state.active_keys:
                    self._check_key(conn, event, key.key_id)
                checked.add(event.actor)
            drafts.append(
                draft(
                    index=idx,
                    type=event.type,
                    actor=event.actor,
                    time=time,
                    payload=event.payload.to_json(),
                    key_id=key.key_id,
                )
            )
            projection.add(idx, event.actor, time, event.payload)
        projection.flush()
        rows: list[tuple[Any, ...]] = []
        for run in runs(drafts):  # one signature per run of the same actor's entries
            for entry in sign_run(run, signers[run[0].header.actor]):
                row = {
                    "idx": entry.index,
                    "type": entry.header.type,
                    "actor": entry.header.actor,
                    "key_id": entry.header.key_id,
                    "claimed_time": time,
                    "header": entry.header_bytes,
                    "signature": entry.signature,
                    "leaf_hash": entry.leaf,
                    "payload": entry.payload,
                    "salt": entry.salt,
                }
                rows.append(tuple(row[c] for c in _ENTRY_COLUMNS))
        if any(event.type in _KEY_EVENTS for event in events):
            state.active_keys.clear()
        else:  # checked against the keys as they stand, which this command did not change
            state.active_keys.update((a, signers[a].key_id) for a in checked)
        state.cursor.executemany(state.insert_entries, rows)
        state.leaves.extend(row[_LEAF] for row in rows)
        state.next = first + len(rows)
        for event in events:
            if isinstance(event.payload, ev.PersonErased):
                erase_payloads(conn, [e.idx for e in event.payload.entries])
        return Appended(first, len(rows))

    @staticmethod
    def size(conn: Connection) -> int:
        last = conn.execute(_LAST_INDEX).scalar_one_or_none()
        return 0 if last is None else int(last) + 1

    @staticmethod
    def _check_key(conn: Connection, event: Event, kid: str) -> None:
        """The signing key must be the actor's active key (or a party registering itself)."""
        row = conn.execute(_KEY_ROW, {"kid": kid}).one_or_none()
        if row is None:
            registered = conn.execute(_PARTY_ROW, {"actor": event.actor}).first()
            # only a party's own registration may be signed before the party exists
            if (
                registered is None
                and isinstance(event.payload, ev.PartyRegistered)
                and event.payload.party_id == event.actor
            ):
                return
            raise DomainError(
                f"the key this instance holds for {event.actor} ({kid}) is not registered to it"
            )
        if row.party_id != event.actor:
            raise DomainError(f"key {kid} belongs to {row.party_id}, not to {event.actor}")
        if row.status != "active":
            raise DomainError(f"key {kid} of {event.actor} is {row.status}; it can no longer sign")
