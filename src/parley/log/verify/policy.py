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

from parley.errors import N_, ParleyError
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
        seen = open_signed(
            note, report, ParleyError(N_("the checkpoint seen before ({where})"), where=where)
        ).checkpoint
        if seen.size > report.entries:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_(
                            "rolled back: the checkpoint seen before ({where}) has size {size} and root {root}; this log has only {entries} entries (root {ours})"
                        ),
                        where=where,
                        size=seen.size,
                        root=_short(seen.root),
                        entries=report.entries,
                        ours=_short(report.root),
                    ),
                )
            )
        ours = root_from_nodes(tree, seen.size)
        if ours != seen.root:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_(
                            "not consistent with the checkpoint seen before ({where}): size {size} root {root} there, but this log's first {size} entries hash to {ours} (this log: size {entries})"
                        ),
                        where=where,
                        size=seen.size,
                        root=_short(seen.root),
                        ours=_short(ours),
                        entries=report.entries,
                    ),
                )
            )
    for party in policy.witnesses:
        if report.last_checkpoint == 0:
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_("no checkpoint, so no cosignature of {party} (required)"), party=party
                    ),
                )
            )
        if party not in report.last_cosigners:
            has = ", ".join(report.last_cosigners) or "none"
            raise VerificationFailed(
                Problem(
                    None,
                    ParleyError(
                        N_(
                            "the last checkpoint (size {last_checkpoint}) carries no cosignature of {party} (required; it has: {has})"
                        ),
                        last_checkpoint=report.last_checkpoint,
                        party=party,
                        has=has,
                    ),
                )
            )
    if report.entries and not report.witnessed and not policy.allow_unwitnessed:
        what = (
            ParleyError(N_("no checkpoint"))
            if report.last_checkpoint == 0
            else ParleyError(
                N_("no witness cosigned any checkpoint (the last has size {size})"),
                size=report.last_checkpoint,
            )
        )
        raise VerificationFailed(
            Problem(
                None,
                ParleyError(
                    N_(
                        "unwitnessed: {what}; all {entries} entries rest on the operator's word alone (--allow-unwitnessed accepts that)"
                    ),
                    what=what,
                    entries=report.entries,
                ),
            )
        )
