"""Fingerprints that survive rewording: hashed runs of content-word stems.

Word 5-gram fingerprints need five words copied in a row, so a passage that is
reworded throughout (synonyms, words added, dropped or moved, a translation
round trip) shares none of them with its source, and the candidate join never
proposes the pair. These fingerprints are made the same way over a reduced
text: each word stemmed (Snowball English), stop words and single letters
dropped, then runs of ``STEM_NGRAM`` consecutive stems hashed and winnowed.
"the army was deploying new missiles" and "the army deployed the new missile"
both become ``armi deploy new missil``.

Hashes are as stable as the word fingerprints' (they hash the stems' text)
and live in their own range (``_DOMAIN``), so the join may mix both kinds.
Stems and stop words are English; in other languages the route still works on
the words as they stand, with their function words left in.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt

from copytrace.fingerprint import Words, shingle_hashes, winnow, word_hashes
from copytrace.paraphrase import STOP_WORDS, stem_words

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Calibrated on the PAN 2013 training texts scanned as two folders (no pairs
# given; bench notes in docs/scan.md): runs of 3 stems keep most of a random or
# translated passage's evidence (2 stems: 13x the candidate pairs, mostly
# same-topic texts; 4: a quarter of the reworded pairs lost). A window of 4
# keeps ~2/5 of the runs, any shared run of 6 stems still giving one: listed
# random / translated pairs found 82.7% / 81.0% for 1.9x the candidates of
# word fingerprints alone (window 2: 87.6% / 87.5% for 2.7x).
STEM_NGRAM = 3
STEM_WINDOW = 4
# Stem fingerprints are xor-ed with this (fixed forever), so that a stem run's
# hash is unrelated to the hash of the same words as a word run (a run of
# three one-word stems would otherwise hash like some word 3-gram).
_DOMAIN = np.uint64(0x5BD1E9955BD1E995)
# Word hash -> stem hash (0: a stop word) of the words met so far; cleared
# beyond this many (a few hundred MB at most).
_CACHE_MAX = 2_000_000
_CACHE: dict[int, int] = {}
_LOCK = threading.Lock()
# ... and the recent ones in a table by their hash's low bits (16 MB a side):
# one gather finds the words of a batch met before, ~2.5x faster than sorting
# them all for the dictionary.
_TABLE_BITS = 21
_TABLE_MASK = np.uint64((1 << _TABLE_BITS) - 1)
_TABLE: list[U64] = []


def content_stems(words: Words) -> tuple[U64, I64, I64]:
    """The stem hashes of each text's content words.

    Returns ``(stems, stem_offsets, word_index)``: text ``i``'s content stems
    are ``stems[stem_offsets[i]:stem_offsets[i + 1]]`` and ``word_index``
    gives each one's word number in its text.

    Example:
        >>> from copytrace.fingerprint import batch_words
        >>> texts = ["The army was deploying missiles", "army deployed a missile"]
        >>> s, off, at = content_stems(batch_words(texts))
        >>> off.tolist(), bool((s[:3] == s[3:]).all()), at[:3].tolist()
        ([0, 3, 6], True, [1, 3, 4])
    """
    hashes, offsets = words.hashes, words.offsets
    if len(hashes) == 0:
        return hashes, np.zeros(len(offsets), dtype=np.int64), np.zeros(0, dtype=np.int64)
    with _LOCK:
        # (most words are met before: looked up in the direct-mapped table, a
        # gather; only the rest are sorted and looked up in the dictionary)
        table_keys, table_stems = _table()
        slot = (hashes & _TABLE_MASK).astype(np.intp)
        hit = (table_keys[slot] == hashes) & (hashes != 0)  # (0 marks an empty slot)
        stems = np.where(hit, table_stems[slot], np.uint64(0))
        miss = np.flatnonzero(~hit)
        if len(miss):
            stems[miss] = _stems_of(words, miss, table_keys, table_stems)
    keep = stems != 0
    kept = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept[1:])
    at = np.flatnonzero(keep)
    doc = np.searchsorted(offsets, at, side="right") - 1
    return stems[keep], kept[offsets], at - offsets[doc]


def _stems_of(words: Words, rows: I64, table_keys: U64, table_stems: U64) -> U64:
    """The stem hashes of the words ``rows`` (learned when new), entered in the table."""
    hashes = words.hashes[rows]
    # (distinct hashes by a quicksort: np.unique's inverse and first index take a
    # stable sort, ~3x slower; any row of each hash will do to spell it)
    order = np.argsort(hashes)
    ordered = hashes[order]
    new_run = np.ones(len(ordered), dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    distinct, first = ordered[new_run], rows[order[new_run]]
    inverse = np.empty(len(hashes), dtype=np.int64)
    inverse[order] = np.cumsum(new_run) - 1
    keys = distinct.tolist()
    found = list(map(_CACHE.get, keys))
    if None in found:
        new = [i for i, v in enumerate(found) if v is None]
        if len(_CACHE) + len(new) > _CACHE_MAX:
            _CACHE.clear()
            table_keys.fill(0)
        for i, stem in zip(new, _stem_hashes(words.spell(first[new])), strict=True):
            _CACHE[keys[i]] = found[i] = stem
    stems = np.array(found, dtype=np.uint64)
    slot = (distinct & _TABLE_MASK).astype(np.intp)
    table_keys[slot] = distinct  # (a slot taken already is overwritten: the dict stays)
    table_stems[slot] = stems
    return stems[inverse]


def _table() -> tuple[U64, U64]:
    """The direct-mapped table of word hash -> stem hash (made on first use)."""
    if not _TABLE:
        _TABLE.extend(np.zeros(1 << _TABLE_BITS, dtype=np.uint64) for _ in range(2))
    return _TABLE[0], _TABLE[1]


def _stem_hashes(spelled: list[str]) -> list[int]:
    """The stem hash of each word (0 for a stop word or a single letter)."""
    content = [not (w in STOP_WORDS or (len(w) == 1 and not w.isdigit())) for w in spelled]
    stems = stem_words([w for w, c in zip(spelled, content, strict=True) if c])
    # (each stem hashed as a text of its own: a stem is one word, its hash that word's)
    hashed, per = word_hashes(stems)
    one = np.diff(per) == 1
    firsts = iter(np.where(one, hashed[np.minimum(per[:-1], len(hashed) - 1)], 1).tolist())
    return [(next(firsts) or 1) if c else 0 for c in content]


def stem_fingerprints(
    words: Words, ngram: int = STEM_NGRAM, window: int = STEM_WINDOW
) -> tuple[I64, U64, I64]:
    """Winnowed stem-run fingerprints: ``(doc, hash, pos)`` sorted by ``(doc, pos)``,
    ``pos`` the word number where the run's first stem stands.

    Example:
        >>> from copytrace.fingerprint import batch_words
        >>> texts = ["Troops were deploying new missiles near the border today",
        ...          "the troops deployed new missile systems near that border"]
        >>> doc, h, pos = stem_fingerprints(batch_words(texts), window=1)
        >>> bool(set(h[doc == 0].tolist()) & set(h[doc == 1].tolist()))
        True
    """
    stems, stem_offsets, word_index = content_stems(words)
    runs, run_offsets = shingle_hashes(stems, stem_offsets, ngram)
    doc, pos = winnow(runs, run_offsets, window)
    if not len(doc):
        return doc, np.zeros(0, dtype=np.uint64), pos
    hashes = runs[run_offsets[doc] + pos] ^ _DOMAIN
    return doc, hashes, word_index[stem_offsets[doc] + pos]
