"""The auditor's memory and policy, applied after a log has verified on its own terms
(docs/log-format.md §8, "What an auditor requires").

A log that holds together can still be an old one: an operator who truncates it to an earlier
size and drops the later checkpoints hands over something that verifies. Only what the auditor
remembers (a checkpoint it saw before) and requires (the witnesses whose cosignature the last
checkpoint must carry; that some witness cosigned at all) tells such a log from the real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.log.encoding import encode_base64
from parley.log.nodes import MemoryNodeStore, root_from_nodes
from parley.log.verify.checkpoints import open_signed
from parley.log.verify.report import Problem, Report, VerificationFailed


@dataclass(frozen=True)
class Policy:
    """What the auditor brings: checkpoints seen before (signed notes, as a witness or an
    earlier export gave them), the parties whose cosignature the last checkpoint must carry,
    and whether a log no witness has cosigned is acceptable."""

    seen: Sequence[tuple[str, bytes]] = ()  # (where it came from, the signed note)
    witnesses: Sequence[str] = ()
    allow_unwitnessed: bool = False


def _short(root: bytes) -> str:
    return encode_base64(root)


def apply_policy(policy: Policy, tree: MemoryNodeStore, report: Report) -> None:
    """Refuse, naming both sizes and roots, a log shorter than or inconsistent with a
    checkpoint seen before; one whose last checkpoint lacks a required cosignature; and,
    unless allowed, one no witness has cosigned."""
    for where, note in policy.seen:
        seen = open_signed(note, report, f"the checkpoint seen before ({where})").checkpoint
        if seen.size > report.entries:
            raise VerificationFailed(
                Problem(
                    None,
                    f"rolled back: the checkpoint seen before ({where}) has size {seen.size} and "
                    f"root {_short(seen.root)}; this log has only {report.entries} entries "
                    f"(root {_short(report.root)})",
                )
            )
        ours = root_from_nodes(tree, seen.size)
        if ours != seen.root:
            raise VerificationFailed(
                Problem(
                    None,
                    f"not consistent with the checkpoint seen before ({where}): size {seen.size} "
                    f"root {_short(seen.root)} there, but this log's first {seen.size} entries "
                    f"hash to {_short(ours)} (this log: size {report.entries})",
                )
            )
    for party in policy.witnesses:
        if report.last_checkpoint == 0:
            raise VerificationFailed(
                Problem(None, f"no checkpoint, so no cosignature of {party} (required)")
            )
        if party not in report.last_cosigners:
            has = ", ".join(report.last_cosigners) or "none"
            raise VerificationFailed(
                Problem(
                    None,
                    f"the last checkpoint (size {report.last_checkpoint}) carries no "
                    f"cosignature of {party} (required; it has: {has})",
                )
            )
    if report.entries and not report.witnessed and not policy.allow_unwitnessed:
        what = (
            "no checkpoint"
            if report.last_checkpoint == 0
            else f"no witness cosigned any checkpoint (the last has size {report.last_checkpoint})"
        )
        raise VerificationFailed(
            Problem(
                None,
                f"unwitnessed: {what}; all {report.entries} entries rest on the operator's word "
                "alone (--allow-unwitnessed accepts that)",
            )
        )
