"""Hard-wrapped text (line breaks inside sentences): the pieces are one line.

Fixed-width wire copy, e-mail, OCR and Project Gutenberg texts break every line
at a column. The line model read each piece as a short line of chrome and kept
7% of such an article; a scan of the PAN 2013 texts as folders found 76% of
their verbatim-copy pairs for it (93% with the breaks joined).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from copytrace.clean import (
    WRAPPED_SHARE,
    article_text,
    clean,
    clean_many,
    line_spans,
)
from copytrace.compare import compare
from copytrace.model import Article

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHROME = "Home | World | Business | Tech\nSubscribe\n\n"
FOOTER = "\n\nShare  Tweet  Email\n"


def _body() -> list[str]:
    page = (EXAMPLES / "004_3080a4ee7dd42127.txt").read_text(encoding="utf-8")
    return [p for p in article_text(clean(Article("n", page))).split("\n") if p.strip()]


def _wrapped(width: int) -> str:
    return "\n\n".join(textwrap.fill(p, width) for p in _body())


def test_a_hard_wrapped_article_is_kept_whole_and_its_chrome_dropped() -> None:
    body = _wrapped(64)
    page = CHROME + body + FOOTER
    art = clean(Article("w", page))
    kept = sum(e - s for s, e in art.content)
    assert kept >= 0.9 * len(body)  # (was 7%: each piece looked like a chrome line)
    lo, hi = len(CHROME), len(CHROME) + len(body)
    assert all(lo <= s and e <= hi for s, e in art.content)  # no menu, no share bar
    assert "\n" in page[slice(*art.content[0])]  # one span runs over the wrapped lines
    assert clean_many([Article("w", page)])[0].content == art.content


def test_only_breaks_inside_sentences_join_and_blank_lines_still_part() -> None:
    text = (
        "The ministers met in Tokyo\non Monday and agreed to meet\nagain in the autumn.\n"
        "Talks went on late into the\nnight, officials said\n\nthe next day they flew\n"
        "home to prepare.\n"
    )
    got = [text[s:e] for s, e in line_spans(text)]
    assert got == [
        "The ministers met in Tokyo\non Monday and agreed to meet\nagain in the autumn.",
        "Talks went on late into the\nnight, officials said",  # (a blank line follows)
        "the next day they flew\nhome to prepare.",
    ]


def test_a_page_with_a_few_lowercase_lines_is_not_read_as_wrapped() -> None:
    # a menu in lowercase and a caption's second line: 3 of 11 line breaks, under
    # WRAPPED_SHARE, so every line stays a line
    lines = [
        "Home", "news", "sport", "Minister says talks went well",
        "The minister said on Monday that the talks had gone well.",
        "Both sides will meet again in the autumn, officials said.", "Photo by",
        "staff photographer", "The talks ran late into the night.", "Share this",
        "Most read", "Weather warning for the coast",
    ]  # fmt: skip
    text = "\n".join(lines)
    assert 3 / (len(lines) - 1) < WRAPPED_SHARE
    assert [text[s:e] for s, e in line_spans(text)] == lines


def test_two_copies_wrapped_at_different_widths_align_as_one_text() -> None:
    a = clean(Article("a", CHROME + _wrapped(64) + FOOTER))
    b = clean(Article("b", _wrapped(78) + FOOTER))
    result = compare(a, b)
    covered = sum(p.b_end - p.b_start for p in result.passages)
    assert covered >= 0.85 * len(_wrapped(78))
    for p in result.passages:  # the spans hold the same text, line breaks apart
        if p.kind == "verbatim":
            assert _squeezed(a.text[p.a_start : p.a_end]) == _squeezed(b.text[p.b_start : p.b_end])


def _squeezed(text: str) -> str:
    return "".join(text.split())
