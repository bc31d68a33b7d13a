"""A second process on the server's database while `parley serve` runs (the mediator's own CLI
on its machine): the server's group commit reuses what its last group read (keys, roles, the
tree's right edge) only while the log ends where it left it, so what the other process appended
takes effect at once. A party registered there acts at once; a key revoked there is refused at
the next request, with nothing written; the log the two processes wrote together verifies.
On SQLite and PostgreSQL, against a real server on loopback."""

from __future__ import annotations

import threading
from pathlib import Path

from parley.app import agreements, instance, keys_admin
from parley.app.client import Client, Reply
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.demo.served import AGREEMENT
from parley.domain.agreements import agreement_from_dict
from parley.domain.parties import Party, Role
from parley.log.command import SignedCommand, command_body
from tests.api.test_faults import PARLEY, Server, server  # noqa: F401 (the fixture)


def _import(client: Client, party: str, name: str) -> tuple[int, bytes]:
    """A one-person roster import of the party's held persons; its status and answer."""
    row = {"record_id": f"{party}-{name}", "family_name": "Шевченко", "given_name": name}
    body = command_body({"records": [row], "source": name})
    reply = client.send(client.sign("POST", f"/v1/rosters/{party}/held", body), body)
    return reply.status, reply.body


def test_what_another_process_appends_takes_effect_at_once(
    server: Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{server.port}"
    assert _import(server.ua, "UA", "first")[0] == 201  # the server's groups know the log now

    ru_ring = KeyRing(tmp_path / "ru" / "keys")
    init_party_key(ru_ring, "RU")
    ru = Client(url, ru_ring.signer("RU"), timeout=30)
    ledger = Ledger.open(server.settings)  # the mediator's CLI, beside the running server
    try:
        instance.register_party(
            ledger,
            actor="MED",
            party=Party("RU", "Russian Federation", Role.SIDE),
            public_key=ru_ring.public_bytes("RU"),
        )
        # registered by the other process: RU acts at once, UA's next entries follow the
        # other process's on the tree
        assert _import(ru, "RU", "registered")[0] == 201
        assert _import(server.ua, "UA", "after")[0] == 201

        early = command_body(
            {"records": [{"record_id": "UA-early", "family_name": "Шевченко"}], "source": "e"}
        )
        signed_early = server.ua.sign("POST", "/v1/rosters/UA/held", early)  # before the revocation
        keys_admin.revoke(
            ledger,
            actor="MED",
            party_id="UA",
            revoked_key_id=server.ua.signer.key_id,
            reason="the key was lost",
        )
    finally:
        ledger.close()

    size = server.size()
    status, said = _import(server.ua, "UA", "revoked")
    assert status == 401, said
    again = server.ua.send(signed_early, early)  # signed before, sent after: refused too
    assert again.status == 401, again.body
    assert server.size() == size  # nothing written
    assert _import(ru, "RU", "still")[0] == 201  # the other party goes on

    server.stop_export_and_verify(tmp_path / "export")


def test_a_refused_request_retried_after_the_state_changed_gets_its_refusal(
    server: Server,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    """UA signs an agreement the mediator has not drafted yet: refused. Two copies at once get
    the same refusal; once the draft is on the log, the same request (its nonce) still gets the
    refusal and appends nothing, while a new request with the same body is done."""
    agreement = agreement_from_dict(AGREEMENT)
    body = command_body({"text_sha256": agreements.text_hash(agreement)})
    path = "/v1/agreements/ROADMAP/signatures"
    signed = server.ua.sign("POST", path, body)
    replies: list[Reply] = []
    gate = threading.Barrier(2)

    def send() -> None:
        gate.wait()
        replies.append(server.ua.send(signed, body))

    both = [threading.Thread(target=send) for _ in range(2)]
    for w in both:
        w.start()
    for w in both:
        w.join(60)
    assert len(replies) == 2
    first = replies[0]
    assert first.status >= 400, first.body
    assert (replies[1].status, replies[1].body) == (first.status, first.body)

    ru_ring = KeyRing(tmp_path / "ru" / "keys")
    init_party_key(ru_ring, "RU")
    ledger = Ledger.open(server.settings)
    try:
        instance.register_party(
            ledger,
            actor="MED",
            party=Party("RU", "Russian Federation", Role.SIDE),
            public_key=ru_ring.public_bytes("RU"),
        )
        agreements.draft(ledger, actor="MED", agreement=agreement)
        assert agreements.stored_hash(ledger, agreement_id="ROADMAP") == agreements.text_hash(
            agreement
        )
    finally:
        ledger.close()

    size = server.size()
    retry = server.ua.send(signed, body)
    assert (retry.status, retry.body) == (first.status, first.body)
    assert server.size() == size
    fresh = server.ua.send(server.ua.sign("POST", path, body), body)
    assert fresh.status in (200, 201), fresh.body
    assert server.size() > size


def test_one_nonce_under_two_bodies_at_once_runs_one_of_them(
    server: Server,  # noqa: F811 (the fixture)
) -> None:
    """Two requests of UA with the same nonce and different bodies, sent at once: one runs and
    is answered, the other is refused as a replay (401), whichever arrives first; the log holds
    the nonce once, with the entries of the one answered."""
    per = len(server.logged_nonces())
    for n in range(4):
        bodies = [
            command_body(
                {
                    "records": [{"record_id": f"UA-{n}-{i}", "family_name": "Шевченко"}],
                    "source": f"{n}-{i}",
                }
            )
            for i in range(2)
        ]
        first = server.ua.sign("POST", "/v1/rosters/UA/held", bodies[0])
        other = server.ua.sign("POST", "/v1/rosters/UA/held", bodies[1], nonce=first.nonce)
        replies: list[tuple[int, Reply]] = []
        gate = threading.Barrier(2)
        both = [
            threading.Thread(target=_send, args=(server.ua, i, s, bodies[i], gate, replies))
            for i, s in ((0, first), (1, other))
        ]
        for w in both:
            w.start()
        for w in both:
            w.join(60)
        assert sorted(r.status for _, r in replies) == [201, 401], replies
        nonces = server.logged_nonces()
        assert nonces.count(first.nonce) == 1
        assert len(nonces) == per + n + 1
        done = next(i for i, r in replies if r.status == 201)
        for retry in range(2):  # each retried: the one done gets its answer, the other refused
            signed = (first, other)[retry]
            again = server.ua.send(signed, bodies[retry])
            assert again.status == (201 if retry == done else 401), again.body
        assert server.logged_nonces().count(first.nonce) == 1


def _send(
    client: Client,
    i: int,
    signed: SignedCommand,
    body: bytes,
    gate: threading.Barrier,
    out: list[tuple[int, Reply]],
) -> None:
    gate.wait()
    out.append((i, client.send(signed, body)))
