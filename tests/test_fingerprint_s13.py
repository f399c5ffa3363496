"""word_hashes block by block (session 13): the same hashes from any block size, and
as the polynomial hash's plain definition."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from copytrace import fingerprint
from copytrace.fingerprint import normalize_text, word_hashes

_M64 = (1 << 64) - 1
_ALPHABET = "aB c.'\u2019 \u00c9 1 \u6771\u00df \ufb01  \n-\u03a3x"


def _texts(rng: random.Random, n: int) -> list[str]:
    return [
        "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 60)))
        for _ in range(rng.randint(0, n))
    ]


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64])
def test_any_block_size_gives_the_same_hashes(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(block)
    groups = [_texts(rng, 6) for _ in range(300)]
    groups += [["x" * 300 + " U.S. Abe's a.b.c " * 5, "y" * 70, "a.b " * 40]]
    expected = [word_hashes(texts) for texts in groups]
    monkeypatch.setattr(fingerprint, "_HASH_BLOCK", block)
    for texts, (hashes, offsets) in zip(groups, expected, strict=True):
        got_hashes, got_offsets = word_hashes(texts)
        assert np.array_equal(got_hashes, hashes), texts
        assert np.array_equal(got_offsets, offsets), texts


def _splitmix(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def _plain_word_hash(word: str) -> int:
    """sum (x_k + 1) * B**k over the word's code points, plus its length times the
    golden ratio, mixed by splitmix64."""
    base = 0x100000001B3
    h = sum((ord(c) + 1) * pow(base, k, 1 << 64) for k, c in enumerate(word)) & _M64
    return _splitmix((h + len(word) * 0x9E3779B97F4A7C15) & _M64)


def test_hashes_as_defined_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    words = ["U.S.", "Abe's", "said", "NO", "x" * 40, "a.b.c", "don't", "1,000"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(40)]
    monkeypatch.setattr(fingerprint, "_HASH_BLOCK", 50)
    hashes, offsets = word_hashes(texts)
    for i, text in enumerate(texts):
        plain = [_plain_word_hash(w) for w in re.findall(r"\w+", normalize_text(text))]
        assert hashes[offsets[i] : offsets[i + 1]].tolist() == plain, text
