"""report.html: self-contained, escaped, with linked side-by-side views."""

from __future__ import annotations

import re

from copytrace.cluster import Cluster
from copytrace.model import Article
from copytrace.report.html import render_report, render_text, word_marks
from copytrace.scan import ScanSummary
from copytrace.stages import PairRecord, PassageRecord

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:evil()">'
SOURCE_TEXT = "Menu\nThe two sides will meet in the autumn to talk about peace and trade."
TARGET_TEXT = f"{HOSTILE}\nThe two sides will meet in the spring to talk about peace and trade."


def _articles() -> dict[str, Article]:
    return {
        "src": Article("src", SOURCE_TEXT, content=((5, len(SOURCE_TEXT)),), source="Wire"),
        "tgt": Article(
            "tgt",
            TARGET_TEXT,
            content=((0, len(TARGET_TEXT)),),
            source="<b>Evil</b> Daily",
            title=HOSTILE,
        ),
    }


def _pair() -> PairRecord:
    s0 = SOURCE_TEXT.index("The two")
    t0 = TARGET_TEXT.index("The two")
    passage = PassageRecord(
        "src", "tgt", s0, len(SOURCE_TEXT) - 1, t0, len(TARGET_TEXT) - 1,
        "near-verbatim", 13, 0.93, False,
    )  # fmt: skip
    return PairRecord("src", "tgt", "src", 0.5, 0.9, 0.6, (passage,), ("earlier <publication>",))


def _page() -> str:
    arts = _articles()
    summary = ScanSummary(out_dir="out", articles=2, pairs=1, passages=1, clusters=1)
    cluster = Cluster("c1", ("src", "tgt"), "src")
    return render_report(summary, [_pair()], [cluster], arts.get)


def test_article_text_titles_and_sources_are_escaped() -> None:
    page = _page()
    assert "<script" not in page
    assert "onerror=" not in page.replace("onerror=&quot;", "")
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Daily" in page
    assert "earlier &lt;publication&gt;" in page


def test_page_is_self_contained() -> None:
    page = _page()
    assert not re.search(r"<(link|script|iframe|img)\b", page)
    assert not re.search(r'\b(src|href)="(?!#)', page)  # only in-page anchors
    assert "default-src 'none'" in page


def test_every_pair_link_has_its_side_by_side_view() -> None:
    page = _page()
    targets = set(re.findall(r'href="#([\w-]+)"', page))
    ids = set(re.findall(r'id="([\w-]+)"', page))
    assert targets
    assert targets <= ids
    assert 'id="pair-1"' in page


def test_reused_words_are_marked_and_changed_words_flagged() -> None:
    arts = _articles()
    ms, mt = word_marks(arts["src"], arts["tgt"], _pair().passages)
    assert [TARGET_TEXT[a:b] for a, b, c in mt if c == "diff"] == ["spring"]
    assert [SOURCE_TEXT[a:b] for a, b, c in ms if c == "diff"] == ["autumn"]
    marked = [SOURCE_TEXT[a:b] for a, b, c in ms if c == "mark"]
    assert marked[0].startswith("The two sides will meet in the")
    html = render_text(arts["src"], ms)
    assert '<span class="chrome">Menu\n</span>' in html
    assert '<span class="diff">autumn</span>' in html


def test_empty_scan_renders() -> None:
    page = render_report(ScanSummary(out_dir="x"), [], [], lambda i: None)
    assert "No reused text was found." in page


def test_rankings_count_every_directed_pair_once() -> None:
    import random

    from copytrace.report import html

    rng = random.Random(3)
    ids = [f"a{i}" for i in range(30)]
    sources = {i: rng.choice([None, "Wire", "Daily", "<b>Post</b>"]) for i in ids[:25]}
    pairs = []
    for _ in range(200):
        a, b = sorted(rng.sample(ids, 2))
        words = rng.choice([0, 3, 11])
        passage = PassageRecord(a, b, 0, 5, 0, 5, "verbatim", words, 0.5, False)
        pairs.append(PairRecord(a, b, rng.choice([None, a, b]), 0.5, 0.1, 0.1, (passage,) * 2))
    page = html._rankings_section(pairs, html._source_lookup(pairs, lambda i: None, sources))
    src = html._source_lookup(pairs, lambda i: None, sources)
    copier: dict[str, list[int]] = {}
    copied: dict[str, list[int]] = {}
    for p in pairs:
        if p.source_id is None or p.target_id is None:
            continue
        for table, who in ((copier, p.target_id), (copied, p.source_id)):
            row = table.setdefault(src(who), [0, 0])
            row[0] += 1
            row[1] += p.words
    for table in (copier, copied):
        for name, (n, w) in table.items():
            cell = f'<td>{html.esc(name)}</td><td class="n">{n:,}</td><td class="n">{w:,}</td>'
            ranked = sorted(table, key=lambda s: (-table[s][0], -table[s][1], s))
            assert (cell in page) == (name in ranked[: html.MAX_RANKED]), name
    assert html._rankings_section(pairs[:0], src).count("No pair with a decided direction") == 2
