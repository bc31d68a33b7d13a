"""The sequential pass over the checked chunks: entry order, the key timeline, erasures and
the tree; `verify_entries` runs it over a whole log."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from parley.errors import N_, ParleyError, Word
from parley.log.entry import key_id
from parley.log.events import InstanceCreated, PartyRegistered, PersonErased, Role
from parley.log.keys import (
    KeyAdded,
    KeyTimeline,
    SignerFault,
    TimelineError,
    ending_fault,
    installs_for_other,
    key_changes,
    registers_itself,
    signer_fault,
)
from parley.log.naming import log_origin
from parley.log.nodes import MemoryNodeStore, extend, root_from_nodes
from parley.log.verify.authority import Authority
from parley.log.verify.commands import Commands
from parley.log.verify.entries import (
    CheckedEntry,
    EntryByEntry,
    EntryOrLine,
    Events,
    LogBlock,
    check_chunks,
)
from parley.log.verify.report import Problem, Report, VerificationFailed


class _Keys:
    """The key timeline as the log builds it, held to the public keys the verifier was given."""

    def __init__(self, trusted: Mapping[str, bytes]) -> None:
        self.trusted = trusted  # key id -> public key
        self.timeline = KeyTimeline()

    def check_signer(self, c: CheckedEntry) -> None:
        """The signing key was the actor's and had not ended at this entry, as the log says."""
        key = self.timeline.keys.get(c.key_id)
        if (
            key is None
            and c.payload is not None
            and registers_itself(c.payload, c.actor, c.key_id)
            and c.actor not in self.timeline.parties
        ):
            return  # the registration, applied next, adds the key
        fault = signer_fault(key, c.actor, c.idx, c.type)
        if fault is None:
            return
        if key is None:
            what = ParleyError(
                N_("signed by key {key_id}, which the log never registered"), key_id=c.key_id
            )
        elif fault is SignerFault.OTHER_PARTY:
            what = ParleyError(
                N_("signed by a key of {party}, not of the actor {actor}"),
                party=key.party,
                actor=c.actor,
            )
        elif fault is SignerFault.RECOVERY_ONLY:
            what = ParleyError(
                N_("signed by recovery key {key_id}, which signs only {party}'s recovery"),
                key_id=c.key_id,
                party=key.party,
            )
        else:
            what = ParleyError(
                N_("signed by key {key_id} after it was {status}"),
                key_id=c.key_id,
                status=Word(key.status),
            )
        raise VerificationFailed(Problem(c.idx, what))

    def apply(self, c: CheckedEntry, operator: str | None) -> None:
        assert c.payload is not None
        other = installs_for_other(c.payload, c.actor)
        if other is not None:
            what = ParleyError(
                N_("{actor} installs a key in {other}'s name; only {other} names its own keys"),
                actor=c.actor,
                other=other,
            )
            raise VerificationFailed(Problem(c.idx, what))
        ending = ending_fault(c.payload, c.actor, self.timeline.keys, operator)
        if ending is not None:
            raise VerificationFailed(Problem(c.idx, ending))
        for change in key_changes(c.payload):
            if isinstance(change, KeyAdded):
                if key_id(change.public_key) != change.key_id:
                    what = ParleyError(
                        N_("key id {key_id} does not match its public key"), key_id=change.key_id
                    )
                    raise VerificationFailed(Problem(c.idx, what))
                if self.trusted.get(change.key_id) != change.public_key:
                    what = ParleyError(
                        N_("key {key_id} of {party_id} is not among the given public keys"),
                        key_id=change.key_id,
                        party_id=change.party_id,
                    )
                    raise VerificationFailed(Problem(c.idx, what))
            try:
                self.timeline.apply(c.idx, change)
            except TimelineError as e:
                raise VerificationFailed(Problem(c.idx, e)) from None


class _SequentialPass:
    """Order, the key timeline, erasures, the tree: what needs the entries before."""

    def __init__(
        self, trusted: Mapping[str, bytes], report: Report, authority: Authority | None = None
    ) -> None:
        self.keys = _Keys(trusted)
        self.commands = Commands(authority)
        self.tree = MemoryNodeStore()
        self.erased_pending: set[int] = set()
        self.expected = 0
        self.report = report

    def entries(self, checked: EntryByEntry) -> None:
        report = self.report
        for c in checked.entries:
            if c.idx != self.expected:
                raise VerificationFailed(
                    Problem(
                        self.expected,
                        ParleyError(N_("missing; the next entry found is {idx}"), idx=c.idx),
                    )
                )
            self.expected += 1
            self.keys.check_signer(c)
            self.commands.check(c, self.keys.timeline, report.operator)
            if c.erased:
                self.erased_pending.add(c.idx)
                report.erased += 1
            report.withheld += c.withheld
            p = c.payload
            if p is not None:
                self.keys.apply(c, report.operator)
                if isinstance(p, InstanceCreated):
                    report.origin = log_origin(p.instance_id)
                if isinstance(p, PartyRegistered) and p.role is Role.MEDIATOR:
                    report.operator = p.party_id
                if isinstance(p, PersonErased):
                    self.erased_pending -= p.erased()
            self.commands.author(c)
        extend(self.tree, self.expected - len(checked.entries), [c.leaf for c in checked.entries])
        problem = checked.problem
        if problem is not None:
            if problem.index is not None and problem.index > self.expected:
                # an earlier entry is missing: name that one first
                raise VerificationFailed(
                    Problem(
                        self.expected,
                        ParleyError(
                            N_("missing; the next entry found is {index}"), index=problem.index
                        ),
                    )
                )
            raise VerificationFailed(problem)


def verify_entries(
    entries: Iterable[EntryOrLine | LogBlock],
    trusted_keys: Mapping[str, bytes],
    report: Report,
    events: Events,
    workers: int | None = None,
    authority: Authority | None = None,
) -> MemoryNodeStore:
    """Check every entry, its payload read as one of `events`, and, given the `authority`,
    each one its command may make and its actor may author; raise VerificationFailed at the
    first bad one. Returns the tree."""
    trusted = dict(trusted_keys)
    state = _SequentialPass(trusted, report, authority)
    for checked in check_chunks(
        entries, trusted, events, workers or os.cpu_count() or 1, authority
    ):
        state.entries(checked)
    state.commands.finish()
    if state.erased_pending:
        raise VerificationFailed(
            Problem(
                min(state.erased_pending),
                ParleyError(N_("payload is missing and no erasure event names it")),
            )
        )
    report.entries = state.expected
    report.root = root_from_nodes(state.tree, state.expected)
    report.keys = state.keys.timeline.keys
    return state.tree
