"""content_breaks, by span, equals the token-by-token definition."""

from __future__ import annotations

import random

import numpy as np

from copytrace.align import content_breaks
from copytrace.text import tokenize


def _breaks_by_token(text: str, spans: list[tuple[int, int]], starts: list[int]) -> list[int]:
    """The definition: token ``k`` starts a break when its span (the last one
    starting at or before it) differs from token ``k-1``'s and what lies between
    the two spans is not whitespace."""
    if len(spans) < 2 or not starts:
        return []
    span_starts = np.array([s for s, _ in spans], np.int64)
    span = np.searchsorted(span_starts, np.array(starts, np.int64), "right") - 1
    out = []
    for k in range(1, len(starts)):
        prev, cur = int(span[k - 1]), int(span[k])
        if prev != cur and prev >= 0 and text[spans[prev][1] : spans[cur][0]].strip():
            out.append(k)
    return out


def test_content_breaks_matches_definition_on_random_spans() -> None:
    rng = random.Random(7)
    pieces = ["word", "two", "MENU", "\n", " ", "\n\n", "x.", "Share", "  "]
    for _ in range(400):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", "\n"]) for _ in range(60))
        cuts = sorted(rng.sample(range(len(text) + 1), rng.randrange(2, 14)))
        spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        if rng.random() < 0.3:  # some empty or touching spans
            spans = sorted([*spans, (spans[0][1], spans[0][1])])
        tokens = tokenize(text)  # also tokens outside the spans (before the first)
        assert content_breaks(text, spans, tokens) == _breaks_by_token(text, spans, tokens.starts)
        inner = tokenize(text, spans)
        assert content_breaks(text, spans, inner) == _breaks_by_token(text, spans, inner.starts)


def test_content_breaks_example() -> None:
    text = "one two\nMENU\nthree four\n\nfive"
    spans = [(0, 7), (13, 23), (25, 29)]
    assert content_breaks(text, spans, tokenize(text, spans)) == [2]


def test_html_paragraph_markup_is_no_break_but_what_a_page_shows_between_is() -> None:
    """Session 26: an HTML article's paragraphs are content spans with "</p>\\n<p>"
    between them, and a passage over two paragraphs stopped there (a generated
    crawl's passage character recall 0.941, its text's 0.986; now 0.996). A link
    inside a paragraph split passages the same way."""
    from copytrace.compare import compare
    from copytrace.htmltext import clean_html
    from copytrace.model import Article

    paras = [
        "The council voted on Tuesday to close the old bridge to lorries from next spring.",
        "Engineers found that two of its piers had been weakened by years of floods.",
        "Residents said the detour would add twenty minutes to each trip into town.",
    ]
    html = (
        f"<article><p>{paras[0]}</p>\n<p>{paras[1][:20]}<a href='/x'>{paras[1][20:40]}</a>"
        f"{paras[1][40:]}</p>\n<div class='ad'>Advertisement</div>\n<p>{paras[2]}</p></article>"
    )
    art = clean_html(Article("h", html, is_html=True), chrome=frozenset())
    tokens = tokenize(html, art.content, is_html=True)
    breaks = content_breaks(html, art.content, tokens, is_html=True)
    words = tokens.words
    # one break: before the paragraph after the ad, none at the link or the first "</p><p>"
    assert [words[k] for k in breaks] == ["residents"]
    assert content_breaks(html, art.content, tokens) != breaks  # (as text: every tag breaks)
    text = " ".join(paras)
    result = compare(Article("t", text, content=((0, len(text)),)), art)
    lengths = sorted(p.words for p in result.passages)
    assert lengths[-1] >= 25  # the first two paragraphs as one passage
