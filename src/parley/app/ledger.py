"""The ledger: every command is checked, becomes events, and is appended with its projections
in one transaction. Nothing else writes to the database."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace

from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.app.signing import Command, Signatures
from parley.domain import events as ev
from parley.domain.errors import DomainError
from parley.domain.events import Event, Payload
from parley.domain.parties import Role
from parley.errors import N_, Word
from parley.log.command import command_body
from parley.log.entry import Entry, draft, runs
from parley.log.keys import Key, SignerFault, registers_itself, signer_fault
from parley.log.merkle import leaf_hash
from parley.log.nodes import NodeId, append_leaves, compact_range_ids
from parley.store import Database, Tx, driver, migrate
from parley.store import batches as store_batches
from parley.store import keys as store_keys
from parley.store import log as stored
from parley.store import requests as answered
from parley.store.engine import POOL_SIZE, make_engine
from parley.store.nodes import SqlNodeStore
from parley.store.projection import Projection, Write, writes_of

Clock = Callable[[], dt.datetime]
Decide = Callable[[Tx], Sequence[Event]]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_MAX_GROUP = 256
# what a party signs on one machine, where no route carries its command (docs/log-format.md §4)
LOCAL_METHOD, LOCAL_PATH = "POST", "/local/entries"
# the command of the request being served, for the use cases it runs (`Ledger.commanded`)
_GIVEN: ContextVar[Command | None] = ContextVar("parley_given_command", default=None)
# the request's nonce as this thread's last command took it, with the answer kept beside it
_TAKEN: ContextVar[tuple[str, str, bytes] | None] = ContextVar("parley_taken", default=None)
# the request whose nonce this thread found taken by another run of the same request
_BEFORE: ContextVar[tuple[str, str] | None] = ContextVar("parley_answered_before", default=None)
# events after which a key checked earlier in the same commit group must be checked again
_KEY_EVENTS = frozenset(
    {ev.INSTANCE_CREATED, ev.PARTY_REGISTERED, ev.KEY_ROTATED, ev.KEY_REVOKED, ev.KEY_RECOVERED}
)
# the log's own tables, whose held rows a read naming rows of them may see
_LOG_TABLES = frozenset({"log_entries", "log_commands"})


@dataclass(frozen=True)
class _Known:
    """What the log said when this ledger last committed a group, for the next group to reuse
    while the log still ends where it left it (no other process appended since): the keys read
    and those found active for their actor, the parties' roles, and the tree's right edge (the
    nodes of its compact range, which the next leaves hash with). When another process appended
    (several server workers), all but the edge still holds unless what it appended changed a key
    or registered a party (`grown`)."""

    tip: tuple[int, bytes | None]  # the log's size and its last leaf hash
    keys: dict[str, Key | None]
    active_keys: set[tuple[str, str]]
    roles: dict[str, Role]
    edge: dict[NodeId, bytes]

    def grown(self, tip: tuple[int, bytes | None]) -> _Known:
        """What still holds once another process appended entries that change no key and
        register no party (a party keeps its role): all but the tree's right edge."""
        return _Known(tip, self.keys, self.active_keys, self.roles, {})


class _Edge:
    """The tree's nodes as the store holds them; the right edge this ledger knows is answered
    without a read. Every node given is remembered, for the edge after the new leaves."""

    def __init__(self, store: SqlNodeStore, known: dict[NodeId, bytes]) -> None:
        self.store = store
        self.known = known
        self.given: dict[NodeId, bytes] = {}

    def get_nodes(self, ids: Sequence[NodeId]) -> list[bytes]:
        if all(i in self.known for i in ids):
            values = [self.known[i] for i in ids]
        else:
            values = self.store.get_nodes(ids)
        self.given.update(zip(ids, values, strict=True))
        return values


