"""``tokenize_many`` (a chunk of texts in one numpy pass) against ``tokenize`` one
text at a time, on fuzzed texts, content spans and HTML."""

from __future__ import annotations

import random

import pytest
from tests.test_text_fast import _spans, _texts

from copytrace.text import Tokens, tokenize, tokenize_many


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tokenize_many_matches_tokenize(seed: int) -> None:
    rng = random.Random(seed)
    texts = _texts(seed, 300)
    # long texts too (tokenize takes its numpy pass from 1,000 characters)
    texts += [" ".join(rng.sample(texts, 40)) for _ in range(20)]
    for size in (1, 2, 7, 50):
        for at in range(0, len(texts), size):
            items = [
                (t, _spans(rng, len(t)), rng.random() < 0.1 and "&" in t + "&")
                for t in texts[at : at + size]
            ]
            got = tokenize_many(items)
            assert got == [tokenize(t, spans, html) for t, spans, html in items]


def test_tokenize_many_keeps_texts_apart() -> None:
    # a word at one text's end and the next text's start stay two words
    got = tokenize_many([("one two", None, False), ("three", [(0, 5)], False)])
    assert [t.words for t in got] == [["one", "two"], ["three"]]
    assert got[1].starts == [0]


def test_tokenize_many_with_wide_and_empty_texts() -> None:
    items = [
        ("Abe’s 日本語 talks", None, False),
        ("", None, False),
        ("naïve U.S. ´ envoy", [(0, 6), (7, 30)], False),
        ("x", [], False),
        ("A &amp; B", None, True),
    ]
    assert tokenize_many(items) == [tokenize(t, s, h) for t, s, h in items]
    assert tokenize_many([]) == []
    assert tokenize_many([("", [], False)]) == [Tokens([], [], [])]
