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
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copytrace import __version__
from copytrace.compare import ensure_clean
from copytrace.errors import InputError
from copytrace.ingest.files import decode_bytes, looks_like_html
from copytrace.model import Article
from copytrace.report.jsonout import article_to_dict, pair_to_dict
from copytrace.web import views
from copytrace.web.corpus import ArticleMeta, Corpus, MatchView, Overview
from copytrace.web.schemas import (
    MAX_QUERY_LIMIT,
    MAX_TEXT_CHARS,
    ArticleInfo,
    ArticleJSON,
    ArticleListOut,
    ArticleOut,
    ClusterMember,
    ClusterOut,
    ClusterPair,
    ClusterRow,
    EdgeOut,
    ErrorOut,
    InfoOut,
    MatchOut,
    OverviewOut,
    PairJSON,
    QueryOut,
    QueryRequest,
    RankRow,
    StretchOut,
)

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
PASTED_ID = "pasted"
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input"},
    413: {"model": ErrorOut, "description": "Request body too large"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Unknown id"}
}
_NEEDS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Not available for this corpus"}
}


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
                status = 413 if size > self.max_bytes else 400
                detail = (
                    _too_large(self.max_bytes)
                    if status == 413
                    else (f"invalid Content-Length header: {declared[:40]!r}")
                )
                response = self.refuse(Request(scope), status, detail)
                await response(scope, receive, send)
                return
        total = 0

        async def limited_receive() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > self.max_bytes:
                    raise HTTPException(413, _too_large(self.max_bytes))
            return message

        await self.app(scope, limited_receive, send)


def _too_large(limit: int) -> str:
    return f"request body too large: the limit is {limit} bytes ({_human_bytes(limit)})"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("copytrace.web", "templates"),
        autoescape=True,  # every template, whatever its file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["safe_url"] = views.safe_url
    env.globals["palette"] = views.PALETTE
    env.globals["version"] = __version__
    return env


