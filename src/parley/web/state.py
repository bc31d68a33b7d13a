"""What the pages share: the ledger, the desk's sign-in secret, the form-token key and the open
sessions; with a desk, the key and the sessions are the same in every process serving it (the
key derived from the desk's secret, the sessions kept in its folder)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger

SESSION_SECONDS = 12 * 60 * 60  # a working day at the desk; a restart ends every session


@dataclass
class Session:
    party_id: str
    role: str  # "mediator", "side" or "monitor": which pages it sees
    expires: float


@dataclass
class Sessions:
    """Open sessions by their random id: the cookie carries only the id. Kept in memory, or in
    `folder` (one file each, named by the id's digest) for several processes serving the desk."""

    seconds: int = SESSION_SECONDS
    folder: Path | None = None
    _open: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, party_id: str, role: str) -> str:
        sid = secrets.token_urlsafe(32)
        now = time.time()
        session = Session(party_id, role, now + self.seconds)
        if self.folder is not None:
            self._store(sid, session, now)
            return sid
        with self._lock:
            for key in [k for k, s in self._open.items() if s.expires < now]:
                del self._open[key]
            self._open[sid] = session
        return sid

    def get(self, sid: str) -> Session | None:
        if self.folder is not None:
            found = self._load(sid)
            if found is not None and found.expires < time.time():
                self.close(sid)
                return None
            return found
        with self._lock:
            found = self._open.get(sid)
            if found is None or found.expires < time.time():
                self._open.pop(sid, None)
                return None
            return found

    def close(self, sid: str) -> None:
        if self.folder is not None:
            self._path(sid).unlink(missing_ok=True)
            return
        with self._lock:
            self._open.pop(sid, None)

    def _path(self, sid: str) -> Path:
        assert self.folder is not None
        return self.folder / hashlib.sha256(sid.encode()).hexdigest()

    def _store(self, sid: str, session: Session, now: float) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in self.folder.iterdir():  # sessions ended long ago
            try:
                if old.stat().st_mtime < now - self.seconds:
                    old.unlink()
            except FileNotFoundError:
                pass
        data = json.dumps({"p": session.party_id, "r": session.role, "e": session.expires})
        part = self._path(sid).with_suffix(".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
        os.replace(part, self._path(sid))

    def _load(self, sid: str) -> Session | None:
        try:
            data = json.loads(self._path(sid).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return Session(str(data["p"]), str(data["r"]), float(data["e"]))


@dataclass
class WebState:
    ledger: Ledger
    access: DeskAccess | None  # None: no desk sign-in (the server was started without one)
    form_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sessions: Sessions = field(default_factory=Sessions)

    def __post_init__(self) -> None:
        if self.access is not None:  # every process serving the desk signs and reads alike
            self.form_key = self.access.key("parley form tokens")
            self.sessions = Sessions(folder=self.access.sessions)


def web_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
