"""Secure by default: every response carries a strict Content-Security-Policy (scripts and
styles from our own origin only, nothing inline) and refuses framing; every form carries a
token bound to a per-browser cookie (signed double submit), and a form posted from another
site is refused; cookies are HttpOnly, SameSite=Strict and Secure (relaxed only for plain
http on the loopback address, where a browser would drop a Secure cookie)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.errors import ParleyError
from parley.web.i18n import N_
from parley.web.state import web_of

CSRF_COOKIE = "parley_csrf"
CSRF_FIELD = "csrf"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # a sign-in link's token never leaves in a Referer
    (b"cross-origin-opener-policy", b"same-origin"),
)


class Headers:
    """Adds the security headers to every response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in HEADERS if k not in have),
                ]
            await send(message)

        await self.app(scope, receive, sending)


class FormRefused(ParleyError):
    """A form without its token, with another browser's, or posted from another site."""


def loopback_http(request: Request) -> bool:
    """Plain http to a loopback address: the one place a cookie goes without Secure."""
    if request.url.scheme != "http":
        return False
    host = request.url.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=not loopback_http(request),
        httponly=True,
        samesite="strict",
    )


def csrf_cookie(request: Request) -> tuple[str, bool]:
    """This browser's form cookie, and whether it is new (to be set on the response)."""
    value = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(value) <= 100:
        return value, False
    return fresh_csrf(), True


def fresh_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(request: Request, cookie: str) -> str:
    """The token a form carries: the cookie signed with this process's key."""
    return hmac.new(web_of(request).form_key, cookie.encode(), hashlib.sha256).hexdigest()


def _same_site(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:  # a browser's own word, which no page can set
        # (with no-referrer, Chromium posts a same-origin form with `Origin: null`)
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin == f"{request.url.scheme}://{request.url.netloc}"


async def checked_form(request: Request) -> FormData:
    """The posted form, if its token is this browser's and it came from our own pages."""
    form = await request.form()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = form.get(CSRF_FIELD)
    if not _same_site(request):
        raise FormRefused(N_("this form was posted from another site"))
    if not cookie or not isinstance(given, str):
        raise FormRefused(N_("this form has no token: reload the page and send it again"))
    if not hmac.compare_digest(given, csrf_token(request, cookie)):
        raise FormRefused(N_("this form's token has expired: reload the page and send it again"))
    return form
