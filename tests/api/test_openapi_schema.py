"""Schemathesis against the live server's /openapi.json: whatever a client sends, signed or
not, the server answers without a 5xx and with a body its document describes (a refusal is the
documented error body)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from parley.api.app import create_app
from parley.app import instance
from parley.app.client import Client
from parley.app.config import Settings
from parley.app.keys import KeyRing, init_party_key
from parley.app.ledger import Ledger
from parley.domain.parties import Party, Role
from parley.log.command import command_body
from tests.api.helpers import serving

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schemathesis.serializer("application/json")
def _canonical(_ctx: Any, value: Any) -> bytes:
    return _body(value)


def _body(value: Any) -> bytes:
    """The bytes a party signs are the bytes sent: canonical JSON as the CLI sends it, or plain
    JSON for a value that has no canonical form (an integer beyond 2^53)."""
    try:
        return command_body(value)
    except ValueError:
        return json.dumps(value).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Client]]:
    med = tmp_path_factory.mktemp("med")
    ua_keys: Path = tmp_path_factory.mktemp("ua") / "keys"
    ledger = Ledger.open(Settings(med, f"sqlite:///{med / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="test", mediator_id="MED", mediator_name="Mediator")
    ring = KeyRing(ua_keys)
    init_party_key(ring, "UA")
    instance.register_party(
        ledger,
        actor="MED",
        party=Party("UA", "Ukraine", Role.SIDE),
        public_key=ring.public_bytes("UA"),
    )
    try:
        with serving(create_app(ledger)) as url:
            yield url, Client(url, KeyRing(ua_keys).signer("UA"))
    finally:
        ledger.close()


# a signed request to these replaces the signer's key, after which its requests are refused
_REPLACE_KEY = frozenset({"/v1/keys/rotation", "/v1/keys/recovery"})


def _each_case(
    url: str, check: Callable[[Case[Any]], None], skip: frozenset[str] = frozenset()
) -> None:
    """Run `check` on a few generated cases of every operation the document lists."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 10
    for operation in operations:
        if operation.path in skip:
            continue

        @given(case=operation.as_strategy())
        @BOUNDED
        def run(case: Case[Any]) -> None:
            check(case)

        run()


def test_unsigned_requests_are_refused_as_documented(server: tuple[str, Client]) -> None:
    url = server[0]

    def check(case: Case[Any]) -> None:
        response = case.call(base_url=url)
        case.validate_response(response, checks=CHECKS)
        if case.path.startswith("/v1/"):
            assert response.status_code == 401, response.text

    _each_case(url, check)


def test_signed_requests_never_fail_the_server(server: tuple[str, Client]) -> None:
    url, ua = server

    def check(case: Case[Any]) -> None:
        sent = case.method.upper() != "GET" and isinstance(case.body, dict | list | str | int)
        body = _body(case.body) if sent else b""
        path = case.formatted_path
        if len(path) > 512:  # longer than a signed command's path may be: no client sends it
            return
        signed = ua.sign(case.method.upper(), path, body)
        headers = {
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
        }
        response = case.call(base_url=url, headers=headers)
        case.validate_response(response, checks=CHECKS)
        if path.startswith("/v1/"):
            assert response.status_code != 401, response.text

    _each_case(url, check, skip=_REPLACE_KEY)
