"""Builds what the web viewer tests serve: a real scan and a real index of ``corpus.jsonl``.

Loaded by path from tests/test_web_*.py (``load_build()``), so the three test
modules share one scan and one index per session under pytest's base temp dir.
"""

from __future__ import annotations

import json
from pathlib import Path

from copytrace.ingest.jsonl import read_jsonl
from copytrace.model import Article

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
NIKKEI_ID = "nikkei-2018-05-20"
TASS_ID = "tass-2018-05-21"
TASS_PAGE = HERE.parents[2] / "examples" / "000_3f926fbd34ea6708.txt"

# The paragraph two hostile articles share, so they pair, cluster and get drawn.
SHARED = (
    "The harbour authority confirmed on Tuesday that the night ferry between the two "
    "islands will stop running at the end of the month, citing rising fuel costs and a "
    "shortage of qualified engineers, and said talks with the operator had failed."
)
SCRIPT = "<script>window.__pwned = 'script'; alert('script in text')</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'; alert('onerror in text')\">"
LINK = "<a href=\"javascript:alert('link in text')\">read more</a>"
HOSTILE_TITLE = "<script>alert('title')</script><b onmouseover=alert('title')>Ferry</b>"
HOSTILE_SOURCE = "<svg onload=alert('source')>Evil Outlet</svg>"
HOSTILE_URL = "javascript:alert('url')"
HOSTILE_TEXT = (
    f"Ferry news {SCRIPT}\n\n"
    f"{SHARED} {IMG}\n\n"
    f"Residents were not told in advance. {LINK}\n\n"
    "\"><script>alert('breakout')</script> {{ 7 * 7 }} ${7*7}\n"
)
HOSTILE_ROWS = [
    {
        "id": "hostile-1\"><script>alert('id')</script>",
        "text": HOSTILE_TEXT,
        "title": HOSTILE_TITLE,
        "source": HOSTILE_SOURCE,
        "published": "2019-11-20T08:00:00+00:00",
        "url": HOSTILE_URL,
    },
    {
        "id": "hostile-2",
        "html": (
            "<html><head><title>Island news <script>alert('html title')</script></title></head>"
            f"<body><article><h1>Island ferry to stop</h1><p>{SHARED}</p>"
            "<p onclick=\"alert('p')\">The operator declined to comment on the decision.</p>"
            "<script>alert('inline html script')</script></article></body></html>"
        ),
        "title": "Island ferry <iframe src=javascript:alert('iframe')></iframe>",
        "source": '<i>Other</i> "Outlet"',
        "published": "2019-11-20T11:00:00+00:00",
        "url": "https://example.com/\"onmouseover=\"alert('attr')",
    },
]


def load_articles(path: Path = CORPUS) -> list[Article]:
    """The articles of a JSON Lines corpus (fails on any rejected record)."""
    out: list[Article] = []
    for item in read_jsonl(path):
        if not isinstance(item, Article):
            raise AssertionError(f"test corpus record rejected: {item}")
        out.append(item)
    return out


def index_articles() -> list[Article]:
    """The corpus without TASS: the index a pasted TASS page is matched against."""
    return [a for a in load_articles() if a.id != TASS_ID]


def write_hostile(path: Path) -> Path:
    """Hostile articles plus two ordinary ones from the corpus, as JSON Lines."""
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines()[:2]]
    with path.open("w", encoding="utf-8") as fh:
        for row in [*rows, *HOSTILE_ROWS]:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def build_scan(corpus: Path, out: Path, *, with_index: bool = True) -> Path:
    """Scan ``corpus`` into ``out`` (and index it, TASS left out, into ``out/index.duckdb``)."""
    from copytrace.scan import scan

    if not (out / "articles.parquet").is_file():
        scan([str(corpus)], out, jobs=1)
    if with_index and not (out / "index.duckdb").is_file():
        build_index(out / "index.duckdb", [a for a in load_articles(corpus) if a.id != TASS_ID])
    return out


def build_index(db: Path, articles: list[Article]) -> Path:
    """An index file holding ``articles``."""
    from copytrace.index import Index

    if not db.is_file():
        index = Index(str(db))
        try:
            index.add(articles)
        finally:
            close = getattr(index, "close", None)
            if close is not None:
                close()
    return db
