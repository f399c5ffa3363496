"""Mapping trafilatura's paragraphs back onto a page that repeats its words
(session 21).

difflib's matcher over the extracted and the visible words is quadratic when
words repeat: a page of 60,000 list rows took over two minutes to clean (a
folder scan with it ran past ten), a 20,000-row table of numbers 25 s. Past
``MATCH_PAIRS_MAX`` word pairs the words are matched in one forward pass.
"""

from __future__ import annotations

from pathlib import Path

from copytrace import htmltext
from copytrace.htmltext import (
    MATCH_PAIRS_MAX,
    _match_pairs,
    forward_blocks,
    map_paragraphs,
    visible_text,
)
from copytrace.model import Article

DATA = Path(__file__).parent / "data" / "scan" / "paragraphs.txt"


def _paragraphs() -> list[str]:
    return [p for p in DATA.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 40]


def test_forward_blocks_match_a_text_inside_repeats() -> None:
    a = ["talks", "went", "well", "and", "the", "ministers", "met", "again"]
    b = ("the list the list " * 50 + "menu talks went well and the ministers met again end").split()
    blocks = forward_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    matched = [w for i, _, n in blocks for w in a[i : i + n]]
    assert matched == a
    i, j, n = blocks[0]
    assert b[j : j + n] == a[i : i + n]


def test_forward_blocks_skip_words_the_page_does_not_hold() -> None:
    a = ["talks", "went", "well", "inserted", "words", "here", "and", "the", "ministers", "met"]
    b = ["talks", "went", "well", "and", "the", "ministers", "met"]
    blocks = forward_blocks(a, b)
    assert [(i, j, n) for i, j, n in blocks if n] == [(0, 0, 3), (6, 3, 4)]


def _rows_page(n: int) -> tuple[str, list[str], int]:
    """A page of ``n`` list rows before a two-paragraph article: its HTML, what
    trafilatura would extract (rows and paragraphs), and the word pairs the matcher
    may visit."""
    paras = _paragraphs()[:2]
    rows = "".join(f"<li>Row {i} of the list with some words</li>" for i in range(n))
    html = f"<html><body><ul>{rows}</ul><article>" + "".join(f"<p>{p}</p>" for p in paras)
    html += "</article></body></html>"
    extracted = [*(f"Row {i} of the list with some words" for i in range(n)), *paras]
    words = [w for p in extracted for w in htmltext.tokenize(p).words]
    return html, extracted, _match_pairs(words, htmltext.tokenize(visible_text(html).text).words)


def _mapped(html: str, extracted: list[str]) -> str:
    text = " ".join(html[s:e] for s, e in map_paragraphs(visible_text(html), extracted))
    assert all(p in text for p in _paragraphs()[:2])
    return text


def test_a_page_of_repeated_rows_maps_its_article_by_the_forward_pass(monkeypatch) -> None:
    html, extracted, pairs = _rows_page(3000)
    assert pairs > MATCH_PAIRS_MAX
    used = []
    real = htmltext.forward_blocks
    monkeypatch.setattr(htmltext, "forward_blocks", lambda a, b: used.append(1) or real(a, b))
    assert "Row 2999 of the list with some words" in _mapped(html, extracted)
    assert used


def test_ordinary_pages_keep_difflib(monkeypatch) -> None:
    paras = _paragraphs()[:3]
    html = "<html><body><nav>Home | News</nav><article>" + "".join(f"<p>{p}</p>" for p in paras)
    html += "</article></body></html>"
    monkeypatch.setattr(htmltext, "forward_blocks", None)  # (would fail if called)
    art = htmltext.clean_html(Article("p", html, is_html=True))
    kept = " ".join(html[s:e] for s, e in art.content)
    assert all(p in kept for p in paras)


def test_a_page_of_a_thousand_rows_keeps_the_matcher(monkeypatch) -> None:
    # (7M word pairs: past the pure-Python difflib's budget, within cydifflib's)
    html, extracted, pairs = _rows_page(1000)
    assert 1_000_000 < pairs <= MATCH_PAIRS_MAX
    monkeypatch.setattr(htmltext, "forward_blocks", None)  # (would fail if called)
    assert "Row 999 of the list with some words" in _mapped(html, extracted)
