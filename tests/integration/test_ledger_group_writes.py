"""Group commit, the writes held back or sent together: a command whose write the database
refuses is refused alone, with nothing of it kept; a request's nonce used twice in one group, or
already held by another request, refuses the later command; the rows written at the group's end
(commands, nonces, tree nodes) are those of the commands that hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from parley.app import keys_admin
from parley.app.audit import verify_live
from parley.app.config import Settings
from parley.app.ledger import AnsweredBefore, Ledger, _Ticket
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.agreements import ImplementationStatus, ReportKind
from parley.domain.errors import DomainError
from parley.domain.events import Event
from parley.log.command import command_body
from parley.store import requests as seen_requests
from parley.store import tables as t
from parley.store.engine import ValueRefused
from tests.integration.helpers import log_size, rows_in, setup_parties


def _note(actor: str, n: int) -> Sequence[Event]:
    """A stand-in entry `actor` may author: the mediator's status note, a side's acknowledgement
    (verify holds each entry to the roles that may author its type)."""
    if actor == "MED":
        return [
            Event(actor, ev.CommitmentStatusSet("C", ImplementationStatus.NOT_STARTED, f"n{n}"))
        ]
    return [Event(actor, ev.MatchAcknowledged(f"M{n}"))]


def _ticket(events: Sequence[Event], command: Command | None = None, own: bool = False) -> _Ticket:
    def decide(_conn: Connection) -> Sequence[Event]:
        return events

    return _Ticket(decide, command, own)


def test_a_write_the_database_refuses_refuses_its_command_alone(ledger: Ledger) -> None:
    """A commitment id over its column's 64 characters: PostgreSQL refuses the row (SQLite keeps
    any length); the commands before and after it hold either way."""
    setup_parties(ledger)
    start, commands = log_size(ledger), rows_in(ledger, t.log_commands)
    report = ev.MonitorReported("C" * 100, ReportKind.OBSERVATION, "p", dt.date(2026, 1, 1), "x")
    group = [
        _ticket(_note("MED", 0)),
        _ticket([Event("SMM", report)]),
        _ticket(_note("MED", 2)),
    ]
    ledger._commit_group(group)
    refused = group[1].error is not None
    if ledger.engine.dialect.name == "postgresql":
        assert isinstance(group[1].error, ValueRefused)
        assert "cannot store a value" in str(group[1].error)
    kept = 2 if refused else 3
    assert [g.appended.first for g in group if g.appended] == list(range(start, start + kept))
    assert log_size(ledger) == start + kept
    assert rows_in(ledger, t.log_commands) == commands + kept
    assert verify_live(ledger).entries == start + kept
    # the group after it appends as usual
    ledger._commit_group([_ticket(_note("MED", n)) for n in (3, 4)])
    assert verify_live(ledger).entries == start + kept + 2


def test_a_requests_nonce_used_twice_in_a_group_is_refused_the_second_time(
    ledger: Ledger,
) -> None:
    setup_parties(ledger)
    start = log_size(ledger)
    body = command_body({"n": 1})
    first = Command(
        ledger.keys.sign_command("UA", "POST", "/v1/matches/M0/acknowledgement", body), body
    )
    group = [
        _ticket(_note("UA", 0), first),
        _ticket(_note("UA", 1), first),  # the same request again (a retry): not run again
        _ticket(_note("MED", 2)),
    ]
    ledger._commit_group(group)
    assert group[0].appended is not None and group[0].appended.first == start
    assert isinstance(group[1].error, AnsweredBefore)
    assert group[2].appended is not None and group[2].appended.first == start + 1
    with ledger.reading() as conn:
        held = seen_requests.seen(conn, first.signed.keyid, first.signed.nonce)
    assert held is not None and held.signature == first.signed.signature
    assert held.answer == b'{"first":%d,"count":1}' % start
    # a later group: the nonce is held, by this request, on the log; a retry is not run again,
    # and the same run's next command cannot bind its command to more entries (a replay)
    later = [
        _ticket(_note("MED", 3)),
        _ticket(_note("UA", 4), first),
        _ticket(_note("UA", 5), first, own=True),
    ]
    ledger._commit_group(later)
    assert isinstance(later[1].error, AnsweredBefore)
    assert isinstance(later[2].error, DomainError)
    assert "replayed command" in str(later[2].error)
    assert later[0].appended is not None
    assert verify_live(ledger).entries == start + 3


def test_a_nonce_held_by_another_request_refuses_the_command(ledger: Ledger) -> None:
    """A request answered without appending holds its nonce: another request signed with the
    same nonce is refused in the group, and the group's other commands hold."""
    setup_parties(ledger)
    start = log_size(ledger)
    body = command_body({"n": 1})
    signed = ledger.keys.sign_command("UA", "POST", "/v1/matches/M0/acknowledgement", body)
    other_signature = b"\1" * 64
    seen_requests.answer(
        ledger.engine, signed.keyid, signed.nonce, signed.created, other_signature, 403, b"{}"
    )
    group = [_ticket(_note("MED", 0)), _ticket(_note("UA", 1), Command(signed, body))]
    ledger._commit_group(group)
    assert group[0].appended is not None and group[0].appended.first == start
    assert isinstance(group[1].error, DomainError)
    assert "already used by another request" in str(group[1].error)
    assert verify_live(ledger).entries == start + 1


