"""The numpy tokenizer's shortcuts: words of ASCII letters joined by connectors
("’" too) taken as the byte pass gives them, the spans' shifts by runs, and the
joined pass's starts array."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from tests.test_text_fast import _spans, _texts

from copytrace.text import (
    _tokenize_plain,
    _tokenize_regex,
    normalize_word,
    tokenize,
    tokenize_many_starts,
)

_CONNECTORS = ".'’‘ʼ"


def test_ascii_letters_with_connectors_are_normalised_by_the_byte_pass() -> None:
    # every connector between ASCII letters (and "ʼ", a letter too, on its own)
    for c, d in itertools.product(_CONNECTORS, repeat=2):
        for raw in (f"Abe{c}s", f"U{c}S{d}A", f"x{c}{d}y", f"ʼ{c}B", f"Q{c}ʼ"):
            text = f"{raw} and {raw}."
            got = _tokenize_plain(text, None)
            assert got == _tokenize_regex(text, [(0, len(text))])
            spans = zip(got.starts, got.ends, strict=True)
            assert [normalize_word(text[s:e]) for s, e in spans] == got.words
    # words of "ʼ" alone are normalised away
    assert _tokenize_plain("ʼʼ ab ʼ é", None).words == ["ab", "e"]


@pytest.mark.parametrize("seed", [3, 4])
def test_many_spans_shifted_by_runs(seed: int) -> None:
    rng = random.Random(seed)
    for text in _texts(seed, 1500):
        text = text + " " + text  # (a few more words a span)
        cuts = sorted(rng.randint(0, len(text) + 3) for _ in range(rng.randint(2, 30)))
        spans = [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, rng.choice([1, 2]))]
        assert _tokenize_plain(text, spans) == _tokenize_regex(text, spans), (text, spans)


@pytest.mark.parametrize("seed", [5, 6])
def test_tokenize_many_starts_lists_the_tokens_starts(seed: int) -> None:
    rng = random.Random(seed)
    texts = _texts(seed, 400)
    for size in (1, 3, 20, 80):
        for at in range(0, len(texts), size):
            items = [(t, _spans(rng, len(t)), False) for t in texts[at : at + size]]
            got, starts = tokenize_many_starts(items)
            assert got == [tokenize(t, s) for t, s, _ in items]
            if starts is not None:
                assert starts.tolist() == list(itertools.chain.from_iterable(t.starts for t in got))
    # a text with a word normalised away, or past the small code points: no array
    for tail in ("ʼ", "日"):
        got, starts = tokenize_many_starts([("one two", None, False), ("x " + tail, None, False)])
        assert starts is None and got == [tokenize("one two"), tokenize("x " + tail)]
    got, starts = tokenize_many_starts([("Abe’s naïve", None, False), ("U.S.", None, False)])
    assert starts is not None and np.array_equal(starts, [0, 6, 0])