def _info(meta: ArticleMeta | Article) -> ArticleInfo:
    return ArticleInfo(
        id=meta.id, title=meta.title, source=meta.source, published=meta.published, url=meta.url
    )


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _human_bytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def _printable(text: str, limit: int = 300) -> str:
    """``text`` safe to encode as UTF-8 (lone surrogates replaced) and cut to ``limit``."""
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _check_text(text: str, where: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise HTTPException(400, f"{where}: {len(text)} characters, the limit is {MAX_TEXT_CHARS}")
    if "\x00" in text:
        raise HTTPException(400, f"{where}: contains NUL characters; expected text or HTML")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPException(400, f"{where}: contains unpaired surrogate characters") from None


def make_query_article(
    text: str,
    html: bool | None = None,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    url: str | None = None,
) -> Article:
    """A pasted text or HTML page as a cleaned ``Article`` (id ``pasted``).

    ``html=None`` sniffs the first bytes; metadata given explicitly wins over what
    the cleaner reads from the page.

    Example:
        >>> art = make_query_article("Tokyo hopes for a treaty.", title="T")
        >>> art.id, art.title, art.text[slice(*art.content[0])]
        ('pasted', 'T', 'Tokyo hopes for a treaty.')
    """
    is_html = looks_like_html("", text[:512].encode("utf-8")) if html is None else html
    art = ensure_clean(Article(id=PASTED_ID, text=text, is_html=is_html))
    given = {
        k: v
        for k, v in (("title", title), ("source", source), ("published", published), ("url", url))
        if v
    }
    return replace(art, **given) if given else art  # type: ignore[arg-type]


ENV_PATH = "COPYTRACE_WEB_PATH"
ENV_MAX_BODY = "COPYTRACE_WEB_MAX_BODY"
ENV_HANDLES = "COPYTRACE_WEB_HANDLES"


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
    path: str | Path,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    index_handles: int = 2,
) -> FastAPI:
    """The web viewer and JSON API over an index file or a scan output folder.

    Args:
        path: a DuckDB index file (``copytrace index add``) or a scan output folder
            (``copytrace scan --out DIR``).
        max_body_bytes: largest request body accepted; larger ones get a 413.
        index_handles: read-only index handles, i.e. queries answered at once.

    Raises:
        InputError: ``path`` is neither an index file nor a scan folder.

    Example:
        >>> app = create_app("scan-out")  # doctest: +SKIP
        >>> import uvicorn; uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP
    """
    corpus = Corpus(path, index_handles=index_handles)
    env = _environment()
    name = Path(path).name or str(path)

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
    app.state.corpus = corpus
    app.mount(
        "/static",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="static",
    )

    def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        page = env.get_template(template).render(
            request_path=request.url.path,
            corpus_kind=corpus.kind,
            corpus_name=name,
            can_query=corpus.can_query,
            **ctx,
        )
        return HTMLResponse(page, status_code=status_code)

    # -- errors -------------------------------------------------------------------------

    def error_response(request: Request, status: int, detail: str) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return render(request, "error.html", status, status=status, detail=detail)

    # Added last = outermost: the headers go on every answer, the 413s included.
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes, refuse=error_response)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = str(exc.detail)
        if exc.status_code == 413:
            detail = _too_large(max_body_bytes)
        response = error_response(request, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            # FastAPI's own handler echoes the input back, which fails to encode
            # (a 500) when the input holds lone surrogates and can be megabytes.
            errors = [
                {
                    "type": _printable(str(err.get("type", "value_error"))),
                    "loc": [
                        x if isinstance(x, int) else _printable(str(x)) for x in err.get("loc", ())
                    ],
                    "msg": _printable(str(err.get("msg", "invalid"))),
                }
                for err in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        parts = []
        for err in exc.errors()[:3]:
            loc = ".".join(_printable(str(x)) for x in err.get("loc", ())[1:]) or "request"
            parts.append(f"{loc}: {_printable(str(err.get('msg', 'invalid')))}")
        return error_response(request, 422, "; ".join(parts) or "invalid request")

    # -- shared helpers -----------------------------------------------------------------

    def need_index() -> None:
        if not corpus.can_query:
            raise HTTPException(
                409,
                "no index loaded: serve an index file (copytrace index add DB ...), or put "
                "one (index.duckdb) in the scan folder, to match pasted articles",
            )

    def need_scan() -> Overview:
        if corpus.scan is None:
            raise HTTPException(
                409, "this view needs a scan output folder (copytrace scan --out DIR)"
            )
        return corpus.scan.overview()

    def run_query(article: Article, limit: int) -> list[MatchView]:
        need_index()
        try:
            return corpus.query(article, limit)
        except InputError:
            raise
        except (ValueError, LookupError) as exc:
            raise HTTPException(400, f"cannot match this article: {exc}") from None

    def get_article(article_id: str) -> Article:
        art = corpus.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return art

    def labels_for(ids: list[str]) -> dict[str, str]:
        meta = corpus.meta(ids)
        return {i: meta[i].label if i in meta else i for i in ids}

    def rank_rows(rows: list[dict[str, Any]], ov: Overview) -> list[RankRow]:
        return [RankRow(label=ov.labels.get(r["key"], r["key"]), **r) for r in rows]

    def cluster_rows(ov: Overview) -> list[ClusterRow]:
        origins = corpus.meta([c["origin_id"] for c in ov.clusters if c["origin_id"]])
        return [
            ClusterRow(
                origin=_info(origins[c["origin_id"]]) if c["origin_id"] in origins else None,
                **{k: v for k, v in c.items() if k != "origin_id"},
            )
            for c in ov.clusters
        ]

    def cluster_view(cluster_id: str) -> tuple[ClusterOut, views.TimelineLayout]:
        if corpus.scan is None:
            need_scan()
        assert corpus.scan is not None
        info = corpus.scan.cluster(cluster_id)
        if info is None:
            raise HTTPException(404, f"no cluster with id {cluster_id!r}")
        meta = corpus.meta(info.article_ids)
        entries = [
            (
                aid,
                meta[aid].label if aid in meta else aid,
                (meta[aid].source if aid in meta else None) or "",
                meta[aid].published if aid in meta else None,
                aid == info.origin_id,
            )
            for aid in info.article_ids
        ]
        timeline = views.layout_timeline(entries)
        members = [
            ClusterMember(
                article=_info(meta[row.article_id])
                if row.article_id in meta
                else ArticleInfo(
                    id=row.article_id, title=None, source=None, published=None, url=None
                ),
                is_origin=row.is_origin,
            )
            for row in timeline.rows
        ]
        pairs = [
            ClusterPair(a_id=a, b_id=b, source_id=s, words=w)
            for a, b, s, w in corpus.scan.cluster_pairs(info.article_ids)
        ]
        return ClusterOut(
            cluster_id=info.cluster_id, origin_id=info.origin_id, members=members, pairs=pairs
        ), timeline

    def query_out(article: Article, matches: list[MatchView]) -> QueryOut:
        return QueryOut(
            query=ArticleJSON.model_validate(article_to_dict(article)),
            chars=len(article.text),
            matches=[
                MatchOut(
                    rank=m.rank,
                    score=m.score,
                    article=_info(m.article),
                    pair=PairJSON.model_validate(pair_to_dict(m.result)),
                )
                for m in matches
            ],
        )

    # -- JSON API -----------------------------------------------------------------------

    @app.get("/api/info", response_model=InfoOut, tags=["api"])
    def api_info() -> InfoOut:
        """What this server holds: an index, a scan, or both."""
        texts = corpus.index is not None or (
            corpus.scan is not None and corpus.scan.texts_from is not None
        )
        return InfoOut(
            kind=corpus.kind,
            name=name,
            articles=corpus.article_count(),
            can_query=corpus.can_query,
            texts=texts,
            max_body_bytes=max_body_bytes,
        )

    @app.post("/api/query", response_model=QueryOut, responses={**_ERRORS, **_NEEDS}, tags=["api"])
    def api_query(body: QueryRequest) -> QueryOut:
        """Indexed articles the posted article reuses text with, best first."""
        need_index()
        _check_text(body.text, "text")
        article = make_query_article(
            body.text, body.html, body.title, body.source, body.published, body.url
        )
        return query_out(article, run_query(article, body.limit))

    @app.post(
        "/api/query/file", response_model=QueryOut, responses={**_ERRORS, **_NEEDS}, tags=["api"]
    )
    async def api_query_file(
        file: Annotated[UploadFile, File(description="A .txt or .html page (UTF-8).")],
        limit: Annotated[int, Form(ge=1, le=MAX_QUERY_LIMIT)] = 10,
    ) -> QueryOut:
        """Like ``/api/query`` with an uploaded file (text or HTML, sniffed)."""
        need_index()
        data = await file.read()
        fname = file.filename or "upload"
        text = decode_bytes(data, fname)
        _check_text(text, fname)
        article = await run_in_threadpool(make_query_article, text, looks_like_html(fname, data))
        matches = await run_in_threadpool(run_query, article, limit)
        return query_out(article, matches)

    @app.get("/api/articles", response_model=ArticleListOut, responses={**_NEEDS}, tags=["api"])
    def api_articles(
        q: Annotated[
            str, Query(max_length=200, description="Substring of id, title or outlet")
        ] = "",
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> ArticleListOut:
        """Articles of the scan, oldest first, optionally filtered."""
        need_scan()
        assert corpus.scan is not None
        total, rows = corpus.scan.search(q, offset, limit)
        return ArticleListOut(total=total, offset=offset, articles=[_info(r) for r in rows])

    @app.get(
        "/api/articles/{article_id:path}",
        response_model=ArticleOut,
        responses={**_NOT_FOUND},
        tags=["api"],
    )
    def api_article(article_id: str) -> ArticleOut:
        """One article: text, content spans, cluster and reused stretches."""
        art = get_article(article_id)
        stretches = corpus.stretches(art) if art.text or corpus.scan is not None else []
        return ArticleOut(
            article=_info(art),
            text=art.text or None,
            content=list(art.content),
            cluster_id=corpus.scan.cluster_of(art.id) if corpus.scan is not None else None,
            stretches=[_stretch_out(s) for s in stretches],
        )

    @app.get(
        "/api/pair",
        response_model=PairJSON,
        responses={**_NOT_FOUND, **_NEEDS},
        tags=["api"],
    )
    def api_pair(
        a: Annotated[str, Query(min_length=1, max_length=1000)],
        b: Annotated[str, Query(min_length=1, max_length=1000)],
    ) -> PairJSON:
        """The scan's result for one pair, in the ``compare --json`` schema."""
        need_scan()
        assert corpus.scan is not None
        result = corpus.scan.pair(a, b)
        if result is None:
            raise HTTPException(404, f"the scan found no reuse between {a!r} and {b!r}")
        return PairJSON.model_validate(pair_to_dict(result))

    @app.get("/api/overview", response_model=OverviewOut, responses={**_NEEDS}, tags=["api"])
    def api_overview() -> OverviewOut:
        """Scan figures, largest clusters, top copiers, most-copied sources, graph edges."""
        ov = need_scan()
        return OverviewOut(
            figures=ov.figures,
            group_by=ov.group_by,
            clusters=cluster_rows(ov),
            top_copiers=rank_rows(ov.copiers, ov),
            most_copied=rank_rows(ov.sources, ov),
            edges=[EdgeOut(copier=c, source=s, pairs=p, words=w) for c, s, p, w in ov.edges],
        )

    @app.get(
        "/api/clusters/{cluster_id}",
        response_model=ClusterOut,
        responses={**_NOT_FOUND, **_NEEDS},
        tags=["api"],
    )
    def api_cluster(cluster_id: str) -> ClusterOut:
        """A cluster's articles in timeline order and the pairs between them."""
        return cluster_view(cluster_id)[0]

    # -- pages --------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        if corpus.scan is not None:
            return RedirectResponse("/overview", status_code=303)
        return RedirectResponse("/paste", status_code=303)

    @app.get("/paste", include_in_schema=False, response_class=HTMLResponse)
    def paste_page(request: Request) -> HTMLResponse:
        return render(
            request,
            "paste.html",
            max_body=_human_bytes(max_body_bytes),
            max_limit=MAX_QUERY_LIMIT,
            text="",
            title="",
        )

    @app.post("/query", include_in_schema=False, response_class=HTMLResponse)
    async def query_page(
        request: Request,
        text: Annotated[str, Form()] = "",
        title: Annotated[str, Form(max_length=1000)] = "",
        fmt: Annotated[str, Form(alias="format", pattern="^(auto|text|html)$")] = "auto",
        limit: Annotated[int, Form(ge=1, le=MAX_QUERY_LIMIT)] = 10,
        file: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        need_index()
        html_flag = None if fmt == "auto" else fmt == "html"
        data = await file.read() if file is not None else b""
        if data:
            fname = (file.filename if file is not None else None) or "upload"
            text = decode_bytes(data, fname)
            if html_flag is None:
                html_flag = looks_like_html(fname, data)
            where = fname
        else:
            where = "pasted text"
            if not text.strip():
                raise HTTPException(400, "paste an article or choose a file to upload")
        text = text.replace("\r\n", "\n") if not data else text
        _check_text(text, where)
        article = await run_in_threadpool(make_query_article, text, html_flag, title or None)
        matches = await run_in_threadpool(run_query, article, limit)
        cards = []
        for m in matches:
            marks_a, marks_b = views.pair_marks(m.result, prefix=f"m{m.rank}-")
            cards.append(
                {
                    "m": m,
                    "left": views.text_blocks(m.result.a.text, m.result.a.content, marks_a),
                    "right": views.text_blocks(m.result.b.text, m.result.b.content, marks_b),
                    "kinds": _kind_counts(m),
                }
            )
        return render(request, "results.html", article=article, cards=cards, where=where)

    @app.get("/articles", include_in_schema=False, response_class=HTMLResponse)
    def articles_page(
        request: Request,
        q: Annotated[str, Query(max_length=200)] = "",
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> HTMLResponse:
        need_scan()
        assert corpus.scan is not None
        per_page = 50
        total, rows = corpus.scan.search(q, offset, per_page)
        return render(
            request,
            "articles.html",
            q=q,
            offset=offset,
            total=total,
            rows=rows,
            per_page=per_page,
        )

    @app.get("/articles/{article_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        art = get_article(article_id)
        stretches = corpus.stretches(art) if art.text or corpus.scan is not None else []
        colours = views.colour_classes(stretches)
        others = sorted({s.other_id for s in stretches})
        labels = labels_for(others)
        marks = views.stretch_marks(stretches, colours, labels)
        segments = views.text_blocks(art.text, art.content, marks) if art.text else []
        summary: dict[str, dict[str, Any]] = {}
        for s in stretches:
            row = summary.setdefault(
                s.other_id,
                {
                    "id": s.other_id,
                    "label": labels[s.other_id],
                    "words": 0,
                    "roles": set(),
                    "colour": colours.get(s.other_id),
                },
            )
            row["words"] += s.words
            row["roles"].add(s.role)
        related = sorted(summary.values(), key=lambda r: (-r["words"], r["id"]))
        return render(
            request,
            "article.html",
            art=art,
            segments=segments,
            related=related,
            cluster_id=corpus.scan.cluster_of(art.id) if corpus.scan is not None else None,
            texts_missing=not art.text,
            has_pairs=corpus.scan is not None,
        )

    @app.get("/pair", include_in_schema=False, response_class=HTMLResponse)
    def pair_page(
        request: Request,
        a: Annotated[str, Query(min_length=1, max_length=1000)],
        b: Annotated[str, Query(min_length=1, max_length=1000)],
    ) -> HTMLResponse:
        need_scan()
        assert corpus.scan is not None
        result = corpus.scan.pair(a, b)
        if result is None:
            raise HTTPException(404, f"the scan found no reuse between {a!r} and {b!r}")
        marks_a, marks_b = views.pair_marks(result, prefix="p")
        return render(
            request,
            "pair.html",
            r=result,
            left=views.text_blocks(result.a.text, result.a.content, marks_a),
            right=views.text_blocks(result.b.text, result.b.content, marks_b),
            texts_missing=not (result.a.text and result.b.text),
        )

    @app.get("/overview", include_in_schema=False, response_class=HTMLResponse)
    def overview_page(request: Request) -> HTMLResponse:
        ov = need_scan()
        rows = cluster_rows(ov)
        graph_labels = dict(ov.labels)
        graph = views.layout_graph(ov.edges, graph_labels)
        timeline = cluster = None
        if rows:
            cluster, timeline = cluster_view(rows[0].cluster_id)
        return render(
            request,
            "overview.html",
            ov=ov,
            clusters=rows,
            copiers=rank_rows(ov.copiers, ov),
            sources=rank_rows(ov.sources, ov),
            graph=graph,
            timeline=timeline,
            cluster=cluster,
        )

    @app.get("/clusters/{cluster_id}", include_in_schema=False, response_class=HTMLResponse)
    def cluster_page(request: Request, cluster_id: str) -> HTMLResponse:
        cluster, timeline = cluster_view(cluster_id)
        labels = {m.article.id: m.article.title or m.article.id for m in cluster.members}
        return render(request, "cluster.html", cluster=cluster, timeline=timeline, labels=labels)

    return app


def _kind_counts(m: MatchView) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in m.result.passages:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return counts


def _stretch_out(s: views.Stretch) -> StretchOut:
    return StretchOut.model_validate({k: getattr(s, k) for k in StretchOut.model_fields})
