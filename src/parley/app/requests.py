"""Signed requests: who sent one (the key that signed it, active, its party's), whether it is
fresh (created within the window, its nonce never used by the key) and, for a retry, the first
answer. The signature base itself is built and checked by `parley.log.command` alone."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from parley.app.documents import check_request_text
from parley.app.keys_admin import RECOVERY_PATH
from parley.app.ledger import Ledger
from parley.app.signing import Command
from parley.domain.errors import DomainError
from parley.errors import N_, Word
from parley.log.command import CommandError
from parley.log.command import SignedCommand as SignedCommand  # the faces' name for it
from parley.log.keys import Key
from parley.store import keys as store_keys
from parley.store import requests as seen_requests
from parley.store.requests import Seen

WINDOW_SECONDS = 300  # how far a request's `created` may stand from the server's clock


class Unauthenticated(DomainError):
    """The request is not signed by an active key of a party, or is not fresh."""


class StillRunning(DomainError):
    """A retry arrived while the first request with its nonce is still running."""


@dataclass(frozen=True)
class Caller:
    """A request whose signature holds: the party, its key, and the nonce that names the request."""

    party_id: str
    command: SignedCommand  # what the party signed; the log binds it to what the request appends
    body: bytes = b""  # the body it signed
    public_key: bytes = b""  # the registered key its signature was checked against

    @contextmanager
    def acting(self) -> Iterator[None]:
        """The use cases run inside carry out this request: the log binds the party's own
        signed command to its entries, so the server needs no key of the party."""
        with Ledger.commanded(Command(self.command, self.body, self.public_key)):
            yield

    @property
    def key_id(self) -> str:
        return self.command.keyid

    @property
    def nonce(self) -> str:
        return self.command.nonce


@dataclass(frozen=True)
class Answer:
    """What the server answered a request, kept for its retries."""

    status: int
    body: bytes


def authenticate(
    ledger: Ledger,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: int,
) -> Caller:
    """The party that signed the request, or `Unauthenticated` saying why not."""
    signed = signed_command(method=method, path=path, headers=headers, body=body, now=now)
    return authenticate_signed(ledger, signed, body)


def authenticate_signed(ledger: Ledger, signed: SignedCommand, body: bytes) -> Caller:
    """`authenticate` of a request whose command `signed_command` has read."""
    with ledger.reading() as conn:
        found = store_keys.signing_key(conn, signed.keyid)
    return _caller(signed, found, body)


def admit(
    ledger: Ledger,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: int,
) -> tuple[Caller, Answer | None]:
    """`authenticate` and `claim` in one statement: the party that signed the
    request, and the first answer to its nonce (None: run it, then `release`)."""
    signed = signed_command(method=method, path=path, headers=headers, body=body, now=now)
    return admit_signed(ledger, signed, body)


def admit_signed(
    ledger: Ledger, signed: SignedCommand, body: bytes
) -> tuple[Caller, Answer | None]:
    """`admit` of a request whose command `signed_command` has read."""
    slot = (id(ledger), signed.keyid, signed.nonce)
    _RUNNING.enter(slot)  # before the read: a request running with the nonce is answered first
    try:
        found, seen = seen_requests.admission(ledger.engine, signed.keyid, signed.nonce)
        caller = _caller(signed, found, body)
        first = _first_answer(caller, seen)
    except BaseException:
        _RUNNING.leave(slot)
        raise
    if first is not None:
        _RUNNING.leave(slot)
    return caller, first


def signed_command(
    *, method: str, path: str, headers: Mapping[str, str], body: bytes, now: int
) -> SignedCommand:
    """The request's signed command, if it is one (its fields well formed, its body the one
    they digest) and was made within the window; whose key signed it, and whether the
    signature holds, `admit_signed` asks the database and checks."""
    try:
        signed = SignedCommand.from_fields(
            method=method,
            path=path,
            content_digest=_field(headers, "content-digest"),
            signature_input=_field(headers, "signature-input"),
            signature=_field(headers, "signature"),
        )
        signed.check_body(body)
    except CommandError as e:
        raise Unauthenticated(N_("the request is not a signed command: {e}"), e=e) from e
    if abs(now - signed.created) > WINDOW_SECONDS:
        raise Unauthenticated(
            N_(
                "the request was signed at {created}, more than {window} s from the"
                " server's clock ({now}): check the clock and sign it again"
            ),
            created=signed.created,
            window=WINDOW_SECONDS,
            now=now,
        )
    return signed


def _caller(signed: SignedCommand, found: tuple[Key, bool] | None, body: bytes) -> Caller:
    """The party whose key signed the request: the key registered (`found`: the key and
    whether it is its party's current one), able to act on this path, the signature holding."""
    if found is None:
        raise Unauthenticated(N_("key {keyid} is not registered to any party"), keyid=signed.keyid)
    key, current = found
    if key.recovery and (signed.method, signed.path) == ("POST", RECOVERY_PATH):
        pass  # a recovery key signs its party's recovery, and nothing else
    elif key.recovery:
        raise Unauthenticated(
            N_("key {keyid} is {party}'s recovery key: it signs {path} alone"),
            keyid=signed.keyid,
            party=key.party,
            path=RECOVERY_PATH,
        )
    elif not current:
        raise Unauthenticated(
            N_("key {keyid} of {party} is {status}; it cannot act"),
            keyid=signed.keyid,
            party=key.party,
            status=Word(key.status),
        )
    try:
        signed.verify(key.public)
    except CommandError as e:
        raise Unauthenticated(
            N_("the request's signature by {party} does not hold: {e}"), party=key.party, e=e
        ) from e
    check_request_text(body)  # no control character or override reaches the log from here
    return Caller(key.party, signed, body, key.public)


class _Running:
    """The requests this process is running, by key and nonce: a second request with the same
    nonce waits for the first to be answered, then gets its answer (or is refused as a replay).

    Served by several processes (`share_running`), a request also holds its nonce's byte of a
    lock file they share (a POSIX record lock, which dies with its process), so a retry that
    reaches another process waits there too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[tuple[int, str, str], threading.Event] = {}
        self._shared: dict[int, int] = {}  # the lock file shared with other processes, by ledger

    def share(self, ledger: int, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        old = self._shared.get(ledger)
        self._shared[ledger] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if old is not None:
            os.close(old)

    def enter(self, key: tuple[int, str, str]) -> None:
        while True:
            with self._lock:
                first = self._running.get(key)
                if first is None:
                    self._running[key] = threading.Event()
                    break
            first.wait()
        shared = self._shared.get(key[0])
        if shared is not None:
            try:  # waits while another process runs a request with the nonce
                _lock_byte(shared, _slot(key[1], key[2]))
            except BaseException:
                self.leave(key, locked=False)
                raise

    def leave(self, key: tuple[int, str, str], *, locked: bool = True) -> None:
        shared = self._shared.get(key[0])
        try:
            if shared is not None and locked:
                fcntl.lockf(shared, fcntl.LOCK_UN, 1, _slot(key[1], key[2]))
        finally:
            with self._lock:
                done = self._running.pop(key, None)
            if done is not None:
                done.set()


def _lock_byte(fd: int, at: int) -> None:
    """Lock one byte, waiting for another process that holds it. Record locks belong to a
    process, not a thread: two processes each waiting on a request the other runs look to the
    kernel like a deadlock (EDEADLK) though each request ends on its own; wait and try again."""
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, at)
            return
        except OSError as e:
            if e.errno != errno.EDEADLK:
                raise
            time.sleep(0.01)


def _slot(key_id: str, nonce: str) -> int:
    """The byte of the shared lock file that stands for the request (of 2**56: two requests
    that share one only wait for each other)."""
    digest = hashlib.sha256(f"{key_id}\n{nonce}".encode()).digest()
    return int.from_bytes(digest[:7], "big")


_RUNNING = _Running()


def share_running(ledger: Ledger, lock_file: Path) -> None:
    """This process serves the ledger beside others with the same `lock_file`: a request
    running in one of them holds its nonce there, and a retry in another waits for its answer."""
    _RUNNING.share(id(ledger), lock_file)


def _key(ledger: Ledger, caller: Caller) -> tuple[int, str, str]:
    return id(ledger), caller.key_id, caller.nonce


def claim(ledger: Ledger, caller: Caller) -> Answer | None:
    """Take the request's nonce (None: run it, then `release`), or the first answer to it.

    Nothing is written until the request is answered or appends: a first attempt that died
    left nothing, and its retry runs afresh. The same nonce under another signature is a
    replay, refused with nothing run."""
    _RUNNING.enter(_key(ledger, caller))
    try:
        with ledger.reading() as conn:
            seen = seen_requests.seen(conn, caller.key_id, caller.nonce)
        first = _first_answer(caller, seen)
    except BaseException:
        release(ledger, caller)
        raise
    if first is not None:
        release(ledger, caller)
    return first


def release(ledger: Ledger, caller: Caller) -> None:
    """The request is answered (or failed): a request waiting on its nonce may go on."""
    _RUNNING.leave(_key(ledger, caller))


def _first_answer(caller: Caller, seen: Seen | None) -> Answer | None:
    """What a request with the caller's nonce was answered (`seen`), for a retry; None if
    none was: run it."""
    signed = caller.command
    if seen is None:
        return None
    if seen.signature != signed.signature:
        raise Unauthenticated(
            N_("nonce {nonce} of key {key_id} was already used by another request"),
            nonce=caller.nonce,
            key_id=caller.key_id,
        )
    if seen.answer is None:  # left by an older server between its claim and its answer
        raise StillRunning(
            N_("the request with nonce {nonce} is still running: retry later"), nonce=caller.nonce
        )
    # committed with its entries, the server stopped before answering: what it appended
    return Answer(seen.status or 200, seen.answer)


def remember(ledger: Ledger, caller: Caller, answer: Answer) -> None:
    """Keep the answer to a request, so a retry gets it again and appends nothing. An answer
    that says what the request appended, exactly as its entries' transaction kept it with the
    nonce, is already kept: no second write. Nor is this run's answer, when the ledger found the
    request carried out by an earlier run (`answered_before`): the first answer stands."""
    signed = caller.command
    if answer.status == 200 and answer.body == Ledger.kept_answer(signed.keyid, signed.nonce):
        return
    if Ledger.answered_before(signed.keyid, signed.nonce):
        return
    seen_requests.answer(
        ledger.engine,
        signed.keyid,
        signed.nonce,
        signed.created,
        signed.signature,
        answer.status,
        answer.body,
    )


def answered_before(ledger: Ledger, caller: Caller) -> Answer | None:
    """The first answer to the request, if its use case found it carried out by an earlier run
    (one another process ran, or that raced this one there): what that run answered, or, if it
    stopped after its commit and before its answer, what it appended. None: this run's answer
    is the request's."""
    signed = caller.command
    if not Ledger.answered_before(signed.keyid, signed.nonce):
        return None
    with ledger.reading() as conn:
        seen = seen_requests.seen(conn, caller.key_id, caller.nonce)
    return _first_answer(caller, seen)


def _field(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        raise CommandError(N_("the request has no {name} field"), name=name)
    return value
