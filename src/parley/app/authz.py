"""Permissions: one table says who may do what; use cases ask it through `require` and
nothing else decides. A rule names the standings that may act: a role (the mediator, a side,
a monitor) or a relation to what is acted on (its owner, the releasing or receiving side, a
party to the agreement, exchange or match)."""

from __future__ import annotations

import enum
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from parley.app import command_bindings
from parley.domain.errors import DomainError
from parley.domain.handovers import HandoverState
from parley.domain.parties import Role
from parley.errors import N_, Word
from parley.log.events import LOG_PAYLOADS
from parley.log.verify.authority import LOCAL_ROUTE, Authority
from parley.store import Tx
from parley.store import keys as key_store


class Forbidden(DomainError):
    """The acting party's standing does not allow the command."""


class Standing(enum.StrEnum):
    """How the acting party stands towards what it acts on."""

    MEDIATOR = "mediator"
    SIDE = "side"
    MONITOR = "monitor"
    OWNER = "owner"  # the party whose roster, record, key or lists it is
    RELEASING = "releasing"  # the side that holds the person and releases them
    RECEIVING = "receiving"  # the side the person goes to
    PARTY = "party"  # a party to the agreement, exchange or match acted on


class Action(enum.StrEnum):
    """Everything a party may or may not do; each is one row of `PERMISSIONS`."""

    PARTY_REGISTER = "party.register"
    KEY_ROTATE = "key.rotate"
    KEY_REVOKE = "key.revoke"
    KEY_REPLACE = "key.replace"  # name a revoked key's replacement: never in another's name
    LOG_COSIGN = "log.cosign"
    STATUS_READ = "status.read"
    LOG_EXPORT = "log.export"  # the export as the party may see it
    LOG_SEE_PAYLOAD = "log.see_payload"  # an entry's payload and command body, in an export
    ROSTER_IMPORT = "roster.import"
    ROSTER_READ = "roster.view"
    PERSON_READ = "person.view"
    PERSON_ERASE = "person.erase"
    NOT_LOCATED_READ = "roster.not_located"
    MATCH_RECONCILE = "match.reconcile"
    MATCH_PROPOSE = "match.propose"
    MATCH_DECIDE = "match.decide"
    MATCH_REVERSE = "match.reverse"  # take back a confirmed match, with a reason
    MATCH_ACKNOWLEDGE = "match.acknowledge"
    MATCH_LIST = "match.list"
    MATCH_SEE_PROPOSED = "match.see_proposed"  # every proposal, whatever its state
    MATCH_SEE_CONFIRMED = "match.see_confirmed"  # a confirmed match, in a list or a history
    MATCH_SEE_EXPLANATION = "match.see_explanation"  # it quotes both records' names and dates
    AGREEMENT_DRAFT = "agreement.draft"
    AGREEMENT_AMEND = "agreement.amend"
    AGREEMENT_NAMED_SIDE = "agreement.named_side"  # who may be named a side of an agreement
    AGREEMENT_SIGN = "agreement.sign"
    AGREEMENT_READ = "agreement.read"  # its text, which may name persons of both sides
    COMMITMENT_STATUS = "commitment.status"
    MONITOR_REPORT = "monitor.report"
    SIDE_LISTS_SUBMIT = "batch.lists"
    SIDE_LISTS_READ = "batch.lists.read"
    SIDE_LISTS_SEE = "batch.lists.see"  # one side's lists, within a read
    BATCH_PROPOSE = "batch.propose"
    BATCH_PLAN = "batch.plan"
    BATCH_CONFIRM = "batch.confirm"
    BATCH_CLOSE = "batch.close"
    INTERVIEW_READ = "interview.read"
    INTERVIEW_RECORD = "interview.record"
    HANDOVER_REQUESTED = "handover.requested"
    HANDOVER_LOCATED = "handover.located"
    HANDOVER_AGREED = "handover.agreed"
    HANDOVER_CLEARED = "handover.cleared"
    HANDOVER_CONSENT_VERIFIED = "handover.consent_verified"
    HANDOVER_TRANSFERRED = "handover.transferred"
    HANDOVER_RECEIVED = "handover.received"
    HANDOVER_DECLINED = "handover.declined"
    HANDOVER_NOT_DELIVERED = "handover.not_delivered"
    HANDOVER_SUBSTITUTED = "handover.substituted"
    HANDOVER_DECEASED = "handover.deceased"
    HANDOVER_DISPUTED = "handover.disputed"
    HANDOVER_RELEASED_TO_THIRD_STATE = "handover.released_to_third_state"
    HANDOVER_RESUME = "handover.resume"  # back from a dispute to where it stood
    HANDOVER_WITHDRAWN = "handover.withdrawn"  # only by an amendment of the batch
    BATCH_AMEND = "batch.amend"  # propose or agree to an amendment: both sides and the mediator
    BATCH_CANCEL = "batch.cancel"
    PERSON_OUTCOME_READ = "person.outcome"  # where a person joined to a party's own stands
    HANDOVER_SEE = "handover.see"  # a handover, by name, on the handover site
    DESK_SIGN_IN = "desk.sign_in"  # the web desk, acting with a key the server holds
    BATCH_BOARD = "batch.board"  # every person of a batch by name, both ways
    BATCH_MANIFEST = "batch.manifest"  # the printed list of a batch for the handover site
    SIDE_EXPORT = "side.export"  # a side's own view as a file (XLSX, PFIF)


