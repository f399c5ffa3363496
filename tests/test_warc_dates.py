"""A WARC record's date is when the page was fetched, not when it appeared: the
page's own date, when it names an earlier day, is the publication time (a crawl
fetches pages hours to months late, in no order; a reprint fetched first passed
for the source)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from copytrace.scan import ScanConfig, scan

BODY = (
    "<p>The port authority closed the inner harbour on Thursday afternoon after "
    "forecasters upgraded a gale warning for the coast, leaving more than forty fishing "
    "boats tied up along the north quay and the ferry terminal.</p><p>Harbour officials "
    "said the closure would last at least until Saturday morning, when the next forecast "
    "is due, and that ferry services to the islands were suspended until further notice "
    "while crews checked the breakwater for damage.</p><p>Fishermen said the early "
    "closure would cost them the best catch of the season, and the town council promised "
    "to discuss compensation at its meeting next week.</p>"
)


def _page(published: str, site: str, intro: str = "") -> bytes:
    return (
        f'<html><head><title>Harbour closed</title><meta property="og:site_name" '
        f'content="{site}"><meta property="article:published_time" content="{published}">'
        f"</head><body><nav>Home | News | Sport</nav><article><h1>Harbour closed</h1>"
        f"{intro}{BODY}</article><footer>© 2019 {site}</footer></body></html>"
    ).encode()


def _record(uri: str, fetched: str, payload: bytes) -> bytes:
    block = (
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uri[-8:]:0>8}>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: {fetched}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def test_the_page_date_before_the_crawl_date_is_the_publication_and_decides(
    tmp_path: Path,
) -> None:
    warc = tmp_path / "crawl.warc"
    original = "https://harbourherald.example/2019/11/18/harbour-closed"
    reprint = "https://coastgazette.example/2019/11/19/harbour-closed"
    warc.write_bytes(
        # the reprint was fetched first
        _record(
            reprint,
            "2019-11-20T08:00:00Z",
            _page(
                "2019-11-19T07:00:00+00:00",
                "Coast Gazette",
                "<p>Storm news from along the coast this week.</p>",
            ),
        )
        + _record(
            original, "2019-11-21T08:00:00Z", _page("2019-11-18T06:00:00+00:00", "Harbour Herald")
        )
    )
    out = tmp_path / "out"
    scan([warc], out, config=ScanConfig(jobs=1))
    arts = {r["url"]: r for r in pq.read_table(out / "articles.parquet").to_pylist()}
    assert arts[original]["published"].startswith("2019-11-18")
    assert arts[reprint]["published"].startswith("2019-11-19")
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()]
    assert len(pairs) == 1
    assert pairs[0]["source_id"] == arts[original]["id"]


def test_a_page_day_one_before_a_zoned_time_is_no_earlier() -> None:
    """A page's day is told in its own zone: 20:47 on the 22nd in California is the
    23rd in UTC, so a Last-Modified of the 23rd (UTC) and a page day of the 22nd
    are the same moment, and the time (not the day) is kept; two days earlier is
    a crawl's late fetch (session 26: on a generated crawl, 1,205 of 10,000 pages
    lost their time this way and 24 pairs their direction)."""
    from copytrace.htmltext import _publication

    assert _publication("2026-10-23T04:47:43+00:00", "2026-10-22") == "2026-10-23T04:47:43+00:00"
    assert _publication("2026-10-24T04:47:43+00:00", "2026-10-22") == "2026-10-22"
    assert _publication("2026-10-23", "2026-10-22") == "2026-10-22"  # (two days, no zone)


def _folder_page(published: str, site: str, url: str, intro: str = "") -> str:
    return (
        _page(published, site, intro)
        .decode()
        .replace("<title>", f'<link rel="canonical" href="{url}"><title>', 1)
    )


def test_a_folder_page_keeps_its_own_time_over_its_urls_day(tmp_path: Path) -> None:
    """A page saved to a folder has no fetch date: its markup's published time is its
    time, not the day its canonical URL names (htmldate read the URL first; two
    copies of one day compared equal and the direction was left open: a folder of
    10k generated pages, direction 0.806 -> 1.000, session 27)."""
    pages = tmp_path / "pages"
    pages.mkdir()
    # the reprint first in the folder, both URLs of the same day
    (pages / "a.html").write_text(
        _folder_page(
            "2019-11-18T15:30:00+00:00",
            "Coast Gazette",
            "https://coastgazette.example/2019/11/18/harbour-closed",
            "<p>Storm news from along the coast this week.</p>",
        ),
        encoding="utf-8",
    )
    (pages / "b.html").write_text(
        _folder_page(
            "2019-11-18T06:00:00+00:00",
            "Harbour Herald",
            "https://harbourherald.example/2019/11/18/harbour-closed",
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    scan([pages], out, config=ScanConfig(jobs=1))
    arts = {r["id"]: r for r in pq.read_table(out / "articles.parquet").to_pylist()}
    assert arts["a"]["published"] == "2019-11-18T15:30:00+00:00"
    assert arts["b"]["published"] == "2019-11-18T06:00:00+00:00"
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()]
    assert len(pairs) == 1
    assert pairs[0]["source_id"] == "b"


def test_a_page_dated_by_a_day_takes_the_time_its_json_ld_gives_that_day() -> None:
    """htmldate reads an ``article:published`` day before a script's precise time;
    the time (with its zone, within a day of that day) is the page's. Forbes's page
    was "2019-11-19" against Live Science's 23:30 UTC on the 18th and passed for the
    source; its JSON-LD says 03:05 UTC on the 19th (session 27)."""
    from copytrace.htmltext import extract_paragraphs

    head = '<meta property="article:published" content="2019-11-19">'
    script = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"dateCreated": "0001-01-01T00:00:00Z", "datePublished": "%s"}</script>'
    )
    body = f"<body><article><h1>Harbour closed</h1>{BODY}</article></body>"

    def page(when: str) -> str:
        return f"<html><head><title>Harbour</title>{head}{script % when}</head>{body}</html>"

    assert extract_paragraphs(page("2019-11-19T03:05:46Z")).published == (
        "2019-11-19T03:05:46+00:00"
    )
    assert extract_paragraphs(page("Tue Nov 19 2019 03:05:46 GMT+0000")).published == (
        "2019-11-19T03:05:46+00:00"
    )
    # a time far from the day, or without a zone, leaves the day
    assert extract_paragraphs(page("0001-01-01T00:00:00Z")).published == "2019-11-19"
    assert extract_paragraphs(page("2019-11-19T03:05:46")).published == "2019-11-19"


def test_a_time_without_a_zone_takes_the_zone_its_json_ld_shows() -> None:
    """htmldate reads a meta time without its zone; where the page's JSON-LD gives
    the same instant with a zone, the time is that instant (TechCrunch's "20:58:46"
    and "04:58:46Z" the next day: 8 of the 20 real pages with a time and no zone;
    its pair with VentureBeat, 07:03 UTC, was left undecided, session 28)."""
    from copytrace.htmltext import extract_paragraphs

    head = '<meta property="article:published_time" content="2019-11-18T20:58:46">'
    script = '<script type="application/ld+json">{"datePublished": "%s"}</script>'
    body = f"<body><article><h1>Harbour closed</h1>{BODY}</article></body>"

    def page(when: str) -> str:
        return f"<html><head><title>Harbour</title>{head}{script % when}</head>{body}</html>"

    assert extract_paragraphs(page("2019-11-19T04:58:46Z")).published == (
        "2019-11-18T20:58:46-08:00"
    )
    assert extract_paragraphs(page("2019-11-19T04:58:46.403Z")).published == (
        "2019-11-18T20:58:46-08:00"
    )
    assert extract_paragraphs(page("Mon, 18 Nov 2019 20:58:46 +0000")).published == (
        "2019-11-18T20:58:46+00:00"
    )
    # another instant (not a whole quarter hour away), or no zone: no zone
    assert extract_paragraphs(page("2019-11-19T04:59:46Z")).published == "2019-11-18T20:58:46"
    assert extract_paragraphs(page("2019-11-18T20:58:46")).published == "2019-11-18T20:58:46"


def test_a_day_takes_the_time_a_published_meta_tag_or_element_marks() -> None:
    """htmldate passes over an ``article:published_time`` with milliseconds
    ("2019-11-18T18:54:53.000Z": The Guardian's and the NYTimes's pages came out
    as days) and reads a day first where an element holds the time as its text
    (Business Insider Deutschland); such marked times are the page's (session 28)."""
    from copytrace.htmltext import extract_paragraphs

    body = f"<body><article><h1>Harbour closed</h1>{BODY}</article></body>"

    def page(head: str, inside: str = "") -> str:
        return f"<html><head><title>Harbour</title>{head}</head>{body}{inside}</html>"

    meta = '<meta property="article:published_time" content="2019-11-18T18:54:53.000Z">'
    day = '<meta property="article:published" content="2019-11-18">'
    assert extract_paragraphs(page(day + meta)).published == "2019-11-18T18:54:53+00:00"
    day = '<meta property="article:published" content="2019-11-13">'
    held = '<div itemprop="datePublished">2019-11-13T23:06:00+01:00</div>'
    assert extract_paragraphs(page(day, held)).published == "2019-11-13T23:06:00+01:00"
    # an update's time is not the publication's
    updated = '<time class="updated" datetime="2019-11-13T23:06:00+01:00">Nov 13</time>'
    assert extract_paragraphs(page(day, updated)).published == "2019-11-13"


