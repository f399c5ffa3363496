"""Visible text of HTML with a map back to the source, and trafilatura paragraph mapping."""

from __future__ import annotations

from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.htmltext import map_paragraphs, span_text, visible_text

FRAGMENTS = [
    "<p>",
    "</p>",
    "<div class='x'>",
    "</div>",
    "<b>",
    "</b>",
    "<br/>",
    "<script>var a = '<p>hidden</p>';</script>",
    "<style>p { color: red }</style>",
    "<!-- a comment -->",
    "&amp;",
    "&nbsp;",
    "&#8220;",
    "&eacute;",
    "\r\n",
    "\n",
    " ",
    "word",
    "Слово",
    "東京",
    "don’t",
    "“quoted”",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_every_visible_character_maps_to_its_source(parts: list[str]) -> None:
    html = "".join(parts)
    vis = visible_text(html)
    assert len(vis.text) == len(vis.starts) == len(vis.ends)
    for ch, s, e in zip(vis.text, vis.starts, vis.ends, strict=True):
        if s < 0:
            assert ch == "\n"  # a block break the walker inserted
            continue
        assert 0 <= s < e <= len(html)
        assert ch in unescape(html[s:e])
    assert "hidden" not in vis.text and "color" not in vis.text and "comment" not in vis.text


def test_visible_text_skips_head_and_scripts_and_breaks_blocks() -> None:
    html = (
        "<html><head><title>Page</title><style>b{}</style></head>"
        "<body><div>One<span>Two</span></div><p>Three &amp; four</p><script>x()</script></body>"
    )
    assert visible_text(html).text == "OneTwo\nThree & four"


def test_visible_text_maps_after_crlf_and_lone_cr() -> None:
    html = "<p>a</p>\r\n<p>b</p>\r<p>cafe&eacute;</p>"
    vis = visible_text(html)
    for ch, s, e in zip(vis.text, vis.starts, vis.ends, strict=True):
        if s >= 0 and not ch.isspace():
            assert unescape(html[s:e]) == ch


def test_source_spans_split_at_tags_not_inside_text_nodes() -> None:
    html = "<p>Talks <a href='#'>went</a> well &amp; ended.</p><p>Next</p>"
    vis = visible_text(html)
    lo = vis.text.index("Talks")
    hi = vis.text.index("ended.") + len("ended.")
    assert [html[s:e] for s, e in vis.source_spans(lo, hi)] == [
        "Talks ",
        "went",
        " well &amp; ended.",
    ]
    whole = vis.source_spans(0, len(vis.text))
    assert [html[s:e] for s, e in whole][-1] == "Next"


def test_map_paragraphs_finds_reformatted_paragraphs_in_order() -> None:
    html = (
        "<nav><a>Home</a> <a>World</a></nav>"
        "<h1>Ministers meet</h1>"
        "<p>The ministers   met\n in <i>Tokyo</i> on Monday.</p>"
        "<ul><li>First point</li><li>Second point</li></ul>"
        "<aside>Ministers meet again? Read more</aside>"
    )
    vis = visible_text(html)
    paragraphs = ["Ministers meet", "The ministers met in Tokyo on Monday.", "- First point"]
    spans = map_paragraphs(vis, paragraphs)
    pieces = [html[s:e] for s, e in spans]
    assert pieces == [
        "Ministers meet",
        "The ministers   met\n in ",
        "Tokyo",
        " on Monday.",
        "First point",
    ]


def test_map_paragraphs_ignores_lone_common_words() -> None:
    html = "<p>the menu</p><p>Ministers met in Tokyo on Monday.</p>"
    vis = visible_text(html)
    spans = map_paragraphs(vis, ["Ministers met the press in Tokyo on Monday."])
    assert [html[s:e] for s, e in spans] == ["Ministers met in Tokyo on Monday."]


def test_span_text_rejoins_inline_tags_and_separates_blocks() -> None:
    html = "<p>Talks <a href='#'>went</a> well &amp; ended.</p><p>Next&nbsp;day</p>"
    vis = visible_text(html)
    spans = vis.source_spans(0, len(vis.text))
    assert span_text(html, spans) == "Talks went well & ended.\n\nNext day"


def test_page_metadata_reads_what_trafilatura_reads() -> None:
    """``page_metadata`` runs trafilatura's metadata functions without the author,
    categories and licence: the title, date, site name and URL must stay the ones
    ``trafilatura.extract_metadata`` gives (a newer trafilatura could drift)."""
    import gzip
    from pathlib import Path

    from trafilatura import extract_metadata
    from trafilatura.utils import load_html

    from copytrace.htmltext import _DATE_FORMAT, page_metadata

    params = {
        "extensive_search": False,
        "original_date": True,
        "outputformat": _DATE_FORMAT,
        "deferred_url_extractor": True,
    }
    pages = sorted((Path(__file__).parent / "data" / "clean" / "scrapinghub" / "html").iterdir())
    assert len(pages) >= 5
    for path in pages:
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        ours, theirs = page_metadata(load_html(html)), extract_metadata(html, date_config=params)
        got = (ours.title, ours.date, ours.sitename, ours.url)
        assert got == (theirs.title, theirs.date, theirs.sitename, theirs.url), path.name
        assert ours.title