@dataclass(frozen=True)
class Rule:
    """Who may act: the actor's role must be one of `roles`, and it must hold one of the
    standings in `who`. `refusal` is the sentence a refused actor reads (a str.format template
    over actor, role, action, who, owner and about); by default the generic one."""

    who: frozenset[Standing]
    roles: frozenset[Role] = frozenset(Role)
    refusal: str = N_("{actor} ({role}) may not {action}: only a {who} may")


A, St = Action, Standing
M, SIDE, W = frozenset({St.MEDIATOR}), frozenset({St.SIDE}), frozenset({St.MONITOR})
_MOVE = N_("{actor} may not move a handover to {about}: only {who} may")
# who may move a handover to a state, said by the part each plays in the batch (translated)
_MOVERS: Mapping[frozenset[Standing], str] = MappingProxyType({
    frozenset({St.MEDIATOR}): N_("the mediator"),
    frozenset({St.RELEASING}): N_("the releasing side"),
    frozenset({St.RECEIVING}): N_("the receiving side"),
    frozenset({St.RELEASING, St.MEDIATOR}): N_("the releasing side or the mediator"),
    frozenset({St.RELEASING, St.RECEIVING, St.MEDIATOR}): N_(
        "the releasing side, the receiving side or the mediator"
    ),
})  # fmt: skip


# the words a refusal shows for a role and for who may act (translated); every `who` and
# `roles` of PERMISSIONS is one of them (tests/unit/test_refusal_language.py)
_WORDS = (
    N_("mediator"),
    N_("side"),
    N_("monitor"),
    N_("releasing"),
    N_("receiving"),
    N_("mediator or releasing"),
    N_("mediator or receiving or releasing"),
    N_("mediator or owner"),
    N_("mediator or party"),
    N_("mediator or side"),
    N_("mediator or monitor or side"),
)


def _move(*who: Standing) -> Rule:
    return Rule(frozenset(who), refusal=_MOVE)


