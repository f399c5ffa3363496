"""The JSON API (``/api``); its models make the OpenAPI spec at ``/openapi.json``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from copytrace.ingest.files import decode_bytes, looks_like_html
from copytrace.report.jsonout import pair_to_dict
from copytrace.web.schemas import (
    MAX_QUERY_LIMIT,
    ArticleListOut,
    ArticleOut,
    ClusterOut,
    CompareRequest,
    EdgeOut,
    ErrorOut,
    InfoOut,
    OverviewOut,
    PairJSON,
    QueryOut,
    QueryRequest,
)
from copytrace.web.service import (
    ViewerDep,
    check_text,
    compare_pasted,
    info,
    stretch_out,
)

Responses = dict[int | str, dict[str, Any]]
BAD_INPUT: Responses = {
    400: {"model": ErrorOut, "description": "Bad input"},
    413: {"model": ErrorOut, "description": "Request body too large"},
}
NOT_FOUND: Responses = {404: {"model": ErrorOut, "description": "Unknown id"}}
NOT_HERE: Responses = {409: {"model": ErrorOut, "description": "Not available for this corpus"}}

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/info", response_model=InfoOut)
def api_info(v: ViewerDep) -> InfoOut:
    """What this server holds: an index, a scan, or both."""
    corpus = v.corpus
    texts = corpus.index is not None or (
        corpus.scan is not None and corpus.scan.texts_from is not None
    )
    return InfoOut(
        kind=corpus.kind,
        name=v.name,
        articles=corpus.article_count(),
        can_query=corpus.can_query,
        texts=texts,
        max_body_bytes=v.max_body_bytes,
    )


@router.post("/query", response_model=QueryOut, responses={**BAD_INPUT, **NOT_HERE})
def api_query(body: QueryRequest, v: ViewerDep) -> QueryOut:
    """Indexed articles the posted article reuses text with, best first."""
    v.need_index()
    check_text(body.text, "text")
    article, matches = v.paste_query(
        body.limit, body.text, body.html, body.title, body.source, body.published, body.url
    )
    return v.query_out(article, matches)


@router.post("/query/file", response_model=QueryOut, responses={**BAD_INPUT, **NOT_HERE})
async def api_query_file(
    v: ViewerDep,
    file: Annotated[UploadFile, File(description="A .txt or .html page (UTF-8).")],
    limit: Annotated[int, Form(ge=1, le=MAX_QUERY_LIMIT)] = 10,
) -> QueryOut:
    """Like ``/api/query`` with an uploaded file (text or HTML, sniffed)."""
    v.need_index()
    data = await file.read()
    name = file.filename or "upload"
    text = decode_bytes(data, name)
    check_text(text, name)
    article, matches = await run_in_threadpool(
        v.paste_query, limit, text, looks_like_html(name, data)
    )
    return v.query_out(article, matches)


@router.post("/compare", response_model=PairJSON, responses={**BAD_INPUT})
def api_compare(body: CompareRequest) -> PairJSON:
    """Two posted articles compared: the ``compare --json`` object (ids ``(first)``
    and ``(second)``; offsets into each posted text)."""
    check_text(body.a.text, "a.text")
    check_text(body.b.text, "b.text")
    result = compare_pasted(body.a.model_dump(), body.b.model_dump(), body.preset)
    return PairJSON.model_validate(pair_to_dict(result))


@router.get("/articles", response_model=ArticleListOut, responses={**NOT_HERE})
def api_articles(
    v: ViewerDep,
    q: Annotated[str, Query(max_length=200, description="Substring of id, title or outlet")] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ArticleListOut:
    """Articles of the scan, oldest first, optionally filtered."""
    total, rows = v.need_scan().search(q, offset, limit)
    return ArticleListOut(total=total, offset=offset, articles=[info(r) for r in rows])


@router.get("/articles/{article_id:path}", response_model=ArticleOut, responses={**NOT_FOUND})
def api_article(article_id: str, v: ViewerDep) -> ArticleOut:
    """One article: text, content spans, cluster and reused stretches."""
    art = v.article(article_id)
    return ArticleOut(
        article=info(art),
        text=art.text or None,
        content=list(art.content),
        cluster_id=v.cluster_of(art.id),
        stretches=[stretch_out(s) for s in v.stretches(art)],
    )


@router.get("/pair", response_model=PairJSON, responses={**NOT_FOUND, **NOT_HERE})
def api_pair(
    v: ViewerDep,
    a: Annotated[str, Query(min_length=1, max_length=1000)],
    b: Annotated[str, Query(min_length=1, max_length=1000)],
) -> PairJSON:
    """The scan's result for one pair, in the ``compare --json`` schema."""
    result = v.need_scan().pair(a, b)
    if result is None:
        raise HTTPException(404, f"the scan found no reuse between {a!r} and {b!r}")
    return PairJSON.model_validate(pair_to_dict(result))


@router.get("/overview", response_model=OverviewOut, responses={**NOT_HERE})
def api_overview(v: ViewerDep) -> OverviewOut:
    """Scan figures, largest clusters, top copiers, most-copied sources, graph edges."""
    ov = v.overview()
    return OverviewOut(
        figures=ov.figures,
        group_by=ov.group_by,
        clusters=v.cluster_rows(ov),
        top_copiers=v.rank_rows(ov.copiers, ov),
        most_copied=v.rank_rows(ov.sources, ov),
        edges=[EdgeOut(copier=c, source=s, pairs=p, words=w) for c, s, p, w in ov.edges],
    )


@router.get(
    "/clusters/{cluster_id}", response_model=ClusterOut, responses={**NOT_FOUND, **NOT_HERE}
)
def api_cluster(cluster_id: str, v: ViewerDep) -> ClusterOut:
    """A cluster's articles in timeline order and the pairs between them."""
    return v.cluster(cluster_id)[0]
