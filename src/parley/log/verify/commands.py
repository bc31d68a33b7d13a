"""Who asked, and for what: each v2 entry bound to its actor's signed command, each command
used once, each run signed by the operator; given an `Authority`, each entry one its command's
route may make (a local command's, the very entry its body lists) and of a type its actor's
role may author (docs/log-format.md §4, signed commands)."""

from __future__ import annotations

from parley.errors import N_, ParleyError
from parley.log.events import PartyRegistered, Role
from parley.log.keys import KeyTimeline, signer_fault
from parley.log.verify.authority import Authority, Listed, Wants
from parley.log.verify.entries import CheckedEntry
from parley.log.verify.report import Problem, VerificationFailed


def _some(keys: list[str], most: int = 5) -> str:
    return "; ".join(keys[:most]) + (" …" if len(keys) > most else "") or "—"


class Commands:
    """The command blocks seen so far: their nonces, and the block an entry may continue."""

    def __init__(self, authority: Authority | None = None) -> None:
        self.authority = authority
        self.roles: dict[str, Role] = {}  # party -> role, as the log registered them
        self.asked: str | None = None  # the open command's method and path
        self.route: str | None = None  # ... and the route template they fall under
        self.listed: Listed | None = None  # what is left of a local command's listed entries
        self.listed_from = -1
        self.wants: Wants | None = None  # what the open command's body asks for
        self.answered: dict[str, int] = {}  # ... and how many of its entries said each key
        self.whole = True  # every entry of the open command bound by type showed its payload
        self.nonces: set[tuple[str, str]] = set()  # (key id, nonce)
        self.digests: set[bytes] = set()
        self.v2_from: int | None = None
        self.block: CheckedEntry | None = None  # the first entry of the open command
        self.last = -1  # the last entry of the open command

    def check(self, c: CheckedEntry, timeline: KeyTimeline, operator: str) -> None:
        """Binding and replay for a v2 entry; the run's signer is the operator's; no v1 entry
        after a v2 one. The command's own signature was checked with the entry."""
        if c.command is None:
            if self.v2_from is not None:
                what = ParleyError(
                    N_("a v1 entry after the signed commands that begin at entry {v2_from}"),
                    v2_from=self.v2_from,
                )
                raise VerificationFailed(Problem(c.idx, what))
            return
        if self.v2_from is None:
            self.v2_from = c.idx
        if c.nonce is not None:
            if (c.key_id, c.nonce) in self.nonces or c.command in self.digests:
                what = ParleyError(
                    N_("replays a command of key {key_id} (nonce {nonce}) logged before"),
                    key_id=c.key_id,
                    nonce=c.nonce,
                )
                raise VerificationFailed(Problem(c.idx, what))
            self.nonces.add((c.key_id, c.nonce))
            self.digests.add(c.command)
            self.finish()
            self.block = c
            self.asked = c.asked
            self.route = (
                self.authority.route(*c.asked.split(" ", 1))
                if self.authority is not None and c.asked is not None
                else None
            )
            self.listed, self.listed_from = c.listed, c.idx
            self.wants, self.answered, self.whole = c.wants, {}, True
        else:
            b = self.block
            if (
                b is None
                or self.last != c.idx - 1
                or (b.command, b.actor, b.key_id)
                != (
                    c.command,
                    c.actor,
                    c.key_id,
                )
            ):
                what = ParleyError(
                    N_(
                        "bound to a command of {actor} whose signed record does not stand beside the first entry of the command"
                    ),
                    actor=c.actor,
                )
                raise VerificationFailed(Problem(c.idx, what))
        self.last = c.idx
        self._check_run_signer(c, timeline, operator)
        self._check_asked(c)

    def _check_asked(self, c: CheckedEntry) -> None:
        """The entry is one its command may make: of a type its route makes, and, for a local
        command whose body the verifier holds, the next entry the body lists."""
        if self.authority is None or self.asked is None:
            return
        what = self.authority.route_fault(self.route, self.asked, c.type)
        if what is None and self.listed is not None:
            if not self.listed or self.listed[0] != (c.type, c.commitment):
                what = ParleyError(
                    N_(
                        "a {type} entry that the local command {command} of entry {first} does not list here"
                    ),
                    type=c.type,
                    command=self.asked,
                    first=self.listed_from,
                )
            else:
                self.listed = self.listed[1:]
        if what is None and self.wants is not None:
            what = self._check_said(c, self.wants)
        if what is not None:
            raise VerificationFailed(Problem(c.idx, what))

    def _check_said(self, c: CheckedEntry, wants: Wants) -> ParleyError | None:
        """The entry says something its command's body asked for, and no more often."""
        if c.said is None:
            # a payload withheld or erased: the count of what was asked cannot be held to
            self.whole = self.whole and not (self.authority and self.authority.binds(c.type))
            return None
        key = wants.key(c.said)
        if key is None:
            return ParleyError(
                N_(
                    "a {type} entry for {said}, which the command {command} of entry {first} did not ask for (it asked for {wants})"
                ),
                type=c.type,
                said=c.said[0],
                command=self.asked,
                first=self.listed_from,
                wants=_some(wants.shown()),
            )
        times = self.answered[key] = self.answered.get(key, 0) + 1
        limit = wants.limit(key)
        if limit is not None and times > limit:
            return ParleyError(
                N_(
                    "a {type} entry for {said} once more than the command {command} of entry {first} asked for ({limit})"
                ),
                type=c.type,
                said=key,
                command=self.asked,
                first=self.listed_from,
                limit=limit,
            )
        return None

    def finish(self) -> None:
        """The open command is over: a local command's body lists no entry the log lacks, and a
        served one's entries (where all show their payloads) say all its body asked for."""
        wants, self.wants = self.wants, None
        if wants is not None and self.whole:
            missing = [k for k, n in sorted(wants.each.items()) if self.answered.get(k, 0) < n]
            if missing:
                what = ParleyError(
                    N_(
                        "the command {command} asked for {missing}, which no entry bound to it says"
                    ),
                    command=self.asked,
                    missing=_some(missing),
                )
                raise VerificationFailed(Problem(self.listed_from, what))
        if self.listed:
            kind, _ = self.listed[0]
            what = ParleyError(
                N_("the local command {command} lists a {type} entry more than the log holds"),
                command=self.asked,
                type=kind,
            )
            raise VerificationFailed(Problem(self.listed_from, what))
        self.listed = None

    def author(self, c: CheckedEntry) -> None:
        """The actor's role may author the entry's type (roles as the log registered them)."""
        p = c.payload
        if isinstance(p, PartyRegistered):
            self.roles.setdefault(p.party_id, p.role)
        if self.authority is None:
            return
        what = self.authority.author_fault(c.actor, self.roles.get(c.actor), c.type)
        if what is not None:
            raise VerificationFailed(Problem(c.idx, what))

    @staticmethod
    def _check_run_signer(c: CheckedEntry, timeline: KeyTimeline, operator: str) -> None:
        key = timeline.keys.get(c.signer)
        if key is None and not operator:
            # the mediator's registration, signed by the key it registers, makes the operator
            p = c.payload
            if (
                isinstance(p, PartyRegistered)
                and p.role is Role.MEDIATOR
                and p.key_id == c.signer == c.key_id
            ):
                return
        if key is None or key.party != operator or signer_fault(key, operator, c.idx):
            what = ParleyError(
                N_("its run is signed by key {signer}, not by a key the operator held then"),
                signer=c.signer,
            )
            raise VerificationFailed(Problem(c.idx, what))
