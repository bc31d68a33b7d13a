"""Each checkpoint of a verified log: the operator's signature, the witnesses' cosignatures and
the root of the log's first entries."""

from __future__ import annotations

from collections.abc import Iterable

from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureVerifier
from parley.log.entry import StoredCheckpoint
from parley.log.errors import LogError
from parley.log.naming import witness_name
from parley.log.nodes import MemoryNodeStore, root_from_nodes
from parley.log.note import Ed25519Verifier, Verifier
from parley.log.verify.report import Problem, Report, VerificationFailed


def verify_checkpoints(
    checkpoints: Iterable[StoredCheckpoint], tree: MemoryNodeStore, report: Report
) -> None:
    """Each checkpoint: the operator's signature, known witnesses' cosignatures, the log's root."""
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
