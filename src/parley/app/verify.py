"""Verification of a whole log, live or exported, trusting nothing but the public keys.

Checks, entry by entry: contiguous indices; canonical headers; each run's signature (one per
run of a command's entries, docs/log-format.md §4) under a key that the log itself registered
to the actor and had not retired or revoked; each payload
against its salted commitment, or its erasure by a later signed erasure event; the leaf hashes
and, for a live database, the stored tree nodes; then every checkpoint's root, the operator's
signature and the witnesses' cosignatures.
"""

from __future__ import annotations

import binascii
import multiprocessing
import os
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from parley.app.naming import log_origin, witness_name
from parley.domain import events as ev
from parley.domain.parties import Role
from parley.errors import ParleyError
from parley.io.export import ExportError, parse_line
from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureVerifier
from parley.log.entry import (
    MAX_RUN,
    EntryError,
    Header,
    StoredCheckpoint,
    StoredEntry,
    check_payload,
    check_signature,
    key_id,
)
from parley.log.errors import LogError
from parley.log.merkle import leaf_hash
from parley.log.nodes import MemoryNodeStore, extend, root_from_nodes
from parley.log.note import Ed25519Verifier, Verifier


@dataclass(frozen=True)
class Problem:
    index: int | None  # the first bad entry, or None for a problem outside the entries
    what: str

    def __str__(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "log"
        return f"{where}: {self.what}"


class VerificationFailed(ParleyError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class _Key:
    party: str
    public: bytes
    ended_at: int | None = None  # last index it may sign
    status: str = "active"


@dataclass
class Report:
    entries: int = 0
    erased: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    root: bytes = b""
    keys: dict[str, _Key] = field(default_factory=dict)
    origin: str = ""
    operator: str = ""


class _Keys:
    """The key timeline, as the log's own events establish it."""

    def __init__(self, trusted: Mapping[str, bytes]) -> None:
        self.trusted = trusted  # key id -> public key, as the verifier was given them
        self.keys: dict[str, _Key] = {}

    def _register(self, index: int, party: str, public_hex: str, kid: str) -> None:
        public = bytes.fromhex(public_hex)
        if key_id(public) != kid:
            raise VerificationFailed(Problem(index, f"key id {kid} does not match its public key"))
        if self.trusted.get(kid) != public:
            raise VerificationFailed(
                Problem(index, f"key {kid} of {party} is not among the given public keys")
            )
        if kid in self.keys:
            raise VerificationFailed(Problem(index, f"key {kid} is registered twice"))
        self.keys[kid] = _Key(party, public)

    def check(self, c: _Checked) -> None:
        """The signing key was the actor's and active at this index, as the log itself says."""
        key = self.keys.get(c.key_id)
        # a party's first key signs its own registration
        if (
            key is None
            and isinstance(c.payload, ev.PartyRegistered)
            and c.payload.party_id == c.actor
            and c.payload.key_id == c.key_id
        ):
            self._register(c.idx, c.actor, c.payload.public_key, c.key_id)
            key = self.keys[c.key_id]
        if key is None:
            raise VerificationFailed(
                Problem(c.idx, f"signed by key {c.key_id}, which the log never registered")
            )
        if key.party != c.actor:
            raise VerificationFailed(
                Problem(c.idx, f"signed by a key of {key.party}, not of the actor {c.actor}")
            )
        if key.ended_at is not None and c.idx > key.ended_at:
            raise VerificationFailed(
                Problem(c.idx, f"signed by key {c.key_id} after it was {key.status}")
            )

    def apply(self, index: int, p: ev.Payload) -> None:
        if isinstance(p, ev.PartyRegistered) and p.key_id not in self.keys:
            self._register(index, p.party_id, p.public_key, p.key_id)
        elif isinstance(p, ev.KeyRotated):
            self._end(index, p.previous_key_id, "retired")
            self._register(index, p.party_id, p.public_key, p.key_id)
        elif isinstance(p, ev.KeyRevoked):
            self._end(index, p.key_id, "revoked")
            if p.new_public_key and p.new_key_id is not None:
                self._register(index, p.party_id, p.new_public_key, p.new_key_id)

    def _end(self, index: int, kid: str, status: str) -> None:
        if kid not in self.keys:
            raise VerificationFailed(
                Problem(index, f"ends key {kid}, which the log never registered")
            )
        self.keys[kid].ended_at = index
        self.keys[kid].status = status


# Event types whose payloads the sequential pass needs; the others stay in the workers.
_TIMELINE = frozenset(
    {ev.PARTY_REGISTERED, ev.KEY_ROTATED, ev.KEY_REVOKED, ev.INSTANCE_CREATED, ev.PERSON_ERASED}
)
_CHUNK = 4096
_PARALLEL_FROM = 20_000  # entries; below this a process pool costs more than it saves


class _Checked(NamedTuple):
    """What the sequential pass needs of an entry whose own bytes all held (a tuple: it
    crosses from the worker processes, and a dataclass pickles at half the speed)."""

    idx: int  # not `index`, which tuple already defines
    type: str
    actor: str
    key_id: str
    leaf: bytes
    payload: ev.Payload | None  # only for key, instance and erasure events
    erased: bool


Item = StoredEntry | tuple[int, bytes]  # an entry, or a raw export line with its number

_B64 = rb'"([A-Za-z0-9+/]*={0,2})"'
# log.jsonl lines as Parley writes them when the payload text needs no escape but `\"`
_LINE = re.compile(
    rb'\{"header":'
    + _B64
    + rb',"index":(0|[1-9][0-9]{0,15}),"payload":(?:null|"((?:[^"\\\x00-\x1f]|\\")*)"),'
    rb'"salt":(?:null|' + _B64 + rb'),"signature":(?:null|' + _B64 + rb")\}\n"
)
# how a line of an entry inside a run ends (the signature is its last key, in canonical form)
_UNSIGNED_END = b',"signature":null}\n'


def _unb64(text: bytes) -> bytes | None:
    """Strict base64 in its one canonical spelling, or None."""
    try:
        data = binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error:
        return None
    return data if binascii.b2a_base64(data, newline=False) == text else None


def _parse(raw: bytes, number: int) -> StoredEntry:
    """`parse_line`, without its JSON round trip for the lines that need none.

    A line taken here is in the canonical form `parse_line` demands and yields the same entry;
    any other line (escapes, odd base64, invalid UTF-8) goes to `parse_line`, which judges it.
    """
    m = _LINE.fullmatch(raw)
    if m is not None:
        header_text, index, payload_text, salt_text, signature_text = m.groups()
        header = _unb64(header_text)
        signature = None if signature_text is None else _unb64(signature_text)
        salt = None if salt_text is None else _unb64(salt_text)
        payload = None if payload_text is None else payload_text.replace(b'\\"', b'"')
        if (
            header is not None
            and (signature is not None) == (signature_text is not None)
            and (salt is not None) == (salt_text is not None)
            and int(index) < 2**53
        ):
            try:
                if payload is not None:
                    payload.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return StoredEntry(int(index), header, signature, payload, salt)
    return parse_line(raw, number)


def _check_one(item: Item, trusted: Mapping[str, bytes]) -> tuple[_Checked, bytes | None]:
    """Everything about one entry that needs no other entry: form, commitment, a known key,
    leaf; and its signature, if it ends a run, for `_Run` to check."""
    e = _parse(item[1], item[0]) if isinstance(item, tuple) else item
    try:
        header = Header.from_bytes(e.header)
        if header.index != e.index:
            raise EntryError(f"header says index {header.index}")
        payload: ev.Payload | None = None
        if e.payload is not None:
            if e.salt is None:
                raise EntryError("payload without its salt")
            payload = ev.payload_from_json(header.type, check_payload(header, e.payload, e.salt))
        elif e.salt is not None:
            raise EntryError("an erased payload kept its salt")
        elif header.type != ev.PERSON_RECORDED:
            raise EntryError(f"payload of a {header.type} entry is missing")
        if header.key_id not in trusted:
            raise EntryError(
                f"signed by key {header.key_id}, which is not among the given public keys"
            )
    except (EntryError, ev.MalformedPayload) as err:
        raise VerificationFailed(Problem(e.index, str(err))) from err
    leaf = leaf_hash(e.header)
    if e.leaf_hash is not None and e.leaf_hash != leaf:
        raise VerificationFailed(Problem(e.index, "stored leaf hash is not the hash of the header"))
    kept = payload if header.type in _TIMELINE else None
    # interned, the few distinct names are pickled once per chunk, not once per entry
    checked = _Checked(
        e.index,
        sys.intern(header.type),
        sys.intern(header.actor),
        sys.intern(header.key_id),
        leaf,
        kept,
        e.payload is None,
    )
    return checked, e.signature


class _Run:
    """The open run of a chunk: consecutive entries of one signer, up to the one that signs."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []
        self.first: _Checked | None = None

    def add(self, c: _Checked, signature: bytes | None, trusted: Mapping[str, bytes]) -> None:
        first = self.first
        if first is not None:
            last = first.idx + len(self.leaves) - 1
            if c.idx != last + 1:
                raise VerificationFailed(
                    Problem(last + 1, f"missing; the next entry found is {c.idx}")
                )
            if (c.actor, c.key_id) != (first.actor, first.key_id):
                raise VerificationFailed(
                    Problem(
                        first.idx,
                        f"no signature covers it: entries {first.idx}–{last} are unsigned and "
                        f"entry {c.idx} after them is another signer's",
                    )
                )
        else:
            first = self.first = c
        self.leaves.append(c.leaf)
        if len(self.leaves) > MAX_RUN:
            raise VerificationFailed(
                Problem(first.idx, f"more than {MAX_RUN} entries run under one signature")
            )
        if signature is None:
            return
        try:
            check_signature(self.leaves, signature, trusted[c.key_id])
        except EntryError as e:
            what = str(e)
            if c is not first:
                what = (
                    f"the signature on entry {c.idx}, over entries {first.idx}–{c.idx}, "
                    "does not verify under the actor's key"
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


_BLOCK = 1 << 21  # bytes of log.jsonl a worker reads at once: some 3,500 entries


def log_blocks(path: Path, size: int | None = None) -> Iterator[LogBlock]:
    """The file cut into blocks of about `size` bytes, each ending at the end of a run."""
    size = size or _BLOCK
    number = 1
    offset = 0
    with path.open("rb") as f:
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
        if cut == 0 or not data.endswith(_UNSIGNED_END, 0, cut):
            return cut
        cut = data.rfind(b"\n", 0, cut - 1) + 1
    return end  # a run longer than a signature may cover: the block's check names it


def _block_lines(block: LogBlock) -> list[Item]:
    with open(block.path, "rb") as f:
        f.seek(block.offset)
        data = f.read(block.length)
    lines = data.splitlines(keepends=True)
    return [(block.first_line + i, line) for i, line in enumerate(lines)]


class _Compact(NamedTuple):
    """A whole chunk that held, in the few bytes the sequential pass needs: its first index and
    count, its leaves, the last index each (key, actor) signed, its erased entries and its
    erasure events. A chunk with key or instance events goes back entry by entry instead."""

    first: int
    size: int
    leaves: bytes
    signed: dict[tuple[str, str], int]
    erased: list[int]
    erasures: list[_Checked]


# a chunk checked: entry by entry (the good prefix and its first fault), or compact
Checked = tuple[list[_Checked], Problem | None] | _Compact
Chunk = list[Item] | LogBlock
_KEYED = _TIMELINE - {ev.PERSON_ERASED}  # events that change the key timeline or the origin


def _check_chunk(chunk: Chunk, trusted: Mapping[str, bytes], compact: bool = False) -> Checked:
    items = _block_lines(chunk) if isinstance(chunk, LogBlock) else chunk
    out: list[_Checked] = []
    run = _Run()  # a chunk holds whole runs (see `_chunks` and `log_blocks`)
    for item in items:
        try:
            checked, signature = _check_one(item, trusted)
            run.add(checked, signature, trusted)
        except VerificationFailed as e:
            return out, e.problem
        except ExportError as e:
            return out, Problem(None, str(e))
        out.append(checked)
    if run.first is not None:
        return out, Problem(
            run.first.idx, "no signature covers it: the entries from here on end unsigned"
        )
    if not compact or not out or any(c.type in _KEYED for c in out):
        return out, None
    first = out[0].idx
    signed: dict[tuple[str, str], int] = {}
    for offset, c in enumerate(out):
        if c.idx != first + offset:
            return out, None  # the sequential pass names the gap
        signed[c.key_id, c.actor] = c.idx
    return _Compact(
        first,
        len(out),
        b"".join(c.leaf for c in out),
        signed,
        [c.idx for c in out if c.erased],
        [c for c in out if c.type == ev.PERSON_ERASED],
    )


def _ends_run(item: Item) -> bool:
    if isinstance(item, tuple):
        return not item[1].endswith(_UNSIGNED_END)
    return item.signature is not None


def _chunks(items: Iterable[Item | LogBlock]) -> Iterator[Chunk]:
    """Chunks of whole runs: cut after an entry that signs its run (or after more unsigned
    entries than a run may hold, where the chunk's check names the fault)."""
    chunk: list[Item] = []
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
        if (len(chunk) >= _CHUNK and unsigned == 0) or unsigned > MAX_RUN:
            yield chunk
            chunk = []
            unsigned = 0
    if chunk:
        yield chunk


def _checked(
    items: Iterable[Item | LogBlock], trusted: Mapping[str, bytes], workers: int
) -> Iterator[tuple[Chunk, Checked]]:
    """Chunks checked in order: inline at first, then across processes once the log is long."""
    chunks = _chunks(items)
    inline = _PARALLEL_FROM
    for chunk in chunks:
        checked = _check_chunk(chunk, trusted)
        yield chunk, checked
        assert not isinstance(checked, _Compact)  # asked for entry by entry
        inline -= len(checked[0])
        if inline <= 0:
            break
    else:
        return
    if workers < 2:
        for chunk in chunks:
            yield chunk, _check_chunk(chunk, trusted)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        in_flight: deque[tuple[Chunk, Future[Checked]]] = deque()
        for chunk in chunks:
            in_flight.append((chunk, pool.submit(_check_chunk, chunk, trusted, True)))
            if len(in_flight) >= 2 * workers:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()


class _Pass:
    """The sequential pass: order, the key timeline, erasures, the tree."""

    def __init__(self, trusted: Mapping[str, bytes], report: Report) -> None:
        self.keys = _Keys(trusted)
        self.tree = MemoryNodeStore()
        self.erased_pending: set[int] = set()
        self.expected = 0
        self.report = report

    def entries(self, result: list[_Checked], problem: Problem | None) -> None:
        report = self.report
        for c in result:
            if c.idx != self.expected:
                raise VerificationFailed(
                    Problem(self.expected, f"missing; the next entry found is {c.idx}")
                )
            self.expected += 1
            self.keys.check(c)
            if c.erased:
                self.erased_pending.add(c.idx)
                report.erased += 1
            p = c.payload
            if p is not None:
                self.keys.apply(c.idx, p)
                if isinstance(p, ev.InstanceCreated):
                    report.origin = log_origin(p.instance_id)
                if isinstance(p, ev.PartyRegistered) and p.role is Role.MEDIATOR:
                    report.operator = p.party_id
                if isinstance(p, ev.PersonErased):
                    self.erased_pending -= {item.idx for item in p.entries}
        extend(self.tree, self.expected - len(result), [c.leaf for c in result])
        if problem is not None:
            if problem.index is not None and problem.index > self.expected:
                # an earlier entry is missing: name that one first
                raise VerificationFailed(
                    Problem(self.expected, f"missing; the next entry found is {problem.index}")
                )
            raise VerificationFailed(problem)

    def compact(self, c: _Compact) -> bool:
        """Take a compact chunk; False (with nothing taken) if some entry's key does not hold
        there, for the entry-by-entry pass to name it."""
        if c.first != self.expected:
            return False
        # no key event in the chunk: a key known now was registered before all of it
        for (kid, actor), last in c.signed.items():
            key = self.keys.keys.get(kid)
            if key is None or key.party != actor:
                return False
            if key.ended_at is not None and last > key.ended_at:
                return False
        self.expected += c.size
        self.erased_pending.update(c.erased)
        self.report.erased += len(c.erased)
        for erasure in c.erasures:
            assert isinstance(erasure.payload, ev.PersonErased)
            # only entries before the erasure, as the entry-by-entry pass would have it
            self.erased_pending -= {
                item.idx for item in erasure.payload.entries if item.idx < erasure.idx
            }
        leaves = c.leaves
        extend(self.tree, c.first, [leaves[i : i + 32] for i in range(0, len(leaves), 32)])
        return True


def verify_entries(
    entries: Iterable[Item | LogBlock],
    trusted_keys: Mapping[str, bytes],
    report: Report,
    workers: int | None = None,
) -> MemoryNodeStore:
    """Check every entry; raise VerificationFailed at the first bad one. Returns the tree."""
    trusted = dict(trusted_keys)
    state = _Pass(trusted, report)
    for chunk, checked in _checked(entries, trusted, workers or os.cpu_count() or 1):
        if isinstance(checked, _Compact):
            if state.compact(checked):
                continue
            checked = _check_chunk(chunk, trusted)  # again, entry by entry, to name the fault
            assert not isinstance(checked, _Compact)
        state.entries(*checked)
    if state.erased_pending:
        raise VerificationFailed(
            Problem(min(state.erased_pending), "payload is missing and no erasure event names it")
        )
    report.entries = state.expected
    report.root = root_from_nodes(state.tree, state.expected)
    report.keys = state.keys.keys
    return state.tree


def verify_checkpoints(
    checkpoints: Iterable[StoredCheckpoint], tree: MemoryNodeStore, report: Report
) -> None:
    """Each checkpoint: the operator's signature, known witnesses' cosignatures, the log's root."""
    operator_keys = [k.public for k in report.keys.values() if k.party == report.operator]
    logs = [Ed25519Verifier(report.origin, public) for public in operator_keys]
    witnesses: list[Verifier] = [
        CosignatureVerifier(witness_name(k.party), k.public)
        for k in report.keys.values()
        if k.party != report.operator
    ]
    for c in checkpoints:
        where = f"checkpoint of size {c.size}"
        if c.size > report.entries:
            raise VerificationFailed(
                Problem(None, f"{where}: the log has only {report.entries} entries")
            )
        opened = None
        failures = []
        for log in logs:
            try:
                opened = open_checkpoint(c.note, log, witnesses, report.origin)
                break
            except LogError as e:
                failures.append(str(e))
        if opened is None:
            why = failures[-1] if failures else "the log registered no operator key"
            raise VerificationFailed(Problem(None, f"{where}: {why}"))
        if opened.note.unverified:
            names = ", ".join(sig.name for sig in opened.note.unverified)
            raise VerificationFailed(
                Problem(None, f"{where}: signature lines from unknown keys ({names})")
            )
        if opened.checkpoint.size != c.size:
            raise VerificationFailed(
                Problem(None, f"{where}: its text says size {opened.checkpoint.size}")
            )
        if opened.checkpoint.root != root_from_nodes(tree, c.size):
            raise VerificationFailed(
                Problem(
                    None, f"{where}: its root is not the root of the log's first {c.size} entries"
                )
            )
        report.checkpoints += 1
        report.cosignatures += len(opened.note.verified) - 1
