"""The per-pair shortcuts of session 12 change no result: ``dice_reaches`` (set
intersections) says what ``_dice_rows`` says, ``_Doc.stem_set`` is a sentence's
bag, and ``align_tokens`` gives the same passages with the shortcut off, on
random texts that share, edit and rewrite sentences."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from copytrace import align as align_module
from copytrace.paraphrase import _dice_rows, dice_reaches, sentence_bags
from copytrace.text import sentence_spans, tokenize

_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "said",
    "talks",
    "minister",
    "government",
    "moscow",
    "tokyo",
    "fall",
    "year",
    "officials",
    "meeting",
    "agreed",
    "plan",
    "trade",
    "deal",
    "energy",
    "prices",
    "market",
    "rose",
    "fell",
    "week",
    "report",
    "company",
    "shares",
    "bank",
    "rates",
    "policy",
    "election",
    "vote",
    "party",
    "leader",
    "police",
    "city",
    "fire",
    "river",
    "storm",
    "rain",
    "north",
    "south",
    "border",
    "troops",
    "peace",
]


def _bags(rng: random.Random, n: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    stems, sents, at = [], [], 0
    for _ in range(n):
        k = rng.randrange(0, 12)
        stems += [rng.choice((-1, -1, *range(25))) for _ in range(k)]
        sents.append((at, at + k))
        at += k
    return np.array(stems, np.int64), sents


def test_dice_reaches_equals_dice_rows() -> None:
    rng = random.Random(12)
    for _ in range(3000):
        n_a, n_b = rng.randrange(1, 9), rng.randrange(1, 9)
        (sa, ra), (sb, rb) = _bags(rng, n_a), _bags(rng, n_b)
        bags_a, bags_b = sentence_bags(sa, ra), sentence_bags(sb, rb)
        rows_a = np.array([rng.random() < 0.6 for _ in range(n_a)])
        rows_b = np.array([rng.random() < 0.6 for _ in range(n_b)])
        sets_a = [frozenset(s for s in sa[lo:hi].tolist() if s >= 0) for lo, hi in ra]
        sets_b = [frozenset(s for s in sb[lo:hi].tolist() if s >= 0) for lo, hi in rb]
        for min_dice in (0.05, 0.25, 0.3, 0.5, 2 / 3, 1.0):
            if not len(bags_a.sent) or not len(bags_b.sent):
                want = False  # (sentence_similarity returns before _dice_rows)
            else:
                want = _dice_rows(bags_a, bags_b, n_a, n_b, rows_a, rows_b, min_dice) is not None
            got = dice_reaches(
                [sets_a[k] for k in np.flatnonzero(rows_a).tolist()],
                [sets_b[k] for k in np.flatnonzero(rows_b).tolist()],
                min_dice,
            )
            assert got == want


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(4, 16))).capitalize() + "."


def _pair(rng: random.Random) -> tuple[str, str]:
    a = [_sentence(rng) for _ in range(rng.randrange(1, 12))]
    b = []
    for s in a:
        r = rng.random()
        if r < 0.4:
            b.append(s)  # verbatim
        elif r < 0.8:  # edited: some words swapped for others
            words = s[:-1].split()
            for _ in range(rng.randrange(1, 5)):
                words[rng.randrange(len(words))] = rng.choice(_WORDS)
            b.append(" ".join(words).capitalize() + ".")
        else:
            b.append(_sentence(rng))
    if rng.random() < 0.3:
        rng.shuffle(b)
    return " ".join(a), " ".join(b)


def test_stem_set_is_the_bag() -> None:
    rng = random.Random(7)
    for _ in range(200):
        text = " ".join(_pair(rng))
        doc = align_module._prepare(tokenize(text), (), sentence_spans(text))
        bags = doc.sentence_bags()
        for k in range(len(doc.sentences)):
            assert doc.stem_set(k) == frozenset(bags.stem[bags.sent == k].tolist())


@pytest.mark.parametrize("preset", ["news", "pan"])
def test_align_tokens_same_without_shortcut(preset: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = align_module.PRESETS[preset]
    rng = random.Random(3)
    pairs = [_pair(rng) for _ in range(400)]
    for min_words in (params.paraphrase_min_words, 3):
        p = dataclasses.replace(params, paraphrase_min_words=min_words)
        got = []
        for a, b in pairs:
            ta, tb = tokenize(a), tokenize(b)
            got.append(
                align_module.align_tokens(
                    ta, tb, p, a_sentences=sentence_spans(a), b_sentences=sentence_spans(b)
                )
            )
        monkeypatch.setattr(align_module, "DICE_SETS_MAX", -1)
        for (a, b), have in zip(pairs, got, strict=True):
            ta, tb = tokenize(a), tokenize(b)
            want = align_module.align_tokens(
                ta, tb, p, a_sentences=sentence_spans(a), b_sentences=sentence_spans(b)
            )
            assert have == want
        monkeypatch.undo()


def test_candidate_rows_equal_sentence_candidates() -> None:
    rng = random.Random(5)
    for _ in range(400):
        text = " ".join(_pair(rng))
        doc = align_module._prepare(tokenize(text), (), sentence_spans(text))
        n = len(doc.ids)
        for _ in range(10):
            cuts = sorted(rng.randrange(0, n + 3) for _ in range(2 * rng.randrange(0, 6)))
            spans = align_module._union(
                [(lo, hi) for lo, hi in zip(cuts[0::2], cuts[1::2], strict=True) if lo < hi]
            )
            for min_words in (0, 3, 8):
                for most in (0.0, 0.3, 0.5, 0.99, 1.0, -1.0):
                    want = align_module._sentence_candidates(doc, spans, min_words, most)
                    got = align_module._candidate_rows(doc, spans, min_words, most)
                    assert got == want.nonzero()[0].tolist()