PERMISSIONS: Mapping[Action, Rule] = MappingProxyType({
    A.PARTY_REGISTER: Rule(M),
    A.KEY_ROTATE: Rule(frozenset({St.OWNER}), refusal=N_("{actor} may rotate only its own key")),
    A.KEY_REVOKE: Rule(
        frozenset({St.MEDIATOR, St.OWNER}), refusal=N_("{actor} may not revoke a key of {owner}")
    ),
    A.KEY_REPLACE: Rule(
        frozenset({St.OWNER}),
        refusal=N_("{actor} may not install a key in {owner}'s name: only {owner} names its own keys"),
    ),
    A.LOG_COSIGN: Rule(
        SIDE | W, refusal=N_("{actor} is not a party that witnesses the mediator's log")
    ),
    A.STATUS_READ: Rule(M | SIDE | W),
    A.LOG_EXPORT: Rule(M | SIDE | W),
    A.LOG_SEE_PAYLOAD: Rule(frozenset({St.MEDIATOR, St.OWNER})),
    A.ROSTER_IMPORT: Rule(
        frozenset({St.OWNER}),
        roles=frozenset({Role.SIDE}),
        refusal=N_("{actor} may not import {owner}'s roster: only {owner} signs its own"),
    ),
    A.ROSTER_READ: Rule(
        frozenset({St.MEDIATOR, St.OWNER}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} ({role}) may not see {owner}'s roster: only {owner} and the mediator may"),
    ),
    A.PERSON_READ: Rule(
        frozenset({St.MEDIATOR, St.OWNER}),
        refusal=N_("{actor} may see only its own rosters' records, not {about}"),
    ),
    A.PERSON_ERASE: Rule(
        frozenset({St.MEDIATOR, St.OWNER}),
        refusal=N_("{actor} may not erase a record of {owner}'s roster"),
    ),
    A.NOT_LOCATED_READ: Rule(
        frozenset({St.MEDIATOR, St.OWNER}), refusal=N_("{actor} may see only its own sought persons")
    ),
    A.MATCH_RECONCILE: Rule(
        M, refusal=N_("{actor} may not reconcile: only the mediator sees all rosters")
    ),
    A.MATCH_PROPOSE: Rule(
        M, refusal=N_("{actor} may not propose matches: only the mediator reconciles")
    ),
    A.MATCH_DECIDE: Rule(M, refusal=N_("{actor} may not decide matches: only the mediator does")),
    A.MATCH_REVERSE: Rule(
        M, refusal=N_("{actor} may not reverse a match: only the mediator, who confirmed it, does")
    ),
    A.MATCH_ACKNOWLEDGE: Rule(
        frozenset({St.PARTY}),
        refusal=N_("{actor} may acknowledge only matches about its own records"),
    ),
    A.MATCH_LIST: Rule(M | SIDE, refusal=N_("{actor} is a monitor: it sees the roadmap, not matches")),
    A.MATCH_SEE_PROPOSED: Rule(M),
    A.MATCH_SEE_CONFIRMED: Rule(frozenset({St.MEDIATOR, St.PARTY})),
    A.MATCH_SEE_EXPLANATION: Rule(M),
    A.AGREEMENT_DRAFT: Rule(M),
    A.AGREEMENT_AMEND: Rule(M),
    A.AGREEMENT_NAMED_SIDE: Rule(SIDE),
    A.AGREEMENT_SIGN: Rule(
        frozenset({St.PARTY}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} is neither a side nor the mediator of agreement {about}"),
    ),
    # the text each side signs, read from a party's own machine: the sides and the mediator
    A.AGREEMENT_READ: Rule(
        frozenset({St.PARTY}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} is neither a side nor the mediator of agreement {about}"),
    ),
    A.COMMITMENT_STATUS: Rule(M),
    A.MONITOR_REPORT: Rule(W),
    A.SIDE_LISTS_SUBMIT: Rule(
        frozenset({St.PARTY}),
        roles=frozenset({Role.SIDE}),
        refusal=N_("{actor} is not a side of the exchange {about}"),
    ),
    A.SIDE_LISTS_READ: Rule(
        M | SIDE, refusal=N_("{actor} is a monitor: it sees the roadmap, not persons")
    ),
    A.SIDE_LISTS_SEE: Rule(frozenset({St.MEDIATOR, St.OWNER})),
    A.BATCH_PROPOSE: Rule(M),
    A.BATCH_PLAN: Rule(M),
    A.BATCH_CONFIRM: Rule(
        M, refusal=N_("{actor} may not confirm transfers: the mediator is the third witness")
    ),
    A.BATCH_CLOSE: Rule(M),
    A.INTERVIEW_READ: Rule(
        M, refusal=N_("{actor} may not read consent interviews: they are the mediator's alone")
    ),
    A.INTERVIEW_RECORD: Rule(
        M, refusal=N_("the consent interview is recorded by the mediator, with its outcome")
    ),
    # the mediator witnesses and interviews, the releasing side presents and transfers,
    # the receiving side confirms receipt
    A.HANDOVER_REQUESTED: Rule(
        frozenset(), refusal=N_("{actor} may not move a handover to requested: every handover starts there")
    ),
    A.HANDOVER_LOCATED: _move(St.MEDIATOR),
    A.HANDOVER_AGREED: _move(St.MEDIATOR),
    A.HANDOVER_CLEARED: _move(St.RELEASING),
    A.HANDOVER_CONSENT_VERIFIED: _move(St.MEDIATOR),
    A.HANDOVER_TRANSFERRED: _move(St.RELEASING),
    A.HANDOVER_RECEIVED: _move(St.RECEIVING),
    A.HANDOVER_DECLINED: _move(St.MEDIATOR),
    A.HANDOVER_NOT_DELIVERED: _move(St.RELEASING, St.MEDIATOR),
    A.HANDOVER_SUBSTITUTED: _move(St.MEDIATOR),
    A.HANDOVER_DECEASED: _move(St.RELEASING, St.MEDIATOR),
    A.HANDOVER_DISPUTED: _move(St.RELEASING, St.RECEIVING, St.MEDIATOR),
    A.HANDOVER_RELEASED_TO_THIRD_STATE: _move(St.MEDIATOR),
    A.HANDOVER_RESUME: _move(St.MEDIATOR),
    A.HANDOVER_WITHDRAWN: Rule(
        frozenset(),
        refusal=N_("{actor} may not move a handover to withdrawn: a person is withdrawn from a batch"
        " by an amendment both sides and the mediator agree"),
    ),
    A.BATCH_AMEND: Rule(
        frozenset({St.PARTY}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} is neither a side nor the mediator of batch {about}"),
    ),
    A.BATCH_CANCEL: Rule(M, refusal=N_("{actor} may not cancel a batch: the mediator calls it off")),
    # the side that sought a person (a confirmed match to its sought record) and the side that
    # receives them see where the person stands, by name; never the other side's roster
    A.PERSON_OUTCOME_READ: Rule(
        frozenset({St.MEDIATOR, St.OWNER, St.PARTY}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} may see only its own rosters' records and the persons the process"
        " joined to them, not {about}"),
    ),
    A.HANDOVER_SEE: Rule(
        frozenset({St.MEDIATOR, St.RELEASING, St.RECEIVING}),
        refusal=N_("{actor} neither releases nor receives this person"),
    ),
    A.DESK_SIGN_IN: Rule(
        M, refusal=N_("{actor} may not sign in to the desk: a party's pages sign in its own browser")
    ),
    A.BATCH_BOARD: Rule(
        M, refusal=N_("{actor} may not see a batch's board: it names the persons of both sides")
    ),
    # the paper for the handover site: each party to the batch prints it, each cell as that
    # party may see it (PERSON_READ, HANDOVER_SEE); the mediator's shows both sides' spellings
    A.BATCH_MANIFEST: Rule(
        frozenset({St.MEDIATOR, St.PARTY}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} is neither a side nor the mediator of batch {about}"),
    ),
    A.SIDE_EXPORT: Rule(
        frozenset({St.MEDIATOR, St.OWNER}),
        roles=frozenset({Role.MEDIATOR, Role.SIDE}),
        refusal=N_("{actor} may export only its own rosters and batches, not {owner}'s"),
    ),
})  # fmt: skip

