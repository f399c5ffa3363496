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


def arrays(pieces: hv.Pieces) -> tuple[str, list[int], list[int]]:
    """What visible_text makes of the pieces: text, starts, ends."""
    parts, at, to = (list(x) for x in pieces)
    while at and at[-1] == -1:
        parts.pop()
        at.pop()
        to.pop()
    starts: list[int] = []
    ends: list[int] = []
    for piece, a, t in zip(parts, at, to, strict=True):
        node = t < 0 and a >= 0
        starts += [a + k if node else a for k in range(len(piece))]
        ends += [a + k + 1 if node else t for k in range(len(piece))]
    return "".join(parts), starts, ends


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
    assert arrays(hv._walk(html))[0] == visible_text(html).text


def test_scanner_reads_real_pages_as_html_parser_does() -> None:
    pages = sorted((DATA / "clean" / "scrapinghub" / "html").glob("*.html.gz"))
    pages += sorted((DATA / "ingest" / "folder").rglob("*.htm*"))
    assert len(pages) >= 7
    for path in pages:
        raw = path.read_bytes()
        html = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
        assert arrays(hv._scan(html)) == arrays(hv._walk(html)), path.name


# (the scanner follows Python 3.11.7's html.parser; later patch releases changed how
# it ends comments and raw text, so only that version is the reference)
@pytest.mark.skipif(sys.version_info[:3] != (3, 11, 7), reason="html.parser of 3.11.7")
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
        assert arrays(pieces) == arrays(hv._walk(html)), repr(html)
    assert scanned > 1500
