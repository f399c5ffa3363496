"""What the JSON API and the pages share: the served corpus, templates and lookups.

One :class:`Viewer` lives in ``app.state.viewer``; routes get it through the
``ViewerDep`` dependency. Lookups raise ``HTTPException`` with a one-line
message (404 unknown id, 409 a view this corpus cannot give), which the app's
handlers answer as JSON under ``/api`` and as an HTML page elsewhere.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException

from copytrace import __version__
from copytrace.align import PRESETS
from copytrace.compare import compare, ensure_clean
from copytrace.errors import InputError
from copytrace.ingest.files import looks_like_html
from copytrace.model import Article, PairResult
from copytrace.report.jsonout import article_to_dict, pair_to_dict
from copytrace.web import views
from copytrace.web.corpus import ArticleMeta, Corpus, MatchView, Overview, ScanData
from copytrace.web.schemas import (
    MAX_TEXT_CHARS,
    ArticleInfo,
    ArticleJSON,
    ClusterMember,
    ClusterOut,
    ClusterPair,
    ClusterRow,
    MatchOut,
    PairJSON,
    QueryOut,
    RankRow,
    StretchOut,
)

logger = logging.getLogger(__name__)

PASTED_ID = "(pasted)"
# the ids of two pasted pages compared (``/compare``)
COMPARED_IDS = ("(first)", "(second)")


def info(meta: ArticleMeta | Article) -> ArticleInfo:
    """The API's metadata object for an article.

    Example:
        >>> info(Article("x", "text", title="T")).model_dump()["title"]
        'T'
    """
    return ArticleInfo(
        id=meta.id, title=meta.title, source=meta.source, published=meta.published, url=meta.url
    )


def stretch_out(s: views.Stretch) -> StretchOut:
    """The API's object for a reused stretch."""
    return StretchOut.model_validate({k: getattr(s, k) for k in StretchOut.model_fields})


def printable(text: str, limit: int = 300) -> str:
    """``text`` safe to encode as UTF-8 (lone surrogates replaced), cut to ``limit``.

    Example:
        >>> printable("a\\ud800b")
        'a?b'
    """
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def human_bytes(n: int) -> str:
    """``n`` bytes as KiB or MiB.

    Example:
        >>> human_bytes(4 * 1024 * 1024), human_bytes(1000)
        ('4.0 MiB', '1 KiB')
    """
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def too_large(limit: int) -> str:
    """The message of every 413."""
    return f"request body too large: the limit is {limit} bytes ({human_bytes(limit)})"


def check_text(text: str, where: str) -> None:
    """Refuse (400) a pasted or uploaded text that is too long or not encodable.

    Raises:
        HTTPException: 400 naming ``where``.
    """
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
    article_id: str = PASTED_ID,
) -> Article:
    """A pasted text or HTML page as a cleaned ``Article`` (id ``(pasted)`` unless given).

    ``html=None`` sniffs the first bytes; metadata given explicitly wins over what
    the cleaner reads from the page.

    Example:
        >>> art = make_query_article("Tokyo hopes for a treaty.", title="T")
        >>> art.id, art.title, art.text[slice(*art.content[0])]
        ('(pasted)', 'T', 'Tokyo hopes for a treaty.')
    """
    is_html = looks_like_html("", text[:512].encode("utf-8")) if html is None else html
    art = ensure_clean(Article(id=article_id, text=text, is_html=is_html))
    given = {
        k: v
        for k, v in (("title", title), ("source", source), ("published", published), ("url", url))
        if v
    }
    return replace(art, **given) if given else art  # type: ignore[arg-type]


def compare_pasted(a: dict[str, Any], b: dict[str, Any], preset: str = "news") -> PairResult:
    """``compare`` of two pasted pages (each the keyword arguments of
    :func:`make_query_article`), ids ``(first)`` and ``(second)``.

    Example:
        >>> body = "The harbour council approved the new ferry plan on Monday night. " * 3
        >>> r = compare_pasted({"text": body}, {"text": "Officials said: " + body})
        >>> r.a.id, len(r.passages)
        ('(first)', 1)
    """
    first = make_query_article(**a, article_id=COMPARED_IDS[0])
    second = make_query_article(**b, article_id=COMPARED_IDS[1])
    return compare(first, second, params=PRESETS[preset])


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("copytrace.web", "templates"),
        autoescape=True,  # every template, whatever its file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["safe_url"] = views.safe_url
    env.filters["when"] = views.short_time
    env.globals["version"] = __version__
    return env