class _Group:
    """What one group commit learns as it applies its commands in order: the next index, the
    keys already read and found active for their actor, the nonces the requests' commands
    already hold (read once for the group), and what is written once at the end: the leaves'
    tree nodes, the command and nonce rows (no command reads them while deciding).

    `holding`: the entries and projection writes too are held to the end, where they go in one
    statement per table, and sent earlier only before a read that may see them; no command
    writes before its checks pass, so a refused one needs no savepoint. A held write the
    database refuses cannot be told from the others': the group is then run again, each command
    in its own savepoint (`_Again`).

    `known`: what the last group left, when the log still ends at `tip`."""

    def __init__(
        self,
        tx: Tx,
        group: Sequence[_Ticket],
        tip: tuple[int, bytes | None],
        known: _Known | None,
        *,
        holding: bool,
    ) -> None:
        self.conn = tx
        self.holding = holding
        self.projection = Projection(tx)  # the writes held, when holding
        self.failed = False  # a held write was refused
        self.tip = tip
        self.next = tip[0]
        self.active_keys: set[tuple[str, str]] = set(known.active_keys) if known else set()
        self.keys: dict[str, Key | None] = dict(known.keys) if known else {}
        self.roles: dict[str, Role] = dict(known.roles) if known else {}
        self.edge: dict[NodeId, bytes] = known.edge if known else {}
        self.signers: dict[str, str] = {}  # the key id that signs the runs, by operator
        self.leaves: list[bytes] = []
        self.appender = stored.Appender(tx)
        self.grouped = len(group) > 1  # each command in its own savepoint
        given = [(t.command.signed.keyid, t.command.signed.nonce) for t in group if t.command]
        self.logged = stored.logged_nonces(tx, given)
        self.held = answered.held(tx, given)
        wanted = [t.wanted for t in group if t.wanted is not None]
        # the handovers the commands will read, at once (one alone: read as it comes)
        self.ahead = store_batches.read_ahead(tx, wanted) if len(wanted) > 1 else None
        self.taken: list[answered.Taken] = []
        self.used: list[tuple[str, str]] = []  # the commands' (key id, nonce), in the group

    def before_read(self, rows: Sequence[driver.Row] | None) -> None:
        """Send the held writes before a read that may see them (`driver.holding`)."""
        if not self.holding or not (self.projection or self.appender.held()):
            return
        if rows is not None and not any(
            row[0] in _LOG_TABLES or self.projection.touches(row) for row in rows
        ):
            return
        self.send()

    def send(self) -> None:
        """The writes held so far, at once (on PostgreSQL one round trip)."""
        try:
            with self.appender.together():
                self.projection.flush()
                self.appender.write_entries()
                self.appender.write_commands()
        except BaseException:
            self.failed = True
            raise

    def key(self, conn: Tx, key_id: str) -> Key | None:
        """The key as the log now stands (read once a group, until a command changes keys)."""
        if key_id not in self.keys:
            self.keys[key_id] = store_keys.key_state(conn, key_id)
        return self.keys[key_id]

    def keys_changed(self) -> None:
        self.active_keys.clear()
        self.keys.clear()
        self.signers.clear()

    def on_log(self, key_id: str, nonce: str) -> bool:
        """Whether a command of the key with this nonce is on the log, or appended in the group.
        A command signed here has a new random nonce: only a request's was read beforehand."""
        return (key_id, nonce) in self.logged or (key_id, nonce) in self.used

    def holder(self, key_id: str, nonce: str) -> bytes | None:
        """The signature of the request that holds the key's nonce, if one does."""
        held = self.held.get((key_id, nonce))
        if held is None:
            held = next((x.signature for x in self.taken if x.holds(key_id, nonce)), None)
        return held

    def mark(self) -> tuple[int, int, int, int, int, int]:
        appender = self.appender
        counts = len(self.leaves), len(self.taken), len(self.used)
        return self.next, *counts, appender.pending(), appender.held()

    def undo(self, mark: tuple[int, int, int, int, int, int]) -> None:
        """Forget what a command rolled back to its savepoint appended, and any key it saw."""
        self.next = mark[0]
        del self.leaves[mark[1] :]
        del self.taken[mark[2] :]
        del self.used[mark[3] :]
        self.appender.drop(mark[4], mark[5])
        self.keys_changed()
        store_keys.forget_roles()

    def write(self, conn: Tx) -> _Known:
        """The rows held back to the group's end, sent together: commands, nonces, the tree's
        new nodes. What the log says once they commit."""
        store = SqlNodeStore(conn)
        edge = _Edge(store, self.edge)
        holding, self.holding = self.holding, False  # no read below sees a held write
        nodes = append_leaves(edge, self.tip[0], self.leaves) if self.leaves else []
        with self.appender.together():
            if holding:
                self.projection.flush()
                self.appender.write_entries()
            self.appender.write_commands()
            answered.record(conn, self.taken)
            store.put_nodes(nodes)
        tip = (self.next, self.leaves[-1]) if self.leaves else self.tip
        if self.leaves:  # the new edge: old edge nodes and new nodes (none is missing)
            have = {**edge.given, **{NodeId(n.level, n.idx): n.hash for n in nodes}}
            self.edge = {i: have[i] for i in compact_range_ids(self.next)}
        return _Known(tip, self.keys, self.active_keys, self.roles, self.edge)


