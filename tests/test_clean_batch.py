"""The cleaner's batch path (``clean_many``, ``_new_lines``) against the one-line path."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from copytrace import clean as cl
from copytrace import clean_batch as cb
from copytrace.model import Article
from copytrace.stoplists import page_stoplist

ROOT = Path(__file__).resolve().parent.parent

# Odd fragments: characters that lower or casefold oddly, near-ASCII punctuation,
# separators, stamps, templates, glue, bullets and closers.
_FRAGMENTS = (
    *"İıſKßﬁ©®™—–·›‹«»…•″′“”„‘’éćÅ²½",
    *("ABC", "Ab", "aB", "x.y", "'s", "..", "''", "2019", "1.5", "3:45", "|", " / ", " | "),
    *("http://a.b", "a@b.co", "www.x", "{{x}}", "[[a]]", "<%x%>", "${a}", "Photo: AFP"),
    *("Reuters", "\t", "\x0b", "\x1c", "\u00a0", "_", "-", "12.", "Share", "Sign up", "says:"),
    *("May 3, 2019", "Updated 9:56 UTC+3", "CamelCaseWord", "Title?Next", "” ", "!”)", "•  "),
    *("© 2026 The Springbury Times", "access to The Daily Post has expired", "don’t miss"),
    *("Привет", "日本語", "3 Comments", "Related stories", "(@handle)", "— ", "– 4"),
    *("Image copyright ", "All rights reserved", "copyright 2019", "© ", "ⓒ", "무단전재"),
)


def _fuzzed_lines(texts: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = [t[s:e] for t in texts for s, e in cl.line_spans(t)]
    out = list(lines)
    for line in lines:
        chars = list(line)
        for _ in range(rng.randint(1, 4)):
            p = rng.randint(0, len(chars))
            chars[p:p] = rng.choice(_FRAGMENTS)
        fuzzed = "".join(chars).strip()
        if fuzzed:
            out.extend(fuzzed[s:e] for s, e in cl.line_spans(fuzzed))
    return list(dict.fromkeys(out))


def _same_line(a: cl._Line, b: cl._Line) -> None:
    assert a.text == b.text
    assert list(a.words) == list(b.words), a.text
    assert (a.key, a.glued, a.template, a.nwords, a.hard) == (
        b.key,
        b.glued,
        b.template,
        b.nwords,
        b.hard,
    ), a.text
    assert a.row.tobytes() == b.row.tobytes(), (
        a.text,
        [
            (name, x, y)
            for name, x, y in zip(cl.FEATURES, a.row, b.row, strict=True)
            if np.float64(x).tobytes() != np.float64(y).tobytes()
        ],
    )
    assert (a.stops, a.stop_counts, a.prefix) == (b.stops, b.stop_counts, b.prefix), a.text
    assert a.entry == b.entry, a.text
    assert a.content_words() == b.content_words(), a.text
    assert a.stamp() == b.stamp(), a.text
    assert a.publisher() == b.publisher(), a.text
    assert a.title_parts() == b.title_parts(), a.text


@pytest.mark.parametrize("seed", [1, 2])
def test_batch_lines_equal_one_by_one_lines(seed: int, bundled_pages: list[str]) -> None:
    lines = _fuzzed_lines(bundled_pages, seed)
    assert len(lines) > 300
    batch = cl._new_lines(lines)
    near = sum(1 for t in lines if t.translate(cl._NEAR_ASCII).isascii())
    assert near > 0.5 * len(lines)  # most lines go the batch way
    for line, got in zip(lines, batch, strict=True):
        _same_line(got, cl._Line(line))


def test_near_ascii_punctuation_behaves_like_its_ascii_stand_in() -> None:
    for point, ascii_char in cl._NEAR_ASCII.items():
        ch = chr(point)
        assert not ch.isascii()
        assert not (ch.isalnum() or ch.isspace() or ch.isdigit() or ch.isdecimal()), ch
        assert ch.lower() == ch.casefold() == ch.upper() == ch, ch
        assert not re.match(r"\w", ch) and not re.match(r"\s", ch), ch
        assert not ch.isupper() and not ch.islower() and not ch.istitle(), ch
        assert ascii_char in ("'", "#")
        # quotes inside words ("Abe’s") are the word regex's own separators
        assert (ascii_char == "'") == (ch in "’‘")


def test_clean_many_equals_clean_page_by_page(bundled_pages: list[str]) -> None:
    texts = list(bundled_pages)
    rng = random.Random(3)
    pages = list(texts)
    for t in texts:  # the pages again with odd fragments, and pages of mixed lines
        lines = t.split("\n")
        for _ in range(6):
            i = rng.randrange(len(lines))
            lines[i] = lines[i][:5] + rng.choice(_FRAGMENTS) + lines[i][5:]
        pages.append("\n".join(lines))
    arts = [Article(id=str(i), text=t) for i, t in enumerate(pages)]
    chrome = [frozenset({"show more", "menu"})] * len(arts)
    cl._line.cache_clear()  # type: ignore[attr-defined]
    many = cl.clean_many(arts, chrome)
    cl._line.cache_clear()  # type: ignore[attr-defined]
    one = [cl.clean(a, c) for a, c in zip(arts, chrome, strict=True)]
    assert many == one
    assert any(a.content for a in many)


def test_pages_scored_together_score_as_one_by_one(bundled_pages: list[str]) -> None:
    texts = list(bundled_pages)
    rng = random.Random(5)
    for t in texts[:40]:  # pages of odd lines, and tiny pages
        lines = t.split("\n")
        rng.shuffle(lines)
        texts.append("\n".join(lines[:7]))
    texts += ["", "One line.", "\n\n", "Share\nMenu"]
    pages = []
    for t in texts:
        spans = tuple(cl.line_spans(t))
        pages.append((t, spans, cl._page(t, spans).lines))
    assert sum(1 for p in pages if len(p[1]) == 1) >= 1
    for k in (0, 17):  # two ways of cutting the pages into batches
        batches = [pages[:k], pages[k:]] if k else [pages]
        for batch in batches:
            for (t, spans, _), (x, p2) in zip(
                batch, cb._scores_many(batch, cl.DEFAULT_CLEANER), strict=True
            ):
                if not spans:
                    assert len(x) == len(p2) == 0
                    continue
                x1 = cl.line_features(t, spans)
                assert x.tobytes() == x1.tobytes(), t[:60]
                assert p2.tobytes() == cl.DEFAULT_CLEANER.probabilities(x1).tobytes(), t[:60]
    chrome = [
        frozenset({"show more", "menu", cl.line_key(p[0][p[1][0][0] : p[1][0][1]])})
        if p[1]
        else frozenset()
        for p in pages
    ]
    hard = [np.array([ln.hard for ln in p[2]], dtype=bool) for p in pages]
    keeps = cb._keep_many(
        [(*p, h) for p, h in zip(pages, hard, strict=True)], chrome, cl.DEFAULT_CLEANER
    )
    for (t, spans, _), c, keep in zip(pages, chrome, keeps, strict=True):
        one = cl.DEFAULT_CLEANER.keep(t, spans, chrome=c) if spans else np.zeros(0, bool)
        assert keep.tolist() == one.tolist()


@pytest.mark.parametrize("seed", [1, 2])
def test_line_keys_equal_line_key(seed: int, bundled_pages: list[str]) -> None:
    lines = [*_fuzzed_lines(bundled_pages, seed), "", "a\nb", "Ünïcode 12 ﬁx", "’’ ‘x’"]
    assert cl.line_keys(lines) == [cl.line_key(t) for t in lines]


def test_page_stops_count_rows_are_the_pages_words(bundled_pages: list[str]) -> None:
    # Each page's stoplist from its lines' count rows added up is page_stoplist of its
    # words; the lines' counts, their words in it. A page of 2**16 words or more (one
    # language's count past a uint16 lane) and lines longer than a row hold included.
    pages = [[cl._line(t) for t in page.split("\n") if t.strip()] for page in bundled_pages]
    pages += [[cl._Line("the " * 70_000), cl._Line("und der " * 300)], [cl._Line("Xyzzy")]]
    pages = [p for p in pages if p]
    all_lines = [ln for p in pages for ln in p]
    ns = np.array([len(p) for p in pages], np.int64)
    starts = np.zeros(len(pages), np.int64)
    np.cumsum(ns[:-1], out=starts[1:])
    nwords = np.array([ln.nwords for ln in all_lines], np.float64)
    stops, counted, counts = cb._page_stops(pages, all_lines, starts, nwords)
    for j, page in enumerate(pages):
        want = page_stoplist([w for ln in page for w in ln.words])
        assert stops[j] == want
        lo = int(starts[j])
        if counted[j]:
            got = counts[lo : lo + len(page)].tolist()
            assert got == [sum(w in want for w in ln.words) for ln in page]
        else:
            assert not counts[lo : lo + len(page)].any()
    assert counted.sum() > 2
    assert counted[-2]  # (its list holds "the": a count past a uint16 lane)
    assert counts[int(starts[-2])] == 70_000
