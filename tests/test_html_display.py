"""An HTML article is shown as a reader sees it (report.html, the web viewer):
its text nodes, not its markup. A scan of real pages showed each article's
whole source, tags and all, greyed as chrome."""

from __future__ import annotations

import re

from copytrace.clean import clean
from copytrace.htmltext import readable_html
from copytrace.model import Article
from copytrace.report.html import render_text
from copytrace.web.views import Mark, text_segments

PAGE = (
    "<html><head><title>Talks</title><style>p{color:red}</style>"
    "<script>var ads = ['<b>x</b>'];</script></head><body>"
    '<nav><a href="/">Home</a> | <a href="/world">World</a></nav><article>'
    "<p>The ministers of Japan &amp; Russia agreed on Monday to hold "
    '<a href="/t/talks">two-plus-two talks</a> in the autumn, officials said after a '
    "meeting in Moscow that ran late into the night.</p>\n    <p>The talks would be the "
    "first of their kind since 2013 and are expected to cover missile defense, fishing "
    "rights and visits by former residents to the disputed islands.</p>"
    "</article><footer>© 2026 Harbour Herald</footer></body></html>"
)


def _article() -> Article:
    art = clean(Article("h", PAGE, is_html=True))
    assert art.content  # (trafilatura found the article)
    return art


def test_report_shows_an_html_article_without_its_markup() -> None:
    art = _article()
    start = PAGE.index("two-plus-two")
    shown = render_text(art, [(start, start + len("two-plus-two talks"), "mark")])
    assert "&lt;" not in shown and "color:red" not in shown and "var ads" not in shown
    assert "Japan &amp; Russia" in shown  # (the entity decoded, then escaped once)
    assert "<mark>two-plus-two talks</mark>" in shown
    words = re.sub(r"<[^>]*>", "", shown)
    assert "hold two-plus-two talks in the autumn" in words  # (a tag: one space)
    assert "Talks" not in words.split("The ministers")[0]  # (the <title>: not on the page)


def test_viewer_segments_of_an_html_article_hold_its_text_and_source_offsets() -> None:
    art = _article()
    start = PAGE.index("two-plus-two")
    segs = text_segments(art.text, art.content, [Mark(start, start + 12, "p")], is_html=True)
    assert not any("<" in s.text for s in segs)
    marked = [s for s in segs if s.mark == "p"]
    assert [s.text for s in marked] == ["two-plus-two"] and marked[0].start == start
    text = "".join(s.text for s in segs)
    assert "Japan & Russia" in text and "Home | World" in text  # (chrome text, greyed)
    # plain text is shown as it stands
    plain = text_segments("a <b> c", [(0, 7)])
    assert [s.text for s in plain] == ["a <b> c"]


def test_readable_html_collapses_source_layout_and_breaks_at_blocks() -> None:
    assert readable_html("The\n   <a href='x'>cat</a>\n sat") == "The cat sat"
    assert readable_html("one</p>\n\n  <p>two<br>three") == "one\ntwo\nthree"
    assert readable_html("<!-- hidden --><svg><text>no</text></svg>&lt;tag&gt;") == " <tag>"
