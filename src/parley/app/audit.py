"""Whole-log checks on the live database and on an export, and writing that export. The checks
themselves are the log's own (parley.log.verify): here they meet the store and the domain's
event types."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from parley.app import authz, desk_views, rebuild
from parley.app.ledger import Ledger
from parley.app.served_export import EXPORT_PAGE
from parley.app.transparency import operator, origin
from parley.domain.events import PAYLOADS
from parley.errors import N_, InvalidInput, ParleyError
from parley.log import verify
from parley.log.entry import Header, StoredCheckpoint, StoredEntry
from parley.log.export import ExportKeys, PartyKey, entry_line, write_export
from parley.log.nodes import MemoryNodeStore, NodeId
from parley.log.verify import (
    Policy,
    Problem,
    Report,
    VerificationFailed,
    apply_policy,
    verify_checkpoints,
)
from parley.store import Tx
from parley.store import keys as store_keys
from parley.store import log as stored

__all__ = [
    "Policy",
    "Report",
    "VerificationFailed",
    "auditor_policy",
    "export",
    "verify_export",
    "verify_live",
]


def auditor_policy(
    checkpoints: Sequence[Path] = (),
    witnesses: Sequence[str] = (),
    *,
    allow_unwitnessed: bool = False,
) -> Policy:
    """The auditor's policy from its files: each a signed checkpoint note it saw before."""
    seen = []
    for path in checkpoints:
        try:
            seen.append((str(path), path.read_bytes()))
        except OSError as e:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("the checkpoint seen before ({path}) cannot be read: {reason}"),
                        path=path,
                        reason=e.strerror,
                    ),
                )
            ) from None
    return Policy(tuple(seen), tuple(witnesses), allow_unwitnessed)


def _live_entries(conn: Tx) -> Iterator[StoredEntry]:
    """Entries in order, each checked against the columns stored beside it."""
    for entry, columns in stored.entries(conn):
        try:
            h = Header.from_bytes(entry.header)
        except ValueError:
            h = None  # verify_entries names the problem
        if h is not None and stored.Columns(h.type, h.actor, h.key_id, h.time) != columns:
            raise VerificationFailed(
                Problem(
                    entry.index,
                    ParleyError(N_("stored columns disagree with the signed header")),
                )
            )
        yield entry


def _node_count(size: int) -> int:
    """How many full perfect subtrees a tree of `size` leaves has, all levels together."""
    count, level_size = 0, size
    while level_size:
        count += level_size
        level_size //= 2
    return count


def _check_nodes(conn: Tx, tree: MemoryNodeStore) -> None:
    """Every stored tree node equals the one recomputed from the headers, and none is missing."""
    rows = stored.nodes(conn)
    for level, index, hash_ in rows:
        try:
            (value,) = tree.get_nodes([NodeId(level, index)])
        except LookupError:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("stored tree node ({level}, {index}) is not in the log's tree"),
                        level=level,
                        index=index,
                    ),
                )
            ) from None
        if value != hash_:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("stored tree node ({level}, {index}) is wrong"), level=level, index=index
                    ),
                )
            )
    missing = _node_count(tree.size) - len(rows)
    if missing:
        raise VerificationFailed(
            Problem(
                None,
                ParleyError(N_("{missing} tree nodes are missing from the store"), missing=missing),
            )
        )


def _key_table(conn: Tx) -> list[store_keys.KeyRecord]:
    """The key table as stored; a value no key event could have written there (text where the
    log keeps an index) is a failed check, not a crash."""
    try:
        return store_keys.every_key(conn)
    except (ValueError, TypeError) as e:
        raise VerificationFailed(
            Problem(
                None,
                ParleyError(N_("the key table holds a value the log's key events never wrote")),
            )
        ) from e


def _check_key_table(conn: Tx, report: Report) -> None:
    table = {k.key_id: (k.party_id, k.public_key, k.status, k.ended_idx) for k in _key_table(conn)}
    derived = {kid: (k.party, k.public, k.status, k.ended_at) for kid, k in report.keys.items()}
    if table != derived:
        differing = sorted(set(table.items()) ^ set(derived.items()))
        raise VerificationFailed(
            Problem(
                None,
                ParleyError(
                    N_("the key table disagrees with the log's key events ({key})"),
                    key=differing[0][0],
                ),
            )
        )


def verify_live(ledger: Ledger, policy: Policy | None = None) -> Report:
    """Check the live database's log, tree, keys and checkpoints; then, given one, the
    auditor's `policy`; then every projection against a replay of the log."""
    report = Report()
    with ledger.reading() as conn:
        trusted = {k.key_id: k.public_key for k in _key_table(conn)}
        tree = verify.verify_entries(
            _live_entries(conn), trusted, report, PAYLOADS, authority=authz.AUTHORITY
        )
        _check_nodes(conn, tree)
        _check_key_table(conn, report)
        verify_checkpoints(stored.checkpoints(conn), tree, report)
        if policy is not None:
            apply_policy(policy, tree, report)
    _check_projections(ledger)
    return report


