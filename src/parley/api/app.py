"""The mediator's instance as an HTTP service: /v1 (every request signed by its party), the
public transparency surface, /healthz and /openapi.json."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from parley.api import (
    agreement_texts,
    keys,
    log_exports,
    log_reads,
    papers,
    public,
    records,
    routes,
    witnessing,
)
from parley.api.errors import PUBLIC_REFUSALS, REFUSALS, refuse_malformed
from parley.api.middleware import Guard
from parley.api.signed import Answered, unauthenticated
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.web import site

MAX_BODY = 16 * 1024 * 1024  # a roster of some tens of thousands of persons
READ_TIMEOUT = 30.0
GZIP_MINIMUM = 1024


def create_app(
    ledger: Ledger,
    *,
    max_body: int = MAX_BODY,
    read_timeout: float = READ_TIMEOUT,
    desk: DeskAccess | None = None,
    close_one_in: int = 0,
) -> FastAPI:
    """The service over one open instance, with the web pages (parley.web; the mediator's desk
    signs in through `desk`); the caller closes the ledger. `close_one_in`: about one answer
    in that many closes its connection (a worker among several: `Guard`)."""
    api = FastAPI(
        title="Parley",
        summary="A verifiable ledger for mediated exchanges of detainees.",
        version="1",
        docs_url=None,
        redoc_url=None,
    )
    api.state.ledger = ledger
    api.include_router(routes.router, responses=REFUSALS)
    api.include_router(public.router, responses=PUBLIC_REFUSALS)
    api.include_router(witnessing.router, responses=REFUSALS)
    api.include_router(keys.router, responses=REFUSALS)
    api.include_router(records.router, responses=REFUSALS)
    api.include_router(papers.router, responses=REFUSALS)
    api.include_router(agreement_texts.router, responses=REFUSALS)
    api.include_router(log_exports.router, responses=REFUSALS)
    api.include_router(log_reads.router, responses=REFUSALS)

    site.mount(api, ledger, desk)

    @api.exception_handler(RequestValidationError)
    def _malformed(request: Request, exc: RequestValidationError) -> Response:
        return unauthenticated(request) or refuse_malformed(request, exc)

    @api.exception_handler(Answered)
    async def _answered(_request: Request, exc: Answered) -> Response:
        return exc.response()

    # pages and answers over 1 KiB go gzipped to a client that asks (a 5,000-person board is
    # 1.5 MB as HTML); a PDF is compressed already. A /v1 signature covers the request only.
    api.add_middleware(
        GZipMiddleware,
        minimum_size=GZIP_MINIMUM,
        compresslevel=6,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf"),
    )
    api.add_middleware(
        Guard, max_body=max_body, read_timeout=read_timeout, close_one_in=close_one_in
    )
    return api