def test_a_page_whose_markup_names_no_date_takes_the_stamp_above_its_article() -> None:
    """htmldate finds no date in a page without date markup; the stamp a reader sees
    above the article is the page's time, as the text cleaner reads it (a Chinese
    portal's "2018年05月21日 09:56（北京时间） 来源：塔斯社"; a German blog's
    "publiziert am 25. September 2018" among the 181 real pages, session 29)."""
    from copytrace.htmltext import clean_html
    from copytrace.model import Article

    zh = (Path(__file__).parent / "data" / "cjk" / "zh_page.html").read_text(encoding="utf-8")
    art = clean_html(Article("zh", zh, is_html=True))
    assert art.published == "2018-05-21T09:56:00+08:00"
    assert "来源" not in "".join(zh[s:e] for s, e in art.content)

    def page(stamp: str) -> str:
        return (
            "<html><head><title>Harbour</title></head><body><nav>Home | News</nav>"
            f"<h1>Harbour closed</h1><div class='by'>By Ann Lee {stamp}</div>"
            f"<article>{BODY}</article><footer>Related: Ferries back</footer></body></html>"
        )

    assert clean_html(Article("en", page("| Nov. 19, 2019"), is_html=True)).published == (
        "2019-11-19"
    )
    # no stamp above or in the article: no time
    assert clean_html(Article("none", page(""), is_html=True)).published is None
