"""The checks of each entry on its own and of each run, chunk by chunk, inline or in worker
processes: everything `parley verify` can check without the entries before a run."""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from parley.errors import N_, ParleyError
from parley.log.command import CommandError, SignedCommand
from parley.log.entry import (
    MAX_RUN,
    EntryError,
    Header,
    StoredEntry,
    check_payload,
    check_signature,
)
from parley.log.events import (
    ERASABLE,
    LOG_PAYLOADS,
    MalformedPayload,
    Payload,
    read_payload,
)
from parley.log.export import UNSIGNED_END, ExportError, parse_line
from parley.log.merkle import leaf_hash
from parley.log.verify.authority import (
    LOCAL_METHOD,
    LOCAL_PATH,
    Authority,
    Listed,
    Said,
    Wants,
    local_listing,
)
from parley.log.verify.report import Problem, VerificationFailed

Events = Mapping[str, type[Payload]]  # event type -> its payload type: what the log may hold

_KEPT = frozenset(LOG_PAYLOADS)  # the payloads the sequential pass reads
CHUNK = 4096  # entries
PARALLEL_FROM = 20_000  # entries; below this a process pool costs more than it saves
BLOCK = 1 << 21  # bytes of log.jsonl a worker reads at once


class CheckedEntry(NamedTuple):
    """What the sequential pass needs of an entry whose own bytes all held; it crosses from
    the worker processes."""

    idx: int  # not `index`, which tuple already defines
    type: str
    actor: str
    key_id: str
    leaf: bytes
    payload: Payload | None  # only for the log's own events
    erased: bool
    withheld: bool  # left out of a party's export, not erased
    signer: str  # the key that signs the run: the actor's (v1) or the operator's (v2)
    command: bytes | None  # v2: the digest of the actor's signed command
    nonce: str | None  # the command's nonce, on the entry that carries its record
    commitment: bytes  # the header's payload commitment
    asked: str | None  # "METHOD /path" of the command, on the entry that carries its record
    listed: Listed | None  # a local command's entries, as its body lists them
    wants: Wants | None  # what a bound route's command body asks for (authority.asks)
    said: Said | None  # what the payload says, for a bound type (authority.says)


Line = tuple[int, bytes]  # a raw line of log.jsonl with its number
EntryOrLine = StoredEntry | Line


def check_entry(
    item: EntryOrLine,
    trusted: Mapping[str, bytes],
    events: Events,
    authority: Authority | None = None,
    unbound: bytes | None = None,
) -> tuple[CheckedEntry, bytes | None]:
    """Everything about one entry that needs no other entry: form, commitment, a known key,
    leaf; and its signature, if it ends a run, for `OpenRun` to check. `unbound`: the digest
    of a command seen to ask for nothing by what it says (a local command, a route that binds
    types alone, a body withheld), whose entries' payloads need not be read for it."""
    e = parse_line(item[1], item[0]) if isinstance(item, tuple) else item
    try:
        header = Header.from_bytes(e.header)
        if header.index != e.index:
            raise EntryError(N_("header says index {index}"), index=header.index)
        payload: Payload | None = None
        value: object = None
        if e.withheld:
            if e.payload is not None or e.salt is not None or e.command_body is not None:
                raise EntryError(N_("a withheld entry carries its payload, salt or command body"))
            if header.type in _KEPT:
                raise EntryError(
                    N_("a {type} payload is withheld: the log's own never are"), type=header.type
                )
        elif e.payload is not None:
            if e.salt is None:
                raise EntryError(N_("payload without its salt"))
            value = check_payload(header, e.payload, e.salt)
            payload = read_payload(events, header.type, value)
        elif e.salt is not None:
            raise EntryError(N_("an erased payload kept its salt"))
        elif header.type not in ERASABLE:
            raise EntryError(N_("payload of a {type} entry is missing"), type=header.type)
        for kid in {header.key_id, header.run_key}:
            if kid not in trusted:
                raise EntryError(
                    N_("signed by key {kid}, which is not among the given public keys"), kid=kid
                )
        nonce, asked, listed = _check_command(header, e, trusted)
        wants: Wants | None = None
        said: Said | None = None
        if authority is not None:
            if asked is not None and e.command_body is not None:
                method, _, path = asked.partition(" ")
                wants = authority.asked(method, path, e.command_body)
            # what the payload says counts only under a command whose body asks for things
            # (`Commands._check_said`): the one it opens, or one opened before it here
            if e.payload is not None and (
                wants is not None
                if asked is not None
                else header.command is not None and header.command != unbound
            ):
                said = authority.said_value(header.type, value)
    except (EntryError, MalformedPayload, CommandError) as err:
        raise VerificationFailed(Problem(e.index, err)) from err
    leaf = leaf_hash(e.header)
    if e.leaf_hash is not None and e.leaf_hash != leaf:
        raise VerificationFailed(
            Problem(e.index, ParleyError(N_("stored leaf hash is not the hash of the header")))
        )
    checked = CheckedEntry(
        e.index,
        # interned, the few distinct names cross from a worker once per chunk, not per entry
        sys.intern(header.type),
        sys.intern(header.actor),
        sys.intern(header.key_id),
        leaf,
        payload if header.type in _KEPT else None,
        e.payload is None and not e.withheld,
        e.withheld,
        sys.intern(header.run_key),
        header.command,
        nonce,
        header.payload_commitment,
        asked,
        listed,
        wants,
        said,
    )
    return checked, e.signature


