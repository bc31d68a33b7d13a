"""What the pages share in one serving process: the ledger, the desk's sign-in secret, the
form-token key and the open sessions."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

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
    """Open sessions by their random id, in memory: the cookie carries only the id."""

    seconds: int = SESSION_SECONDS
    _open: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, party_id: str, role: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            now = time.time()
            for key in [k for k, s in self._open.items() if s.expires < now]:
                del self._open[key]
            self._open[sid] = Session(party_id, role, now + self.seconds)
        return sid

    def get(self, sid: str) -> Session | None:
        with self._lock:
            found = self._open.get(sid)
            if found is None or found.expires < time.time():
                self._open.pop(sid, None)
                return None
            return found

    def close(self, sid: str) -> None:
        with self._lock:
            self._open.pop(sid, None)


@dataclass
class WebState:
    ledger: Ledger
    access: DeskAccess | None  # None: no desk sign-in (the server was started without one)
    form_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sessions: Sessions = field(default_factory=Sessions)


def web_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