class Viewer:
    """The served corpus with the lookups and rendering the routes share."""

    def __init__(self, corpus: Corpus, name: str, max_body_bytes: int) -> None:
        self.corpus = corpus
        self.name = name
        self.max_body_bytes = max_body_bytes
        self.env = _environment()

    # -- answers ------------------------------------------------------------------------

    def render(
        self, request: Request, template: str, status_code: int = 200, **ctx: Any
    ) -> HTMLResponse:
        """A page from ``template`` with the navigation context filled in."""
        page = self.env.get_template(template).render(
            request_path=request.url.path,
            corpus_kind=self.corpus.kind,
            corpus_name=self.name,
            can_query=self.corpus.can_query,
            **ctx,
        )
        return HTMLResponse(page, status_code=status_code)

    def error(self, request: Request, status: int, detail: str) -> Response:
        """``{"detail": ...}`` under ``/api``, an error page elsewhere."""
        if is_api(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return self.render(request, "error.html", status, status=status, detail=detail)

    # -- what this corpus can do --------------------------------------------------------

    def need_index(self) -> None:
        """Raise 409 unless pasted articles can be matched."""
        if not self.corpus.can_query:
            raise HTTPException(
                409,
                "no index loaded: serve an index file (copytrace index add DB ...), or put "
                "one (index.duckdb) in the scan folder, to match pasted articles",
            )

    def need_scan(self) -> ScanData:
        """The scan tables, or 409."""
        if self.corpus.scan is None:
            raise HTTPException(
                409, "this view needs a scan output folder (copytrace scan --out DIR)"
            )
        return self.corpus.scan

    def overview(self) -> Overview:
        """The scan overview (409 without a scan)."""
        return self.need_scan().overview()

    # -- lookups ------------------------------------------------------------------------

    def run_query(self, article: Article, limit: int) -> list[MatchView]:
        """Indexed articles ``article`` shares text with (409 without an index)."""
        self.need_index()
        try:
            return self.corpus.query(article, limit)
        except InputError:
            raise
        except (ValueError, LookupError) as exc:
            raise HTTPException(400, f"cannot match this article: {exc}") from None

    def paste_query(
        self,
        limit: int,
        text: str,
        html: bool | None = None,
        title: str | None = None,
        source: str | None = None,
        published: str | None = None,
        url: str | None = None,
    ) -> tuple[Article, list[MatchView]]:
        """A pasted page, cleaned (see :func:`make_query_article`), and its matches.

        Raises:
            HTTPException: 409 without an index, 400 for a page that cannot be matched.
        """
        self.need_index()
        paste = {
            "text": text,
            "html": html,
            "title": title,
            "source": source,
            "published": published,
            "url": url,
        }
        try:
            return self.corpus.paste_query(paste, limit)
        except InputError:
            raise
        except (ValueError, LookupError) as exc:
            raise HTTPException(400, f"cannot match this article: {exc}") from None

    def article(self, article_id: str) -> Article:
        """An article by id, or 404."""
        art = self.corpus.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        return art

    def stretches(self, art: Article) -> list[views.Stretch]:
        """The reused stretches of ``art`` (none when neither text nor scan is known)."""
        if art.text or self.corpus.scan is not None:
            return self.corpus.stretches(art)
        return []

    def cluster_of(self, article_id: str) -> str | None:
        """The scan cluster holding the article, if any."""
        scan = self.corpus.scan
        return scan.cluster_of(article_id) if scan is not None else None

    def labels(self, ids: list[str]) -> dict[str, str]:
        """Title (else id) per article id."""
        meta = self.corpus.meta(ids)
        return {i: meta[i].label if i in meta else i for i in ids}

    def rank_rows(self, rows: list[dict[str, Any]], ov: Overview) -> list[RankRow]:
        """Copier or source rankings with display labels."""
        return [RankRow(label=ov.labels.get(r["key"], r["key"]), **r) for r in rows]

    def cluster_rows(self, ov: Overview) -> list[ClusterRow]:
        """The largest clusters with their origin's metadata."""
        origins = self.corpus.meta([c["origin_id"] for c in ov.clusters if c["origin_id"]])
        return [
            ClusterRow(
                origin=info(origins[c["origin_id"]]) if c["origin_id"] in origins else None,
                **{k: v for k, v in c.items() if k != "origin_id"},
            )
            for c in ov.clusters
        ]

    def cluster(self, cluster_id: str) -> tuple[ClusterOut, views.TimelineLayout]:
        """A cluster's members in timeline order, its pairs and its timeline (or 404)."""
        scan = self.need_scan()
        found = scan.cluster(cluster_id)
        if found is None:
            raise HTTPException(404, f"no cluster with id {cluster_id!r}")
        meta = self.corpus.meta(found.article_ids)
        missing = ArticleMeta("")
        entries = [
            (
                aid,
                meta.get(aid, missing).label or aid,
                meta.get(aid, missing).source or "",
                meta.get(aid, missing).published,
                aid == found.origin_id,
            )
            for aid in found.article_ids
        ]
        timeline = views.layout_timeline(entries)
        members = [
            ClusterMember(
                article=info(meta.get(row.article_id, ArticleMeta(row.article_id))),
                is_origin=row.is_origin,
            )
            for row in timeline.rows
        ]
        pairs = [
            ClusterPair(a_id=a, b_id=b, source_id=s, words=w)
            for a, b, s, w in scan.cluster_pairs(found.article_ids)
        ]
        out = ClusterOut(
            cluster_id=found.cluster_id, origin_id=found.origin_id, members=members, pairs=pairs
        )
        return out, timeline

    def query_out(self, article: Article, matches: list[MatchView]) -> QueryOut:
        """The API answer to a paste-and-query."""
        return QueryOut(
            query=ArticleJSON.model_validate(article_to_dict(article)),
            chars=len(article.text),
            matches=[
                MatchOut(
                    rank=m.rank,
                    score=m.score,
                    article=info(m.article),
                    pair=PairJSON.model_validate(pair_to_dict(m.result)),
                )
                for m in matches
            ],
        )


def is_api(request: Request) -> bool:
    """True for the JSON API's paths."""
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def get_viewer(request: Request) -> Viewer:
    """The app's :class:`Viewer` (a FastAPI dependency)."""
    viewer: Viewer = request.app.state.viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]
