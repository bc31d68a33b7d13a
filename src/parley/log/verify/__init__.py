"""Verification of a whole log, live or exported, trusting nothing but the public keys.

Checks, entry by entry: contiguous indices; canonical headers; each run's signature (one per
run of a command's entries, docs/log-format.md §4) under a key that the log itself registered
to the actor and had not retired or revoked (parley.log.keys); each payload against its salted
commitment, or its erasure by a later signed erasure event; the leaf hashes; then every
checkpoint's root, the operator's signature and the witnesses' cosignatures.

    entries.py      each entry and run on its own, chunk by chunk, inline or in worker processes
    sequence.py     order, the key timeline, erasures and the tree, in one pass
    checkpoints.py  the checkpoints against the tree
    export.py       an export offline
    authority.py    what each command route may make, and who may author each event type
    policy.py       the auditor's memory and policy: checkpoints seen before, required witnesses
"""

from parley.log.verify.authority import Authority
from parley.log.verify.checkpoints import verify_checkpoints
from parley.log.verify.entries import LogBlock, log_blocks
from parley.log.verify.export import verify_export
from parley.log.verify.policy import Policy, apply_policy
from parley.log.verify.report import Problem, Report, VerificationFailed
from parley.log.verify.sequence import verify_entries

__all__ = [
    "Authority",
    "LogBlock",
    "Policy",
    "Problem",
    "Report",
    "VerificationFailed",
    "apply_policy",
    "log_blocks",
    "verify_checkpoints",
    "verify_entries",
    "verify_export",
]
