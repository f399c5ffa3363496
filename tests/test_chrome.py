"""Chrome learned from the corpus: recurring lines per source, fed into cleaning."""

from __future__ import annotations

from pathlib import Path

from copytrace.chrome import ChromeLearner, ChromeParams, chrome_for, chrome_of_lines, key_hash
from copytrace.clean import line_key, line_spans
from copytrace.model import Article
from copytrace.stages import clean_articles

PARAGRAPHS = (Path(__file__).parent / "data" / "scan" / "paragraphs.txt").read_text().split("\n\n")

MENU = "Home | World | Business | Opinion"
PROMPT_LINE = "You have {n} free articles left this month, subscribe for unlimited access today."
TITLES = [" ".join(p.split()[:6]) for p in PARAGRAPHS]


def page(k: int, n: int = 3) -> str:
    return "\n".join(
        [MENU, PROMPT_LINE.format(n=n), TITLES[k], PARAGRAPHS[k].strip(), "Copyright 2024"]
    )


def test_lines_on_many_pages_of_a_source_are_its_chrome() -> None:
    cl = ChromeLearner()
    for k in range(4):
        cl.add("site", page(k, n=k + 1))  # the number in the prompt varies
    chrome = cl.finish()
    learned = chrome_for(chrome, "site", page(10))
    expected = [MENU, PROMPT_LINE.format(n=7), "Copyright 2024"]
    assert learned == {line_key(x) for x in expected}
    # The article's own lines never are.
    assert not any(PARAGRAPHS[10][:20].casefold() in k for k in learned)


def test_too_few_pages_or_too_small_a_share_is_not_chrome() -> None:
    cl = ChromeLearner(ChromeParams(min_pages=3, min_share=0.5))
    for k in range(2):
        cl.add("small", page(k))
    for k in range(3):
        cl.add("big", page(k))
    for k in range(3, 10):
        cl.add("big", PARAGRAPHS[k])  # pages without the menu: 3 of 10 < 50%
    assert cl.finish() == {}


def test_chrome_is_per_source() -> None:
    cl = ChromeLearner()
    for k in range(3):
        cl.add("a", page(k))
    chrome = cl.finish()
    assert chrome_for(chrome, "a", page(9))
    assert chrome_for(chrome, "b", page(9)) == frozenset()
    assert chrome_for(chrome, None, page(9)) == frozenset()


def test_pages_without_source_or_html_teach_nothing() -> None:
    cl = ChromeLearner()
    for k in range(5):
        cl.add(None, page(k))
        cl.add("h", "<html><body>" + page(k) + "</body></html>", is_html=True)
    assert cl.finish() == {}


def test_compaction_keeps_counts_exact() -> None:
    from copytrace import chrome as mod

    old = mod._COMPACT_ROWS
    mod._COMPACT_ROWS = 3  # compact after nearly every page
    try:
        cl = ChromeLearner()
        for k in range(6):
            cl.add("s", page(k))
        model = cl.finish()
    finally:
        mod._COMPACT_ROWS = old
    assert key_hash(line_key(MENU)) in model["s"]


def test_learned_chrome_is_removed_by_the_cleaner() -> None:
    long_chrome = (
        "Our journalism depends on readers like you, and every single contribution helps keep "
        "independent local reporting alive in the community for years to come."
    )
    pages = [
        Article(f"p{k}", f"{long_chrome}\n\n{PARAGRAPHS[k].strip()}\n\n{long_chrome}\n", source="s")
        for k in range(4)
    ]
    cl = ChromeLearner()
    for p in pages:
        cl.add(p.source, p.text)
    for art in clean_articles(pages, cl.finish()):
        kept = art.content_text()
        assert long_chrome not in kept
        assert PARAGRAPHS[int(art.id[1:])].strip()[:40] in kept


def test_clean_many_finds_the_chrome_chrome_for_finds() -> None:
    from copytrace.clean import clean, clean_many

    # MENU again, longer than any line learned from: dropped only on a page where
    # MENU itself (short enough) is chrome.
    wide_menu = MENU.replace(" | ", " " * 150 + "| ")
    assert line_key(wide_menu) == line_key(MENU) and len(wide_menu) > 400
    texts = [page(k, n=k) for k in range(6)]
    texts += [page(6).replace(MENU, wide_menu), page(7) + "\n" + wide_menu, PARAGRAPHS[8]]
    arts = [Article(f"p{k}", t, source="s" if k != 5 else "other") for k, t in enumerate(texts)]
    learner = ChromeLearner()
    for a in arts:
        learner.add(a.source, a.text)
    model = learner.finish()
    assert model["s"]
    many = clean_many(arts, chrome_hashes=[model.get(a.source or "", frozenset()) for a in arts])
    one = [clean(a, chrome_for(model, a.source, a.text)) for a in arts]
    assert many == one
    for a in arts:
        lines = [(e - s, line_key(a.text[s:e])) for s, e in line_spans(a.text)]
        known = model.get(a.source or "", frozenset())
        assert chrome_of_lines(known, lines) == chrome_for(model, a.source, a.text)
    # the wide line is no chrome on its own, but is with MENU on its page
    assert line_key(MENU) not in chrome_for(model, "s", texts[6])
    assert line_key(MENU) in chrome_for(model, "s", texts[7])
    assert any(c for a in many for c in a.content)


def test_pages_line_hashes_equal_page_by_page() -> None:
    from copytrace import chrome as mod

    texts = [page(k, n=k) for k in range(12)] + ["", "Ünïcode — “quoted” 3 times\nMenu"]
    texts.append(page(3).replace(" | ", " " * 400))  # a line too long to learn from
    want = [mod.page_line_hashes(t).tolist() for t in texts]
    assert [h.tolist() for h in mod.pages_line_hashes(texts)] == want
    old = mod._LINE_ENTRIES
    mod._LINE_ENTRIES = 5  # the memo overflows on every batch
    try:
        assert [h.tolist() for h in mod.pages_line_hashes(texts)] == want
        assert [h.tolist() for h in mod.pages_line_hashes(texts[:3])] == want[:3]
    finally:
        mod._LINE_ENTRIES = old


def test_ascii_key_entries_are_key_entry() -> None:
    import random

    from copytrace.chrome import ascii_key_entries, key_entry
    from copytrace.clean import line_key

    rng = random.Random(5)
    pieces = ["a", "b", "menu", "0", "12", "x", " ", "  ", "-", "_", ".", "Share", "é?", "3:45"]
    keys = [
        line_key("".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))) for _ in range(3000)
    ]
    keys = [k for k in keys if k.isascii()]
    ok = [rng.random() < 0.8 for _ in keys]
    want = [key_entry(k) if o else None for k, o in zip(keys, ok, strict=True)]
    assert ascii_key_entries(keys, ok) == want
    assert any(w is None for w, o in zip(want, ok, strict=True) if o)  # (short keys met)
