"""The chrome pass's batch line hashing equals keying each line on its own."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from copytrace.chrome import (
    CHROME_MAX_LINE_CHARS,
    ChromeLearner,
    ChromeParams,
    chrome_from_counts,
    flat_line_hashes,
    key_hash,
    page_line_hashes,
    pages_line_hashes,
)
from copytrace.clean import line_key
from copytrace.model import Article
from copytrace.stages import articles_to_batch, line_hashes_batch

# Pieces that exercise line_key's edges: numbers and their separators, punctuation
# only, "_", near-ASCII and other Unicode, every kind of space and line break.
PIECES = [
    "Home",
    "News",
    "3 free articles left",
    "12 free articles left",
    "1.2.3",
    "1..2",
    "a1,b",
    ":5:",
    "v2.0:1",
    "10,000",
    "x_y",
    "---",
    "»",
    "© 2024",
    "It’s “quoted” — here…",
    "Ünïcode Straße",
    "ΣΊΣΥΦΟΣ 42",
    "日本語のテキスト 3",
    "ﬁne ligature",
    "\t",
    " ",
    "  ",
    "\u00a0",
    "\u3000",
    "\x0b",
    "\x0c",
    "\x85",
    "\x1c",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "A",
    "ab",
    "abc",
    "a b c",
    "Share this",
    "Sign in to read more",
    "The talks will resume in the autumn, officials said.",
]


def _random_page(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randrange(0, 40)):
        piece = rng.choice(PIECES)
        if rng.random() < 0.05:
            piece = piece * rng.randrange(20, 120)  # long lines, some over the limit
        parts.append(piece)
        parts.append(rng.choice(["\n", " ", "", "\n", "\r\n", ". "]))
    return "".join(parts)


def test_flat_line_hashes_equal_page_by_page_keying() -> None:
    rng = random.Random(7)
    texts = [_random_page(rng) for _ in range(400)] + ["", "\n", "Menu", "Menu\nMenu\nText"]
    want = [page_line_hashes(t) for t in texts]
    page, hashes = flat_line_hashes(texts)
    got = [hashes[page == k] for k in range(len(texts))]
    assert [g.tolist() for g in got] == [w.tolist() for w in want]
    assert sum(len(w) for w in want) > 1000  # the pages do have lines
    assert [h.tolist() for h in pages_line_hashes(texts)] == [w.tolist() for w in want]


def test_ascii_keys_match_line_key_on_numbers_and_spaces() -> None:
    lines = ["1.2.3 x", "1..2", "a1,b", ":5:", "  a   b  ", "x_y z", "---", "ab", "abc"]
    page, hashes = flat_line_hashes(lines)
    for k, line in enumerate(lines):
        key = line_key(line)
        counts = len(key.replace(" ", "")) >= 3
        assert (key_hash(key) in hashes[page == k].tolist()) == counts, line


def test_flat_line_hashes_leaves_out_long_and_short_lines() -> None:
    long = "word " * (CHROME_MAX_LINE_CHARS // 5 + 1)
    page, hashes = flat_line_hashes([long.strip(), "ab\n12\nok yes"])
    assert page.tolist() == [1]
    assert hashes.tolist() == [key_hash("ok yes")]


def test_line_hashes_batch_skips_pages_without_source_and_reads_html_as_shown() -> None:
    """An HTML page with a source is learned by the lines a reader sees (session 26:
    before, HTML pages were never learned from); one without, not at all."""
    arts = [
        Article("a", "Menu\nText one", source="S"),
        Article("b", "Menu\nText two"),
        Article("c", "<nav>Menu</nav><p>Text <b>three</b></p>", source="S", is_html=True),
        Article("d", "Menu\nMenu", source=""),
        Article("e", "Menu", source="T"),
        Article("f", "<p>Menu</p>", is_html=True),
    ]
    rows = line_hashes_batch(articles_to_batch(arts))
    assert rows.column("page").to_pylist() == [0, 0, 2, 2, 4]
    assert rows.column("source").to_pylist() == ["S", "S", "S", "S", "T"]
    want = sorted([key_hash("menu"), key_hash("text one")])
    assert rows.column("line_hash").to_pylist()[:2] == want
    assert rows.column("line_hash").to_pylist()[2:4] == sorted(
        [key_hash("menu"), key_hash("text three")]
    )


def test_learner_add_batch_counts_as_add_hashes() -> None:
    rng = random.Random(3)
    arts = [
        Article(f"p{k}", _random_page(rng) + "\nMenu Home\nSign in", source=rng.choice("ABC"))
        for k in range(120)
    ]
    one, batched = ChromeLearner(ChromeParams(min_pages=3)), ChromeLearner(ChromeParams(3))
    for a in arts:
        hashes = page_line_hashes(a.text)
        if len(hashes):  # line_hashes_batch has rows of pages with lines only
            one.add_hashes(a.source or "", hashes)
    for lo in range(0, len(arts), 50):
        batched.add_batch(line_hashes_batch(articles_to_batch(arts[lo : lo + 50])))
    model = batched.finish()
    assert model == one.finish()
    assert key_hash("menu home") in model["A"]


def test_learner_finish_decides_as_chrome_from_counts() -> None:
    learner = ChromeLearner(ChromeParams(min_pages=2, min_share=0.5))
    schema = pa.schema([("page", pa.int32()), ("source", pa.string()), ("line_hash", pa.uint64())])
    rows = {
        "page": [0, 0, 1, 2, 3, 3],
        "source": ["s"] * 4 + ["t"] * 2,
        "line_hash": [1, 2, 1, 1, 1, 5],
    }
    learner.add_batch(pa.RecordBatch.from_pydict(rows, schema=schema))
    counts = [("s", 1, 3), ("s", 2, 1), ("t", 1, 1), ("t", 5, 1)]
    assert learner.finish() == chrome_from_counts(counts, {"s": 3, "t": 1}, learner.params)
    assert chrome_from_counts(counts, {"s": 3, "t": 1}, learner.params) == {"s": frozenset({1})}
    assert np.uint64(5) not in learner.finish().get("t", frozenset())


def _counts_by_hand(pages: list[tuple[str, list[int]]]) -> dict[str, frozenset[int]]:
    seen: dict[tuple[str, int], int] = {}
    per_source: dict[str, int] = {}
    for source, hashes in pages:
        per_source[source] = per_source.get(source, 0) + 1
        for h in set(hashes):
            seen[(source, h)] = seen.get((source, h), 0) + 1
    counts = [(s, h, n) for (s, h), n in seen.items()]
    return chrome_from_counts(counts, per_source, ChromeParams(min_pages=2, min_share=0.0))


def test_learner_compacting_often_counts_the_same(monkeypatch: object) -> None:
    from copytrace import chrome as mod

    rng = random.Random(11)
    pages = [
        (rng.choice("ABCD"), sorted({rng.randrange(40) for _ in range(rng.randrange(1, 9))}))
        for _ in range(300)
    ]
    want = _counts_by_hand(pages)
    for every in (1, 7, 50, 10**9):
        monkeypatch.setattr(mod, "_COMPACT_ROWS", every)  # type: ignore[attr-defined]
        learner = ChromeLearner(ChromeParams(min_pages=2, min_share=0.0))
        for source, hashes in pages:
            learner.add_hashes(source, np.array(hashes, dtype=np.uint64))
        assert learner.finish() == want, every
    assert want


def test_learner_with_two_rows_sharing_a_merge_key(monkeypatch: object) -> None:
    from copytrace import chrome as mod

    monkeypatch.setattr(mod, "_COMPACT_ROWS", 1)  # type: ignore[attr-defined]
    mix = int(mod._MIX)
    # source codes 0 ("a") and 1 ("b"): h and h ^ _MIX have the same merge key
    pages = [("a", [5, 9])] * 3 + [("b", [5 ^ mix, 9])] * 2 + [("a", [5 ^ mix])] * 2
    learner = ChromeLearner(ChromeParams(min_pages=2, min_share=0.0))
    for source, hashes in pages:
        learner.add_hashes(source, np.array(hashes, dtype=np.uint64))
    model = learner.finish()
    assert model == _counts_by_hand(pages)
    assert model == {"a": frozenset({5, 9, 5 ^ mix}), "b": frozenset({5 ^ mix, 9})}
    assert learner._keys is None  # it fell back to sorting by both columns


def test_ascii_keys_equal_line_key_on_random_lines() -> None:
    from copytrace.chrome import _ascii_keys

    rng = random.Random(13)
    for _ in range(200):
        lines = [
            "".join(rng.choice("aZ 09.,:_-\t") for _ in range(rng.randrange(0, 12)))
            for _ in range(rng.randrange(1, 30))
        ]
        keys, counts = _ascii_keys("\n".join(lines).lower().encode("ascii"))
        want = [line_key(t) for t in lines]
        assert [k.decode("ascii") for k in keys] == want
        assert counts.tolist() == [len(k.replace(" ", "")) for k in want]
