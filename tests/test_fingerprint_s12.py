"""word_hashes with dropped characters left in place (session 12): the words they
join hashed again, equal to hashing the normalised texts."""

from __future__ import annotations

import numpy as np

from copytrace.fingerprint import normalize_text, word_hashes


def test_words_joined_across_dropped_runs_hash_as_the_normalised_text() -> None:
    # (runs of dropped characters between letters, digits, CJK, separators and the
    # texts' ends; several runs in one word; capitals beside them)
    alphabet = [*"abZ9 .'’‘ʼ-\n東é", "U.S.", "a.'b", "x’y’z", "..", "''"]
    rng = np.random.default_rng(12)
    for trial in range(400):
        texts = [
            "".join(rng.choice(alphabet, int(rng.integers(0, 25))))
            for _ in range(int(rng.integers(1, 5)))
        ]
        hashes, offsets = word_hashes(texts)
        normed, normed_offsets = word_hashes([normalize_text(t) for t in texts])
        assert offsets.tolist() == normed_offsets.tolist(), (trial, texts)
        assert hashes.tolist() == normed.tolist(), (trial, texts)


def test_joined_words() -> None:
    hashes, offsets = word_hashes(["U.S. envoy’s ''x.'y'' a.b.c", "US envoys xy abc"])
    assert offsets.tolist() == [0, 4, 8]
    assert hashes[:4].tolist() == hashes[4:].tolist()


def test_code_points_past_the_bmp_hash_as_the_normalised_text() -> None:
    # (a batch with one is read as UTF-32, not UTF-16: "𝐚" folds to "a", "😀" is no
    # word character, "𠀀" a word character outside the CJK ranges)
    texts = ["𝐚b c.d 😀 x", "Ab c", "𠀀 e’f", "plain"]
    hashes, offsets = word_hashes(texts)
    normed, normed_offsets = word_hashes([normalize_text(t) for t in texts])
    assert offsets.tolist() == normed_offsets.tolist()
    assert hashes.tolist() == normed.tolist()
    assert hashes[:1].tolist() == hashes[offsets[1] : offsets[1] + 1].tolist()


def test_shingle_hashes_are_those_of_each_document_alone() -> None:
    from copytrace.fingerprint import _POSITION_MULT, _splitmix, shingle_hashes

    rng = np.random.default_rng(7)
    for trial in range(200):
        ngram = int(rng.integers(1, 7))
        n_words = rng.integers(0, 9, int(rng.integers(1, 6)))
        offsets = np.r_[0, np.cumsum(n_words)].astype(np.int64)
        hashes = rng.integers(0, 2**63, int(offsets[-1]), dtype=np.uint64)
        got, got_offsets = shingle_hashes(hashes, offsets, ngram)
        want: list[int] = []
        for lo, hi in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
            for t in range(lo, hi - ngram + 1):
                raw = sum(_POSITION_MULT[j] * int(hashes[t + j]) for j in range(ngram)) % 2**64
                want.append(raw)
        assert got.tolist() == _splitmix(np.array(want, dtype=np.uint64)).tolist(), trial
        n_shingles = np.maximum(n_words - ngram + 1, 0)
        assert got_offsets.tolist() == np.r_[0, np.cumsum(n_shingles)].tolist()


def test_winnow_with_run_counts_whose_sum_passes_a_byte() -> None:
    # (window 200: counts in bytes, their sums in int64)
    from copytrace.fingerprint import winnow

    rng = np.random.default_rng(3)
    offsets = np.array([0, 450, 450, 600, 1000], dtype=np.int64)
    shingles = rng.integers(0, 300, int(offsets[-1])).astype(np.uint64)
    for window in (6, 127, 128, 200):
        doc, pos = winnow(shingles, offsets, window)
        want = []
        bounds = zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
        for d, (lo, hi) in enumerate(bounds):
            picked = {
                i + int(np.argmin(shingles[i : min(i + window, hi)])) - lo
                for i in range(lo, max(hi - window, lo) + 1)
                if hi > lo
            }
            want += [(d, p) for p in sorted(picked)]
        assert list(zip(doc.tolist(), pos.tolist(), strict=True)) == want, window
