"""The FastAPI application: HTML pages and a JSON API over an index or a scan.

Safety rules every route follows:

* article text, titles, outlets and URLs are untrusted: templates are rendered
  by a Jinja2 environment with autoescape on and no ``|safe`` anywhere; a URL
  becomes a link only when it is plain http(s) (:func:`views.safe_url`);
* every response carries a Content-Security-Policy that allows scripts, styles
  and images from this server only (no inline script or style), so even markup
  that slipped through could not run;
* request bodies are limited (``max_body_bytes``, 413 with a message), bad input
  gets a 4xx with a one-line message.

Routes live in :mod:`copytrace.web.api` (JSON) and :mod:`copytrace.web.pages`
(HTML); what they share is :class:`copytrace.web.service.Viewer`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copytrace import __version__
from copytrace.errors import InputError
from copytrace.web import api, pages
from copytrace.web.corpus import Corpus
from copytrace.web.forms import FormTextMiddleware
from copytrace.web.service import Viewer, is_api, printable, too_large

logger = logging.getLogger(__name__)

# Largest request body (a pasted or uploaded page): generous for a news page with
# its HTML (typically 50-500 KB), small enough that one request cannot hog memory.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
ENV_PATH = "COPYTRACE_WEB_PATH"
ENV_MAX_BODY = "COPYTRACE_WEB_MAX_BODY"
ENV_HANDLES = "COPYTRACE_WEB_HANDLES"


class SecurityHeadersMiddleware:
    """Adds the CSP and related headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers[key] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with a 413 that says the limit.

    A declared ``Content-Length`` over the limit is answered before the body is
    read; a body without one (chunked) is counted as it streams in and the read
    that crosses the limit raises ``HTTPException(413)``, which the app's handler
    turns into the same answer.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, refuse: Callable[[Request, int, str], Response]
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0 or size > self.max_bytes:
                status, detail = (
                    (413, too_large(self.max_bytes))
                    if size > self.max_bytes
                    else (400, f"invalid Content-Length header: {printable(declared, 40)!r}")
                )
                await self.refuse(Request(scope), status, detail)(scope, receive, send)
                return
        total = 0

        async def limited_receive() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise HTTPException(413, too_large(self.max_bytes))
            return message

        await self.app(scope, limited_receive, send)


def app_from_env() -> FastAPI:
    """:func:`create_app` with settings from the environment (for uvicorn workers).

    ``copytrace serve --workers N`` starts N processes, each of which builds its app
    from ``COPYTRACE_WEB_PATH``, ``COPYTRACE_WEB_MAX_BODY`` and
    ``COPYTRACE_WEB_HANDLES``.

    Example:
        >>> import os
        >>> os.environ["COPYTRACE_WEB_PATH"] = "scan-out"  # doctest: +SKIP
        >>> app = app_from_env()  # doctest: +SKIP
    """
    path = os.environ.get(ENV_PATH)
    if not path:
        raise InputError(ENV_PATH, "environment variable not set: the index or scan to serve")
    return create_app(
        path,
        max_body_bytes=int(os.environ.get(ENV_MAX_BODY, DEFAULT_MAX_BODY_BYTES)),
        index_handles=int(os.environ.get(ENV_HANDLES, 2)),
    )


def create_app(
    path: str | Path | None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    index_handles: int = 2,
    index_memory: bool = True,
    query_processes: int = 0,
) -> FastAPI:
    """The web viewer and JSON API over an index file or a scan output folder.

    Args:
        path: a DuckDB index file (``copytrace index add``) or a scan output folder
            (``copytrace scan --out DIR``); None: only ``/compare`` (two pasted articles).
        max_body_bytes: largest request body accepted; larger ones get a 413.
        index_handles: read-only index handles, i.e. queries answered at once.
        index_memory: hold the index's fingerprints in memory (faster queries;
            see ``copytrace.index.Index``); False for a quick open-and-close.
        query_processes: when > 0, index queries run in this many worker
            processes fed from one queue, started with the app (its lifespan);
            otherwise in this process's threads.

    Raises:
        InputError: ``path`` is neither an index file nor a scan folder.

    Example:
        >>> app = create_app("scan-out")  # doctest: +SKIP
        >>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
    """
    corpus = Corpus(
        path,
        index_handles=index_handles,
        index_memory=index_memory,
        query_processes=query_processes,
    )
    name = "" if path is None else Path(path).name or str(path)
    viewer = Viewer(corpus, name, max_body_bytes)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        corpus.open()  # a server may start the same app more than once (tests do)
        yield
        corpus.close()

    app = FastAPI(
        title="copytrace",
        version=__version__,
        description="Which indexed articles a text reuses, and who copies whom in a scan.",
        docs_url=None,  # Swagger UI needs inline scripts from a CDN; the spec is /openapi.json
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.viewer = viewer
    app.state.corpus = corpus
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    # Added last = outermost: the headers go on every answer, the 413s included;
    # form bodies are checked for their encoding once the body limit let them in.
    app.add_middleware(FormTextMiddleware, refuse=viewer.error)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes, refuse=viewer.error)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = too_large(max_body_bytes) if exc.status_code == 413 else str(exc.detail)
        response = viewer.error(request, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return viewer.error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            # FastAPI's own handler echoes the input back, which fails to encode
            # (a 500) when the input holds lone surrogates and can be megabytes.
            errors = [
                {
                    "type": printable(str(err.get("type", "value_error"))),
                    "loc": [
                        x if isinstance(x, int) else printable(str(x)) for x in err.get("loc", ())
                    ],
                    "msg": printable(str(err.get("msg", "invalid"))),
                }
                for err in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        parts = []
        for err in exc.errors()[:3]:
            loc = ".".join(printable(str(x)) for x in err.get("loc", ())[1:]) or "request"
            parts.append(f"{loc}: {printable(str(err.get('msg', 'invalid')))}")
        return viewer.error(request, 422, "; ".join(parts) or "invalid request")

    return app