def test_the_first_answer_kept_replaces_the_provisional_one_and_stands(ledger: Ledger) -> None:
    """A request whose entries took its nonce has a provisional answer until it is answered;
    the first answer kept stands, and a request that appended nothing gets its row."""
    setup_parties(ledger)
    body = command_body({"n": 1})
    signed = ledger.keys.sign_command("UA", "POST", "/v1/matches/M0/acknowledgement", body)
    group = [_ticket(_note("UA", 0), Command(signed, body)), _ticket(_note("MED", 1))]
    ledger._commit_group(group)
    key, nonce = signed.keyid, signed.nonce
    with ledger.reading() as conn:
        provisional = seen_requests.seen(conn, key, nonce)
    assert provisional is not None and provisional.status is None
    seen_requests.answer(ledger.engine, key, nonce, signed.created, signed.signature, 201, b"a")
    seen_requests.answer(ledger.engine, key, nonce, signed.created, signed.signature, 500, b"b")
    seen_requests.answer(ledger.engine, key, "f" * 32, signed.created, signed.signature, 403, b"c")
    with ledger.reading() as conn:
        first = seen_requests.seen(conn, key, nonce)
        other = seen_requests.seen(conn, key, "f" * 32)
    assert first is not None and (first.status, first.answer) == (201, b"a")
    assert other is not None and (other.status, other.answer) == (403, b"c")


def test_what_another_process_appends_between_groups_is_read_afresh(
    ledger: Ledger, settings: Settings
) -> None:
    """A group reuses what the last one read (keys, roles, the tree's right edge) only while the
    log ends where that group left it: after another process (a second ledger) appends and
    revokes UA's key, UA's key no longer signs, and the new entries extend the tree as stored."""
    setup_parties(ledger)
    ledger._commit_group([_ticket(_note("UA", 1)), _ticket(_note("MED", 2))])
    other = Ledger.open(settings)
    try:
        other._commit_group([_ticket(_note("MED", 3))])
        revoked = ledger.keys.key_id_for("UA")
        keys_admin.revoke(other, actor="MED", party_id="UA", revoked_key_id=revoked, reason="lost")
    finally:
        other.close()
    group = [_ticket(_note("UA", 4)), _ticket(_note("MED", 5))]
    ledger._commit_group(group)
    assert isinstance(group[0].error, DomainError)
    assert "revoked" in str(group[0].error)
    assert group[1].appended is not None
    ledger._commit_group([_ticket(_note("MED", 6))])  # and the next group reuses it again
    assert verify_live(ledger).entries == log_size(ledger)


def test_what_another_process_appends_without_changing_keys_keeps_them_known(
    ledger: Ledger, settings: Settings
) -> None:
    """Another process (a second server worker) appends entries that change no key: the next
    group keeps the keys and roles it knew (the log still holds the tip it left, and nothing
    after changes a key) and reads the tree's edge afresh; the log verifies."""
    setup_parties(ledger)
    ledger._commit_group([_ticket(_note("UA", 1)), _ticket(_note("MED", 2))])
    known = ledger._known
    assert known is not None and known.keys
    other = Ledger.open(settings)
    try:
        other._commit_group([_ticket(_note("MED", 3)), _ticket(_note("UA", 4))])
    finally:
        other.close()
    group = [_ticket(_note("UA", 5)), _ticket(_note("MED", 6))]
    ledger._commit_group(group)
    assert all(t.appended is not None for t in group)
    assert ledger._known is not None
    assert all(ledger._known.keys[k] is known.keys[k] for k in known.keys)  # not read again
    assert verify_live(ledger).entries == log_size(ledger)
