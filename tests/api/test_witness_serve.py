"""`parley witness serve` on loopback: the log pushes add-checkpoint to UA's machine; UA
cosigns what extends its last cosigned checkpoint, answers 409 with its size to a stale
request, 403 to a checkpoint not signed by the pinned key, and 422 (evidence kept) to a proof
that does not hold."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.api.witness import create_witness_app
from parley.app import instance, transparency
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.app.party_witness import PartyWitness
from parley.domain.parties import Party, Role
from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureVerifier
from parley.log.naming import witness_name
from parley.log.note import (
    Ed25519Signer,
    Ed25519Verifier,
    add_signatures,
    parse_note,
    sign_note,
)
from parley.log.witness import AddCheckpoint
from tests.api.helpers import serving


@dataclass
class Pushing:
    ledger: Ledger
    ua: Path
    port: int
    witness: CosignatureVerifier


@pytest.fixture
def pushing(tmp_path: Path) -> Iterator[Pushing]:
    med, ua = tmp_path / "med", tmp_path / "ua"
    ring = KeyRing(ua / "keys")
    init_party_key(ring, "UA")
    ledger = Ledger.open(Settings(med, f"sqlite:///{med / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    party = PartyWitness(ua, "UA", ring.get("UA"), transparency.verifier_key(ledger))
    try:
        with serving(create_witness_app(party)) as url:
            verifier = CosignatureVerifier(witness_name("UA"), ring.public_bytes("UA"))
            yield Pushing(ledger, ua, int(url.rsplit(":", 1)[1]), verifier)
    finally:
        ledger.close()


def _grow(ledger: Ledger, party_id: str) -> int:
    key = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    instance.register_party(
        ledger, actor="MED", party=Party(party_id, party_id, Role.MONITOR), public_key=key
    )
    return transparency.sign_checkpoint(ledger)[0]


def _push(p: Pushing, body: bytes) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", p.port, timeout=10)
    try:
        conn.request("POST", "/add-checkpoint", body=body)
        reply = conn.getresponse()
        return reply.status, reply.getheader("content-type") or "", reply.read()
    finally:
        conn.close()


def test_the_log_pushes_and_the_party_cosigns_only_what_extends_its_last(
    pushing: Pushing,
) -> None:
    ledger = pushing.ledger
    first = _grow(ledger, "SMM")
    note = transparency.stored_checkpoint(ledger, first)
    status, _, line = _push(pushing, AddCheckpoint(0, (), note).to_bytes())
    assert status == 200, line
    cosigned = add_signatures(note, [parse_note(note + line).signatures[-1]])
    log = Ed25519Verifier.from_verifier_key(transparency.verifier_key(ledger))
    opened = open_checkpoint(cosigned, log, [pushing.witness])
    assert opened.cosigned_by(pushing.witness)

    second = _grow(ledger, "OSCE")
    stale = transparency.stored_checkpoint(ledger, second)
    status, kind, body = _push(pushing, AddCheckpoint(0, (), stale).to_bytes())
    assert (status, kind.split(";")[0], body) == (409, "text/x.tlog.size", f"{first}\n".encode())

    forged = Ed25519Signer(parse_note(note).signatures[0].name, Ed25519PrivateKey.generate())
    text = parse_note(stale).text
    status, _, _ = _push(pushing, AddCheckpoint(first, (), sign_note(text, [forged])).to_bytes())
    assert status == 403

    good = transparency.consistency_text(ledger, size1=first, size2=second)
    request = AddCheckpoint.parse(good)
    bent = AddCheckpoint(first, (bytes(32), *request.proof[1:]), request.checkpoint)
    status, _, body = _push(pushing, bent.to_bytes())
    assert status == 422
    assert b"split view" in body
    assert len(list((pushing.ua / "mirror" / "evidence").iterdir())) == 1

    status, _, line = _push(pushing, good)
    assert status == 200, line
    assert line.decode().startswith("— parley-witness/UA ")
