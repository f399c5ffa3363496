"""The visible-text scanner: html.parser's tokenization, each character mapped to its source."""

from __future__ import annotations

import gzip
import random
import sys
from pathlib import Path

import pytest

from copytrace import htmlvisible as hv
from copytrace.htmlvisible import visible_text

DATA = Path(__file__).parent / "data"


def same(html: str, pieces: hv.Pieces) -> bool:
    """``pieces`` give the visible text and map html.parser's pieces give."""
    a, b = hv.assembled(pieces, html), hv.assembled(hv._walk(html), html)
    return a.text == b.text and (a.starts == b.starts).all() and (a.ends == b.ends).all()


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a<br/>b</p>", "a\nb"),
        # (a bare value takes the "/": a start tag, but <script .../> closes itself)
        ("<a href=x/>link</a> <script src='x' />after", "link after"),
        ("<script>if (a<b) {}</SCRIPT >x", "x"),
        ("<p>x &amp y &#39; z</p>", "x & y ' z"),
        ("a < b <3", "a < b <3"),
        ("<p x='1'y>t</p>", "t"),
        ("<head><title>T</title><body>B", "B"),
        ("<!-- c -->k<!doctype html><?pi ?>l", "kl"),
        ("</p x>m</>n", "mn"),
        ("<p>a</p><style>p{}</style>", "a"),
        ("<div>one<script>never closed", "one"),
        ("<svg><text>no</text></svg>&lt;tag&gt;", "<tag>"),
    ],
)
def test_visible_text_of_tricky_markup(html: str, text: str) -> None:
    v = visible_text(html)
    assert v.text == text
    for ch, s, e in zip(v.text, v.starts.tolist(), v.ends.tolist(), strict=True):
        if s >= 0:  # (each character from its source: itself, or the reference it decodes)
            assert hv.unescape(html[s:e]) == ch or html[s:e] == ch
        else:
            assert ch == "\n"


def test_a_reference_maps_to_the_whole_reference() -> None:
    html = "<p>x &amp y &#39; z</p>"
    v = visible_text(html)
    assert [html[s:e] for s, e in zip(v.starts.tolist(), v.ends.tolist(), strict=True)] == [
        "x",
        " ",
        "&amp",
        " ",
        "y",
        " ",
        "&#39;",
        " ",
        "z",
    ]


@pytest.mark.parametrize("html", ["x &#; y", "a &amp", "<p>cut <a href='x", "<![CDATA[x]]>y <"])
def test_what_html_parser_reads_in_a_second_pass_goes_to_it(html: str) -> None:
    with pytest.raises(hv._Unusual):
        hv._scan(html)
    assert hv.assembled(hv._walk(html), html).text == visible_text(html).text


# (the scanner follows Python 3.11.7's html.parser; 3.11.14 changed how it ends
# comments, tags and raw text (CPython gh-102555, gh-135661), so only that version
# is the reference)
HTML_PARSER_3_11_7 = pytest.mark.skipif(
    sys.version_info[:3] != (3, 11, 7), reason="the reference is html.parser of 3.11.7"
)


@HTML_PARSER_3_11_7
def test_scanner_reads_real_pages_as_html_parser_does() -> None:
    pages = sorted((DATA / "clean" / "scrapinghub" / "html").glob("*.html.gz"))
    pages += sorted((DATA / "ingest" / "folder").rglob("*.htm*"))
    assert len(pages) >= 7
    for path in pages:
        raw = path.read_bytes()
        html = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
        assert same(html, hv._scan(html)), path.name


@HTML_PARSER_3_11_7
def test_scanner_matches_html_parser_on_fuzzed_markup() -> None:
    fragments = [
        "text ", "<p>", "</p>", "<div class='a b'>", "<br/>", "<a href=x/>", "</a>",
        "<a href=\"y\" data-x='1'>", "<img src=a.jpg/>", "<script>", "</script>",
        "<script src='x' />", "</SCRIPT >", "<style>p{}</style>", "<title>T</title>",
        "<head>", "<body>", "<svg><text>s</text></svg>", "<!-- c -->", "<!---->",
        "<!doctype html>", "<!x>", "<?php x ?>", "&amp;", "&amp", "&nbsp;x", "&#39;",
        "&#x27;", "&#39", "& ", "&unknown;", "<", "< p>", "<3", "</>", "</ p>", "</p x>",
        "<p/x>", "<a b='c'd>", "<a =x>", "<div\n class=x\n>", "\r\n", "é", "“q”",
        "<noscript>n</noscript>", "<a b c>", "<a/b>", "<a b=>", "<a b==c>", "<p\x00>",
    ]  # fmt: skip
    rng = random.Random(5)
    scanned = 0
    for _ in range(3000):
        html = "".join(rng.choices(fragments, k=rng.randint(1, 30)))
        try:
            pieces = hv._scan(html)
        except hv._Unusual:
            continue
        scanned += 1
        assert same(html, pieces), repr(html)
    assert scanned > 1500
