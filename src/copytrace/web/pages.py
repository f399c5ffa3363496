"""The HTML pages: paste and results, article, pair, overview, cluster, article list.

Every page is a Jinja2 template rendered with autoescape on; the data the
templates draw comes from :mod:`copytrace.web.views`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from copytrace.ingest.files import decode_bytes, looks_like_html
from copytrace.model import PairResult
from copytrace.web import views
from copytrace.web.corpus import MatchView
from copytrace.web.schemas import MAX_QUERY_LIMIT
from copytrace.web.service import Viewer, ViewerDep, check_text, compare_pasted, human_bytes

router = APIRouter(include_in_schema=False)
ARTICLES_PER_PAGE = 50


@router.get("/")
def home(v: ViewerDep) -> Response:
    """The overview for a scan, the paste form for an index, else the compare form."""
    kind = v.corpus.kind
    return RedirectResponse({"scan": "/overview", "index": "/paste"}.get(kind, "/compare"), 303)


@router.get("/paste", response_class=HTMLResponse)
def paste_page(request: Request, v: ViewerDep) -> HTMLResponse:
    """The paste-or-upload form."""
    return v.render(
        request,
        "paste.html",
        max_body=human_bytes(v.max_body_bytes),
        max_limit=MAX_QUERY_LIMIT,
        text="",
        title="",
    )


@router.post("/query", response_class=HTMLResponse)
async def query_page(
    request: Request,
    v: ViewerDep,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=1000)] = "",
    fmt: Annotated[str, Form(alias="format", pattern="^(auto|text|html)$")] = "auto",
    limit: Annotated[int, Form(ge=1, le=MAX_QUERY_LIMIT)] = 10,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Ranked matches of a pasted or uploaded article, each side by side."""
    v.need_index()
    text, html_flag, where = await _form_article(
        text, file, fmt, "", "paste an article or choose a file to upload"
    )
    article, matches = await run_in_threadpool(v.paste_query, limit, text, html_flag, title or None)
    cards = [_card(m) for m in matches]
    return v.render(request, "results.html", article=article, cards=cards, where=where)


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request, v: ViewerDep) -> HTMLResponse:
    """The form for two pasted or uploaded articles."""
    return v.render(
        request, "compare.html", max_body=human_bytes(v.max_body_bytes), texts={"a": "", "b": ""}
    )


