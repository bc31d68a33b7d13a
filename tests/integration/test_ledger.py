"""The event-sourced store on SQLite and PostgreSQL: atomic commands, rebuild equals live."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from parley.app import agreements, batches, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.app.status import summary
from parley.domain.agreements import ImplementationStatus, PersonRef
from parley.domain.errors import Conflict, DomainError, IllegalTransition, NotFound
from parley.domain.handovers import HandoverState as S
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.entry import MAX_RUN, Header, check_payload, check_signature
from parley.log.merkle import leaf_hash
from parley.store import tables as t
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties

HELD, SOUGHT = RosterKind.HELD, RosterKind.SOUGHT


def _size(ledger: Ledger) -> int:
    with ledger.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(t.log_entries)).scalar_one())


def _import(
    ledger: Ledger, party: str, records: list[PersonRecord], kind: RosterKind = HELD
) -> rosters.ImportResult:
    return rosters.import_roster(
        ledger,
        party_id=party,
        kind=kind,
        records=records,
        source="test.csv",
        source_sha256="0" * 64,
    )


def test_every_entry_is_signed_and_commits_to_its_payload(ledger: Ledger) -> None:
    setup_parties(ledger)
    _import(ledger, "UA", people("u", 3))
    _import(ledger, "RU", people("r", MAX_RUN + 2))  # one command, two runs
    with ledger.reading() as conn:
        keys = {r.key_id: bytes(r.public_key) for r in conn.execute(select(t.party_keys))}
        entries = conn.execute(select(t.log_entries).order_by(t.log_entries.c.idx)).all()
        keys_of = {r.party_id: r.key_id for r in conn.execute(select(t.parties))}
    assert [e.idx for e in entries] == list(range(len(entries)))
    run: list[bytes] = []
    run_lengths = []
    for e, before in zip(entries, [None, *entries], strict=False):
        header = Header.from_bytes(bytes(e.header))
        assert header.index == e.idx and header.actor == e.actor
        assert bytes(e.leaf_hash) == leaf_hash(bytes(e.header))
        if run:  # a run is one signer's
            assert before is not None and (e.actor, e.key_id) == (before.actor, before.key_id)
        run.append(bytes(e.leaf_hash))
        if e.signature is not None:
            # the run is the operator's (header v2), bound to the actor's signed command
            assert header.command is not None and header.signer == keys_of["MED"]
            check_signature(run, bytes(e.signature), keys[header.run_key])
            run_lengths.append(len(run))
            run = []
        check_payload(header, bytes(e.payload), bytes(e.salt))
    assert not run, "the log ends with its last run signed"
    # the RU roster: its entries in full runs of MAX_RUN, the rest in a last run
    assert max(run_lengths) == MAX_RUN and len(run_lengths) < len(entries) / 10


def test_roster_versions_and_diff(ledger: Ledger) -> None:
    setup_parties(ledger)
    first = _import(ledger, "UA", people("u", 3))
    assert first.version == 1 and first.diff.added == ("u0", "u1", "u2")
    changed = [
        people("u", 3)[0],
        PersonRecord("u1", family_name="Коваль1", given_name="Павло"),
        PersonRecord("u9", family_name="Нов"),
    ]
    second = _import(ledger, "UA", changed)
    assert second.version == 2
    assert second.diff.added == ("u9",) and second.diff.removed == ("u2",)
    ((rid, changes),) = second.diff.changed
    assert rid == "u1" and [(c.field, c.before, c.after) for c in changes] == [
        ("given_name", "Петро", "Павло")
    ]
    assert _import(ledger, "UA", changed).version is None  # nothing changed, nothing appended
    frm, to, d = rosters.diff_versions(ledger, party_id="UA", kind=HELD, before=1, after=2)
    assert (frm, to) == (1, 2) and d == second.diff
    # back on the roster after a removal: same revision, no new person event
    size = _size(ledger)
    third = _import(ledger, "UA", people("u", 3))
    assert third.diff.added == ("u2",) and third.diff.removed == ("u9",)
    assert _size(ledger) == size + 2  # u1 changed back, plus the version


def test_only_a_side_submits_its_own_roster(ledger: Ledger) -> None:
    setup_parties(ledger)
    for actor in ("MED", "SMM"):
        with pytest.raises(Forbidden, match=r"may not import a roster"):
            _import(ledger, actor, people("x", 1))
    with pytest.raises(Forbidden):
        rosters.import_roster(
            ledger, party_id="XX", kind=HELD, records=people("x", 1), source="s", source_sha256="0"
        )


def test_a_refused_command_writes_nothing(ledger: Ledger) -> None:
    setup_parties(ledger)
    _import(ledger, "UA", people("u", 2))
    all_for_all(ledger)
    before_size = _size(ledger)
    with ledger.reading() as conn:
        before = projection_snapshot(conn)
    ua = PersonRef("UA", "u0")
    with pytest.raises(NotFound):
        plan_batch(ledger, "B", [ua, PersonRef("UA", "nobody")])
    plan_batch(ledger, "B", [ua])
    mid_size = _size(ledger)
    with ledger.reading() as conn:
        mid = projection_snapshot(conn)
    # the second move is illegal, so the first must not land either
    with pytest.raises(IllegalTransition):
        batches.advance(
            ledger,
            actor="MED",
            batch_id="B",
            moves=[(ua, S.LOCATED, ""), (ua, S.CONSENT_VERIFIED, "")],
        )
    assert _size(ledger) == mid_size
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == mid
    assert before_size < mid_size and before != mid


def test_handover_roles(ledger: Ledger) -> None:
    setup_parties(ledger)
    _import(ledger, "RU", people("r", 1))
    all_for_all(ledger)
    r = PersonRef("RU", "r0")
    plan_batch(ledger, "B", [r])
    with pytest.raises(Forbidden, match="mediator"):
        batches.advance(ledger, actor="RU", batch_id="B", moves=[(r, S.LOCATED, "")])
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(r, S.LOCATED, ""), (r, S.AGREED, "")]
    )
    with pytest.raises(Forbidden, match="releasing"):
        batches.advance(ledger, actor="UA", batch_id="B", moves=[(r, S.CLEARED, "")])
    batches.advance(ledger, actor="RU", batch_id="B", moves=[(r, S.CLEARED, "")])
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(r, S.CONSENT_VERIFIED, "")])
    batches.advance(ledger, actor="RU", batch_id="B", moves=[(r, S.TRANSFERRED, "")])
    with pytest.raises(Forbidden, match="receiving"):
        batches.advance(ledger, actor="RU", batch_id="B", moves=[(r, S.RECEIVED, "")])
    with pytest.raises(Forbidden):
        batches.close(ledger, actor="UA", batch_id="B")
    with pytest.raises(Conflict, match="cannot close"):
        batches.close(ledger, actor="MED", batch_id="B")
    batches.advance(ledger, actor="UA", batch_id="B", moves=[(r, S.RECEIVED, "")])
    with pytest.raises(Conflict, match="not confirmed the transfer"):
        batches.close(ledger, actor="MED", batch_id="B")
    with pytest.raises(Forbidden):
        batches.confirm(ledger, actor="UA", batch_id="B")
    batches.confirm(ledger, actor="MED", batch_id="B")
    batches.close(ledger, actor="MED", batch_id="B")


def test_batches_need_a_witnessed_agreement_and_no_double_booking(ledger: Ledger) -> None:
    setup_parties(ledger)
    _import(ledger, "UA", people("u", 2))
    all_for_all(ledger)
    u0 = PersonRef("UA", "u0")
    plan_batch(ledger, "B1", [u0])
    with pytest.raises(Conflict, match="already in an open batch"):
        plan_batch(ledger, "B2", [u0])
    with pytest.raises(DomainError, match="not an exchange"):
        plan_batch(ledger, "B3", [], commitment_id="AG-DIS")


def test_signatures_must_be_on_the_current_text(ledger: Ledger) -> None:
    setup_parties(ledger)
    with pytest.raises(NotFound):
        agreements.sign(ledger, actor="UA", agreement_id="nope", text_sha256="0")
    agreement = all_for_all(ledger, "AG1")
    with pytest.raises(Conflict, match="already signed"):
        agreements.sign(
            ledger, actor="UA", agreement_id="AG1", text_sha256=agreements.text_hash(agreement)
        )
    with pytest.raises(Conflict, match="not the agreement's"):
        agreements.sign(ledger, actor="RU", agreement_id="AG1", text_sha256="ab" * 32)


def test_rebuild_equals_live_after_a_whole_exchange(ledger: Ledger) -> None:
    setup_parties(ledger)
    _import(ledger, "UA", people("u", 4))
    _import(ledger, "RU", people("r", 5))
    _import(ledger, "UA", people("s", 2), SOUGHT)
    all_for_all(ledger)
    agreements.set_commitment_status(
        ledger,
        actor="MED",
        commitment_id="AG-DIS",
        status=ImplementationStatus.MINIMAL,
        note="begun",
    )
    persons = [PersonRef("UA", f"u{i}") for i in range(4)] + [
        PersonRef("RU", f"r{i}") for i in range(4)
    ]
    plan_batch(ledger, "B", persons)
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(p, S.LOCATED, "") for p in persons])
    batches.advance(ledger, actor="MED", batch_id="B", moves=[(p, S.AGREED, "") for p in persons])
    batches.substitute(
        ledger,
        actor="MED",
        batch_id="B",
        person=PersonRef("RU", "r3"),
        brought=PersonRef("RU", "r4"),
        note="swap",
    )
    batches.advance(
        ledger, actor="RU", batch_id="B", moves=[(PersonRef("RU", "r0"), S.DISPUTED, "who?")]
    )
    batches.advance(
        ledger, actor="MED", batch_id="B", moves=[(PersonRef("RU", "r0"), S.AGREED, "resolved")]
    )
    with ledger.reading() as conn:
        live = projection_snapshot(conn)
    assert sum(len(rows) for rows in live.values()) > 40
    assert rebuild(ledger) == _size(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
    status = summary(ledger)
    (exchange,) = [
        c for c in status["agreements"][0]["phases"][0]["commitments"] if c["kind"] == "exchange"
    ]
    assert exchange["sides"]["RU"]["planned"] == 5  # the substitute is counted, the replaced kept
    assert exchange["sides"]["RU"]["by_state"] == {"agreed": 3, "located": 1, "substituted": 1}
    assert exchange["parity"] == {"released": {"UA": 0, "RU": 0}, "balance": 0}


def test_concurrent_commands_share_commits_but_not_fates(ledger: Ledger) -> None:
    import threading

    setup_parties(ledger)
    outcomes: dict[str, str] = {}

    def submit(name: str, party: str) -> None:
        try:
            rosters.import_roster(
                ledger,
                party_id=party,
                kind=SOUGHT,
                records=[PersonRecord(name, family_name=name)],
                source=name,
                source_sha256="0" * 64,
            )
            outcomes[name] = "ok"
        except Forbidden:
            outcomes[name] = "refused"

    threads = [
        threading.Thread(
            target=submit, args=(f"p{i}", "MED" if i % 5 == 0 else ("UA" if i % 2 else "RU"))
        )
        for i in range(40)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes == {f"p{i}": "refused" if i % 5 == 0 else "ok" for i in range(40)}
    with ledger.reading() as conn:
        versions = conn.execute(
            select(t.roster_versions.c.roster_id, t.roster_versions.c.version)
        ).all()
    assert len(versions) == 32 and {v for _, v in versions} == set(range(1, 17))
    from parley.app.audit import verify_live

    assert verify_live(ledger).entries == _size(ledger)