@dataclass(frozen=True)
class Appended:
    """What a command put on the log: the first index and how many entries."""

    first: int
    count: int


class AnsweredBefore(DomainError):
    """The request (the same signed command) was carried out by an earlier run, in this process
    or another: its use case does not run again, and the first answer stands."""


class _Again(Exception):
    """A write held by the group was refused: the group is run again, each command in its own
    savepoint, to find whose."""


class _Ticket:
    """One command waiting for the commit that holds it; `own`: the request's nonce was taken
    by an earlier command of this same run (a request may run several)."""

    def __init__(
        self,
        decide: Decide,
        command: Command | None = None,
        own: bool = False,
        wanted: store_batches.Wanted | None = None,
    ) -> None:
        self.decide = decide
        self.command = command
        self.own = own
        self.wanted = wanted  # the handover its decision reads, to read with the group's
        self.done = False
        self.appended: Appended | None = None
        self.error: BaseException | None = None
        self.took: bytes | None = None  # the answer kept with the request's nonce, if it took it

    def result(self) -> Appended:
        if self.error is not None:
            raise self.error
        assert self.appended is not None
        return self.appended


class Ledger:
    """One Parley instance: its database, who signs in each party's name, and its clock.

    `keys` holds the private keys kept in this instance's data directory (the mediator's
    checkpoint key, keys made here); `signatures` signs log entries as a party, and is that
    key ring unless the caller gives another signer.
    """

    def __init__(
        self,
        engine: Database,
        keys: KeyRing,
        clock: Clock = utc_now,
        *,
        signatures: Signatures | None = None,
    ) -> None:
        self.engine = engine
        self.keys = keys
        self.signatures: Signatures = keys if signatures is None else signatures
        self.clock = clock
        self._pending: list[_Ticket] = []
        self._queue = threading.Condition()  # guards _pending and _leading
        self._leading = False  # a thread is committing groups
        self._operator: str | None = None  # the mediator, once registered: it never changes
        self._known: _Known | None = None  # what the last group left (the leader's alone)

    @classmethod
    def open(
        cls,
        settings: Settings,
        keys: KeyRing | None = None,
        *,
        signatures: Signatures | None = None,
        clock: Clock = utc_now,
        create: bool = False,
        pool_size: int | None = None,
    ) -> Ledger:
        """Open an instance; `create` makes the data directory and brings the schema up to date.
        Without `keys`, the key ring in the data directory; `pool_size`: the connections kept
        open for reuse (one server process of several keeps fewer)."""
        if settings.embedded:
            if create:
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            elif not (settings.data_dir / "parley.db").exists():
                raise DomainError(
                    N_(
                        "no Parley instance in {data_dir}: run `parley init` first (or set"
                        " PARLEY_DATA_DIR)"
                    ),
                    data_dir=settings.data_dir,
                )
        sized = {} if pool_size is None else {"pool_size": pool_size}
        engine = make_engine(settings.database_url, **sized)
        if create:
            migrate.upgrade(engine)
        elif not migrate.is_current(engine):
            raise DomainError(
                N_("the database schema is not current: run `parley init` to upgrade it")
            )
        settings.protect()
        ring = KeyRing(settings.keys_dir) if keys is None else keys
        return cls(engine, ring, clock, signatures=signatures)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @staticmethod
    @contextmanager
    def commanded(command: Command) -> Iterator[None]:
        """Commands run inside this block (in this thread or task) carry out `command`, signed by
        its party elsewhere: the server's request."""
        token = _GIVEN.set(command)
        try:
            yield
        finally:
            _GIVEN.reset(token)

    def execute(
        self,
        decide: Decide,
        *,
        command: Command | None = None,
        wanted: store_batches.Wanted | None = None,
    ) -> Appended:
        """Run a command: decide on the locked current state, append, project, commit.

        Each actor's entries bind the actor's signed command: `command` (or the one given by
        `commanded`) for its party's entries; the others' the signing port signs here. The
        operator's key signs the runs.

        Commands arriving together from several threads share one durable commit (group
        commit), each in its own savepoint: a refused command leaves the others untouched,
        and none is acknowledged before the commit that holds it. One thread at a time leads:
        it commits what is pending while the others wait on the queue, not on a lock, so a
        thread whose command is done returns at once and its next command joins the next group.
        `wanted`: the handover the decision reads, read with the group's others at once.
        """
        given = command if command is not None else _GIVEN.get()
        signed = None if given is None else given.signed
        own = signed is not None and self.kept_answer(signed.keyid, signed.nonce) is not None
        ticket = _Ticket(decide, given, own, wanted)
        with self._queue:
            self._pending.append(ticket)
            while self._leading and not ticket.done:
                self._queue.wait()
            if ticket.done:
                return self._result(ticket)
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
        return self._result(ticket)

    @staticmethod
    def _result(ticket: _Ticket) -> Appended:
        if isinstance(ticket.error, AnsweredBefore) and ticket.command is not None:
            _BEFORE.set((ticket.command.signed.keyid, ticket.command.signed.nonce))
        done = ticket.result()
        if ticket.took is not None and ticket.command is not None:
            signed = ticket.command.signed
            _TAKEN.set((signed.keyid, signed.nonce, ticket.took))
        return done

    @staticmethod
    def kept_answer(keyid: str, nonce: str) -> bytes | None:
        """The answer committed with this request's nonce by a command this thread ran (what a
        retry gets back): a server answering the same needs no second write."""
        taken = _TAKEN.get()
        if taken is None or taken[:2] != (keyid, nonce):
            return None
        return taken[2]

    @staticmethod
    def answered_before(keyid: str, nonce: str) -> bool:
        """Whether a command this thread ran found the request carried out by an earlier run
        (`AnsweredBefore`): the answer to send is the one kept with its nonce, not this run's."""
        return _BEFORE.get() == (keyid, nonce)

    def _gather(self) -> None:
        """Yield the interpreter until the queue stops growing (a few microseconds when alone)."""
        seen = -1
        while seen != len(self._pending) < _MAX_GROUP:
            seen = len(self._pending)
            time.sleep(0)

    def _commit_group(self, group: list[_Ticket]) -> None:
        last, self._known = self._known, None  # until this group commits
        try:
            try:
                self._known = self._write_group(group, last, holding=True)
            except _Again:  # a held write was refused, nothing holds: each in a savepoint
                for ticket in group:
                    ticket.error = ticket.appended = ticket.took = None
                self._known = self._write_group(group, last, holding=False)
        except BaseException as e:  # the commit failed: no command of the group holds
            self._known = None
            for ticket in group:
                if ticket.error is None:
                    ticket.error, ticket.appended = e, None
            if not isinstance(e, Exception):  # an interrupt: still answer every waiting thread
                for ticket in group:
                    ticket.done = True
                raise
        for ticket in group:
            ticket.done = True

    def _write_group(self, group: list[_Ticket], known: _Known | None, *, holding: bool) -> _Known:
        """The group in one transaction: what the log says once it commits."""
        with stored.writing(self.engine) as conn:
            tip = stored.tip(conn)
            if known is not None and known.tip != tip:  # another process appended since
                known = known.grown(tip) if stored.extends(conn, known.tip, _KEY_EVENTS) else None
            # the log ends where this ledger left it: what it read then still holds
            state = _Group(conn, group, tip, known, holding=holding)
            return self._apply_group(conn, group, state)

    def _apply_group(self, conn: Tx, group: list[_Ticket], state: _Group) -> _Known:
        """Each command of the group in order, then the rows held to the end."""
        held = driver.holding(state) if state.holding else nullcontext()
        with store_keys.roles_kept(state.roles), held, store_batches.reading_ahead(state.ahead):
            savepoint = state.appender
            if len(group) == 1:
                group[0].appended = self._apply(conn, group[0], state)
            else:
                for ticket in group:
                    mark = state.mark()
                    if not state.holding:
                        savepoint.savepoint()
                    try:
                        ticket.appended = self._apply(conn, ticket, state)
                    except Exception as e:  # this command alone is refused
                        if state.holding and not _refused_alone(e, state):
                            raise _Again from e
                        ticket.error = e
                        if not state.holding:
                            savepoint.roll_back()
                        state.undo(mark)
            holding = state.holding
            try:
                return state.write(conn)
            except Exception as e:
                if holding and len(group) > 1:
                    raise _Again from e
                raise

    def _apply(self, conn: Tx, ticket: _Ticket, state: _Group) -> Appended:
        if ticket.command is not None and not ticket.own:
            _not_done_before(state, ticket.command)
        events = list(ticket.decide(conn))
        first = state.next
        if not events:
            return Appended(first, 0)
        time = rfc3339(self.clock())
        operator = self._operator_of(conn, events)
        signer = state.signers.get(operator)
        if signer is None:  # asked once a group (a key ring looks at its file each time)
            signer = state.signers[operator] = self.signatures.key_id_for(operator)
        checked = {(operator, signer)}
        if (operator, signer) not in state.active_keys:
            self._check_key(conn, state, operator, events[0].payload, signer, first)
        given = _given_party(conn, state, ticket.command)
        drafts: list[Entry] = []
        commands: list[tuple[int, Command]] = []
        writes: list[Write] = []  # the projection's, once nothing can refuse the command
        for block in _blocks(events):  # each actor's consecutive events: one command
            actor, at = block[0].actor, first + len(drafts)
            command = None
            if given is not None and given[0] == actor:
                command, given = given[1], None  # the request's command, for its party's events
            kid = command.signed.keyid if command is not None else self.signatures.key_id_for(actor)
            if (actor, kid) not in state.active_keys | checked:
                self._check_key(conn, state, actor, block[0].payload, kid, at)
                checked.add((actor, kid))
            # a request's command is known before its entries: each is drafted bound to it once
            bound = None if command is None else command.signed.digest()
            block_drafts = [
                draft(
                    index=at + i,
                    type=e.type,
                    actor=actor,
                    time=time,
                    payload=e.payload.to_json(),
                    key_id=kid,
                    command=bound,
                    signer=None if bound is None else signer,
                )
                for i, e in enumerate(block)
            ]
            if command is None:  # the party signs here what it asks for, then it is bound
                body = local_body(actor, block_drafts)
                signed = self.signatures.sign_command(actor, LOCAL_METHOD, LOCAL_PATH, body)
                command = Command(signed, body)
                digest = signed.digest()
                block_drafts = [_bind(d, digest, signer) for d in block_drafts]
            if state.on_log(kid, command.signed.nonce):
                raise DomainError(
                    N_(
                        "{actor}'s command (key {kid}, nonce {nonce}) is already on the log: a replayed"
                        " command is refused"
                    ),
                    actor=actor,
                    kid=kid,
                    nonce=command.signed.nonce,
                )
            drafts += block_drafts
            commands.append((at, command))
            for i, e in enumerate(block):
                writes += writes_of(at + i, actor, time, e.payload)
        entries: list[Entry] = []
        for run in runs(drafts):  # one operator signature per run of one command's entries
            entries += self.signatures.sign_run(run, operator)
        if ticket.command is not None:  # the request's nonce commits with its entries or not at all
            ticket.took = _take_nonce(state, ticket.command, Appended(first, len(entries)))
        erasures = [e.payload for e in events if isinstance(e.payload, ev.PersonErased)]
        if state.ahead is not None:  # what the command writes is read afresh after it
            state.ahead.forget(writes)
        if state.holding:  # written with the group's, or before a read that may see them
            state.projection.add_writes(writes)
            state.appender.hold(entries, time)
        else:
            # nothing can refuse the command after its writes, but an erasure: the next
            # command's savepoint can go with them
            projection = Projection(conn)
            projection.add_writes(writes)
            with state.appender.together(then_savepoint=state.grouped and not erasures):
                projection.flush()
                state.appender.insert(entries, time)
        for at, command in commands:
            state.appender.insert_command(at, command.signed, command.body)
            state.used.append((command.signed.keyid, command.signed.nonce))
        if any(event.type in _KEY_EVENTS for event in events):
            state.keys_changed()
        else:  # checked against the keys as they stand, which this command did not change
            state.active_keys.update(checked)
        state.leaves.extend(e.leaf for e in entries)
        state.next = first + len(entries)
        for erased in erasures:
            if state.holding:
                state.send()
            state.appender.write_commands()  # an erasure clears the bodies of its commands
            stored.erase_payloads(conn, sorted(erased.erased()))
        return Appended(first, len(entries))

    def _operator_of(self, conn: Tx, events: Sequence[Event]) -> str:
        """The mediator, whose key signs the runs: registered, or registering itself now."""
        if self._operator is None:
            found = [p.party_id for p in store_keys.parties(conn) if p.role is Role.MEDIATOR]
            if found:
                self._operator = found[0]
                return found[0]
            for e in events:
                p = e.payload
                if isinstance(p, ev.PartyRegistered) and p.role is Role.MEDIATOR:
                    return p.party_id
            raise DomainError(
                N_("this instance has no mediator to sign its log: run `parley init`")
            )
        return self._operator

    @staticmethod
    def size(conn: Tx) -> int:
        return stored.size(conn)

    @staticmethod
    def _check_key(
        conn: Tx, state: _Group, actor: str, payload: Payload, kid: str, at: int
    ) -> None:
        """The key timeline must let the key sign entry `at` for the actor (or the party is
        registering itself with it)."""
        key = state.key(conn, kid)
        # only before the party exists: a registered party signs with its registered key
        if (
            key is None
            and registers_itself(payload, actor, kid)
            and not store_keys.is_registered(conn, actor)
        ):
            return
        fault = signer_fault(key, actor, at, payload.TYPE)
        if fault is SignerFault.UNREGISTERED:
            raise DomainError(
                N_("the key this instance holds for {actor} ({kid}) is not registered to it"),
                actor=actor,
                kid=kid,
            )
        if fault is SignerFault.OTHER_PARTY:
            assert key is not None
            raise DomainError(
                N_("key {kid} belongs to {party}, not to {actor}"),
                kid=kid,
                party=key.party,
                actor=actor,
            )
        if fault is SignerFault.ENDED:
            assert key is not None
            raise DomainError(
                N_("key {kid} of {actor} is {status}; it can no longer sign"),
                kid=kid,
                actor=actor,
                status=Word(key.status),
            )
        if fault is SignerFault.RECOVERY_ONLY:
            raise DomainError(
                N_("key {kid} is {actor}'s recovery key: it signs a recovery alone"),
                kid=kid,
                actor=actor,
            )


