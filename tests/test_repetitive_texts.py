"""Repetitive texts keep the aligner's memory bounded (session 21).

Two pages repeating one sentence thousands of times made the paraphrase
search's sentence join (every pair of sentences sharing a stem) ask for 15.6 GiB
and ended the whole scan; a page of 400k three-word sentences against another
asked scipy for 149 GiB. The join now holds at most ``SENTENCE_JOIN_MAX``
entry pairs: past it, the stems shared most are left out.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from copytrace import paraphrase as pp
from copytrace.compare import compare
from copytrace.model import Article
from copytrace.paraphrase import _join_stems, sentence_bags, sentence_similarity
from copytrace.scan import scan

SENTENCE = "The minister said the talks would resume in the autumn after the summit in Moscow. "
PEACE = (
    "Tokyo hopes that cultivating closer security and economic ties with Moscow will bring "
    "the two sides closer to a postwar peace treaty to resolve the dispute over the southern "
    "Kuril Islands, which are effectively controlled by Moscow and claimed by Japan."
)


def _article(id_: str, text: str) -> Article:
    return Article(id_, text, content=((0, len(text)),))


def test_two_pages_repeating_a_sentence_are_compared_in_bounded_memory() -> None:
    # 6,000 x 5,000 sentences sharing 8 stems each: 240M entry pairs, ~11 GB before
    a, b = _article("a", SENTENCE * 6000), _article("b", SENTENCE * 5000)
    tracemalloc.start()
    try:
        result = compare(a, b)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300 * 2**20
    for p in result.passages:  # (whatever is reported holds its words)
        assert a.text[p.a_start : p.a_end].split()
        assert b.text[p.b_start : p.b_end].split()


def test_many_short_sentences_against_a_long_line_stay_bounded() -> None:
    # the sparse products of every sentence pair sharing "said" (the 149 GiB case,
    # at a size a test can hold before the fix would still ask for ~4 GB)
    rng = np.random.default_rng(1)
    shorts = ["He said so.", "It is.", "Yes, she said it.", "No."]
    a = " ".join(shorts[i] for i in rng.integers(0, 4, 60_000))
    b = " ".join(shorts[i] for i in rng.integers(0, 4, 60_000))
    tracemalloc.start()
    try:
        compare(_article("a", a), _article("b", b))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 400 * 2**20


def test_join_stems_keeps_the_stems_that_make_fewest_pairs_within_the_bound() -> None:
    # stem 7 meets 1,000 entries of b on each of its 3 entries; 1 and 2 meet few
    stem_a = np.array([7, 1, 7, 2, 7, 1])
    reach = np.array([1000, 2, 1000, 5, 1000, 2])
    keep = _join_stems(stem_a, reach, most=100)
    assert keep.tolist() == [False, True, False, True, False, True]
    assert int(reach[keep].sum()) <= 100
    assert _join_stems(stem_a, reach, most=10**9).all()
    assert not _join_stems(stem_a, reach, most=3).any()  # (stem 1 alone makes 4)


def test_a_thinned_join_only_lowers_a_pairs_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    # 60 sentences a side over 40 stems, a few stems in most sentences
    n_a, n_b = 60, 70
    stems_a = rng.integers(0, 40, 600) % np.array([3, 40, 40])[rng.integers(0, 3, 600)]
    stems_b = rng.integers(0, 40, 700) % np.array([3, 40, 40])[rng.integers(0, 3, 700)]
    bags_a = sentence_bags(stems_a, [(10 * i, 10 * i + 10) for i in range(n_a)])
    bags_b = sentence_bags(stems_b, [(10 * i, 10 * i + 10) for i in range(n_b)])
    for args in ((), (0.0, None, None, 0.1)):
        full = sentence_similarity(bags_a, bags_b, n_a, n_b, 40, *args)
        monkeypatch.setattr(pp, "SENTENCE_JOIN_MAX", 500)
        monkeypatch.setattr(pp, "DENSE_PAIRS_MAX", 100)  # (the sparse products)
        thin = sentence_similarity(bags_a, bags_b, n_a, n_b, 40, *args)
        monkeypatch.undo()
        assert 0 < len(thin[0]) < len(full[0])
        figures = {(int(x), int(y)): (c, d) for x, y, c, d in zip(*full, strict=True)}
        for x, y, c, d in zip(*thin, strict=True):
            fc, fd = figures[int(x), int(y)]
            assert c <= fc + 1e-12 and d <= fd + 1e-12


def test_a_scan_with_repetitive_pages_finds_the_real_reuse(tmp_path: Path) -> None:
    lead = "Japan and Russia plan high-level talks on defense and diplomacy this year. "
    rows = [
        {"id": "rep1", "text": SENTENCE * 4000, "source": "A"},
        {"id": "rep2", "text": SENTENCE * 3000, "source": "B"},
        {"id": "orig", "text": lead + PEACE, "source": "C"},
        {"id": "copy", "text": "Officials spoke on Monday. " + PEACE, "source": "D"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    summary = scan([src], out, jobs=1)
    assert summary.articles == 4
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(p["a_id"], p["b_id"]) for p in pairs if "orig" in (p["a_id"], p["b_id"])] == [
        ("copy", "orig")
    ]
