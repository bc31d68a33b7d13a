"""Whole-log checks on the live database and on an export, and writing that export. The checks
themselves are the log's own (parley.log.verify): here they meet the store and the domain's
event types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.app.ledger import Ledger
from parley.app.transparency import operator, origin, with_cosignatures
from parley.domain.events import PAYLOADS
from parley.log import verify
from parley.log.entry import Header, StoredCheckpoint, StoredEntry
from parley.log.export import ExportKeys, PartyKey, write_export
from parley.log.nodes import MemoryNodeStore, NodeId
from parley.log.verify import Problem, Report, VerificationFailed, verify_checkpoints
from parley.store import tables as t

__all__ = ["Report", "VerificationFailed", "export", "verify_export", "verify_live"]

_CHUNK = 20_000


def _live_entries(conn: Connection) -> Iterator[StoredEntry]:
    """Entries in order, each checked against the columns stored beside it."""
    last = -1
    c = t.log_entries.c
    while True:
        rows = conn.execute(
            select(t.log_entries).where(c.idx > last).order_by(c.idx).limit(_CHUNK)
        ).all()
        if not rows:
            return
        for r in rows:
            header = bytes(r.header)
            try:
                h = Header.from_bytes(header)
            except ValueError:
                h = None  # verify_entries names the problem
            if h is not None and (h.type, h.actor, h.key_id, h.time) != (
                r.type,
                r.actor,
                r.key_id,
                r.claimed_time,
            ):
                raise VerificationFailed(
                    Problem(int(r.idx), "stored columns disagree with the signed header")
                )
            yield StoredEntry(
                index=int(r.idx),
                header=header,
                signature=bytes(r.signature) if r.signature is not None else None,
                payload=bytes(r.payload) if r.payload is not None else None,
                salt=bytes(r.salt) if r.salt is not None else None,
                leaf_hash=bytes(r.leaf_hash),
            )
        last = rows[-1].idx


def _checkpoints(conn: Connection) -> list[StoredCheckpoint]:
    rows = conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.size)).all()
    out = []
    for r in rows:
        note = with_cosignatures(conn, int(r.size), bytes(r.note))
        out.append(StoredCheckpoint(int(r.size), note))
    return out


def _node_count(size: int) -> int:
    """How many full perfect subtrees a tree of `size` leaves has, all levels together."""
    count, level_size = 0, size
    while level_size:
        count += level_size
        level_size //= 2
    return count


def _check_nodes(conn: Connection, tree: MemoryNodeStore) -> None:
    """Every stored tree node equals the one recomputed from the headers, and none is missing."""
    n = t.log_nodes.c
    rows = conn.execute(select(n.level, n.idx, n.hash)).all()
    for r in rows:
        try:
            (value,) = tree.get_nodes([NodeId(int(r.level), int(r.idx))])
        except LookupError:
            raise VerificationFailed(
                Problem(None, f"stored tree node ({r.level}, {r.idx}) is not in the log's tree")
            ) from None
        if value != bytes(r.hash):
            raise VerificationFailed(
                Problem(None, f"stored tree node ({r.level}, {r.idx}) is wrong")
            )
    missing = _node_count(tree.size) - len(rows)
    if missing:
        raise VerificationFailed(Problem(None, f"{missing} tree nodes are missing from the store"))


def _check_key_table(conn: Connection, report: Report) -> None:
    rows = conn.execute(select(t.party_keys)).all()
    stored = {r.key_id: (r.party_id, bytes(r.public_key), r.status, r.ended_idx) for r in rows}
    derived = {kid: (k.party, k.public, k.status, k.ended_at) for kid, k in report.keys.items()}
    if stored != derived:
        differing = sorted(set(stored.items()) ^ set(derived.items()))
        raise VerificationFailed(
            Problem(None, f"the key table disagrees with the log's key events ({differing[0][0]})")
        )


def verify_live(ledger: Ledger) -> Report:
    """Check the live database's log, tree, keys and checkpoints."""
    report = Report()
    with ledger.reading() as conn:
        trusted = {r.key_id: bytes(r.public_key) for r in conn.execute(select(t.party_keys))}
        tree = verify.verify_entries(_live_entries(conn), trusted, report, PAYLOADS)
        _check_nodes(conn, tree)
        _check_key_table(conn, report)
        verify_checkpoints(_checkpoints(conn), tree, report)
    return report


def verify_export(folder: Path, keys_file: Path | None = None) -> Report:
    """Check an export with nothing but its files and the given public keys."""
    return verify.verify_export(folder, PAYLOADS, keys_file)


def export(ledger: Ledger, folder: Path) -> int:
    """Write the log, its checkpoints with cosignatures, and every public key to `folder`."""
    with ledger.reading() as conn:
        keys = ExportKeys(
            origin=origin(conn),
            operator=operator(conn)[0],
            keys=tuple(
                PartyKey(r.party_id, r.key_id, bytes(r.public_key))
                for r in conn.execute(
                    select(t.party_keys).order_by(
                        t.party_keys.c.registered_idx, t.party_keys.c.key_id
                    )
                )
            ),
        )
        entries = (
            StoredEntry(e.index, e.header, e.signature, e.payload, e.salt)
            for e in _live_entries(conn)
        )
        return write_export(folder, entries, _checkpoints(conn), keys)