# each action in words, as a refusal says it ("SMM (monitor) may not read a roster")
_MOVE_ON = N_("move a handover on")
LABELS: Mapping[Action, str] = MappingProxyType({
    A.PARTY_REGISTER: N_("register a party"),
    A.KEY_ROTATE: N_("rotate a key"),
    A.KEY_REVOKE: N_("revoke a key"),
    A.KEY_REPLACE: N_("name a revoked key's replacement"),
    A.LOG_COSIGN: N_("cosign the mediator's log"),
    A.STATUS_READ: N_("read the ledger's status"),
    A.LOG_EXPORT: N_("export the log"),
    A.LOG_SEE_PAYLOAD: N_("see what a log entry holds"),
    A.ROSTER_IMPORT: N_("import a roster"),
    A.ROSTER_READ: N_("read a roster"),
    A.PERSON_READ: N_("read a person's record"),
    A.PERSON_ERASE: N_("erase a person's record"),
    A.NOT_LOCATED_READ: N_("read the sought persons not yet located"),
    A.MATCH_RECONCILE: N_("reconcile rosters"),
    A.MATCH_PROPOSE: N_("propose a match"),
    A.MATCH_DECIDE: N_("decide on a match"),
    A.MATCH_REVERSE: N_("reverse a match"),
    A.MATCH_ACKNOWLEDGE: N_("acknowledge a match"),
    A.MATCH_LIST: N_("list matches"),
    A.MATCH_SEE_PROPOSED: N_("see proposed matches"),
    A.MATCH_SEE_CONFIRMED: N_("see a confirmed match"),
    A.MATCH_SEE_EXPLANATION: N_("see why two records were matched"),
    A.AGREEMENT_DRAFT: N_("draft an agreement"),
    A.AGREEMENT_AMEND: N_("amend an agreement"),
    A.AGREEMENT_NAMED_SIDE: N_("be named a side of an agreement"),
    A.AGREEMENT_SIGN: N_("sign an agreement"),
    A.AGREEMENT_READ: N_("read an agreement's text"),
    A.COMMITMENT_STATUS: N_("rate a commitment"),
    A.MONITOR_REPORT: N_("send a monitor's report"),
    A.SIDE_LISTS_SUBMIT: N_("submit a side's lists for an exchange"),
    A.SIDE_LISTS_READ: N_("read the sides' lists for an exchange"),
    A.SIDE_LISTS_SEE: N_("see a side's lists"),
    A.BATCH_PROPOSE: N_("propose a batch"),
    A.BATCH_PLAN: N_("plan a batch"),
    A.BATCH_CONFIRM: N_("confirm a batch's transfers"),
    A.BATCH_CLOSE: N_("close a batch"),
    A.INTERVIEW_READ: N_("read consent interviews"),
    A.INTERVIEW_RECORD: N_("record a consent interview"),
    A.HANDOVER_REQUESTED: _MOVE_ON,
    A.HANDOVER_LOCATED: _MOVE_ON,
    A.HANDOVER_AGREED: _MOVE_ON,
    A.HANDOVER_CLEARED: _MOVE_ON,
    A.HANDOVER_CONSENT_VERIFIED: _MOVE_ON,
    A.HANDOVER_TRANSFERRED: _MOVE_ON,
    A.HANDOVER_RECEIVED: _MOVE_ON,
    A.HANDOVER_DECLINED: _MOVE_ON,
    A.HANDOVER_NOT_DELIVERED: _MOVE_ON,
    A.HANDOVER_SUBSTITUTED: _MOVE_ON,
    A.HANDOVER_DECEASED: _MOVE_ON,
    A.HANDOVER_DISPUTED: _MOVE_ON,
    A.HANDOVER_RELEASED_TO_THIRD_STATE: _MOVE_ON,
    A.HANDOVER_RESUME: N_("resume a disputed handover"),
    A.HANDOVER_WITHDRAWN: _MOVE_ON,
    A.BATCH_AMEND: N_("amend a batch"),
    A.BATCH_CANCEL: N_("cancel a batch"),
    A.PERSON_OUTCOME_READ: N_("see where a person stands"),
    A.HANDOVER_SEE: N_("see a handover"),
    A.DESK_SIGN_IN: N_("sign in to the mediator's desk"),
    A.BATCH_BOARD: N_("see a batch's board"),
    A.BATCH_MANIFEST: N_("print a batch's handover manifest"),
    A.SIDE_EXPORT: N_("export a side's rosters and batches"),
})  # fmt: skip