def _check_command(
    header: Header, e: StoredEntry, trusted: Mapping[str, bytes]
) -> tuple[str | None, str | None, Listed | None]:
    """The signed command beside the entry, if any: its form, its digest and key against the
    header, its signature and its body. Returns its nonce, method and path, and (a local
    command with its body) the entries its body lists."""
    if e.command is None:
        return None, None, None
    if header.command is None:
        raise EntryError(N_("a v1 entry carries a signed command"))
    command = SignedCommand.from_bytes(e.command)
    if command.digest() != header.command:
        raise EntryError(N_("the signed command beside the entry is not the one its header binds"))
    if command.keyid != header.key_id:
        raise EntryError(
            N_("the command is signed by key {keyid}, not {key_id}"),
            keyid=command.keyid,
            key_id=header.key_id,
        )
    command.verify(trusted[header.key_id])
    listed = None
    if e.command_body is not None:
        command.check_body(e.command_body)
        if (command.method, command.path) == (LOCAL_METHOD, LOCAL_PATH):
            # a body that lists nothing lists none of the command's entries: the sequential
            # pass names the first (after the checks of who signed it)
            listed = local_listing(e.command_body) or ()
    return command.nonce, f"{command.method} {command.path}", listed


class OpenRun:
    """The open run of a chunk: consecutive entries of one signer, up to the one that signs."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []
        self.first: CheckedEntry | None = None

    def add(self, c: CheckedEntry, signature: bytes | None, trusted: Mapping[str, bytes]) -> None:
        first = self.first
        if first is not None:
            last = first.idx + len(self.leaves) - 1
            if c.idx != last + 1:
                raise VerificationFailed(
                    Problem(
                        last + 1,
                        ParleyError(N_("missing; the next entry found is {idx}"), idx=c.idx),
                    )
                )
            if (c.actor, c.key_id, c.command, c.signer) != (
                first.actor,
                first.key_id,
                first.command,
                first.signer,
            ):
                raise VerificationFailed(
                    Problem(
                        first.idx,
                        ParleyError(
                            N_(
                                "no signature covers it: entries {idx}–{last} are unsigned and entry {after} after them is another signer's"
                            ),
                            idx=first.idx,
                            last=last,
                            after=c.idx,
                        ),
                    )
                )
        else:
            first = self.first = c
        self.leaves.append(c.leaf)
        if len(self.leaves) > MAX_RUN:
            raise VerificationFailed(
                Problem(
                    first.idx,
                    ParleyError(
                        N_("more than {most} entries run under one signature"), most=MAX_RUN
                    ),
                )
            )
        if signature is None:
            return
        try:
            check_signature(self.leaves, signature, trusted[c.signer])
        except EntryError as e:
            what: ParleyError = e
            if c is not first:
                what = ParleyError(
                    N_(
                        "the signature on entry {idx}, over entries {first}–{idx}, does not verify under the signer's key"
                    ),
                    idx=c.idx,
                    first=first.idx,
                )
            raise VerificationFailed(Problem(first.idx, what)) from e
        self.leaves, self.first = [], None


class LogBlock(NamedTuple):
    """A run of whole lines of an exported log.jsonl, read by the worker that checks them,
    so that the lines never cross between processes."""

    path: str
    offset: int
    length: int
    first_line: int


def log_blocks(path: Path, size: int | None = None) -> Iterator[LogBlock]:
    """The file cut into blocks of about `size` bytes, each ending at the end of a run."""
    size = size or BLOCK
    number = 1
    offset = 0
    try:
        f = path.open("rb")
    except OSError as e:
        raise ExportError(
            N_("{path}: cannot be read ({reason})"),
            path=path.name,
            reason=e.strerror or type(e).__name__,
        ) from e
    with f:
        carry = b""
        while True:
            data = f.read(size)
            if not data:
                break
            data = carry + data
            cut = _run_end(data)
            if cut == 0:  # no whole run yet: keep reading
                carry = data
                continue
            yield LogBlock(str(path), offset, cut, number)
            number += data.count(b"\n", 0, cut)
            offset += cut
            carry = data[cut:]
        if carry:  # the rest: whole lines, or a last line without its newline (named later)
            yield LogBlock(str(path), offset, len(carry), number)


def _run_end(data: bytes) -> int:
    """Where to cut `data` so that what comes before is whole lines and whole runs."""
    end = cut = data.rfind(b"\n") + 1
    for _ in range(MAX_RUN + 1):
        if cut == 0 or not data.endswith(UNSIGNED_END, 0, cut):
            return cut
        cut = data.rfind(b"\n", 0, cut - 1) + 1
    return end  # a run longer than a signature may cover: the block's check names it


def block_lines(block: LogBlock) -> list[Line]:
    with open(block.path, "rb") as f:
        f.seek(block.offset)
        data = f.read(block.length)
    lines = data.splitlines(keepends=True)
    return [(block.first_line + i, line) for i, line in enumerate(lines)]


class EntryByEntry(NamedTuple):
    """A chunk checked entry by entry: the entries that held, and the first fault after them."""

    entries: list[CheckedEntry]
    problem: Problem | None


Chunk = list[EntryOrLine] | LogBlock


def check_chunk(
    chunk: Chunk,
    trusted: Mapping[str, bytes],
    events: Events,
    authority: Authority | None = None,
) -> EntryByEntry:
    items: Iterable[EntryOrLine] = block_lines(chunk) if isinstance(chunk, LogBlock) else chunk
    out: list[CheckedEntry] = []
    run = OpenRun()  # a chunk holds whole runs (see `_chunks` and `log_blocks`)
    unbound: bytes | None = None  # the open command, if it asks for nothing said
    for item in items:
        try:
            checked, signature = check_entry(item, trusted, events, authority, unbound)
            run.add(checked, signature, trusted)
            if checked.asked is not None:
                unbound = checked.command if checked.wants is None else None
        except VerificationFailed as e:
            return EntryByEntry(out, e.problem)
        except ExportError as e:
            return EntryByEntry(out, Problem(None, e))
        out.append(checked)
    if run.first is not None:
        return EntryByEntry(
            out,
            Problem(
                run.first.idx,
                ParleyError(N_("no signature covers it: the entries from here on end unsigned")),
            ),
        )
    return EntryByEntry(out, None)


def _ends_run(item: EntryOrLine) -> bool:
    if isinstance(item, tuple):
        return not item[1].endswith(UNSIGNED_END)
    return item.signature is not None


def _chunks(items: Iterable[EntryOrLine | LogBlock]) -> Iterator[Chunk]:
    """Chunks of whole runs: cut after an entry that signs its run (or after more unsigned
    entries than a run may hold, where the chunk's check names the fault)."""
    chunk: list[EntryOrLine] = []
    unsigned = 0
    for item in items:
        if isinstance(item, LogBlock):
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        chunk.append(item)
        unsigned = 0 if _ends_run(item) else unsigned + 1
        if (len(chunk) >= CHUNK and unsigned == 0) or unsigned > MAX_RUN:
            yield chunk
            chunk = []
            unsigned = 0
    if chunk:
        yield chunk


def check_chunks(
    items: Iterable[EntryOrLine | LogBlock],
    trusted: Mapping[str, bytes],
    events: Events,
    workers: int,
    authority: Authority | None = None,
) -> Iterator[EntryByEntry]:
    """Chunks checked in order: inline at first, then across processes once the log is long."""
    chunks = _chunks(items)
    inline = PARALLEL_FROM
    for chunk in chunks:
        checked = check_chunk(chunk, trusted, events, authority)
        yield checked
        inline -= len(checked.entries)
        if inline <= 0:
            break
    else:
        return
    if workers < 2:
        for chunk in chunks:
            yield check_chunk(chunk, trusted, events, authority)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        in_flight: deque[Future[EntryByEntry]] = deque()
        for chunk in chunks:
            in_flight.append(pool.submit(check_chunk, chunk, trusted, events, authority))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
