"""The numpy tokenizer's passes (ASCII, small code points, general) against the
word-regex reference, on fuzzed texts and content spans."""

from __future__ import annotations

import random

import pytest

from copytrace.text import _tokenize_plain, _tokenize_regex

# letters, digits, connectors, quotes, marks, spaces; then CJK and astral characters
# (the general pass), kept out of half the texts
_SMALL = [*"aZ_9 .'’‘ʼ\n\t,;\"“”éÉßΣσİı\u0301ﬁ²½٣ǅ-\u00a0\0\x7f"]
_SMALL += ["Mr.", "U.S.", "Abe’s", "x.", ".y", "naïve", "ÀB"]
_WIDE = [*"日本語。！？ｱ한글😀", "\udc80"]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for k in range(count):
        pieces = _SMALL + _WIDE if k % 2 else _SMALL
        if k % 4 == 0:
            pieces = [p for p in pieces if p.isascii()]
        out.append("".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))))
    return out


def _spans(rng: random.Random, n: int) -> list[tuple[int, int]] | None:
    if rng.random() < 0.2:
        return None
    cuts = sorted(rng.randint(0, n + 2) for _ in range(rng.randint(1, 8)))
    step = rng.choice([1, 2])  # 1: spans that touch
    return [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts) - 1, step)]


@pytest.mark.parametrize("seed", [1, 2])
def test_numpy_passes_match_the_word_regex(seed: int) -> None:
    rng = random.Random(seed)
    for text in _texts(seed, 4000):
        spans = _spans(rng, len(text))
        got = _tokenize_plain(text, spans)
        want = _tokenize_regex(text, spans if spans is not None else [(0, len(text))])
        assert (got.words, got.starts, got.ends) == (want.words, want.starts, want.ends), (
            text,
            spans,
        )
        for w, s, e in zip(got.words, got.starts, got.ends, strict=True):
            assert w and 0 <= s < e <= len(text)


def test_words_do_not_run_across_touching_spans_in_any_pass() -> None:
    for tail in ("", "é", "日"):  # ASCII, small code points, general pass
        text = "abc.def ghi" + tail
        t = _tokenize_plain(text, [(0, 2), (2, 11)])
        assert t.words == ["ab", "cdef", "ghi"]
        assert [text[s:e] for s, e in zip(t.starts, t.ends, strict=True)] == ["ab", "c.def", "ghi"]


def test_non_ascii_words_are_normalised_in_the_small_pass() -> None:
    text = "The naïve ÉLAN of Abe’s U.S. trip"
    assert _tokenize_plain(text, None).words == ["the", "naive", "elan", "of", "abes", "us", "trip"]