HANDOVER_ACTIONS: Mapping[HandoverState, Action] = MappingProxyType(
    {state: Action(f"handover.{state.value}") for state in HandoverState}
)


def handover_action(to: HandoverState, resuming: bool = False) -> Action:
    """The row that governs moving a handover to `to` (or back from a dispute)."""
    return Action.HANDOVER_RESUME if resuming else HANDOVER_ACTIONS[to]


@dataclass(frozen=True)
class Acting:
    """A registered party about to act, with its role."""

    party_id: str
    role: Role


def role_of(conn: Tx, party_id: str) -> Role:
    role = key_store.role_of(conn, party_id)
    if role is None:
        raise Forbidden(N_("{party} is not a registered party"), party=party_id)
    return role


def acting(conn: Tx, actor: str) -> Acting:
    """The registered party `actor`; a stranger is refused here, before any rule."""
    return Acting(actor, role_of(conn, actor))


def refusal(
    who: Acting,
    action: Action,
    *,
    owner: str | None = None,
    releasing: str | None = None,
    receiving: str | None = None,
    parties: Collection[str] = (),
    about: str = "",
) -> Forbidden | None:
    """Why `who` may not take `action` on the thing described, or None if it may."""
    rule = PERMISSIONS[action]
    actor, role = who.party_id, who.role
    if role not in rule.roles:
        allowed = " or ".join(sorted(r.value for r in rule.roles))
        return Forbidden(
            N_("{actor} ({role}) may not {action}: only a {allowed} may"),
            actor=actor,
            role=Word(role.value),
            action=Word(LABELS[action]),
            allowed=Word(allowed),
        )
    holds = {Standing(role.value)}
    for standing, party in (
        (Standing.OWNER, owner),
        (Standing.RELEASING, releasing),
        (Standing.RECEIVING, receiving),
    ):
        if party is not None and actor == party:
            holds.add(standing)
    if actor in parties:
        holds.add(Standing.PARTY)
    if rule.who & holds:
        return None
    fields: dict[str, object] = {
        "actor": actor,
        "role": Word(role.value),
        "action": Word(LABELS[action]),
        "who": Word(" or ".join(sorted(rule.who)) or "nobody"),
        "owner": owner,
        "about": about,
    }
    if rule.refusal == _MOVE:  # a handover's state: a word of ours (else an id)
        fields["about"] = Word(about)
        fields["who"] = Word(_MOVERS[rule.who])
    # only the fields the sentence names travel with it (a client fills those alone)
    named = {f for _, f, _, _ in string.Formatter().parse(rule.refusal) if f}
    return Forbidden(rule.refusal, **{k: v for k, v in fields.items() if k in named})


