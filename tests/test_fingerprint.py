"""Fingerprints: stable hashes, normalisation, winnowing guarantees, bounded counts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from copytrace.fingerprint import (
    FingerprintParams,
    document_frequency,
    fingerprint_texts,
    normalize_text,
    shingle_hashes,
    winnow,
    word_hashes,
)
from copytrace.text import tokenize

PARAGRAPHS = (Path(__file__).parent / "data" / "scan" / "paragraphs.txt").read_text().split("\n\n")


def test_word_hashes_are_the_same_in_another_process_with_another_hash_seed() -> None:
    text = "Tokyo hopes that cultivating closer security ties with Moscow will help."
    here = word_hashes([text])[0].tolist()
    code = (
        f"from copytrace.fingerprint import word_hashes;print(word_hashes([{text!r}])[0].tolist())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(here)


def test_words_match_the_aligner_tokenizer_on_news_text() -> None:
    text = "The U.S. envoy’s “two-plus-two” talks—in Tokyo—went well. Café owners agreed!"
    hashes, off = word_hashes([text])
    words = tokenize(text).words
    assert off.tolist() == [0, len(words)]
    # Equal words hash equally and different words differently.
    for i, wi in enumerate(words):
        for j, wj in enumerate(words):
            assert (hashes[i] == hashes[j]) == (wi == wj)


def test_case_punctuation_and_typographic_quotes_do_not_change_fingerprints() -> None:
    a = "The U.S. said Abe's “plan” would fail, officials in Tokyo told reporters."
    b = 'the US said abe’s "plan" would fail officials in TOKYO told reporters'
    fa, fb = fingerprint_texts([a, b], FingerprintParams(ngram=3, window=2)).hash.reshape(2, -1)
    assert fa.tolist() == fb.tolist()


def test_normalize_text_folds_character_by_character_like_nfkd_of_the_whole_text() -> None:
    # The reference: NFKD of the whole text, then every combining mark dropped.
    marks = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370)) + "\u0653-\u065f]")

    def reference(text: str) -> str:
        text = text.lower()
        for ch in ".'’‘ʼ":
            text = text.replace(ch, "")
        return "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )

    samples = [
        "Ça a été ﬁne: Ｆｕｌｌ ½ ℌ ǅ Straße, İstanbul, ΣΑΣ, 한국어, 日本語, naïve coöperation",
        "e\u0301 a\u0308\u0301 (marks after a base) ․x — “quoted” ‘single’ U.S. Abe’s",
        "Arabic \u0643\u064e\u062a\u064e\u0628\u064e and Vietnamese Tiếng Việt",
        *PARAGRAPHS[:5],
    ]
    for text in samples:
        assert normalize_text(text) == reference(text)
        assert not marks.search(normalize_text(text))
    assert normalize_text("Café Ǆemal") == "cafe dzemal"


def test_normalize_text_over_utf8_is_the_character_path() -> None:
    # Texts whose non-ASCII characters lower to themselves go through their UTF-8
    # bytes; capitals, sigmas, dotted I, surrogates and folds must come out the same.
    import random

    from copytrace.fingerprint import _normalize_chars, _normalize_utf8

    rng = random.Random(4)
    pieces = [*"aZ.'’‘ʼ“”—…éÉΣσςİıſKßﬁℌ™½²\u0301\u0308日本\n \t", "\ud800", "\udc00"]
    pieces += ["ΟΔΟΣ", "Σ.", "U.S.", "Abe’s", "café", "\ud83d\ude00", "😀", "․x"]
    fast = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert normalize_text(text) == _normalize_chars(text), repr(text)
        fast += _normalize_utf8(text) is not None and not text.isascii()
    assert fast > 1000  # (the bytes path is taken)


def test_word_classes_learned_per_text_match_a_full_table_of_word_characters() -> None:
    # The classes are filled in as texts bring code points: each must be what a
    # table built over every code point at once (\\w, CJK apart) says.
    import random

    from copytrace.fingerprint import _CJK_RANGES, _char_classes

    rng = random.Random(3)
    points = [c for c in rng.sample(range(0x110000), 20_000) if not 0xD800 <= c < 0xE000]
    points += [ord(c) for c in "aZ_9 é’“—ǅ½ⅣΣ한日ー\u0301\u200b\U0001f600"]
    for chunk in (points[:7], points[7:5000], points[5000:]):  # (three batches)
        got = _char_classes(np.array(chunk, dtype=np.uint32)).tolist()
        word = re.compile(r"\w")
        want = [
            2 if any(lo <= c < hi for lo, hi in _CJK_RANGES) else int(bool(word.match(chr(c))))
            for c in chunk
        ]
        assert got == want


def test_folded_characters_fold_to_themselves() -> None:
    # normalize_text replaces each distinct non-ASCII character by its folding in
    # turn: right only when no folding holds a character that folds otherwise.
    import random

    from copytrace.fingerprint import _fold_char

    rng = random.Random(4)
    points = [c for c in rng.sample(range(0x80, 0x110000), 30_000) if not 0xD800 <= c < 0xE000]
    points += [ord(c) for c in "ﬁ½Ǆǅ㎒ℌ①Ａé\u1e9b\u0344\u0f73\ufdfa"]
    for c in points:
        for d in _fold_char(chr(c)):
            assert _fold_char(d) == d, (hex(c), d)
    assert normalize_text("ǄEMAL ½ ﬁne “x”") == "džemal 1⁄2 fine “x”".replace("ž", "z")


def test_cjk_characters_are_words_of_their_own() -> None:
    _, off = word_hashes(["東京で会談", "abc def"])
    assert off.tolist() == [0, 5, 7]


def test_shingles_never_cross_documents() -> None:
    h, off = word_hashes(["a b", "c d e"])
    sh, soff = shingle_hashes(h, off, 2)
    assert soff.tolist() == [0, 1, 3]
    h2, off2 = word_hashes(["b c"])
    assert shingle_hashes(h2, off2, 2)[0][0] not in sh.tolist()


def test_winnowing_keeps_a_shared_fingerprint_for_any_long_enough_shared_run() -> None:
    params = FingerprintParams(ngram=5, window=8)
    guarantee = params.ngram + params.window - 1
    rng = np.random.default_rng(7)
    for trial in range(20):
        shared = " ".join(PARAGRAPHS[trial].split()[:guarantee])
        left = " ".join(PARAGRAPHS[40 + trial].split()[: int(rng.integers(0, 30))])
        right = " ".join(PARAGRAPHS[70 + trial].split()[: int(rng.integers(0, 30))])
        fp = fingerprint_texts([f"{left} {shared} {right}", shared], params)
        assert set(fp.of(0).tolist()) & set(fp.of(1).tolist()), trial


def test_winnow_picks_window_minima_in_order() -> None:
    sh = np.array([9, 4, 7, 8, 2, 6, 5, 3], dtype=np.uint64)
    doc, pos = winnow(sh, np.array([0, 8]), 3)
    assert doc.tolist() == [0, 0, 0]
    assert pos.tolist() == [1, 4, 7]


def _winnow_reference(sh: np.ndarray, offsets: np.ndarray, window: int) -> list[tuple[int, int]]:
    """Winnowing document by document: each window's leftmost minimum, once in a row."""
    out: list[tuple[int, int]] = []
    for d in range(len(offsets) - 1):
        part = sh[offsets[d] : offsets[d + 1]].tolist()
        picks: list[int] = []
        for lo in range(max(1, len(part) - window + 1) if part else 0):
            win = part[lo : lo + window]
            at = lo + win.index(min(win))
            if not picks or picks[-1] != at:
                picks.append(at)
        out += [(d, p) for p in picks]
    return out


