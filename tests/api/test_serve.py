"""`parley serve` over a real uvicorn on a loopback port: signed requests, each refusal of the
signed door with nothing written, an idempotent retry, and the public tiles checked against the
checkpoint."""

from __future__ import annotations

import asyncio
import base64
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import Message

from parley.api.app import create_app
from parley.api.signed import is_admitted
from parley.app import instance, keys_admin, transparency
from parley.app.client import Client
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.domain.parties import Party, Role
from parley.log.checkpoint import Checkpoint
from parley.log.command import command_body
from parley.log.entry import EntrySigner
from parley.log.merkle import leaf_hash, root_hash
from parley.log.note import parse_note
from parley.log.tiles import read_bundle
from tests.api.helpers import serving

ROWS = [
    {"record_id": f"UA-{n}", "family_name": "Шевченко", "given_name": "Тарас", "birth_date": "1990"}
    for n in range(3)
]


@dataclass
class Served:
    url: str
    ledger: Ledger
    ua: Client
    ru_key: EntrySigner


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    med_dir = tmp_path_factory.mktemp("med")
    # each side's key is made in its own data directory; the server registers the verifier keys
    ua_ring = KeyRing(tmp_path_factory.mktemp("ua") / "keys")
    ru_ring = KeyRing(tmp_path_factory.mktemp("ru") / "keys")
    ledger = Ledger.open(Settings(med_dir, f"sqlite:///{med_dir / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    for ring, party in (
        (ua_ring, Party("UA", "Ukraine", Role.SIDE)),
        (ru_ring, Party("RU", "Russia", Role.SIDE)),
    ):
        init_party_key(ring, party.party_id)
        instance.register_party(
            ledger, actor="MED", party=party, public_key=ring.public_bytes(party.party_id)
        )
    assert [p.name for p in (med_dir / "keys").iterdir()] == ["MED.ed25519.pem"]
    ua_key, ru_key = ua_ring.signer("UA"), ru_ring.signer("RU")
    keys_admin.revoke(
        ledger, actor="MED", party_id="RU", revoked_key_id=ru_key.key_id, reason="lost"
    )
    try:
        with serving(create_app(ledger, max_body=64 * 1024)) as url:
            yield Served(url, ledger, Client(url, ua_key), ru_key)
    finally:
        ledger.close()


def _size(s: Served) -> int:
    with s.ledger.reading() as conn:
        return s.ledger.size(conn)


def test_a_signed_roster_import_and_status_read(served: Served) -> None:
    reply = served.ua.call("POST", "/v1/rosters/UA/held", {"records": ROWS, "source": "t"})
    assert reply.status == 201, reply.body
    assert reply.json()["records"] == 3
    status = served.ua.call("GET", "/v1/status")
    assert status.status == 200
    assert any(r["id"] == "UA:held" or r["party"] == "UA" for r in status.json()["rosters"])


def test_a_retry_gets_the_first_answer_and_appends_nothing(served: Served) -> None:
    rows = [{**r, "record_id": r["record_id"] + "-r"} for r in ROWS]
    body = command_body({"records": rows, "source": "retry"})
    signed = served.ua.sign("POST", "/v1/rosters/UA/sought", body)
    first = served.ua.send(signed, body)
    size = _size(served)
    again = served.ua.send(signed, body)
    assert (first.status, first.body) == (again.status, again.body)
    assert first.status == 201
    assert _size(served) == size


def _refused(s: Served, reply_status: int, reply_body: bytes, size: int, code: int) -> None:
    assert reply_status == code, reply_body
    assert b'"detail"' in reply_body
    assert _size(s) == size


def test_every_refusal_of_the_signed_door_writes_nothing(served: Served) -> None:
    ua = served.ua
    size = _size(served)
    body = command_body({"records": ROWS[:1], "source": "x"})
    path = "/v1/rosters/UA/held"

    unknown = Client(served.url, EntrySigner(Ed25519PrivateKey.generate()))
    r = unknown.call("POST", path, {"records": ROWS[:1]})
    _refused(served, r.status, r.body, size, 401)

    revoked = Client(served.url, served.ru_key).call("GET", "/v1/status")
    _refused(served, revoked.status, revoked.body, size, 401)

    signed = ua.sign("POST", path, body)
    wrong = bytearray(signed.signature)
    wrong[0] ^= 1
    headers = {
        "Content-Digest": signed.content_digest,
        "Signature-Input": signed.signature_input(),
        "Signature": "parley=:" + base64.b64encode(bytes(wrong)).decode() + ":",
    }
    r = ua.raw("POST", path, body, headers)
    _refused(served, r.status, r.body, size, 401)

    altered = body.replace(b"UA-0", b"UA-9")
    r = ua.send(signed, altered)
    _refused(served, r.status, r.body, size, 401)

    stale = ua.sign("POST", path, body, created=int(time.time()) - 3600)
    r = ua.send(stale, body)
    _refused(served, r.status, r.body, size, 401)

    first = ua.sign("GET", "/v1/status", b"")
    assert ua.send(first, b"").status == 200
    replay = ua.sign("POST", path, body, nonce=first.nonce)
    r = ua.send(replay, body)
    _refused(served, r.status, r.body, size, 401)

    r = ua.call("POST", "/v1/rosters/RU/held", {"records": ROWS[:1]})
    _refused(served, r.status, r.body, size, 403)

    r = ua.raw("GET", "/v1/status", b"", {})
    _refused(served, r.status, r.body, size, 401)


def test_a_malformed_body_is_said_malformed_only_to_its_signing_party(served: Served) -> None:
    size = _size(served)
    malformed = {"records": "not a list"}
    unknown = Client(served.url, EntrySigner(Ed25519PrivateKey.generate()))
    r = unknown.call("POST", "/v1/rosters/UA/held", malformed)
    _refused(served, r.status, r.body, size, 401)
    r = served.ua.call("POST", "/v1/rosters/UA/held", malformed)
    _refused(served, r.status, r.body, size, 422)


def test_a_body_that_is_no_json_is_said_so_only_to_its_signing_party(served: Served) -> None:
    size = _size(served)
    path, body = "/v1/batches/B/confirmations", b'{"persons": ['
    unknown = Client(served.url, EntrySigner(Ed25519PrivateKey.generate()))
    r = unknown.send(unknown.sign("POST", path, body), body)
    _refused(served, r.status, r.body, size, 401)
    r = served.ua.raw("POST", path, body, {"Content-Type": "application/json"})
    _refused(served, r.status, r.body, size, 401)
    r = served.ua.send(served.ua.sign("POST", path, body), body)
    _refused(served, r.status, r.body, size, 422)
    assert r.json()["detail"] == "the request's body is not JSON"
    # a path parameter the route's type refuses: 422 to the party, the same as the framework's
    r = served.ua.call("POST", "/v1/rosters/UA/nokind/removals", {"record_ids": ["UA-0"]})
    _refused(served, r.status, r.body, size, 422)
    assert r.json()["params"]["field"] == "kind"


def _routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The app's routes, those of the routers it includes too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)


def test_every_route_that_takes_a_caller_admits_its_request_first(served: Served) -> None:
    routes = list(_routes(create_app(served.ledger).routes))
    assert [r.path for r in routes if not is_admitted(r.endpoint)] == []
    # every /v1 route is signed, and admits its request before it runs
    v1 = [r for r in routes if r.path.startswith("/v1/")]
    assert len(v1) > 30
    assert [r.path for r in v1 if not getattr(r.endpoint, "admitted", False)] == []


def test_the_body_limit_and_health(served: Served) -> None:
    big = [{**ROWS[0], "record_id": f"B-{n}", "note": "x" * 500} for n in range(200)]
    r = served.ua.call("POST", "/v1/rosters/UA/held", {"records": big})
    assert r.status == 413
    health = served.ua.raw("GET", "/healthz", b"", {})
    assert health.status == 200
    spec = served.ua.raw("GET", "/openapi.json", b"", {})
    assert spec.status == 200 and b"/v1/rosters/{party}/{kind}" in spec.body


def _answer(conn: socket.socket) -> bytes:
    """What the server sends until it closes the connection."""
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    return answer


def test_a_body_that_stalls_is_refused_and_writes_nothing(served: Served) -> None:
    size = _size(served)
    with serving(create_app(served.ledger, read_timeout=0.3)) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(
                b"POST /v1/rosters/UA/held HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            answer = _answer(conn)  # the rest of the body never comes
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"did not arrive" in answer
    assert _size(served) == size


def test_a_body_over_the_limit_without_a_length_is_refused_as_too_large(served: Served) -> None:
    size = _size(served)
    app = create_app(served.ledger, max_body=64 * 1024)
    chunks = [b"x" * 16384] * 8  # 128 KiB in pieces, no Content-Length: over the 64 KiB
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": chunks.pop(), "more_body": bool(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/rosters/UA/held",
        "raw_path": b"/v1/rosters/UA/held",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"x"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }
    asyncio.run(app(scope, receive, send))
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]
    assert b"the body is over 65536 bytes" in b"".join(m.get("body", b"") for m in sent)
    assert _size(served) == size


