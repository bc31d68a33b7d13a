"""Each checkpoint of a verified log: the operator's signature, the witnesses' cosignatures and
the root of the log's first entries."""

from __future__ import annotations

from collections.abc import Iterable

from parley.errors import N_, ParleyError
from parley.log.checkpoint import SignedCheckpoint, open_checkpoint
from parley.log.cosignature import CosignatureVerifier
from parley.log.entry import StoredCheckpoint
from parley.log.errors import LogError
from parley.log.naming import witness_name
from parley.log.nodes import MemoryNodeStore, root_from_nodes
from parley.log.note import Ed25519Verifier, Verifier
from parley.log.verify.report import Problem, Report, VerificationFailed


def _verifiers(report: Report) -> tuple[list[Verifier], list[Verifier], dict[str, str]]:
    """The operator's note verifiers, the witnesses' cosignature verifiers, and each witness
    key name's party."""
    operator_keys = [k.public for k in report.keys.values() if k.party == report.operator]
    logs: list[Verifier] = [Ed25519Verifier(report.origin, public) for public in operator_keys]
    witnesses: list[Verifier] = [
        CosignatureVerifier(witness_name(k.party), k.public)
        for k in report.keys.values()
        if k.party != report.operator
    ]
    parties = {witness_name(k.party): k.party for k in report.keys.values()}
    return logs, witnesses, parties


def open_signed(note: bytes, report: Report, where: str | ParleyError) -> SignedCheckpoint:
    """A checkpoint note opened under the operator's keys the log registered, with every
    known witness's cosignature checked; VerificationFailed naming `where` otherwise."""
    logs, witnesses, _ = _verifiers(report)
    failures: list[ParleyError] = []
    for log in logs:
        try:
            return open_checkpoint(note, log, witnesses, report.origin)
        except LogError as e:
            failures.append(e)
    why = failures[-1] if failures else ParleyError(N_("the log registered no operator key"))
    raise VerificationFailed(Problem(None, ParleyError(N_("{where}: {why}"), where=where, why=why)))


def verify_checkpoints(
    checkpoints: Iterable[StoredCheckpoint], tree: MemoryNodeStore, report: Report
) -> None:
    """Each checkpoint: the operator's signature, known witnesses' cosignatures, the log's root.
    The report keeps the last checkpoint's size and cosigners, and the size up to which a
    witness cosigned (`Report.witnessed`)."""
    _, _, parties = _verifiers(report)
    for c in checkpoints:
        where = ParleyError(N_("checkpoint of size {size}"), size=c.size)
        if c.size > report.entries:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("{where}: the log has only {entries} entries"),
                        where=where,
                        entries=report.entries,
                    ),
                )
            )
        opened = open_signed(c.note, report, where)
        if opened.note.unverified:
            names = ", ".join(sig.name for sig in opened.note.unverified)
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("{where}: signature lines from unknown keys ({names})"),
                        where=where,
                        names=names,
                    ),
                )
            )
        if opened.checkpoint.size != c.size:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("{where}: its text says size {size}"),
                        where=where,
                        size=opened.checkpoint.size,
                    ),
                )
            )
        if opened.checkpoint.root != root_from_nodes(tree, c.size):
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("{where}: its root is not the root of the log's first {size} entries"),
                        where=where,
                        size=c.size,
                    ),
                )
            )
        report.checkpoints += 1
        cosigners = tuple(
            sorted(parties[s.name] for s in opened.note.verified if s.name in parties)
        )
        report.cosignatures += len(cosigners)
        if c.size >= report.last_checkpoint:
            report.last_checkpoint, report.last_cosigners = c.size, cosigners
        if cosigners:
            report.witnessed = max(report.witnessed, c.size)