@router.post("/compare", response_class=HTMLResponse)
async def compare_page(
    request: Request,
    v: ViewerDep,
    text_a: Annotated[str, Form()] = "",
    text_b: Annotated[str, Form()] = "",
    fmt: Annotated[str, Form(alias="format", pattern="^(auto|text|html)$")] = "auto",
    file_a: Annotated[UploadFile | None, File()] = None,
    file_b: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Two pasted or uploaded articles side by side."""
    sides = []
    for label, text, file in (("first", text_a, file_a), ("second", text_b, file_b)):
        text, html_flag, _ = await _form_article(
            text, file, fmt, f"{label} ", f"paste the {label} article or choose a file for it"
        )
        sides.append({"text": text, "html": html_flag})
    result = await run_in_threadpool(compare_pasted, sides[0], sides[1])
    return _side_by_side(request, v, result, pasted=True)


async def _form_article(
    text: str, file: UploadFile | None, fmt: str, label: str, missing: str
) -> tuple[str, bool | None, str]:
    """``(text, is HTML or None to sniff, where it came from)`` of a form's article:
    the uploaded file's, else the pasted text (400 with ``missing`` when empty)."""
    html_flag = None if fmt == "auto" else fmt == "html"
    data = await file.read() if file is not None else b""
    if data:
        where = (file.filename if file is not None else None) or f"{label}upload"
        text = decode_bytes(data, where)
        if html_flag is None:
            html_flag = looks_like_html(where, data)
    else:
        where = f"{label}pasted text"
        if not text.strip():
            raise HTTPException(400, missing)
        # Browsers send a textarea's line breaks as CRLF; the pasted text had LF.
        text = text.replace("\r\n", "\n")
    check_text(text, where)
    return text, html_flag, where


def _side_by_side(request: Request, v: Viewer, result: PairResult, pasted: bool) -> HTMLResponse:
    """``pair.html``: both texts with the passages marked (``pasted``: no article links)."""
    marks_a, marks_b = views.pair_marks(result, prefix="p")
    return v.render(
        request,
        "pair.html",
        r=result,
        left=views.text_blocks(result.a.text, result.a.content, marks_a, result.a.is_html),
        right=views.text_blocks(result.b.text, result.b.content, marks_b, result.b.is_html),
        texts_missing=not (result.a.text and result.b.text),
        pasted=pasted,
    )


def _card(m: MatchView) -> dict[str, Any]:
    marks_a, marks_b = views.pair_marks(m.result, prefix=f"m{m.rank}-")
    kinds: dict[str, int] = {}
    for p in m.result.passages:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    return {
        "m": m,
        "left": views.text_blocks(m.result.a.text, m.result.a.content, marks_a, m.result.a.is_html),
        "right": views.text_blocks(
            m.result.b.text, m.result.b.content, marks_b, m.result.b.is_html
        ),
        "kinds": kinds,
    }


@router.get("/articles", response_class=HTMLResponse)
def articles_page(
    request: Request,
    v: ViewerDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """The scan's articles, searchable."""
    total, rows = v.need_scan().search(q, offset, ARTICLES_PER_PAGE)
    return v.render(
        request,
        "articles.html",
        q=q,
        offset=offset,
        total=total,
        rows=rows,
        per_page=ARTICLES_PER_PAGE,
    )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, v: ViewerDep) -> HTMLResponse:
    """One article with its reused stretches coloured by source."""
    art = v.article(article_id)
    stretches = v.stretches(art)
    colours = views.colour_classes(stretches)
    labels = v.labels(sorted({s.other_id for s in stretches}))
    marks = views.stretch_marks(stretches, colours, labels)
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
    segments = views.text_blocks(art.text, art.content, marks, art.is_html) if art.text else []
    return v.render(
        request,
        "article.html",
        art=art,
        segments=segments,
        overlap=any("overlap" in b.mark.split() for b in segments),
        related=sorted(summary.values(), key=lambda r: (-r["words"], r["id"])),
        cluster_id=v.cluster_of(art.id),
        texts_missing=not art.text,
        has_pairs=v.corpus.scan is not None,
    )


@router.get("/pair", response_class=HTMLResponse)
def pair_page(
    request: Request,
    v: ViewerDep,
    a: Annotated[str, Query(min_length=1, max_length=1000)],
    b: Annotated[str, Query(min_length=1, max_length=1000)],
) -> HTMLResponse:
    """One pair of a scan, side by side."""
    result = v.need_scan().pair(a, b)
    if result is None:
        raise HTTPException(404, f"the scan found no reuse between {a!r} and {b!r}")
    return _side_by_side(request, v, result, pasted=False)


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, v: ViewerDep) -> HTMLResponse:
    """Figures, rankings, the who-copies-whom graph and the largest cluster's timeline."""
    ov = v.overview()
    clusters = v.cluster_rows(ov)
    cluster = timeline = None
    if clusters:
        cluster, timeline = v.cluster(clusters[0].cluster_id)
    return v.render(
        request,
        "overview.html",
        ov=ov,
        clusters=clusters,
        copiers=v.rank_rows(ov.copiers, ov),
        sources=v.rank_rows(ov.sources, ov),
        graph=views.layout_graph(ov.edges, ov.labels),
        timeline=timeline,
        cluster=cluster,
    )


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, cluster_id: str, v: ViewerDep) -> HTMLResponse:
    """A cluster's timeline, members and pairs."""
    cluster, timeline = v.cluster(cluster_id)
    labels = {m.article.id: m.article.title or m.article.id for m in cluster.members}
    return v.render(request, "cluster.html", cluster=cluster, timeline=timeline, labels=labels)