def test_the_checkpoint_and_a_tile_prove_the_entries(served: Served) -> None:
    served.ua.call("POST", "/v1/rosters/UA/held", {"records": ROWS[:2], "source": "tile"})
    size, _ = transparency.sign_checkpoint(served.ledger)
    reply = served.ua.raw("GET", "/checkpoint", b"", {})
    assert reply.status == 200
    note = parse_note(reply.body)
    checkpoint = Checkpoint.parse(note.text)
    assert checkpoint.size == size
    with served.ledger.reading() as conn:
        transparency.operator_verifier(conn)  # the key anyone pins to check the note
    bundle = served.ua.raw("GET", f"/tile/entries/000.p/{size}", b"", {})
    assert bundle.status == 200
    entries = read_bundle(bundle.body)
    hashes = served.ua.raw("GET", f"/tile/0/000.p/{size}", b"", {})
    assert hashes.status == 200
    leaves = [hashes.body[i : i + 32] for i in range(0, len(hashes.body), 32)]
    assert leaves == [leaf_hash(e) for e in entries]
    assert root_hash(leaves) == checkpoint.root
    assert served.ua.raw("GET", "/tile/0/000", b"", {}).status == 404
    assert served.ua.raw("GET", "/tile/9x/000", b"", {}).status == 422


def test_start_up_is_set_aside_from_the_cycle_collector() -> None:
    """`parley serve` sets what start-up made aside before it serves, so a full collection
    walks only what requests make (a pause every waiting request would share)."""
    import gc

    from parley.api.serve import set_aside_start_up

    gc.unfreeze()
    try:
        set_aside_start_up()
        assert gc.get_freeze_count() > 10_000  # the imported modules, the app and its routes
    finally:
        gc.unfreeze()
