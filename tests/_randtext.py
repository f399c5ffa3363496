"""Random texts over a small vocabulary, and edited copies of them: the inputs of the
aligner's shortcut-equivalence tests (many repeats and near repeats, so runs, seeds
and similarities are exercised at every length)."""

from __future__ import annotations

import random

from copytrace.align import AlignParams, align_tokens
from copytrace.text import sentence_spans, tokenize

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "said",
    "talks",
    "minister",
    "moscow",
    "tokyo",
    "fall",
    "year",
    "plan",
    "trade",
    "deal",
    "a",
    "b",
]


def text(rng: random.Random, n: int) -> str:
    """``n`` words drawn from ``WORDS``."""
    return " ".join(rng.choice(WORDS) for _ in range(n))


def edited(rng: random.Random, source: str) -> str:
    """``source`` with up to 11 words replaced, inserted or deleted."""
    words = source.split()
    for _ in range(rng.randrange(0, 12)):
        k = rng.randrange(len(words))
        r = rng.random()
        if r < 0.4:
            words[k] = rng.choice(WORDS)
        elif r < 0.7:
            words.insert(k, rng.choice(WORDS))
        elif len(words) > 1:
            del words[k]
    return " ".join(words)


def sentence_pairs(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` pairs (a text of 1-7 sentences, an edited copy of it)."""
    pairs = []
    for _ in range(n):
        a = ". ".join(text(rng, rng.randrange(6, 20)) for _ in range(rng.randrange(1, 8))) + "."
        pairs.append((a, edited(rng, a)))
    return pairs


def align_each(pairs: list[tuple[str, str]], params: AlignParams) -> list[object]:
    """``align_tokens`` of each pair, with its sentences and texts (as ``compare`` calls it)."""
    return [
        align_tokens(
            tokenize(a),
            tokenize(b),
            params,
            a_sentences=sentence_spans(a),
            b_sentences=sentence_spans(b),
            a_text=a,
            b_text=b,
        )
        for a, b in pairs
    ]
