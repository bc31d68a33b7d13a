"""Keys rotate and revoke through the log; erasure removes personal data, not provability."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from parley.app import erasure, keys_admin, rosters
from parley.app.authz import Forbidden
from parley.app.ledger import Ledger
from parley.app.rebuild import projection_snapshot, rebuild
from parley.domain.errors import Conflict, DomainError
from parley.domain.matches import RecordRef
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.log.entry import Header
from parley.store import tables as t
from tests.integration.helpers import people, setup_parties


def _import(ledger: Ledger, records: list[PersonRecord]) -> None:
    rosters.import_roster(
        ledger, party_id="UA", kind=RosterKind.HELD, records=records, source="s", source_sha256="0"
    )


def _keys(ledger: Ledger) -> dict[str, str]:
    with ledger.reading() as conn:
        return {
            r.key_id: r.status
            for r in conn.execute(select(t.party_keys).where(t.party_keys.c.party_id == "UA"))
        }


def test_rotation_retires_the_old_key(ledger: Ledger) -> None:
    setup_parties(ledger)
    (old,) = _keys(ledger)
    keys_admin.rotate(ledger, party_id="UA")
    statuses = _keys(ledger)
    assert statuses[old] == "retired" and list(statuses.values()).count("active") == 1
    _import(ledger, people("u", 1))  # signs with the new key
    with ledger.reading() as conn:
        last = conn.execute(
            select(t.log_entries).order_by(t.log_entries.c.idx.desc()).limit(1)
        ).one()
    assert Header.from_bytes(bytes(last.header)).key_id != old
    # the retired key, still on disk as an archive, can no longer sign
    (retired,) = ledger.keys.folder.glob("UA.ed25519.*.retired.pem")
    from cryptography.hazmat.primitives import serialization

    old_key = serialization.load_pem_private_key(retired.read_bytes(), password=None)
    assert isinstance(old_key, Ed25519PrivateKey)
    ledger.keys._cache["UA"] = old_key
    with pytest.raises(DomainError, match="is retired; it can no longer sign"):
        _import(ledger, people("v", 1))
    # an unknown key cannot either
    ledger.keys._cache["UA"] = Ed25519PrivateKey.generate()
    with pytest.raises(DomainError, match="not registered"):
        _import(ledger, people("v", 1))


def test_revoked_key_is_refused_at_append(ledger: Ledger) -> None:
    setup_parties(ledger)
    (kid,) = _keys(ledger)
    with pytest.raises(Forbidden):
        keys_admin.revoke(ledger, actor="RU", party_id="UA", revoked_key_id=kid, reason="x")
    keys_admin.revoke(
        ledger, actor="MED", party_id="UA", revoked_key_id=kid, reason="laptop stolen"
    )
    assert _keys(ledger) == {kid: "revoked"}
    with pytest.raises(DomainError, match="revoked; it can no longer sign"):
        _import(ledger, people("u", 1))
    with pytest.raises(Conflict, match="already revoked"):
        keys_admin.revoke(ledger, actor="MED", party_id="UA", revoked_key_id=kid, reason="again")
    with pytest.raises(Conflict, match="no active key"):
        keys_admin.rotate(ledger, party_id="UA")


def test_revocation_with_replacement(ledger: Ledger) -> None:
    setup_parties(ledger)
    (kid,) = _keys(ledger)
    new = Ed25519PrivateKey.generate()
    with pytest.raises(Forbidden, match="may not install a key in UA's name"):
        keys_admin.revoke(
            ledger,
            actor="MED",
            party_id="UA",
            revoked_key_id=kid,
            reason="compromised",
            replacement=new.public_key().public_bytes_raw(),
        )
    assert _keys(ledger) == {kid: "active"}
    # UA itself, under the key it still holds, names its successor
    keys_admin.revoke(
        ledger,
        actor="UA",
        party_id="UA",
        revoked_key_id=kid,
        reason="compromised",
        replacement=new.public_key().public_bytes_raw(),
    )
    ledger.keys._cache["UA"] = new
    _import(ledger, people("u", 1))
    assert sorted(_keys(ledger).values()) == ["active", "revoked"]


def test_erasure_keeps_rebuild_and_commitments(ledger: Ledger) -> None:
    setup_parties(ledger)
    secret = PersonRecord(
        "u1", family_name="Секретенко", given_name="Таємна", next_of_kin="мати, Київ"
    )
    _import(ledger, [PersonRecord("u0", family_name="Коваль"), secret])
    _import(
        ledger,
        [
            PersonRecord("u0", family_name="Коваль"),
            PersonRecord("u1", family_name="Секретенко", given_name="Інна"),
        ],
    )
    with ledger.reading() as conn:
        headers_before = [
            bytes(r.header)
            for r in conn.execute(select(t.log_entries).order_by(t.log_entries.c.idx))
        ]
    ref = RecordRef.parse("UA/u1")
    roster_id, record_id = ref.roster_id, ref.record_id
    with pytest.raises(Forbidden):
        erasure.erase(
            ledger, actor="RU", roster_id=roster_id, record_id=record_id, reason="request"
        )
    erasure.erase(ledger, actor="MED", roster_id=roster_id, record_id=record_id, reason="request")
    with pytest.raises(Conflict, match="already erased"):
        erasure.erase(
            ledger, actor="MED", roster_id=roster_id, record_id=record_id, reason="request"
        )
    with ledger.reading() as conn:
        entries = conn.execute(select(t.log_entries).order_by(t.log_entries.c.idx)).all()
        live = projection_snapshot(conn)
    # the headers (what the tree commits to) did not change; the new entry only appended
    assert [bytes(r.header) for r in entries[: len(headers_before)]] == headers_before
    erased = [r for r in entries if r.payload is None]
    assert len(erased) == 2 and all(r.salt is None for r in erased)
    dump = json.dumps(live, default=str, ensure_ascii=False) + "".join(
        bytes(r.payload).decode() for r in entries if r.payload is not None
    )
    for fragment in ("Секретенко", "Таємна", "Інна", "мати"):
        assert fragment not in dump
    assert "Коваль" in dump
    rebuild(ledger)
    with ledger.reading() as conn:
        assert projection_snapshot(conn) == live
