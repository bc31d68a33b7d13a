"""Pages from Jinja2 templates: autoescaped everywhere (a name is data, never markup), one
environment a language with its catalog installed, dates and numbers in the reader's locale."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from parley.app.agreement_words import Translated
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
    # text as an agreement's parties wrote it (a title, a phase, a commitment), not a label; in
    # the reader's language where the agreement translates it (the page's `translated`)
    env.filters["written"] = pass_context(lambda ctx, v: _written(_translation(ctx, v), v, locale))
    env.filters["translated"] = pass_context(lambda ctx, v: _in_reader_language(ctx, v))
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["NATIVE"] = i18n.NATIVE
    return env


_AS_WRITTEN = i18n.N_("The agreement's own words ({language}): {text}")


def _translation(ctx: Context, text: object) -> Translated | None:
    """`text`'s translation into the reader's language, where the page's agreements give one."""
    given = ctx.get("translated")
    return given.get(text) if isinstance(given, dict) and isinstance(text, str) else None


def translated_text(translated: dict[str, Translated], text: str) -> str:
    """An agreement's words in the reader's language where `translated` has them (a chart's
    label, plain text); as written otherwise."""
    found = translated.get(text)
    return text if found is None else found.text


def _in_reader_language(ctx: Context, text: object) -> object:
    """An agreement's words as plain text (an option of a list) in the reader's language, where
    the agreement translates them; as written otherwise."""
    found = _translation(ctx, text)
    return text if found is None else found.text


def _written(found: Translated | None, text: object, locale: str) -> Markup:
    """The parties' words marked as theirs (class written): their translation into the reader's
    language where the agreement gives one, the words as written in its title."""
    if found is None:
        return Markup('<span class="written">{}</span>').format(text)
    language = Locale.parse(found.language).get_display_name(locale) or found.language
    original = i18n.translations(locale).gettext(_AS_WRITTEN).format(language=language, text=text)
    return Markup('<span class="written translated" title="{}">{}</span>').format(
        original, found.text
    )


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
