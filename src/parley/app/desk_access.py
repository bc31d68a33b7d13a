"""Signing in to the mediator's desk as Jupyter does: the serving process makes a fresh secret
when it starts and prints a one-time sign-in link; `parley desk link --as MED` mints another
from the same data directory. A link's token is good once, for a few minutes, and only for a
party the table lets sign in to the desk; the pages then act with that party's key, which the
server holds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.errors import DomainError
from parley.errors import N_, InvalidInput

LINK_SECONDS = 10 * 60  # a link printed on a terminal is used at once or not at all
SIGN_IN_PATH = "/desk/sign-in"


class SignInRefused(DomainError):
    """A sign-in token that is malformed, forged, expired, already used or from an old start."""


@dataclass(frozen=True)
class SignIn:
    """A redeemed token: who signs in."""

    party_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, readable by the owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = path.with_suffix(path.suffix + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(part, path)


class DeskAccess:
    """The desk's sign-in secret and where the desk is served, kept in `folder` (the data
    directory's `desk/`). The serving process holds the one in memory that redeems tokens;
    it remembers the tokens used since it started, and a restart makes a new secret, so a
    token never works twice."""

    def __init__(self, folder: Path, secret: bytes, url: str) -> None:
        self.folder = folder
        self.secret = secret
        self.url = url
        self._used: dict[str, int] = {}  # token nonce -> its expiry
        self._lock = threading.Lock()

    @classmethod
    def start(cls, folder: Path, url: str) -> DeskAccess:
        """A fresh secret for a serving process at `url`; links minted before stop working."""
        secret = secrets.token_bytes(32)
        _write_private(
            folder / "desk.json", json.dumps({"secret": _b64(secret), "url": url}).encode()
        )
        return cls(folder, secret, url)

    @classmethod
    def load(cls, folder: Path) -> DeskAccess:
        """The secret of the desk served from this data directory (for `parley desk link`)."""
        path = folder / "desk.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(folder, _unb64(data["secret"]), str(data["url"]))
        except FileNotFoundError:
            raise InvalidInput(
                N_("no desk is served from {parent}: start `parley serve` first"),
                parent=folder.parent,
            ) from None
        except (ValueError, KeyError, TypeError) as e:
            raise InvalidInput(
                N_("{path}: not a desk sign-in file ({e})"), path=path, e=e
            ) from None

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())

    def mint(self, ledger: Ledger, *, party_id: str, now: int | None = None) -> str:
        """A sign-in token for `party_id`, if the table lets it sign in to the desk."""
        with ledger.reading() as tx:
            authz.require(tx, party_id, authz.Action.DESK_SIGN_IN)
        moment = int(time.time()) if now is None else now
        claims = {"p": party_id, "e": moment + LINK_SECONDS, "n": secrets.token_hex(16)}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def link(self, ledger: Ledger, *, party_id: str) -> str:
        """The sign-in link to print: the desk's address with a fresh token."""
        return f"{self.url}{SIGN_IN_PATH}?token={self.mint(ledger, party_id=party_id)}"

    def redeem(self, ledger: Ledger, token: str, *, now: int | None = None) -> SignIn:
        """The party a token signs in, once; refused if forged, expired or used."""
        moment = int(time.time()) if now is None else now
        body, _, mac = token.partition(".")
        if not body or not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            raise SignInRefused(
                N_(
                    "this sign-in link is not valid here (the server may have restarted): run"
                    " `parley desk link` for a fresh one"
                )
            )
        try:
            claims = json.loads(_unb64(body))
            party, expires, nonce = str(claims["p"]), int(claims["e"]), str(claims["n"])
        except (ValueError, KeyError, TypeError):
            raise SignInRefused(N_("this sign-in link is malformed")) from None
        if expires < moment:
            raise SignInRefused(N_("this sign-in link has expired: run `parley desk link` again"))
        with self._lock:
            for n, e in list(self._used.items()):
                if e < moment:
                    del self._used[n]
            if nonce in self._used:
                raise SignInRefused(N_("this sign-in link was already used: each works once"))
            self._used[nonce] = expires
        with ledger.reading() as tx:  # the party may have lost its standing since
            authz.require(tx, party, authz.Action.DESK_SIGN_IN)
        return SignIn(party)