def allows(
    who: Acting,
    action: Action,
    *,
    owner: str | None = None,
    releasing: str | None = None,
    receiving: str | None = None,
    parties: Collection[str] = (),
) -> bool:
    reason = refusal(
        who, action, owner=owner, releasing=releasing, receiving=receiving, parties=parties
    )
    return reason is None


def check(
    who: Acting,
    action: Action,
    *,
    owner: str | None = None,
    releasing: str | None = None,
    receiving: str | None = None,
    parties: Collection[str] = (),
    about: str = "",
) -> Acting:
    """`who`, if the table lets it take `action` on the thing described; otherwise Forbidden."""
    reason = refusal(
        who,
        action,
        owner=owner,
        releasing=releasing,
        receiving=receiving,
        parties=parties,
        about=about,
    )
    if reason is not None:
        raise reason
    return who


def require(
    conn: Tx,
    actor: str,
    action: Action,
    *,
    owner: str | None = None,
    releasing: str | None = None,
    receiving: str | None = None,
    parties: Collection[str] = (),
    about: str = "",
) -> Acting:
    """The registered party `actor`, if the table lets it take `action`; otherwise Forbidden."""
    return check(
        acting(conn, actor),
        action,
        owner=owner,
        releasing=releasing,
        receiving=receiving,
        parties=parties,
        about=about,
    )


# What a party may see of data it is allowed to read: the table's companions.


def sees_match(who: Acting, about: Collection[str], confirmed: bool) -> bool:
    """The mediator sees every proposal; a side sees the confirmed matches about its records."""
    return allows(who, Action.MATCH_SEE_PROPOSED) or (
        confirmed and allows(who, Action.MATCH_SEE_CONFIRMED, parties=about)
    )


