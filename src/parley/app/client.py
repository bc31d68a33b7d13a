"""A party's side of the signed door: each request to a Parley server signed with the party's
key on the party's machine (the CLI's `--server` grows from this)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
import weakref
from dataclasses import dataclass
from typing import Any

from parley.errors import N_, ParleyError, from_json
from parley.log.command import SignedCommand, command_body, sign_command
from parley.log.entry import EntrySigner


class ServerRefused(ParleyError):
    """The server answered a request with a refusal: its status and its one sentence (in
    English as `str`; its template and params, when sent, to say it in the user's language)."""

    def __init__(
        self,
        status: int,
        detail: str,
        problems: tuple[str, ...] = (),
        *,
        template: str = "",
        params: object = None,
        problem_refusals: object = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.problems = problems
        if template:
            said = from_json(template, params, detail)
            self.template, self.params = said.template, said.params
        # each problem as a refusal (said in the user's language), where the server sent them
        self.said_problems: tuple[ParleyError, ...] = tuple(
            from_json(p["template"], p.get("params"), str(p.get("detail", "")))
            for p in (problem_refusals if isinstance(problem_refusals, list) else ())
            if isinstance(p, dict) and isinstance(p.get("template"), str)
        )
        if len(self.said_problems) != len(problems):
            self.said_problems = tuple(ParleyError(line) for line in problems)


# idle connections a client keeps for its next requests (one per thread sending at once)
KEPT_CONNECTIONS = 64

# How long a request waits for its answer: TIMEOUT seconds, and for a list of records (a
# roster's rows) SECONDS_PER_ROW more for each (benchmarks/roster_ids.py --imports; README).
TIMEOUT = 30.0
SECONDS_PER_ROW = 0.003


def timeout_for(rows: int) -> float:
    """Seconds to wait for the answer to a request that carries `rows` records."""
    return TIMEOUT + SECONDS_PER_ROW * rows


class Unreachable(ParleyError):
    """No answer from the server (refused, timed out, cut)."""


class Unanswered(Unreachable):
    """The request went to the server but no answer came back (timed out, cut): whether the
    server did it is not known here."""


class _AnswerLost(OSError):
    """The connection failed after the request was sent (`Client.raw`): the server may have
    done it."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause) or type(cause).__name__)
        self.cause = cause


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """Signed JSON requests to one server as one party."""

    def __init__(self, base_url: str, signer: EntrySigner, *, timeout: float = TIMEOUT) -> None:
        url = urllib.parse.urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.prefix = url.path.rstrip("/")
        self.signer = signer
        self.timeout = timeout
        # connections whose last answer came whole, for the next request (HTTP keep-alive)
        self._idle: list[http.client.HTTPConnection] = []
        self._idle_lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)

    def close(self) -> None:
        """Close the connections kept for the next requests."""
        with self._idle_lock:
            _close_all(self._idle)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

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

    def call(
        self, method: str, path: str, data: Any = None, *, timeout: float | None = None
    ) -> Reply:
        """Sign and send one request; a JSON body is sent in its canonical form."""
        body = b"" if data is None else command_body(data)
        return self.send(self.sign(method, path, body), body, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        check: str = "parley status",
        timeout: float | None = None,
    ) -> Any:
        """Sign and send one request; its JSON answer, or `ServerRefused` saying why not.
        `check`: the command that shows whether the request was done, named when it was sent
        and no answer came (`Unanswered`); `timeout`: seconds to wait for this answer, when
        not the client's own."""
        try:
            reply = self.call(method, path, data, timeout=timeout)
        except _AnswerLost as e:
            if method == "GET":  # a read changes nothing: asking again is safe
                raise Unanswered(
                    N_("the server at {host}:{port} did not answer ({reason}); try again later"),
                    host=self.host,
                    port=self.port,
                    reason=e.cause,
                ) from e
            raise Unanswered(
                N_(
                    "the request was sent to the server at {host}:{port} but no answer came"
                    " ({reason}): it may have been done or not; see with {check} before"
                    " sending it again"
                ),
                host=self.host,
                port=self.port,
                reason=e.cause,
                check=check,
            ) from e
        except OSError as e:
            raise Unreachable(
                N_("no answer from the server at {host}:{port} ({reason}): is it running?"),
                host=self.host,
                port=self.port,
                reason=e,
            ) from e
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if reply.status >= 400:
            if isinstance(answer, dict) and "detail" in answer:
                problems = tuple(str(p) for p in answer.get("problems") or ())
                template = answer.get("template")
                raise ServerRefused(
                    reply.status,
                    _sentence(answer["detail"]),
                    problems,
                    template=template if isinstance(template, str) else "",
                    params=answer.get("params"),
                    problem_refusals=answer.get("problem_refusals"),
                )
            raise ServerRefused(
                reply.status,
                f"the server answered {reply.status}",
                template=N_("the server answered {status}"),
                params={"status": reply.status},
            )
        return answer

    def send(self, signed: SignedCommand, body: bytes, *, timeout: float | None = None) -> Reply:
        """Send a request already signed (a retry sends the same one again)."""
        headers = {
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
            "Content-Type": "application/json",
        }
        return self.raw(signed.method, signed.path, body, headers, timeout=timeout)

    def raw(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
        *,
        timeout: float | None = None,
    ) -> Reply:
        """One request and its answer: an OSError when the server could not be reached,
        `_AnswerLost` (an OSError) when it failed once connected (the request may be done).

        The request goes on a connection an earlier answer left open, if one is; if that
        connection fails (the server closed it meanwhile), the same request, byte for byte, goes
        once more on a new one: a signed request is carried out once whatever happened to the
        first (its nonce), a read changes nothing."""
        wait = self.timeout if timeout is None else timeout
        lost: OSError | None = None
        kept = self._kept(wait)
        if kept is not None:
            try:
                return self._exchange(kept, method, path, body, headers)
            except ConnectionError as e:  # closed under it (a timeout is no reason to resend)
                lost = e
            except OSError as e:
                raise _AnswerLost(e) from e
        conn = http.client.HTTPConnection(self.host, self.port, timeout=wait)
        try:
            conn.connect()
        except OSError as e:
            conn.close()
            if lost is not None:  # the first try may have reached the server before it stopped
                raise _AnswerLost(lost) from e
            raise
        try:
            return self._exchange(conn, method, path, body, headers)
        except OSError as e:
            raise _AnswerLost(e) from e

    def _exchange(
        self,
        conn: http.client.HTTPConnection,
        method: str,
        path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> Reply:
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.read())
        except http.client.HTTPException as e:
            conn.close()
            if isinstance(e, OSError):  # the server closed it before answering
                raise
            # An answer cut short (the server stopped while writing it) or not HTTP at all:
            # the connection failed under the request, which may have been done.
            raise ConnectionResetError(str(e) or type(e).__name__) from e
        except BaseException:
            conn.close()
            raise
        if conn.sock is not None:  # the server keeps it open: kept for the next request
            with self._idle_lock:
                if len(self._idle) < KEPT_CONNECTIONS:
                    self._idle.append(conn)
                    return reply
        conn.close()
        return reply

    def _kept(self, wait: float) -> http.client.HTTPConnection | None:
        """An open connection left by an earlier answer, waiting `wait` seconds from now on;
        those the server closed meanwhile are closed here too."""
        while True:
            with self._idle_lock:
                if not self._idle:
                    return None
                conn = self._idle.pop()
            if _still_open(conn.sock):
                assert conn.sock is not None
                conn.sock.settimeout(wait)
                return conn
            conn.close()


def _still_open(sock: socket.socket | None) -> bool:
    """Whether an idle connection can carry a request: nothing to read on it (the server
    closing it, or anything it sent unasked, is)."""
    if sock is None:
        return False
    try:
        sock.settimeout(0)
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _close_all(connections: list[http.client.HTTPConnection]) -> None:
    while connections:
        connections.pop().close()


def _sentence(detail: Any) -> str:
    """A refusal's detail as one line (the framework's own validation lists its faults)."""
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', ()))}: {d.get('msg', '')}"
            if isinstance(d, dict)
            else str(d)
            for d in detail
        )
    return str(detail)
