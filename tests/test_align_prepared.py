"""Pairs aligned within ``align.prepared`` (their articles prepared at once) give
the same passages, and the lexicon the same word ids, as pair by pair."""

from __future__ import annotations

import random
from pathlib import Path

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
