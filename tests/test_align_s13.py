"""Session 13's shortcuts change no result: ``_word_similarity`` (Indel on the
words between a cluster's known end runs) is ``Indel.normalized_similarity`` on
all its words, and the lexicon's one-pass lookup gives the ids and stems of a
word-by-word one."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from rapidfuzz.distance import Indel

import _randtext as rt
from copytrace import align as align_module
from copytrace.paraphrase import STOP_WORDS, Lexicon, stem_words
from copytrace.text import tokenize


def _whole(c: align_module._Cluster, a: object, b: object) -> float:
    return Indel.normalized_similarity(a.words[c.a_s : c.a_e], b.words[c.b_s : c.b_e])  # type: ignore[attr-defined]


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_word_similarity_is_indel_on_the_whole(preset: str) -> None:
    params = align_module.PRESETS[preset]
    rng = random.Random(13)
    seen = 0
    for _ in range(300):
        a = rt.text(rng, rng.randrange(5, 120))
        b = rt.edited(rng, a) if rng.random() < 0.8 else rt.text(rng, rng.randrange(5, 120))
        ta, tb = tokenize(a), tokenize(b)
        da = align_module._prepare(ta, (), ())
        db = align_module._prepare(tb, (), ())
        runs = align_module._runs(da, db, params)
        clusters = align_module._chain(
            runs, da, db, params.join_gap, params.join_back, params.join_skew
        )
        for c in clusters:
            assert align_module._word_similarity(c, ta, tb) == _whole(c, ta, tb)
            seen += 1
            # ends moved after _chain (as merges do): the end runs no longer count
            for moved in (
                dataclasses.replace(c, a_s=max(c.a_s - 1, 0)),
                dataclasses.replace(c, b_e=min(c.b_e + 2, len(tb))),
                dataclasses.replace(c, a_s=c.a_s + 1) if c.a_e - c.a_s > 1 else c,
            ):
                assert align_module._word_similarity(moved, ta, tb) == _whole(moved, ta, tb)
    assert seen > 300


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_align_tokens_same_with_whole_indel(preset: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = align_module.PRESETS[preset]
    rng = random.Random(31)
    pairs = rt.sentence_pairs(rng, 200)

    def run() -> list[object]:
        return rt.align_each(pairs, params)

    got = run()
    monkeypatch.setattr(align_module, "_word_similarity", _whole)
    assert run() == got


def _reference_lookup(
    vocab: dict[str, int], stem_of: dict[str, int], stems: list[int], words: list[str]
) -> tuple[list[int], list[int]]:
    """Word by word: a new word gets the next id, a new stem the next stem id."""
    ids = []
    for w in words:
        if w not in vocab:
            vocab[w] = len(vocab)
            if w in STOP_WORDS or (len(w) == 1 and not w.isdigit()):
                stems.append(-1)
            else:
                stems.append(stem_of.setdefault(stem_words([w])[0], len(stem_of)))
        ids.append(vocab[w])
    return ids, [stems[i] for i in ids]


def test_lexicon_lookup_is_word_by_word() -> None:
    rng = random.Random(5)
    pool = [*rt.WORDS, *(f"w{k}" for k in range(300)), "talking", "talked", "7", "x"]
    for max_words in (1_000_000, 40):
        lex = Lexicon(max_words=max_words)
        vocab: dict[str, int] = {}
        stem_of: dict[str, int] = {}
        stems: list[int] = []
        generation = lex.generation
        for _ in range(300):
            words = [rng.choice(pool) for _ in range(rng.choice((0, 1, 2, rng.randrange(3, 60))))]
            if len(lex.words) > max_words:  # the lexicon starts afresh
                vocab, stem_of, stems = {}, {}, []
            ids, got_stems, gen = lex.lookup(words)
            assert ids.dtype == np.int64 and got_stems.dtype == np.int64
            want_ids, want_stems = _reference_lookup(vocab, stem_of, stems, words)
            assert ids.tolist() == want_ids
            assert got_stems.tolist() == want_stems
            assert dict(lex.words) == vocab
            generation = gen
        if max_words < 1000:
            assert generation > 1
