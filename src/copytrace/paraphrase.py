"""Sentence-level similarity for rewritten (paraphrased) text.

Each sentence becomes a tf-idf vector over the stems of its content words
(stop words dropped, Snowball stems via PyStemmer); the idf is computed over the
sentences of both documents. Two sentences are a paraphrase candidate when both
their cosine and the Dice overlap of their stem sets pass the thresholds
(the seeding of Sanchez-Perez, Gelbukh and Sidorov, PAN 2014).

All arithmetic is vectorised with numpy: the sentence pairs that share a stem
are enumerated by a sort/search join, so the cost follows the shared stems,
not the product of the sentence counts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

logger = logging.getLogger(__name__)

# A compact English stop-word list (function words that carry no facts).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "o",
        "re",
        "ve",
        "y",
        "would",
        "shall",
        "may",
        "might",
        "must",
        "upon",
        "yet",
    ]
)

_STEMMER = Stemmer.Stemmer("english")
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000


def stem_words(words: Sequence[str]) -> list[str]:
    """Snowball (Porter2) stems of already-normalised words, cached per process.

    Example:
        >>> stem_words(["cultivating", "relations"])
        ['cultiv', 'relat']
    """
    cache = _STEM_CACHE
    missing = [w for w in set(words) if w not in cache]
    if missing:
        if len(cache) > _STEM_CACHE_MAX:
            cache.clear()
        for w, s in zip(missing, _STEMMER.stemWords(missing), strict=True):
            cache[w] = s
    return [cache[w] for w in words]


@dataclass(frozen=True, slots=True)
class SentenceBags:
    """Content-word stems of each sentence of one document, as numeric entries.

    ``sent[k]`` and ``stem[k]`` say that stem id ``stem[k]`` occurs ``count[k]``
    times in sentence ``sent[k]``; ``sizes[s]`` is the number of distinct stems
    of sentence ``s``.
    """

    sent: np.ndarray
    stem: np.ndarray
    count: np.ndarray
    sizes: np.ndarray


def sentence_bags(
    words: Sequence[str], sentences: Sequence[tuple[int, int]], vocab: dict[str, int]
) -> SentenceBags:
    """Bags of stems for the token ranges ``sentences`` (``[lo, hi)`` word indices).

    Stem ids come from ``vocab``, which is extended in place so that two
    documents built with the same ``vocab`` share ids.
    """
    stems = stem_words(words)
    sent_ids: list[int] = []
    stem_ids: list[int] = []
    for s, (lo, hi) in enumerate(sentences):
        for k in range(lo, hi):
            w = words[k]
            if w in STOP_WORDS or (len(w) == 1 and not w.isdigit()):
                continue
            sid = vocab.get(stems[k])
            if sid is None:
                sid = vocab[stems[k]] = len(vocab)
            sent_ids.append(s)
            stem_ids.append(sid)
    n = len(sentences)
    if not sent_ids:
        empty = np.empty(0, np.int64)
        return SentenceBags(empty, empty, empty, np.zeros(n, np.int64))
    key = np.asarray(sent_ids, np.int64) * (len(vocab) + 1) + np.asarray(stem_ids, np.int64)
    uniq, count = np.unique(key, return_counts=True)
    sent = uniq // (len(vocab) + 1)
    stem = uniq % (len(vocab) + 1)
    sizes = np.bincount(sent, minlength=n)
    return SentenceBags(sent, stem, count, sizes)


def sentence_similarity(
    a: SentenceBags, b: SentenceBags, n_a: int, n_b: int, vocab_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cosine and Dice of every sentence pair that shares at least one stem.

    Returns:
        ``(sa, sb, cosine, dice)`` arrays, one entry per sentence pair.

    Example:
        >>> vocab: dict[str, int] = {}
        >>> ba = sentence_bags(["talks", "will", "be", "held", "autumn"], [(0, 5)], vocab)
        >>> bb = sentence_bags(["talks", "held", "in", "autumn"], [(0, 4)], vocab)
        >>> sa, sb, cos, dice = sentence_similarity(ba, bb, 1, 1, len(vocab))
        >>> float(dice[0])
        1.0
    """
    none = np.empty(0, np.int64)
    if not len(a.sent) or not len(b.sent):
        return none, none, np.empty(0), np.empty(0)
    # idf over the sentences of both documents
    df = np.bincount(a.stem, minlength=vocab_size) + np.bincount(b.stem, minlength=vocab_size)
    idf = np.log1p((n_a + n_b) / np.maximum(df, 1))
    wa = (1.0 + np.log(a.count)) * idf[a.stem]
    wb = (1.0 + np.log(b.count)) * idf[b.stem]
    norm_a = np.sqrt(np.bincount(a.sent, weights=wa * wa, minlength=n_a))
    norm_b = np.sqrt(np.bincount(b.sent, weights=wb * wb, minlength=n_b))
    order = np.argsort(b.stem, kind="stable")
    sorted_stem = b.stem[order]
    lo = np.searchsorted(sorted_stem, a.stem, "left")
    hi = np.searchsorted(sorted_stem, a.stem, "right")
    cnt = hi - lo
    total = int(cnt.sum())
    if total == 0:
        return none, none, np.empty(0), np.empty(0)
    ia = np.repeat(np.arange(len(a.stem)), cnt)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ib = order[np.repeat(lo, cnt) + offs]
    key = a.sent[ia] * n_b + b.sent[ib]
    uniq, inverse = np.unique(key, return_inverse=True)
    dot = np.bincount(inverse, weights=wa[ia] * wb[ib])
    shared = np.bincount(inverse)
    sa = uniq // n_b
    sb = uniq % n_b
    denom = norm_a[sa] * norm_b[sb]
    cosine = np.divide(dot, denom, out=np.zeros_like(dot), where=denom > 0)
    dice = 2.0 * shared / (a.sizes[sa] + b.sizes[sb])
    return sa, sb, np.minimum(cosine, 1.0), dice


def bag_doc_cosine(x: SentenceBags, lo: int, hi: int, y: SentenceBags, n_total: int) -> float:
    """Cosine between sentences ``lo..hi-1`` of one document and all of another.

    Term weights are ``log(1 + tf) * idf`` with the idf of the sentence
    collection of both documents (``n_total`` sentences).
    """
    size = int(max(x.stem.max(initial=0), y.stem.max(initial=0))) + 1
    df = np.bincount(x.stem, minlength=size) + np.bincount(y.stem, minlength=size)
    idf = np.log1p(n_total / np.maximum(df, 1))
    m = (x.sent >= lo) & (x.sent < hi)
    vx = np.log1p(np.bincount(x.stem[m], weights=x.count[m], minlength=size)) * idf
    vy = np.log1p(np.bincount(y.stem, weights=y.count, minlength=size)) * idf
    denom = float(np.linalg.norm(vx) * np.linalg.norm(vy))
    return float(vx @ vy) / denom if denom > 0 else 0.0
