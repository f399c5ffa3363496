"""Request and response models of the JSON API (they make its OpenAPI spec).

``PairJSON`` is the object ``copytrace compare --json`` prints
(:func:`copytrace.report.jsonout.pair_to_dict`); the other models wrap it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Longest pasted article the API takes, in characters (a long news page with its
# HTML is ~300k; the request body limit is the other bound).
MAX_TEXT_CHARS = 1_000_000
# Most matches one query returns.
MAX_QUERY_LIMIT = 50


class ErrorOut(BaseModel):
    """Every 4xx answer: what was wrong, in one line."""

    detail: str = Field(description="What was wrong with the request and how to fix it.")


class ArticleInfo(BaseModel):
    """Metadata of an indexed or scanned article."""

    id: str
    title: str | None = None
    source: str | None = Field(None, description="Outlet, agency or series.")
    published: str | None = Field(None, description="ISO 8601 when known.")
    url: str | None = None


class ArticleJSON(BaseModel):
    """An article as ``compare --json`` describes it."""

    path: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None
    dateline: str | None = None
    content: list[tuple[int, int]] = Field(
        description="[start, end) character spans of the article's own text (chrome excluded)."
    )


class PassageJSON(BaseModel):
    """One reused passage; offsets are characters into each article's original text."""

    kind: Literal["verbatim", "near-verbatim", "paraphrase"]
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    similarity: float
    attributed: bool


class CoverageJSON(BaseModel):
    """Share of each article's content covered by passages (0..1)."""

    a: float
    b: float


class DirectionJSON(BaseModel):
    """Which side is the source (``a``, ``b`` or undecided), how sure, and why."""

    source: Literal["a", "b"] | None
    confidence: float
    evidence: list[str]


class PairJSON(BaseModel):
    """The ``compare --json`` object for one pair of articles."""

    a: ArticleJSON
    b: ArticleJSON
    passages: list[PassageJSON]
    coverage: CoverageJSON
    direction: DirectionJSON


class PastedArticle(BaseModel):
    """A pasted article (of a ``/api/compare`` request; with ``limit``, a query)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        pattern=r"^[^\x00]*$",
        description="Page text or HTML as pasted (offsets in the answer point into it).",
    )
    html: bool | None = Field(None, description="True: HTML, false: text, null: sniff.")
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=1000, description="Outlet of the article.")
    published: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=2048)


class QueryRequest(PastedArticle):
    """A pasted article to match against the index."""

    limit: int = Field(10, ge=1, le=MAX_QUERY_LIMIT, description="Most matches to return.")


class CompareRequest(BaseModel):
    """Two pasted articles to compare (``copytrace compare`` on two pages)."""

    model_config = ConfigDict(extra="forbid")

    a: PastedArticle
    b: PastedArticle
    preset: Literal["news", "pan"] = Field("news", description="Aligner settings.")


class MatchOut(BaseModel):
    """One indexed article the query reuses text with; in ``pair``, a is the query."""

    rank: int
    score: float
    article: ArticleInfo
    pair: PairJSON


class QueryOut(BaseModel):
    """Ranked matches for a pasted article."""

    query: ArticleJSON
    chars: int = Field(description="Length of the pasted text in characters.")
    matches: list[MatchOut]


class StretchOut(BaseModel):
    """A reused stretch of an article: offsets into its text, the other article, the role."""

    start: int
    end: int
    other_id: str
    role: Literal["from", "to", "shared"] = Field(
        description="from: other_id is the source; to: other_id copied it; shared: undecided."
    )
    kind: str
    words: int
    similarity: float
    attributed: bool


class ArticleOut(BaseModel):
    """An article, its text (null when the corpus does not store texts) and its reuse."""

    article: ArticleInfo
    text: str | None
    content: list[tuple[int, int]]
    cluster_id: str | None
    stretches: list[StretchOut]


class ArticleListOut(BaseModel):
    """A page of articles."""

    total: int
    offset: int
    articles: list[ArticleInfo]


class InfoOut(BaseModel):
    """What this server holds."""

    kind: Literal["index", "scan", "none"]
    name: str
    articles: int
    can_query: bool
    texts: bool = Field(description="Whether article texts are available.")
    max_body_bytes: int


class RankRow(BaseModel):
    """An outlet (or article) in a ranking of copiers or sources."""

    key: str
    label: str
    pairs: int
    words: int
    articles: int


class ClusterRow(BaseModel):
    """A cluster in the overview."""

    cluster_id: str
    size: int
    origin: ArticleInfo | None
    outlets: int
    first_published: str | None
    last_published: str | None


class EdgeOut(BaseModel):
    """Copier -> source in the who-copies-whom graph."""

    copier: str
    source: str
    pairs: int
    words: int


class OverviewOut(BaseModel):
    """Figures and rankings of a scan."""

    figures: dict[str, int]
    group_by: Literal["outlet", "article"]
    clusters: list[ClusterRow]
    top_copiers: list[RankRow]
    most_copied: list[RankRow]
    edges: list[EdgeOut]


class ClusterMember(BaseModel):
    """An article of a cluster, in timeline order."""

    article: ArticleInfo
    is_origin: bool


class ClusterPair(BaseModel):
    """A pair inside a cluster."""

    a_id: str
    b_id: str
    source_id: str | None
    words: int


class ClusterOut(BaseModel):
    """A cluster: its articles earliest first (undated last) and its pairs."""

    cluster_id: str
    origin_id: str | None
    members: list[ClusterMember]
    pairs: list[ClusterPair]
