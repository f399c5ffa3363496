"""Pairs aligned within ``align.prepared`` (their articles prepared at once) give
the same passages, and the lexicon the same word ids, as pair by pair."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import copytrace.align as align_module
from copytrace.align import PRESETS, align, prepared
from copytrace.model import Article
from copytrace.paraphrase import Lexicon
from copytrace.stages import align_pairs

DATA = Path(__file__).parent / "data" / "align"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _articles() -> list[Article]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    rng = random.Random(7)
    arts = []
    for k, text in enumerate(texts):
        # content as a cleaner gives it: paragraphs, some chrome between
        cut = [i for i, ch in enumerate(text) if ch == "\n"]
        spans, lo = [], 0
        for c in cut:
            if rng.random() < 0.3 and c > lo:
                spans.append((lo, c))
                lo = c + 1
        spans.append((lo, len(text)))
        arts.append(Article(f"d{k}", text, content=tuple(spans)))
        # a rewrite sharing most of it: seeds, runs and paraphrases to find
        words = text.split()
        keep = [w for i, w in enumerate(words) if i % 11]
        rewrite = " ".join(keep[len(keep) // 3 :] + keep[: len(keep) // 3])
        arts.append(Article(f"r{k}", rewrite))
    return arts


def _pairs() -> list[tuple[Article, Article]]:
    arts = _articles()
    rng = random.Random(3)
    return [tuple(rng.sample(arts, 2)) for _ in range(40)]  # type: ignore[misc]


@pytest.fixture
def fresh_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(align_module, "_LEXICON", Lexicon())
    monkeypatch.setattr(align_module, "_DOCS", {})
    align_module._tokens.cache_clear()


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_prepared_pairs_align_the_same(preset: str, fresh_lexicon: None) -> None:
    params = PRESETS[preset]
    pairs = _pairs()
    one_by_one = [align(a, b, params) for a, b in pairs]
    assert any(one_by_one)
    words = list(align_module._LEXICON.words)
    stems = align_module._LEXICON.stems.tolist()
    align_module._LEXICON = Lexicon()  # (the fixture restores the module's own)
    align_module._DOCS.clear()
    align_module._tokens.cache_clear()
    calls = align_module._tokens.cache_info().misses
    with prepared(pairs, params):
        together = [align(a, b, params) for a, b in pairs]
    assert together == one_by_one
    assert align_module._tokens.cache_info().misses == calls  # every article prepared
    # the lexicon met the words in the same order: the same ids and stem ids
    assert list(align_module._LEXICON.words) == words
    assert align_module._LEXICON.stems.tolist() == stems


def test_prepared_ends_with_its_block(fresh_lexicon: None) -> None:
    pairs = _pairs()[:3]
    with prepared(pairs, PRESETS["news"]):
        with prepared(pairs[:1], PRESETS["news"]):
            pass
        assert align_module._BATCH.texts is not None  # the outer block's, back
    assert align_module._BATCH.texts is None and align_module._BATCH.docs is None
    # unprepared articles align as before
    a, b = pairs[0]
    assert align(a, b) == align(a, b)


def test_align_pairs_in_batches(fresh_lexicon: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import copytrace.stages as stages

    pairs = _pairs()
    whole = align_pairs(pairs)
    monkeypatch.setattr(stages, "ALIGN_BATCH_PAIRS", 7)
    assert align_pairs(iter(pairs)) == whole
    assert whole


def test_prepared_documents_only_with_their_own_sentences(fresh_lexicon: None) -> None:
    from copytrace.align import _article_tokens, align_tokens

    pairs = _pairs()
    params = PRESETS["news"]
    with prepared(pairs, params):
        found = []
        for a, b in pairs:
            ta = _article_tokens(a.text, a.content, a.is_html, True)[0]
            tb = _article_tokens(b.text, b.content, b.is_html, True)[0]
            # no sentences given: no paraphrases, as outside the block
            found.append(align_tokens(ta, tb, params))
    assert all(p.kind != "paraphrase" for ps in found for p in ps)
    assert found == [
        align_tokens(
            _article_tokens(a.text, a.content, a.is_html, True)[0],
            _article_tokens(b.text, b.content, b.is_html, True)[0],
            params,
        )
        for a, b in pairs
    ]


@pytest.mark.parametrize("n", [1, 3, 5])
def test_documents_prepared_together_hold_what_each_alone_does(n: int) -> None:
    """A chunk's n-grams, seeds and sentence bags, worked out for all its documents at
    once, are each document's own (keys with their positions: the order among equal
    keys is free), barriers, empty and short documents included."""
    rng = random.Random(11)
    lexicon = Lexicon()
    texts = [
        "",
        "one",
        "one two",
        "The talks. The talks. The talks will go on, said the minister. Talks!",
    ]
    vocab = ["the", "talks", "will", "held", "in", "moscow", "autumn", "said", "peace", "sides"]
    for _ in range(30):
        words = [rng.choice(vocab) for _ in range(rng.randrange(0, 120))]
        texts.append(" ".join(w + ("." if rng.random() < 0.1 else "") for w in words))
    prepared_docs = []
    for text in texts:
        spans = [(0, len(text))]
        if len(text) > 40 and rng.random() < 0.5:  # chrome in between: barriers
            cut = text.find(" ", len(text) // 2)
            spans = [(0, cut), (cut + 1, len(text))] if cut > 0 else spans
            text = text[:cut] + "|" + text[cut + 1 :] if cut > 0 else text
        tokens = align_module.tokenize(text, spans)
        sents = align_module.sentence_spans(text, spans)
        breaks = align_module.content_breaks(text, spans, tokens)
        prepared_docs.append((tokens, breaks, sents))
    ids, stems, generation = lexicon.lookup(
        [w for tokens, _, _ in prepared_docs for w in tokens.words]
    )
    together, alone, at = [], [], 0
    for tokens, breaks, sents in prepared_docs:
        end = at + len(tokens)
        args = (tokens, breaks, sents, ids[at:end], stems[at:end], generation)
        together.append(align_module._build_doc(*args))
        alone.append(align_module._build_doc(*args))
        at = end
    assert any(d.barriers for d in together)
    align_module._seeds_together(together, ids, n, 2)
    align_module._bags_together(together, stems)

    def pairs(order: np.ndarray, keys: np.ndarray) -> list[tuple[int, int]]:
        return sorted(zip(keys.tolist(), order.tolist(), strict=True))

    for x, y in zip(together, alone, strict=True):
        gx, gy = x.grams[n], y.ngrams(n)
        assert pairs(gx[0], gx[1]) == pairs(gy[0], gy[1])
        assert gx[2].tolist() == gy[2].tolist() and gx[3] == gy[3]
        sx, sy = x.seedable[(n, 2)], y.seeds(n, 2)
        assert pairs(sx.order, sx.keys) == pairs(sy.order, sy.keys)
        assert pairs(sx.a_key, sx.keys) == pairs(sy.a_key, sy.keys)
        assert pairs(sx.b_key, sx.keys) == pairs(sy.b_key, sy.keys)
        assert sx.own.tolist() == sy.own.tolist()
        assert (sx.once, sx.exact) == (sy.once, sy.exact)
        assert sx.padded.tolist() == sy.padded.tolist()
        assert sx.padded.dtype == sy.padded.dtype and sx.a_key.dtype == sy.a_key.dtype
        bx, by = x.sentence_bags(), y.sentence_bags()
        for field in ("sent", "stem", "count", "sizes"):
            got, want = getattr(bx, field), getattr(by, field)
            assert got.tolist() == want.tolist() and got.dtype == want.dtype
