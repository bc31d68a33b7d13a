"""`parley sync` holds each mirrored header to who may author it (authz.AUTHORITY): an entry in
a side's name of a type only the mediator authors is refused before anything is cosigned."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import sync
from parley.log.encoding import encode_base64
from parley.log.entry import Entry, EntrySigner, canonical_json, draft

MED = EntrySigner(Ed25519PrivateKey.generate())
UA = EntrySigner(Ed25519PrivateKey.generate())


def _entry(index: int, type: str, actor: str, payload: dict[str, object]) -> Entry:
    key = MED if actor == "MED" else UA
    return draft(
        index=index,
        type=type,
        actor=actor,
        time="2026-01-01T00:00:00.000000Z",
        payload=payload,
        key_id=key.key_id,
    )


def _registered(index: int, party: str, role: str, key: EntrySigner) -> Entry:
    """A registration as sync reads it: only the party and its role matter here."""
    return _entry(index, "party.registered", "MED", {"party_id": party, "role": role})


def _line(e: Entry) -> bytes:
    assert e.payload is not None and e.salt is not None
    item = {"index": e.header.index, "payload": e.payload.decode(), "salt": encode_base64(e.salt)}
    return canonical_json(item)


def _log(last: Entry) -> tuple[list[bytes], list[bytes]]:
    entries = [_registered(0, "MED", "mediator", MED), _registered(1, "UA", "side", UA), last]
    return [e.header_bytes for e in entries], [_line(e) for e in entries[:2]]


def test_a_side_cannot_author_a_commitments_status() -> None:
    forged = _entry(2, "commitment.status_set", "UA", {"commitment_id": "C", "status": 3})
    headers, payloads = _log(forged)
    with pytest.raises(sync.SyncRefused) as caught:
        sync._check_authors(headers, 0, payloads)
    assert str(caught.value) == (
        "entry 2: UA (side) authors a commitment.status_set entry, which only a mediator may"
    )
    sync._check_authors(headers, 3, payloads)  # what was checked before is not checked again


def test_what_a_side_may_author_passes() -> None:
    ok = _entry(2, "agreement.signed", "UA", {"agreement_id": "A"})
    headers, payloads = _log(ok)
    sync._check_authors(headers, 0, payloads)
