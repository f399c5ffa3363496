"""Regenerate ``corpus.jsonl``: the small news corpus the web viewer tests scan and index.

Not run by the tests (the output is committed). It needs the evaluation data in
../shared (``/work/shared/data/extraction/scrapinghub``, MIT licence, see its
LICENSE) and the seed pair in examples/::

    .venv/bin/python tests/data/web/make_corpus.py /work/shared/data/extraction/scrapinghub

The corpus holds

* the seed pair as raw page text (Nikkei, the source; TASS, the rewrite);
* real articles of the scrapinghub benchmark, several of them different
  outlets' versions of one wire story (Europa water plumes, the Fort Worth
  rescue, the Ilhan Omar threat, the South Dakota meth campaign);
* three derived articles with a known history: a reprint of a Reuters story
  with a new intro and copy edits, a reprint of that reprint, and a blog post
  quoting one paragraph;
* unrelated articles.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent / "corpus.jsonl"

# Benchmark page id prefix -> published time (from the article URL's date, or its wire day).
PAGES = {
    "14cc2a0ca5": "2019-11-19T15:10:00+00:00",  # sciencealert, Europa water
    "686bb170ef": "2019-11-18T20:30:00+00:00",  # space.com, Europa water
    "2c46804d9d": "2019-11-19T02:00:00+00:00",  # cbsnews, Fort Worth rescue
    "51d066b060": "2019-11-18T23:40:00+00:00",  # nbcdfw, Fort Worth rescue
    "6ebac05f63": "2019-11-19T17:00:00+00:00",  # thehill, Omar threat
    "7a457a4f71": "2019-11-19T15:45:00+00:00",  # nbcnews, Omar threat
    "156770d676": "2019-11-19T19:00:00+00:00",  # thehill, meth campaign
    "3f65af7b6b": "2019-11-19T21:00:00+00:00",  # nj.com, meth campaign
    "57d46c9d75": "2019-11-19T01:30:00+00:00",  # reuters, Asian shares
    "360c732d1f": "2019-11-19T09:00:00+00:00",  # cityam, Alibaba listing
    "374ac9a59a": "2019-11-20T10:00:00+00:00",  # cnbc, Emirates order
    "70cb2d5bca": "2019-11-19T12:00:00+00:00",  # bbc
    "06e5123e4e": "2019-11-18T18:00:00+00:00",  # venturebeat, WeWork
}
REUTERS = "57d46c9d75"
EDITS = [("said", "says"), ("percent", "%"), ("on Tuesday", "Tuesday"), ("shares", "stocks")]


def title_from_url(url: str) -> str:
    """A readable title from the last meaningful URL path segment."""
    parts = [p for p in urlparse(url).path.split("/") if p and not p.isdigit()]
    slug = max(parts, key=len) if parts else url
    slug = re.sub(r"\.(html?|php)$", "", slug)
    slug = re.sub(r"(-\d+|-idUS\w+)+$", "", slug)
    words = [w for w in re.split(r"[-_]+", slug) if w and not re.fullmatch(r"[a-z]?\d+", w)]
    return " ".join(words).capitalize()


def host(url: str) -> str:
    h = urlparse(url).netloc.lower()
    return h[4:] if h.startswith("www.") else h


def main(bench_dir: str) -> None:
    truth = json.loads((Path(bench_dir) / "ground-truth.json").read_text("utf-8"))
    by_prefix = {k[:10]: v for k, v in truth.items()}
    rows: list[dict[str, str]] = []
    rows.append(
        {
            "id": "nikkei-2018-05-20",
            "text": (ROOT / "examples/004_3080a4ee7dd42127.txt").read_text("utf-8"),
            "source": "Nikkei Asian Review",
            "published": "2018-05-20T06:00:00+09:00",
            "url": "https://asia.nikkei.com/Politics/International-relations/"
            "Japan-and-Russia-plan-high-level-talks-on-defense-diplomacy",
        }
    )
    rows.append(
        {
            "id": "tass-2018-05-21",
            "text": (ROOT / "examples/000_3f926fbd34ea6708.txt").read_text("utf-8"),
            "source": "TASS",
            "published": "2018-05-21T09:56:00+03:00",
            "url": "https://tass.com/politics/1005300",
        }
    )
    for prefix, published in PAGES.items():
        page = by_prefix[prefix]
        rows.append(
            {
                "id": f"{host(page['url']).split('.')[0]}-{prefix[:6]}",
                "text": page["articleBody"],
                "title": title_from_url(page["url"]),
                "source": host(page["url"]),
                "published": published,
                "url": page["url"],
            }
        )
    wire = by_prefix[REUTERS]["articleBody"].split("\n\n")
    edited = []
    for para in wire[:9]:
        for old, new in EDITS:
            para = para.replace(old, new, 1)
        edited.append(para)
    courier = [
        "Markets across the region had a nervous start to the day, our business desk reports.",
        *edited,
        "(Reporting by Reuters; additional reporting by the Daily Courier.)",
    ]
    rows.append(
        {
            "id": "courier-markets",
            "text": "\n\n".join(courier),
            "title": "Asian stocks slip as trade doubts return",
            "source": "Daily Courier",
            "published": "2019-11-19T06:15:00+00:00",
            "url": "https://courier.example/business/asian-stocks-slip",
        }
    )
    post = [
        "Trade worries weighed on Asian markets again, the Daily Courier reported.",
        *edited[:6],
    ]
    rows.append(
        {
            "id": "post-markets",
            "text": "\n\n".join(post),
            "title": "Trade worries weigh on Asia",
            "source": "Evening Post",
            "published": "2019-11-19T16:40:00+00:00",
            "url": "https://eveningpost.example/markets/trade-worries",
        }
    )
    own = by_prefix["374ac9a59a"]["articleBody"].split("\n\n")
    blog = [
        "Two stories caught my eye this week. First, airlines keep buying jets.",
        *own[:2],
        "Second, markets are jittery. As Reuters put it:",
        f"\u201c{wire[2]}\u201d",
        "Make of that what you will.",
    ]
    rows.append(
        {
            "id": "blog-week",
            "text": "\n\n".join(blog),
            "title": "What I read this week",
            "source": "Metro Blog",
            "published": "2019-11-21T08:00:00+00:00",
            "url": "https://metroblog.example/2019/11/21/week",
        }
    )
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/extraction/scrapinghub")