# The public roadmap: signatures of agreements and the mediator's ratings of commitments, which
# name no person and no side's list (an agreement's text may: a named exchange lists persons).
PUBLIC_PAYLOADS = frozenset({"agreement.signed", "commitment.status_set"})


def sees_payload(who: Acting | None, *, actor: str, event_type: str) -> bool:
    """Whether `who`'s export (None: the public's) carries an entry's payload: the log's own
    events (parties, keys, erasures) for all, as a verifier needs them, and the public
    roadmap's; the rest for the mediator and for the party whose command made the entry."""
    if event_type in LOG_PAYLOADS or event_type in PUBLIC_PAYLOADS:
        return True
    return who is not None and allows(who, Action.LOG_SEE_PAYLOAD, owner=actor)


def visible_match(who: Acting, match: dict[str, Any]) -> dict[str, Any]:
    """A match the party sees, as it may see it: the mediator all of it; a side its id, state,
    score and the two record references, not the explanation, which quotes the other side's
    spellings, birth and capture dates."""
    if allows(who, Action.MATCH_SEE_EXPLANATION):
        return match
    return {**match, "explanation": None}


def visible_status(who: Acting, data: dict[str, Any]) -> dict[str, Any]:
    """The status summary as a party may see it.

    The mediator sees everything. A side sees its own rosters, the agreements it is party to,
    and the exceptions about persons it holds, receives or sought (a confirmed match to its
    sought record), with their names: the process joined them to its own. A monitor sees the roadmap: agreements' non-exchange commitments, no persons.
    """
    role, actor = who.role, who.party_id
    if role is Role.MEDIATOR:
        return data
    out = dict(data)
    if role is Role.MONITOR:
        out["rosters"] = []
        out["exceptions"] = []
        out["agreements"] = [
            {
                **a,
                "phases": [
                    {**ph, "commitments": [c for c in ph["commitments"] if c["kind"] != "exchange"]}
                    for ph in a["phases"]
                ],
            }
            for a in data["agreements"]
        ]
        return out
    out["rosters"] = [r for r in data["rosters"] if r["party"] == actor]
    out["agreements"] = [a for a in data["agreements"] if actor in a["sides"]]
    exceptions = []
    for e in data["exceptions"]:
        holder = e["person"].split("/", 1)[0]
        joined = {e.get("receiving_party"), *e.get("sought_by", ())} - {None}
        if allows(who, Action.PERSON_OUTCOME_READ, owner=holder, parties=joined):
            exceptions.append({**e, "sought_by": [p for p in e.get("sought_by", ()) if p == actor]})
    out["exceptions"] = exceptions
    return out


# What the log proves an actor asked for (docs/log-format.md §4, "What a command binds"): the
# rows of PERMISSIONS that govern each event type, and the event types each command route may
# make. `AUTHORITY` hands both to the verifier (parley.log.verify cannot import the app).

EVENT_ACTIONS: Mapping[str, tuple[Action, ...]] = MappingProxyType({
    "instance.created": (A.PARTY_REGISTER,),
    "party.registered": (A.PARTY_REGISTER,),
    "key.rotated": (A.KEY_ROTATE,),
    "key.revoked": (A.KEY_REVOKE,),
    "key.recovered": (A.KEY_ROTATE,),
    "person.erased": (A.PERSON_ERASE,),
    "person.recorded": (A.ROSTER_IMPORT,),
    "roster.published": (A.ROSTER_IMPORT,),
    "interview.recorded": (A.INTERVIEW_RECORD,),
    "agreement.drafted": (A.AGREEMENT_DRAFT,),
    "agreement.amended": (A.AGREEMENT_AMEND,),
    "agreement.signed": (A.AGREEMENT_SIGN,),
    "commitment.status_set": (A.COMMITMENT_STATUS,),
    "monitor.reported": (A.MONITOR_REPORT,),
    "batch.lists_submitted": (A.SIDE_LISTS_SUBMIT,),
    "batch.planned": (A.BATCH_PROPOSE, A.BATCH_PLAN),
    "batch.amended": (A.BATCH_AMEND,),
    "batch.cancelled": (A.BATCH_CANCEL,),
    "batch.closed": (A.BATCH_CLOSE,),
    "handover.advanced": (*HANDOVER_ACTIONS.values(), A.HANDOVER_RESUME),
    "handover.substituted": (A.HANDOVER_SUBSTITUTED,),
    "handover.confirmed": (A.BATCH_CONFIRM,),
    "match.proposed": (A.MATCH_PROPOSE, A.MATCH_RECONCILE),
    "match.ambiguous": (A.MATCH_PROPOSE,),
    "match.decided": (A.MATCH_DECIDE,),
    "match.settled": (A.MATCH_DECIDE,),
    "match.acknowledged": (A.MATCH_ACKNOWLEDGE,),
    "match.reversed": (A.MATCH_REVERSE,),
})  # fmt: skip

