"""A party's side of the signed door: each request to a Parley server signed with the party's
key on the party's machine (the CLI's `--server` grows from this)."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from parley.log.command import SignedCommand, command_body, sign_command
from parley.log.entry import EntrySigner


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """Signed JSON requests to one server as one party."""

    def __init__(self, base_url: str, signer: EntrySigner, *, timeout: float = 30.0) -> None:
        url = urllib.parse.urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.prefix = url.path.rstrip("/")
        self.signer = signer
        self.timeout = timeout

    def sign(
        self,
        method: str,
        path: str,
        body: bytes,
        *,
        created: int | None = None,
        nonce: str | None = None,
    ) -> SignedCommand:
        return sign_command(
            method=method,
            path=self.prefix + path,
            body=body,
            signing_key=self.signer,
            created=int(time.time()) if created is None else created,
            nonce=nonce,
        )

    def call(self, method: str, path: str, data: Any = None) -> Reply:
        """Sign and send one request; a JSON body is sent in its canonical form."""
        body = b"" if data is None else command_body(data)
        return self.send(self.sign(method, path, body), body)

    def send(self, signed: SignedCommand, body: bytes) -> Reply:
        """Send a request already signed (a retry sends the same one again)."""
        headers = {
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
            "Content-Type": "application/json",
        }
        return self.raw(signed.method, signed.path, body, headers)

    def raw(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return Reply(response.status, response.read())
        finally:
            conn.close()
