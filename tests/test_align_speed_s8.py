"""The session-8 speed-ups of the aligner give what the earlier code gave.

``_runs`` now drops seeds that straddle a barrier once per document and packs
each seed's sort key from per-document shares; ``_prepare_doc`` finds sentence
bounds by bisection. Each is checked here against the earlier definition, on
random texts with repeated words, barriers and hashed (long) n-gram keys.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from copytrace.align import PRESETS, _crosses, _Doc, _prepare_doc, _runs
from copytrace.paraphrase import Lexicon
from copytrace.text import Tokens, tokenize


def _runs_reference(da: _Doc, db: _Doc, n: int, repeat: int) -> list[tuple[int, int, int]]:
    """``_runs`` as it was before session 8 (seeds checked against barriers per pair)."""
    order, sa, own_a, _ = da.ngrams(n)
    keep = own_a <= repeat
    order, sa, own_a = order[keep], sa[keep], own_a[keep]
    order_b, sb, own_b, _ = db.ngrams(n)
    keep = own_b <= repeat
    order_b, sb = order_b[keep], sb[keep]
    if not len(sa) or not len(sb):
        return []
    lo = np.searchsorted(sa, sb, "left")
    kb = np.flatnonzero(sa[np.minimum(lo, len(sa) - 1)] == sb)
    if not len(kb):
        return []
    c = own_a[lo[kb]]
    j = np.repeat(order_b[kb], c)
    offs = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
    i = order[np.repeat(lo[kb], c) + offs]
    ok = np.ones(len(i), bool)
    for k in range(n):
        ok &= da.ids[i + k] == db.ids[j + k]
    ok &= da.breaks[i + n - 1] == da.breaks[i]
    ok &= db.breaks[j + n - 1] == db.breaks[j]
    i, j = i[ok], j[ok]
    na, nb = len(da.ids), len(db.ids)
    seeds = sorted(set(zip((j - i).tolist(), i.tolist(), strict=True)))
    out: set[tuple[int, int, int]] = set()
    k = 0
    while k < len(seeds):  # a run: consecutive seeds on one diagonal
        d, s_a = seeds[k]
        ln = n
        while k + 1 < len(seeds) and seeds[k + 1] == (d, seeds[k][1] + 1):
            k, ln = k + 1, ln + 1
        k += 1
        s_b = s_a + d
        while s_a > 0 and s_b > 0 and da.ids[s_a - 1] == db.ids[s_b - 1]:
            if _crosses(da, s_a - 1, s_a) or _crosses(db, s_b - 1, s_b):
                break
            s_a, s_b, ln = s_a - 1, s_b - 1, ln + 1
        while s_a + ln < na and s_b + ln < nb and da.ids[s_a + ln] == db.ids[s_b + ln]:
            if _crosses(da, s_a + ln - 1, s_a + ln) or _crosses(db, s_b + ln - 1, s_b + ln):
                break
            ln += 1
        out.add((s_a, s_b, ln))
    merged: list[tuple[int, int, int]] = []
    for r in sorted(out, key=lambda r: (r[1] - r[0], r[0])):
        if merged:
            p = merged[-1]
            if p[1] - p[0] == r[1] - r[0] and r[0] < p[0] + p[2]:
                merged[-1] = (p[0], p[1], max(p[0] + p[2], r[0] + r[2]) - p[0])
                continue
        merged.append(r)
    return sorted(merged)


def _random_tokens(rng: random.Random, vocab: list[str], size: int) -> Tokens:
    words = [rng.choice(vocab) for _ in range(size)]
    starts = [5 * k for k in range(size)]
    return Tokens(words, starts, [s + 4 for s in starts])


def _shared_text(rng: random.Random, vocab: list[str]) -> tuple[Tokens, Tokens]:
    """Two token lists sharing stretches (copied, some twice), with noise between."""
    a = _random_tokens(rng, vocab, rng.randint(0, 300)).words
    b = _random_tokens(rng, vocab, rng.randint(0, 300)).words
    for _ in range(rng.randint(0, 6)):
        if len(a) < 10:
            break
        lo = rng.randrange(len(a) - 5)
        piece = a[lo : lo + rng.randint(3, 40)]
        at = rng.randint(0, len(b))
        b[at:at] = piece
    toks = []
    for words in (a, b):
        starts = [5 * k for k in range(len(words))]
        toks.append(Tokens(words, starts, [s + 4 for s in starts]))
    return toks[0], toks[1]


@pytest.mark.parametrize("seed_words", [3, 6])  # 6: hashed keys, checked per seed
def test_runs_match_the_reference(seed_words: int) -> None:
    rng = random.Random(seed_words)
    params = PRESETS["news"]
    repeat = params.max_seed_repeat
    lexicon = Lexicon()
    checked = 0
    for trial in range(300):
        vocab = [f"w{k}" for k in range(rng.choice([4, 12, 60, 400]))]
        ta, tb = _shared_text(rng, vocab)
        breaks_a = sorted(rng.sample(range(len(ta) + 2), min(len(ta) + 2, rng.randint(0, 4))))
        breaks_b = sorted(rng.sample(range(len(tb) + 2), min(len(tb) + 2, rng.randint(0, 4))))
        da = _prepare_doc(ta, breaks_a, [], lexicon)
        db = _prepare_doc(tb, breaks_b, [], lexicon)
        got = _runs(da, db, replace(params, seed_words=seed_words))
        want = _runs_reference(da, db, seed_words, repeat)
        assert got == want, trial
        checked += bool(got)
    assert checked > 100  # most trials share something


def test_runs_wide_texts_take_the_general_key() -> None:
    """Past _KEY_MAX_WORDS words the key's width is the text's length (as before)."""
    import copytrace.align as align

    rng = random.Random(7)
    vocab = [f"w{k}" for k in range(30)]
    lexicon = Lexicon()
    ta, tb = _shared_text(rng, vocab)
    da = _prepare_doc(ta, [4, 50], [], lexicon)
    db = _prepare_doc(tb, [30], [], lexicon)
    want = _runs_reference(da, db, 3, PRESETS["news"].max_seed_repeat)
    saved = align._KEY_MAX_WORDS
    try:
        align._KEY_MAX_WORDS = 10  # both texts are longer: the general path
        da.seedable.clear()
        db.seedable.clear()
        assert _runs(da, db, PRESETS["news"]) == want
    finally:
        align._KEY_MAX_WORDS = saved
    assert want


def test_prepare_doc_sentence_bounds_match_searchsorted() -> None:
    rng = random.Random(3)
    lexicon = Lexicon()
    for _ in range(200):
        text = " ".join(rng.choice(["a", "bb", "ccc", "x.", "\n"]) for _ in range(60))
        tokens = tokenize(text)
        cuts = sorted(rng.sample(range(len(text) + 3), 8))
        sentences = list(zip(cuts[0::2], cuts[1::2], strict=True))
        if rng.random() < 0.2:
            sentences.append((cuts[3], cuts[1]))  # a backwards span holds nothing
        doc = _prepare_doc(tokens, [], sentences, lexicon)
        starts = np.asarray(tokens.starts, np.int64)
        want = []
        for s, e in sentences:
            lo, hi = np.searchsorted(starts, [s, e], "left").tolist()
            if len(tokens) and hi > lo:
                want.append((lo, hi))
        assert doc.sentences == want
        assert doc.bounds.tolist() == [list(p) for p in want]
        assert doc.lengths.tolist() == [hi - lo for lo, hi in want]
        assert doc.starts == [lo for lo, _ in want]


def test_a_cluster_as_long_as_its_longest_run_holds_the_same_words() -> None:
    """``_finish`` gives similarity 1.0 without comparing the words when a cluster
    spans no more than its longest exact run: check that such clusters (chained
    runs, as ``align_tokens`` makes them) hold the same words on both sides."""
    from copytrace.align import _chain

    rng = random.Random(11)
    params = PRESETS["news"]
    lexicon = Lexicon()
    whole = 0
    for _ in range(300):
        vocab = [f"w{k}" for k in range(rng.choice([4, 12, 60]))]
        ta, tb = _shared_text(rng, vocab)
        da = _prepare_doc(ta, [], [], lexicon)
        db = _prepare_doc(tb, [], [], lexicon)
        runs = _runs(da, db, params)
        for c in _chain(runs, da, db, params.join_gap, params.join_back, params.join_skew):
            if c.longest == c.a_e - c.a_s == c.b_e - c.b_s:
                whole += 1
                assert ta.words[c.a_s : c.a_e] == tb.words[c.b_s : c.b_e]
            else:
                assert c.longest < max(c.a_e - c.a_s, c.b_e - c.b_s)
    assert whole > 100


def _candidates_reference(
    doc: _Doc, spans: list[tuple[int, int]], min_words: int, most: float
) -> list[bool]:
    """The sentence candidates as numpy worked them out before session 8."""
    ok = doc.lengths >= min_words
    if spans:
        cut = np.asarray(spans, np.int64)
        inside = np.minimum(doc.bounds[:, 1:2], cut[:, 1]) - np.maximum(
            doc.bounds[:, 0:1], cut[:, 0]
        )
        covered = np.maximum(inside, 0).sum(axis=1)
        ok &= covered / np.maximum(doc.lengths, 1) <= most
    return [bool(x) for x in ok]


def test_sentence_candidates_match_the_reference() -> None:
    from copytrace.align import _sentence_candidates, _union

    rng = random.Random(5)
    lexicon = Lexicon()
    kinds = set()
    for trial in range(400):
        n = rng.randint(1, 120)
        tokens = Tokens([f"w{k % 7}" for k in range(n)], list(range(0, 2 * n, 2)), [])
        cuts = sorted(rng.sample(range(2 * n + 2), min(2 * n + 2, 2 * rng.randint(1, 12))))
        sentences = list(zip(cuts[0::2], cuts[1::2], strict=True))
        if trial % 5 == 0 and len(sentences) > 1:  # overlapping: the numpy path
            sentences.append((sentences[0][0], sentences[-1][1]))
        doc = _prepare_doc(tokens, [], sentences, lexicon)
        kinds.add(doc.ordered)
        spans = _union(
            [
                (lo, lo + rng.randint(1, 30))
                for lo in (rng.randrange(n) for _ in range(rng.randint(0, 4)))
            ]
        )
        for min_words in (1, 3):
            for most in (0.0, 0.5, 1.0, -0.1, float("nan")):
                got = _sentence_candidates(doc, spans, min_words, most).tolist()
                assert got == _candidates_reference(doc, spans, min_words, most), trial
    assert kinds == {True, False}


def test_lexicon_ids_known_and_new_words() -> None:
    """All words known (one itemgetter call) or some new (the map): the same ids as
    word-by-word numbering in order of first occurrence."""
    rng = random.Random(9)
    lexicon = Lexicon()
    seen: dict[str, int] = {}
    for _ in range(300):
        words = [f"w{rng.randrange(400)}" for _ in range(rng.randint(0, 30))]
        want = [seen.setdefault(w, len(seen)) for w in words]
        ids, stems, _ = lexicon.lookup(words)
        assert ids.tolist() == want
        assert len(stems) == len(words)
    assert lexicon.ids(["w1"]).tolist() == [seen.get("w1", len(seen))]