# the signed command routes that append, and the event types each may make (api/*.py)
COMMAND_ROUTES: Mapping[str, frozenset[str]] = MappingProxyType({
    "POST /v1/keys/rotation": frozenset({"key.rotated"}),
    "POST /v1/keys/revocation": frozenset({"key.revoked"}),
    "POST /v1/keys/recovery": frozenset({"key.recovered"}),
    "POST /v1/rosters/{party}/{kind}": frozenset({"person.recorded", "roster.published"}),
    "POST /v1/rosters/{party}/{kind}/removals": frozenset({"person.recorded", "roster.published"}),
    "POST /v1/persons/{roster_id}/{record_id}/erasure": frozenset({"person.erased"}),
    "POST /v1/matches/{match_id}/acknowledgement": frozenset({"match.acknowledged"}),
    "POST /v1/matches/decisions": frozenset({"match.decided", "match.settled"}),
    "POST /v1/match-groups/{group_id}/choice": frozenset({"match.decided", "match.settled"}),
    "POST /v1/matches/{match_id}/reversal": frozenset({"match.reversed"}),
    "POST /v1/agreements/{agreement_id}/signatures": frozenset({"agreement.signed"}),
    "POST /v1/batches/{batch_id}/handovers": frozenset(
        # a substitution proposes the person brought for the receiving side's sought record
        {"handover.advanced", "handover.substituted", "interview.recorded", "match.proposed"}
    ),
    "POST /v1/batches/{batch_id}/confirmations": frozenset({"handover.confirmed"}),
    "POST /v1/batches/{batch_id}/amendments": frozenset({"batch.amended"}),
    "POST /v1/batches/{batch_id}/cancellation": frozenset({"batch.cancelled"}),
    "POST /v1/commitments/{commitment_id}/lists": frozenset({"batch.lists_submitted"}),
    "POST /v1/commitments/{commitment_id}/status": frozenset({"commitment.status_set"}),
    "POST /v1/commitments/{commitment_id}/reports": frozenset({"monitor.reported"}),
    LOCAL_ROUTE: frozenset(EVENT_ACTIONS),  # a command on one machine lists its entries
})  # fmt: skip

_STANDING_ROLES: Mapping[Standing, frozenset[Role]] = MappingProxyType({
    St.MEDIATOR: frozenset({Role.MEDIATOR}),
    St.SIDE: frozenset({Role.SIDE}),
    St.MONITOR: frozenset({Role.MONITOR}),
    St.RELEASING: frozenset({Role.SIDE}),
    St.RECEIVING: frozenset({Role.SIDE}),
})  # fmt: skip


def authoring_roles(action: Action) -> frozenset[Role]:
    """The roles a party may hold and still take `action` under its row of PERMISSIONS."""
    rule = PERMISSIONS[action]
    roles: set[Role] = set()
    for standing in rule.who:
        roles |= _STANDING_ROLES.get(standing, rule.roles)
    return frozenset(roles) & rule.roles


AUTHORITY = Authority(
    asks=command_bindings.ASKS,
    says=command_bindings.SAYS,
    routes=COMMAND_ROUTES,
    authors=MappingProxyType({
        kind: frozenset().union(*(authoring_roles(a) for a in actions))
        for kind, actions in EVENT_ACTIONS.items()
    }),
)  # fmt: skip
