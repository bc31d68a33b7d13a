"""Who is reading: a session cookie (an id only; the party is kept in the serving process),
opened by the mediator's sign-in link or by a party's browser proving its key."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from parley.app import desk_views
from parley.app.authz import Forbidden
from parley.errors import N_, ParleyError
from parley.web import security
from parley.web.state import Session, web_of

SESSION_COOKIE = "parley_session"


class NeedSignIn(ParleyError):
    """A page for a party, read without a session."""


def session_of(request: Request) -> Session | None:
    """This browser's session (its party and role), or None."""
    sid = request.cookies.get(SESSION_COOKIE)
    return None if not sid else web_of(request).sessions.get(sid)


def party_of(request: Request) -> str | None:
    """The party of this browser's session, or None."""
    found = session_of(request)
    return None if found is None else found.party_id


def signed_in(request: Request) -> str:
    """FastAPI dependency: the session's party; without one, the sign-in page (401)."""
    party = party_of(request)
    if party is None:
        raise NeedSignIn(N_("sign in first"))
    request.scope.setdefault("state", {})["party"] = party  # for the access log
    return party


def require_desk(request: Request) -> None:
    """Refuse a step the server signs with the key it holds (the mediator's desk) when this
    browser's session is a side's or a monitor's: their steps are signed in their browser."""
    found = session_of(request)
    if found is None or found.role != "mediator":
        party = "" if found is None else found.party_id
        raise Forbidden(
            N_("{party} signs its steps in its own browser, not through the server"), party=party
        )


def open_session(request: Request, response: Response, party_id: str) -> None:
    """Sign `party_id` (a registered party) in on this browser: a new session id and a new
    form cookie. Call it from a thread (it reads the party's role)."""
    state = web_of(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        state.sessions.close(old)
    sid = state.sessions.open(party_id, desk_views.role(state.ledger, party_id))
    security.set_cookie(request, response, SESSION_COOKIE, sid, state.sessions.seconds)
    security.set_cookie(request, response, security.CSRF_COOKIE, security.fresh_csrf())


def close_session(request: Request, response: Response) -> None:
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        web_of(request).sessions.close(sid)
    response.delete_cookie(SESSION_COOKIE, path="/")