def test_winnow_of_long_short_and_empty_documents_together_is_sorted_by_document() -> None:
    rng = np.random.default_rng(7)
    for trial in range(300):
        lens = rng.integers(0, 12, int(rng.integers(1, 8)))
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        sh = rng.integers(0, 5, int(offsets[-1])).astype(np.uint64)
        window = int(rng.integers(2, 6))
        doc, pos = winnow(sh, offsets, window)
        got = list(zip(doc.tolist(), pos.tolist(), strict=True))
        assert got == _winnow_reference(sh, offsets, window), trial


def test_fingerprint_density_is_bounded_by_the_window() -> None:
    text = " ".join(PARAGRAPHS)
    n_words = len(tokenize(text))
    params = FingerprintParams(ngram=5, window=8)
    fp = fingerprint_texts([text], params)
    assert 0 < len(fp) <= 2 * n_words / (params.window + 1) + 1


def test_giant_documents_keep_at_most_the_cap_and_the_same_smallest_hashes() -> None:
    text = " ".join(PARAGRAPHS * 3)
    capped = fingerprint_texts([text], FingerprintParams(max_per_doc=50))
    full = fingerprint_texts([text], FingerprintParams(max_per_doc=10**9))
    assert len(capped) == 50
    assert set(capped.hash.tolist()) == set(np.sort(np.unique(full.hash))[:50].tolist())