def local_body(actor: str, drafts: Sequence[Entry]) -> bytes:
    """What a party signs on one machine: the entries it asks for, by type and salted payload
    commitment (neither their positions nor any personal data)."""
    entries = [
        {"type": d.header.type, "payload_commitment": d.header.payload_commitment.hex()}
        for d in drafts
    ]
    return command_body({"actor": actor, "entries": entries})


def _blocks(events: Sequence[Event]) -> Iterator[list[Event]]:
    """The events cut where the actor changes."""
    for _, block in itertools.groupby(events, key=lambda e: e.actor):
        yield list(block)


def _bind(entry: Entry, command: bytes, signer: str) -> Entry:
    """The drafted entry as a v2 header: bound to its actor's command, its run the operator's."""
    header = replace(entry.header, command=command, signer=signer)
    data = header.to_bytes()
    return replace(entry, header=header, header_bytes=data, leaf=leaf_hash(data))


def pool_share(workers: int) -> int:
    """Database connections each of `workers` serving processes keeps: one process's share, since
    the workers' pools together must stay within what PostgreSQL accepts (100 by default)."""
    return max(8, POOL_SIZE // workers)


def appended_answer(done: Appended) -> bytes:
    """A request's answer saying what it appended, as the server sends it (compact JSON)."""
    data = {"first": done.first, "count": done.count}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _take_nonce(state: _Group, command: Command, done: Appended) -> bytes | None:
    """Record the request's nonce in the transaction of its entries, with what they are as the
    answer a retry gets if the server stops before it answers; that answer, if this command
    took the nonce (None: an earlier command of the same request holds it)."""
    signed = command.signed
    provisional = appended_answer(done)
    held = state.holder(signed.keyid, signed.nonce)
    if held is None:
        state.taken.append(
            answered.Taken(
                signed.keyid, signed.nonce, signed.created, signed.signature, provisional
            )
        )
    elif held != signed.signature:
        raise DomainError(
            N_("nonce {nonce} of key {keyid} was already used by another request"),
            nonce=signed.nonce,
            keyid=signed.keyid,
        )
    return provisional if held is None else None


def _refused_alone(error: Exception, state: _Group) -> bool:
    """Whether a command refused in a holding group was refused for itself, before it wrote
    anything (not a held write of an earlier command, nor a statement that aborted the
    transaction)."""
    return isinstance(error, DomainError) and not state.failed and not driver.aborted(state.conn)


def _not_done_before(state: _Group, command: Command) -> None:
    """Refuse to run a request again whose nonce an earlier run of it holds (the same signature:
    a retry that reached another process, or raced the first there). Appends are serialised by
    the log's lock, so the first's nonce row, committed with its entries, is visible here; its
    use case would now find nothing left to do and answer so, instead of the first answer."""
    signed = command.signed
    if state.holder(signed.keyid, signed.nonce) == signed.signature:
        raise AnsweredBefore(
            N_("the request with nonce {nonce} was carried out before: its first answer stands"),
            nonce=signed.nonce,
        )


def _given_party(conn: Tx, state: _Group, command: Command | None) -> tuple[str, Command] | None:
    """The party whose registered key signed the given command, once its signature and body
    hold; the use case's events by that party carry it out."""
    if command is None:
        return None
    key = state.key(conn, command.signed.keyid)
    if key is None:
        raise DomainError(
            N_("the command is signed by key {keyid}, not registered"), keyid=command.signed.keyid
        )
    if command.checked_with != key.public:  # not checked at the door against this key
        command.signed.verify(key.public)
        command.signed.check_body(command.body)
    return key.party, command
