"""Pages from Jinja2 templates: autoescaped everywhere (a name is data, never markup), one
environment a language with its catalog installed, dates and numbers in the reader's locale."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from parley.web import i18n, labels, security, sessions

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda v: i18n.date_text(v, locale)
    env.filters["number"] = lambda v: i18n.number_text(v, locale)
    env.filters["percent"] = lambda v: i18n.percent_text(v, locale)
    env.filters["word"] = lambda v, column: labels.word(column, v, locale)
    env.filters["column"] = lambda v: labels.column(v, i18n.translations(locale).gettext)
    env.filters["refusal"] = lambda error: i18n.refusal(error, locale)
    # an explanation (a planner's reason, a match's words) is a template with fields, said alike
    env.filters["said"] = lambda message: i18n.said(message, locale)
    # text as an agreement's parties wrote it (a title, a phase, a commitment), not a label
    env.filters["written"] = lambda v: Markup('<span class="written">{}</span>').format(v)
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["NATIVE"] = i18n.NATIVE
    return env


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """`template` rendered for this reader: their language, their session's party, the form
    token every form carries; never cached, never framed (security.Headers)."""
    locale = i18n.locale_of(request)
    csrf_cookie, fresh = security.csrf_cookie(request)
    values: dict[str, Any] = {
        "request": request,
        "lang": locale,
        "session": sessions.session_of(request),
        "csrf": security.csrf_token(request, csrf_cookie),
        "path": request.url.path,
        **(context or {}),
    }
    html = environment(locale).get_template(template).render(values)
    response = HTMLResponse(html, status, headers={"cache-control": "no-store"})
    if fresh:
        security.set_cookie(request, response, security.CSRF_COOKIE, csrf_cookie)
    return response


def download(content: bytes, stem: str, media_type: str = "application/pdf") -> Response:
    """A file to save rather than show (`Content-Disposition: attachment`), named from `stem`
    in plain ASCII letters; never cached."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "download"
    extension = {"application/pdf": ".pdf"}.get(media_type, "")
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{name}{extension}"',
            "cache-control": "no-store",
        },
    )