def test_short_and_empty_documents() -> None:
    fp = fingerprint_texts(["", "one two", "one two three four five"], FingerprintParams())
    assert fp.doc.tolist() == [2]


def test_document_frequency_counts_documents_not_occurrences() -> None:
    fp = fingerprint_texts([PARAGRAPHS[0], PARAGRAPHS[0] + " " + PARAGRAPHS[0], PARAGRAPHS[1]])
    uniq, df = document_frequency(fp.hash, fp.doc)
    counts = dict(zip(uniq.tolist(), df.tolist(), strict=True))
    assert set(fp.of(0).tolist()) <= {h for h, d in counts.items() if d == 2}
    assert max(df) == 2


def test_invalid_params_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="window"):
        FingerprintParams(window=0)


def test_winnow_equals_the_window_by_window_reference_on_long_documents_and_windows() -> None:
    # (the run counts near each document's ends, ties, short documents, and a window
    # too wide for byte counts)
    rng = np.random.default_rng(11)
    for trial in range(200):
        lens = rng.integers(0, 40, int(rng.integers(1, 10)))
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        sh = rng.integers(0, int(rng.integers(2, 50)), int(offsets[-1])).astype(np.uint64)
        window = int(rng.integers(2, 13))
        doc, pos = winnow(sh, offsets, window)
        got = list(zip(doc.tolist(), pos.tolist(), strict=True))
        assert got == _winnow_reference(sh, offsets, window), trial
    offsets = np.array([0, 700, 1000, 1400], dtype=np.int64)
    sh = rng.integers(0, 1000, 1400).astype(np.uint64)
    doc, pos = winnow(sh, offsets, 300)
    got = list(zip(doc.tolist(), pos.tolist(), strict=True))
    assert got == _winnow_reference(sh, offsets, 300)


def test_word_bounds_without_cjk_are_the_general_ones() -> None:
    from copytrace.fingerprint import _word_bounds

    rng = np.random.default_rng(5)
    for trial in range(100):
        cls = rng.integers(0, 2, int(rng.integers(1, 60))).astype(np.uint8)
        fast = _word_bounds(cls, cjk=False)
        general = _word_bounds(cls, cjk=True)
        assert [a.tolist() for a in fast] == [a.tolist() for a in general], trial


def _reference_word_hashes(text: str) -> list[int]:
    """word_hashes of one text, character by character in Python: its normalised
    words (runs of \\w characters, each CJK one alone) hashed one by one."""
    from copytrace.fingerprint import _BASE, _CJK_RANGES, _splitmix

    words: list[str] = []
    run = ""
    for ch in normalize_text(text) + " ":
        if any(lo <= ord(ch) < hi for lo, hi in _CJK_RANGES):
            words += [run, ch] if run else [ch]
            run = ""
        elif re.match(r"\w", ch):
            run += ch
        elif run:
            words.append(run)
            run = ""
    raw = [
        (sum((ord(c) + 1) * _BASE**i for i, c in enumerate(w)) + len(w) * 0x9E3779B97F4A7C15)
        % 2**64
        for w in words
    ]
    return _splitmix(np.array(raw, dtype=np.uint64)).tolist()


def test_word_hashes_of_a_batch_are_those_of_each_normalised_text() -> None:
    # (characters the batch's code-point table changes: capitals, dropped ones, folded
    # ones, ones that fold to nothing or to several, and the final sigma's batches,
    # which go text by text)
    alphabets = [
        "abXY09 .'’‘ʼ\n-_,éÉçÇ…ﬁ½İǅßẞσςДжø東京でｶ゛\u0301ǄĲ™①²ªº·㈱豈",
        "ab .’éΣσ",
        "abcXYZ .'’éÉ",
    ]
    rng = np.random.default_rng(13)
    for trial in range(300):
        alphabet = alphabets[trial % len(alphabets)]
        texts = [
            "".join(rng.choice(list(alphabet), int(rng.integers(0, 30))))
            for _ in range(int(rng.integers(1, 6)))
        ]
        hashes, offsets = word_hashes(texts)
        for i, text in enumerate(texts):
            got = hashes[offsets[i] : offsets[i + 1]].tolist()
            assert got == _reference_word_hashes(text), (trial, texts)
