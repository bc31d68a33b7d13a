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
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.errors import DomainError
from parley.errors import N_, InvalidInput

LINK_SECONDS = 10 * 60  # a link printed on a terminal is used at once or not at all
SIGN_IN_PATH = "/desk/sign-in"
USED, SESSIONS = "used", "sessions"  # the desk folder's shared state


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
    directory's `desk/`), which every process serving it reads. The tokens used since the
    server started are kept there too (`used/`, one file each, made only if absent), so a token
    redeemed by one worker process is refused by the others; a restart makes a new secret, so a
    token never works twice. The desk's sessions are kept beside them (`sessions/`)."""

    def __init__(self, folder: Path, secret: bytes, url: str) -> None:
        self.folder = folder
        self.secret = secret
        self.url = url

    @classmethod
    def start(cls, folder: Path, url: str) -> DeskAccess:
        """A fresh secret for a server at `url`: links minted before stop working, and the
        sessions opened before end."""
        secret = secrets.token_bytes(32)
        _write_private(
            folder / "desk.json", json.dumps({"secret": _b64(secret), "url": url}).encode()
        )
        for kept in (USED, SESSIONS):
            shutil.rmtree(folder / kept, ignore_errors=True)
        return cls(folder, secret, url)

    @property
    def sessions(self) -> Path:
        """Where the desk's sessions are kept, for every process serving it."""
        return self.folder / SESSIONS

    def key(self, purpose: str) -> bytes:
        """A key for `purpose` (the pages' form tokens) derived from the secret: the same in
        every process serving the desk, new at each start."""
        return hmac.new(self.secret, purpose.encode("ascii"), hashlib.sha256).digest()

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
        if not (nonce.isascii() and nonce.isalnum()) or not self._use(nonce):
            raise SignInRefused(N_("this sign-in link was already used: each works once"))
        with ledger.reading() as tx:  # the party may have lost its standing since
            authz.require(tx, party, authz.Action.DESK_SIGN_IN)
        return SignIn(party)

    def _use(self, nonce: str) -> bool:
        """Mark the token's nonce used, for every process serving the desk; False if it was.
        Marks older than any link still valid are cleared on the way."""
        folder = self.folder / USED
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        moment = time.time()
        for old in folder.iterdir():
            try:
                if old.stat().st_mtime < moment - 2 * LINK_SECONDS:
                    old.unlink()
            except FileNotFoundError:
                pass
        try:  # made only if absent: of two processes redeeming the token, one makes it
            os.close(os.open(folder / nonce, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        return True