def _check_projections(ledger: Ledger) -> None:
    """Every projected field is what a replay of the log makes of it: a direct edit of the
    query tables (a person's health, a match's state) is named, by table, row and column."""
    _, found = rebuild.check(ledger)
    if found:
        listed = "; ".join(str(d) for d in found[:3])
        raise VerificationFailed(
            Problem(
                None,
                ParleyError(
                    N_("the projections differ from a replay of the log: {listed}"),
                    listed=listed,
                ),
            )
        )


def verify_export(
    folder: Path, keys_file: Path | None = None, policy: Policy | None = None
) -> Report:
    """Check an export with nothing but its files and the given public keys; then, given
    one, the auditor's `policy`."""
    return verify.verify_export(folder, PAYLOADS, keys_file, policy, authz.AUTHORITY)


def _as_seen(who: authz.Acting | None, e: StoredEntry) -> StoredEntry:
    """The entry as `who` may see it: whole, or with its payload and command body withheld."""
    h = Header.from_bytes(e.header)
    if (e.payload is None and e.command_body is None) or authz.sees_payload(
        who, actor=h.actor, event_type=h.type
    ):
        return e
    return replace(e, payload=None, salt=None, command_body=None, withheld=True)


def export(ledger: Ledger, folder: Path, *, actor: str | None = None, public: bool = False) -> int:
    """Write the log, its checkpoints with cosignatures, and every public key to `folder`, as
    `actor` may see it (default: the operator, whose own data it is, all of it): every header,
    and the payloads the permission table lets it see. A public export has the headers and
    the log's own events and the public roadmap's (and `roadmap.json`, in words)."""
    with ledger.reading() as conn:
        op = operator(conn)[0]
        who = None if public else authz.require(conn, actor or op, authz.Action.LOG_EXPORT)
        # as exported: the bytes and the signed commands, not the leaf hash the store keeps
        entries = (_as_seen(who, replace(e, leaf_hash=None)) for e in _live_entries(conn))
        count = write_export(folder, entries, stored.checkpoints(conn), _export_keys(conn))
    if public:
        _write_roadmap(ledger, folder / ROADMAP)
    return count


def _export_keys(conn: Tx) -> ExportKeys:
    return ExportKeys(
        origin=origin(conn),
        operator=operator(conn)[0],
        keys=tuple(
            PartyKey(k.party_id, k.key_id, k.public_key) for k in store_keys.every_key(conn)
        ),
    )


@dataclass(frozen=True)
class ExportHead:
    """The log's size, its checkpoints with cosignatures, and its keys, read at one moment."""

    size: int
    checkpoints: list[StoredCheckpoint]
    keys: ExportKeys


def export_head(ledger: Ledger, *, actor: str) -> ExportHead:
    """What `actor`'s export holds besides its entries (a party that may export at all)."""
    with ledger.reading() as conn:
        authz.require(conn, actor, authz.Action.LOG_EXPORT)
        return ExportHead(stored.size(conn), stored.checkpoints(conn), _export_keys(conn))


def export_entries(ledger: Ledger, *, actor: str, start: int, end: int) -> list[StoredEntry]:
    """Entries start..end-1 (at most EXPORT_PAGE) as `actor`'s export holds them: every header,
    the payloads it may see."""
    if not 0 <= start <= end or end - start > EXPORT_PAGE:
        raise InvalidInput(
            N_("ask for at most {most} entries, from 0 up (not {start}..{end})"),
            most=EXPORT_PAGE,
            start=start,
            end=end,
        )
    with ledger.reading() as conn:
        who = authz.require(conn, actor, authz.Action.LOG_EXPORT)
        found = stored.entries(conn, start=start, end=end)
        return [_as_seen(who, replace(e, leaf_hash=None)) for e, _ in found]


def export_lines(ledger: Ledger, *, actor: str, start: int, end: int) -> list[str]:
    """`export_entries`, each as the line log.jsonl holds for it."""
    found = export_entries(ledger, actor=actor, start=start, end=end)
    return [entry_line(e).decode("utf-8") for e in found]


ROADMAP = "roadmap.json"


def _write_roadmap(ledger: Ledger, path: Path) -> None:
    """The public roadmap, readable without Parley: each agreement's phases and commitments,
    their due dates and ratings, counts per phase; no person, no side's list. A reading of the
    log, not part of what verify checks: each rating it shows is a `commitment.status_set`
    entry whose payload the public export carries."""
    agreements = desk_views.public_overview(ledger)["agreements"]
    data = json.dumps({"agreements": agreements}, ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(data + "\n", encoding="utf-8")
