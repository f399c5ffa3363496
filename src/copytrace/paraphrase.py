"""Sentence-level similarity for rewritten (paraphrased) text.

Each sentence becomes a tf-idf vector over the stems of its content words
(stop words dropped, Snowball stems via PyStemmer); the idf is computed over the
sentences of both documents. Two sentences are a paraphrase candidate when both
their cosine and the Dice overlap of their stem sets pass the thresholds
(the seeding of Sanchez-Perez, Gelbukh and Sidorov, PAN 2014).

All arithmetic is vectorised: the sentence pairs that share a stem come from a
sparse sentence x stem matrix product (scipy.sparse), so the cost follows the
shared stems, not the product of the sentence counts.
"""

from __future__ import annotations

import logging
import operator
import threading
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import Stemmer

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

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

# maxCacheSize 0: PyStemmer's own cache off. Every caller remembers its stems
# (the lexicon, _STEM_CACHE), so that cache only ever saw new words, and its
# upkeep tripled the cost of stemming one (1.8-2.4 -> 0.6-0.9 us a word).
_STEMMER = Stemmer.Stemmer("english", 0)
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000
# The stem caches (and the Snowball stemmer, not thread-safe) are shared by the
# web server's query threads; RLock: stem_ids calls stem_words.
_STEM_LOCK = threading.RLock()


def stem_words(words: Sequence[str]) -> list[str]:
    """Snowball (Porter2) stems of already-normalised words, cached per process.

    Example:
        >>> stem_words(["cultivating", "relations"])
        ['cultiv', 'relat']
    """
    with _STEM_LOCK:
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


_WORD_STEM_ID: dict[str, int] = {}
_STEM_ID: dict[str, int] = {}


def stem_ids(words: Sequence[str]) -> np.ndarray:
    """Stem id of each word (-1 for stop words and single letters).

    Ids are stable within one process between cache resets (so two documents
    stemmed in one call sequence share them); the cache is bounded.

    Example:
        >>> ids = stem_ids(["the", "talks", "talking"])
        >>> int(ids[0]), bool(ids[1] == ids[2])
        (-1, True)
    """
    with _STEM_LOCK:
        cache = _WORD_STEM_ID
        missing = [w for w in dict.fromkeys(words) if w not in cache]
        if missing:
            if len(cache) + len(missing) > _STEM_CACHE_MAX:
                cache.clear()  # callers pass every word of a pair in one call
                _STEM_ID.clear()
                missing = list(dict.fromkeys(words))
            for w, st in zip(missing, stem_words(missing), strict=True):
                if w in STOP_WORDS or (len(w) == 1 and not w.isdigit()):
                    cache[w] = -1
                else:
                    sid = _STEM_ID.get(st)
                    if sid is None:
                        sid = _STEM_ID[st] = len(_STEM_ID)
                    cache[w] = sid
        return np.fromiter(map(cache.__getitem__, words), np.int64, len(words))


# Distinct words a Lexicon holds before it starts afresh (bounds memory in
# long corpus runs; about 100 MB at the cap).
LEXICON_MAX_WORDS = 1_000_000


class _Vocabulary(dict[str, int]):
    """Word -> id, where looking up a new word adds it with the next id and notes
    it in ``added`` (a single lookup pass for known and new words alike)."""

    __slots__ = ("added",)

    def __init__(self) -> None:
        super().__init__()
        self.added: list[str] = []

    def __missing__(self, word: str) -> int:
        i = self[word] = len(self)
        self.added.append(word)
        return i


class Lexicon:
    """Word ids and their stem ids, shared by every document of a process.

    Documents prepared with one lexicon can be compared by id; ``generation``
    changes when the lexicon starts afresh (ids from an older generation are
    void).

    Example:
        >>> lex = Lexicon()
        >>> ids = lex.ids(["talks", "talking", "the"])
        >>> stems = lex.stems[ids]
        >>> bool(stems[0] == stems[1]), int(stems[2])
        (True, -1)
    """

    def __init__(self, max_words: int = LEXICON_MAX_WORDS) -> None:
        self.max_words = max_words
        self._lock = threading.Lock()
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        self.words: _Vocabulary = _Vocabulary()
        self.stem_of: dict[str, int] = {}
        self._stem_buf = np.empty(1024, np.int64)
        self.stems = self._stem_buf[:0]  # stem id per word id, -1: stop word
        self.generation += 1

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """Word id of each word, adding new words (and their stems).

        Thread-safe: a word's id is published only together with its stem, so
        ``stems[ids]`` holds for the ids returned (the web server aligns in
        threads; tests/test_web_api.py checks this).
        """
        with self._lock:
            return self._ids(words)

    def lookup(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, int]:
        """``(word ids, stem ids, generation)`` of ``words``, taken together (no
        other thread can start the lexicon afresh in between)."""
        with self._lock:
            ids = self._ids(words)
            return ids, self.stems[ids], self.generation

    def _ids(self, words: Sequence[str]) -> np.ndarray:
        if len(self.words) > self.max_words:
            self.reset()
        vocab = self.words
        # every word looked up in one C-level pass; a new word gets the next id, in
        # order of first occurrence (see _Vocabulary)
        new = vocab.added = []
        if len(words) > 1:
            ids = np.fromiter(operator.itemgetter(*words)(vocab), np.int64, len(words))
        else:  # (itemgetter of one word gives the id, not a tuple)
            ids = np.fromiter(map(vocab.__getitem__, words), np.int64, len(words))
        if new:
            stem_of = self.stem_of
            add_stem = stem_of.setdefault
            # new words are stemmed once here (the lexicon is their cache)
            with _STEM_LOCK:
                stems = _STEMMER.stemWords(new)
            # a new stem gets the next id (len() is taken before it is added)
            sids = np.fromiter(
                (
                    -1
                    if w in STOP_WORDS or (len(w) == 1 and not w.isdigit())
                    else add_stem(st, len(stem_of))
                    for w, st in zip(new, stems, strict=True)
                ),
                np.int64,
                len(new),
            )
            n_old, n_new = len(self.stems), len(self.stems) + len(sids)
            if n_new > len(self._stem_buf):  # grow by doubling: no copy per document
                buf = np.empty(max(n_new, 2 * len(self._stem_buf)), np.int64)
                buf[:n_old] = self.stems
                self._stem_buf = buf
            self._stem_buf[n_old:n_new] = sids
            self.stems = self._stem_buf[:n_new]
        return ids


def sentence_bags(
    token_stems: np.ndarray, sentences: Sequence[tuple[int, int]] | np.ndarray
) -> SentenceBags:
    """Bags of stems for the token ranges ``sentences`` (``[lo, hi)`` word indices;
    a list of pairs, or an ``(n, 2)`` array, which spares a conversion).

    ``token_stems`` holds each token's stem id (-1: ignored), see :func:`stem_ids`.

    Example:
        >>> bags = sentence_bags(np.array([0, -1, 1, 0]), [(0, 2), (2, 4)])
        >>> bags.sizes.tolist()
        [1, 2]
    """
    n = len(sentences)
    if n == 0:
        empty = np.empty(0, np.int64)
        return SentenceBags(empty, empty, empty, np.zeros(0, np.int64))
    bounds = np.asarray(sentences, np.int64).reshape(-1, 2)
    lengths = bounds[:, 1] - bounds[:, 0]
    sent = np.repeat(np.arange(n), lengths)
    offs = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    tok = np.repeat(bounds[:, 0], lengths) + offs
    stem = token_stems[tok]
    keep = stem >= 0
    sent, stem = sent[keep], stem[keep]
    if not len(sent):
        empty = np.empty(0, np.int64)
        return SentenceBags(empty, empty, empty, np.zeros(n, np.int64))
    width = int(stem.max()) + 1
    # np.unique's counts without its wrapper (a third of the time on a news article)
    keys = sent * width + stem
    keys.sort()
    new = np.empty(len(keys), bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    firsts = np.flatnonzero(new)
    uniq = keys[firsts]
    count = np.empty(len(firsts), np.int64)
    np.subtract(firsts[1:], firsts[:-1], out=count[:-1])
    count[-1] = len(keys) - firsts[-1]
    sent, stem = uniq // width, uniq % width
    return SentenceBags(sent, stem, count, np.bincount(sent, minlength=n))


def sentence_similarity(
    a: SentenceBags,
    b: SentenceBags,
    n_a: int,
    n_b: int,
    vocab_size: int,
    min_cosine: float = 0.0,
    rows_a: np.ndarray | None = None,
    rows_b: np.ndarray | None = None,
    min_dice: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cosine and Dice of every sentence pair that shares at least one stem
    (and reaches ``min_cosine`` and ``min_dice``).

    ``rows_a`` / ``rows_b`` (boolean, one per sentence) limit the pairs to those
    sentences; idf and norms still come from every sentence, so each pair's
    figures are the same floats either way. With ``min_dice`` > 0, Dice (which
    needs no weights) is worked out first and only the sentences of pairs that
    reach it go on to the cosine.

    Returns:
        ``(sa, sb, cosine, dice)`` arrays, one entry per sentence pair, ordered
        by ``(sa, sb)``.

    Example:
        >>> ta = stem_ids(["talks", "will", "be", "held", "autumn"])
        >>> tb = stem_ids(["talks", "held", "in", "autumn"])
        >>> ba, bb = sentence_bags(ta, [(0, 5)]), sentence_bags(tb, [(0, 4)])
        >>> size = int(max(ta.max(), tb.max())) + 1
        >>> sa, sb, cos, dice = sentence_similarity(ba, bb, 1, 1, size)
        >>> float(dice[0])
        1.0
    """
    none = np.empty(0, np.int64)
    if not len(a.sent) or not len(b.sent):
        return none, none, np.empty(0), np.empty(0)
    if min_dice > 0:
        rows = _dice_rows(a, b, n_a, n_b, rows_a, rows_b, min_dice)
        if rows is None:
            return none, none, np.empty(0), np.empty(0)
        rows_a, rows_b = rows
    # only the stems of these two documents, renumbered in the same order (the
    # process-wide stem ids run into the hundreds of thousands in a corpus run)
    both, inverse = np.unique(np.concatenate((a.stem, b.stem)), return_inverse=True)
    vocab_size = len(both)
    a = SentenceBags(a.sent, inverse[: len(a.stem)], a.count, a.sizes)
    b = SentenceBags(b.sent, inverse[len(a.stem) :], b.count, b.sizes)
    # idf over the sentences of both documents
    df_a = np.bincount(a.stem, minlength=vocab_size)
    df_b = np.bincount(b.stem, minlength=vocab_size)
    idf = np.log1p((n_a + n_b) / np.maximum(df_a + df_b, 1))
    wa = (1.0 + np.log(a.count)) * idf[a.stem]
    wb = (1.0 + np.log(b.count)) * idf[b.stem]
    norm_a = np.sqrt(np.bincount(a.sent, weights=wa * wa, minlength=n_a))
    norm_b = np.sqrt(np.bincount(b.sent, weights=wb * wb, minlength=n_b))
    if n_a * n_b > DENSE_PAIRS_MAX:
        # (the sparse products hold every pair of sentences sharing a stem: only the
        # sentences asked for, and no more than SENTENCE_JOIN_MAX entry pairs)
        a, wa, b, wb = _products_input(a, wa, b, wb, rows_a, rows_b, vocab_size)
        sa, sb, dots, shared = _products_sparse(a, b, n_a, n_b, vocab_size, wa, wb)
        denom = norm_a[sa] * norm_b[sb]
        cosine = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
        cosine = np.minimum(cosine, 1.0)
        dice = 2.0 * shared / (a.sizes[sa] + b.sizes[sb])
        ok = cosine >= min_cosine if min_cosine > 0 else np.ones(len(sa), bool)
        if min_dice > 0:
            ok &= dice >= min_dice
        if rows_a is not None:
            ok &= rows_a[sa]
        if rows_b is not None:
            ok &= rows_b[sb]
        return sa[ok], sb[ok], cosine[ok], dice[ok]
    # Sparse x dense products (compiled) over the stems both documents hold,
    # instead of enumerating every sentence pair that shares a stem: a's
    # sentence x stem weights times b's stem x sentence weights, and the same
    # with ones (shared-stem counts). Each sum runs over the shared stems in
    # ascending order, as a join would, so the floats are the join's.
    common = (df_a > 0) & (df_b > 0)
    col = np.cumsum(common) - 1
    n_common = int(col[-1]) + 1
    if n_common == 0:
        return none, none, np.empty(0), np.empty(0)
    keep_a, keep_b = common[a.stem], common[b.stem]
    # only the sentences asked for: rows of a, columns of b's grid (a sentence
    # left out changes no other pair's sum: each runs over a's stems in order)
    ia, pos_a, keep_a = _rows(rows_a, n_a, a.sent, keep_a)
    ib, pos_b, keep_b = _rows(rows_b, n_b, b.sent, keep_b)
    m_a, m_b = len(ia), len(ib)
    if m_a == 0 or m_b == 0:
        return none, none, np.empty(0), np.empty(0)
    rows_of_a, cols_a, w_a = pos_a[a.sent[keep_a]], col[a.stem[keep_a]], wa[keep_a]
    rows, cols, w_b = col[b.stem[keep_b]], pos_b[b.sent[keep_b]], wb[keep_b]
    per_stem = np.bincount(rows, minlength=n_common)  # b's kept sentences holding each
    reach = per_stem[cols_a]  # the b entries each a entry meets
    terms = int(reach.sum())
    pair_shared: np.ndarray | None = None
    if terms <= JOIN_TERMS_MAX:
        # few terms: join a's entries with b's on the stem and add the products
        # cell by cell in a's (sentence, stem) order: the product's sums exactly
        by_stem = np.argsort(rows, kind="stable")
        first = np.zeros(n_common + 1, np.int64)
        np.cumsum(per_stem, out=first[1:])
        src = np.repeat(np.arange(len(cols_a)), reach)
        offs = np.arange(terms) - np.repeat(np.cumsum(reach) - reach, reach)
        hit = by_stem[np.repeat(first[cols_a], reach) + offs]
        cell = rows_of_a[src] * m_b + cols[hit]
        dot = np.bincount(cell, weights=w_a[src] * w_b[hit], minlength=m_a * m_b)
        dot = dot.reshape(m_a, m_b)
        pair_shared = np.bincount(cell, minlength=m_a * m_b)
    else:
        indptr = np.zeros(m_a + 1, np.int64)
        np.cumsum(np.bincount(rows_of_a, minlength=m_a), out=indptr[1:])
        grid_b = np.zeros((n_common, m_b))
        grid_b[rows, cols] = w_b
        from scipy.sparse import csr_matrix  # (here: importing scipy costs ~0.2 s)

        dot = csr_matrix((w_a, cols_a, indptr), shape=(m_a, n_common)) @ grid_b
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0: no stems, not kept
        cosine = dot / np.multiply.outer(norm_a[ia], norm_b[ib])
    np.minimum(cosine, 1.0, out=cosine)
    # weights are > 0: dot > 0 when the sentences share a stem, and then cosine > 0
    uniq = np.flatnonzero(cosine >= min_cosine if min_cosine > 0 else dot > 0)
    sa, sb = ia[uniq // m_b], ib[uniq % m_b]
    cosine = cosine.ravel()[uniq]
    if pair_shared is None:
        common_stems = _shared_stems(a, b, sa, sb, vocab_size)
    else:
        common_stems = pair_shared[uniq]
    dice = 2.0 * common_stems / (a.sizes[sa] + b.sizes[sb])
    if min_dice > 0:
        ok = dice >= min_dice
        sa, sb, cosine, dice = sa[ok], sb[ok], cosine[ok], dice[ok]
    return sa, sb, cosine, dice


def _dice_rows(
    a: SentenceBags,
    b: SentenceBags,
    n_a: int,
    n_b: int,
    rows_a: np.ndarray | None,
    rows_b: np.ndarray | None,
    min_dice: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The sentences of a and of b (boolean, within ``rows_a`` / ``rows_b``) in a
    pair whose Dice reaches ``min_dice``; None when no pair does. Dice as
    :func:`sentence_similarity` works it out: shared stems (a join on the stem)
    over the two sentences' distinct stems."""
    take_a = np.ones(len(a.sent), bool) if rows_a is None else rows_a[a.sent]
    take_b = np.ones(len(b.sent), bool) if rows_b is None else rows_b[b.sent]
    sent_a, stem_a = a.sent[take_a], a.stem[take_a]
    sent_b, stem_b = b.sent[take_b], b.stem[take_b]
    # (array methods rather than np.argsort, np.searchsorted, np.repeat, ...: their
    # Python wrappers cost about 1 us a call, as much as the work on a news pair)
    by_stem = stem_b.argsort(kind="stable")
    sorted_b = stem_b[by_stem]
    lo = sorted_b.searchsorted(stem_a, "left")
    reach = sorted_b.searchsorted(stem_a, "right") - lo
    terms = int(reach.sum())
    if terms > SENTENCE_JOIN_MAX:  # repetitive texts: their most shared stems left out
        kept = _join_stems(stem_a, reach, SENTENCE_JOIN_MAX)
        sent_a, stem_a, lo, reach = sent_a[kept], stem_a[kept], lo[kept], reach[kept]
        terms = int(reach.sum())
    if terms == 0:
        return None
    offs = np.arange(terms) - (reach.cumsum() - reach).repeat(reach)
    x = sent_a.repeat(reach)
    y = sent_b[by_stem[lo.repeat(reach) + offs]]
    if n_a * n_b <= DICE_GRID_MAX:  # count on the grid of sentence pairs (no sort)
        grid = np.bincount(x * n_b + y, minlength=n_a * n_b)
        cells = grid.nonzero()[0]
        shared = grid[cells]
    else:
        cells, shared = np.unique(x * n_b + y, return_counts=True)
    x, y = cells // n_b, cells % n_b
    ok = 2.0 * shared / (a.sizes[x] + b.sizes[y]) >= min_dice
    if not ok.any():
        return None
    keep_a = np.zeros(n_a, bool)
    keep_a[x[ok]] = True
    keep_b = np.zeros(n_b, bool)
    keep_b[y[ok]] = True
    return keep_a, keep_b


def dice_reaches(
    sets_a: Sequence[AbstractSet[int]], sets_b: Sequence[AbstractSet[int]], min_dice: float
) -> bool:
    """Whether a sentence pair (one stem set of ``sets_a``, one of ``sets_b``: each
    sentence's distinct stems, as in its bag) reaches ``min_dice`` (> 0): the
    same floats and test as :func:`sentence_similarity`'s Dice, for a few
    sentences (a set intersection costs less than a numpy call)."""
    for x in sets_a:
        for y in sets_b:
            shared = len(x & y)
            if shared and 2.0 * shared / (len(x) + len(y)) >= min_dice:
                return True
    return False


def _rows(
    rows: np.ndarray | None, n: int, sent: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(sentences kept, position of each sentence among them, entries kept)``."""
    if rows is None:
        every = np.arange(n)
        return every, every, keep
    kept = np.flatnonzero(rows)
    pos = np.cumsum(rows) - 1
    return kept, pos, keep & rows[sent]


def _shared_stems(
    a: SentenceBags, b: SentenceBags, sa: np.ndarray, sb: np.ndarray, vocab_size: int
) -> np.ndarray:
    """Number of stems sentence ``sa[k]`` of a shares with sentence ``sb[k]`` of b:
    a's stems of each pair looked up among b's (sentence, stem) keys."""
    if not len(sa):
        return np.zeros(0)
    start_a = np.zeros(len(a.sizes) + 1, np.int64)
    np.cumsum(a.sizes, out=start_a[1:])
    lens = a.sizes[sa]
    total = int(lens.sum())
    entry = (
        np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(start_a[sa], lens)
    )
    query = np.repeat(sb, lens) * vocab_size + a.stem[entry]
    keys_b = b.sent * vocab_size + b.stem  # sorted: bags are sorted by (sentence, stem)
    pos = np.minimum(np.searchsorted(keys_b, query), len(keys_b) - 1)
    hit = keys_b[pos] == query
    return np.bincount(np.repeat(np.arange(len(sa)), lens), weights=hit, minlength=len(sa))


def _join_stems(stem_a: np.ndarray, reach: np.ndarray, most: int) -> np.ndarray:
    """Which of a's entries (stem ids ``stem_a``, each meeting ``reach`` entries of
    b) to keep so that the join holds at most ``most`` entry pairs: the stems that
    make the fewest pairs, whole stems at a time. A stem shared by many sentences
    of both texts (a sentence or template repeated) says least about any pair of
    them, and leaving it out only lowers a pair's figures."""
    stems, inverse = np.unique(stem_a, return_inverse=True)
    per_stem = np.bincount(inverse, weights=reach, minlength=len(stems))
    order = np.argsort(per_stem, kind="stable")
    fits = np.cumsum(per_stem[order]) <= most
    keep = np.zeros(len(stems), bool)
    keep[order[fits]] = True
    return keep[inverse]


def _products_input(
    a: SentenceBags,
    wa: np.ndarray,
    b: SentenceBags,
    wb: np.ndarray,
    rows_a: np.ndarray | None,
    rows_b: np.ndarray | None,
    vocab_size: int,
) -> tuple[SentenceBags, np.ndarray, SentenceBags, np.ndarray]:
    """a and b (and their entries' weights) limited to the sentences asked for (the
    figures of a pair of them stay the same) and, where their products would hold
    more than ``SENTENCE_JOIN_MAX`` entry pairs, without the stems shared most
    (see :func:`_join_stems`; sentence sizes and norms stay whole, so Dice and
    cosine only go down)."""
    if rows_a is not None:
        a, wa = _bag_rows(a, rows_a[a.sent]), wa[rows_a[a.sent]]
    if rows_b is not None:
        b, wb = _bag_rows(b, rows_b[b.sent]), wb[rows_b[b.sent]]
    if len(a.stem) * len(b.stem) <= SENTENCE_JOIN_MAX:  # (a bound that costs nothing)
        return a, wa, b, wb
    reach = np.bincount(b.stem, minlength=vocab_size)[a.stem]
    if int(reach.sum()) <= SENTENCE_JOIN_MAX:
        return a, wa, b, wb
    keep_a = _join_stems(a.stem, reach, SENTENCE_JOIN_MAX)
    kept_stems = np.zeros(vocab_size, bool)
    kept_stems[a.stem[keep_a]] = True
    keep_b = kept_stems[b.stem]
    return _bag_rows(a, keep_a), wa[keep_a], _bag_rows(b, keep_b), wb[keep_b]


def _bag_rows(bags: SentenceBags, keep: np.ndarray) -> SentenceBags:
    """``bags`` with entries ``keep`` only (sentence sizes as they were)."""
    return SentenceBags(bags.sent[keep], bags.stem[keep], bags.count[keep], bags.sizes)


# The most entry pairs (an entry: a stem in a sentence; a pair: one of a's and one
# of b's with the same stem) a sentence join holds; past it the stems shared most
# are left out (see _join_stems). About 48 bytes a pair at its peak. The largest
# join of the PAN 2013 training corpus holds 82,495 pairs, a news pair's (gen-10k
# scan) 51: only repetitive or book-length texts reach it.
SENTENCE_JOIN_MAX = 2_000_000
# Dice's shared-stem counts are added up on a grid of sentence pairs up to this
# size (8 bytes a cell), with np.unique beyond.
DICE_GRID_MAX = 1 << 16
# Sentence-pair grids up to this size are computed densely (8 bytes a cell).
DENSE_PAIRS_MAX = 4_000_000
# Products of this many stem-sharing entry pairs or fewer are added up as a numpy
# join (scipy's call overhead dominates small pairs; same floats either way).
JOIN_TERMS_MAX = 4096


def _bag_matrix(bags: SentenceBags, n: int, vocab_size: int, data: np.ndarray) -> csr_matrix:
    """Sentence x stem matrix of ``data``; bags are sorted by (sentence, stem), so
    their entries are already the CSR layout."""
    from scipy.sparse import csr_matrix

    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(bags.sent, minlength=n), out=indptr[1:])
    return csr_matrix((data, bags.stem, indptr), shape=(n, vocab_size))


def _products_sparse(
    a: SentenceBags,
    b: SentenceBags,
    n_a: int,
    n_b: int,
    vocab_size: int,
    wa: np.ndarray,
    wb: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(sa, sb, dot, shared stems)`` of the sentence pairs sharing a stem, for
    grids too large to hold densely: sparse x sparse products. Weights are > 0,
    so both products have the same pattern."""
    dot = _bag_matrix(a, n_a, vocab_size, wa) @ _bag_matrix(b, n_b, vocab_size, wb).T
    ones_a, ones_b = np.ones(len(a.stem)), np.ones(len(b.stem))
    shared = _bag_matrix(a, n_a, vocab_size, ones_a) @ _bag_matrix(b, n_b, vocab_size, ones_b).T
    dot.sort_indices()
    shared.sort_indices()
    sa = np.repeat(np.arange(n_a), np.diff(dot.indptr))
    return sa, dot.indices.astype(np.int64), dot.data, shared.data


def bag_doc_cosine(x: SentenceBags, lo: int, hi: int, y: SentenceBags, n_total: int) -> float:
    """Cosine between sentences ``lo..hi-1`` of one document and all of another.

    Term weights are ``log(1 + tf) * idf`` with the idf of the sentence
    collection of both documents (``n_total`` sentences).
    """
    # compact ids: only the stems of these two documents
    both, inverse = np.unique(np.concatenate((x.stem, y.stem)), return_inverse=True)
    size = len(both)
    xs, ys = inverse[: len(x.stem)], inverse[len(x.stem) :]
    df = np.bincount(inverse, minlength=size)
    idf = np.log1p(n_total / np.maximum(df, 1))
    m = (x.sent >= lo) & (x.sent < hi)
    vx = np.log1p(np.bincount(xs[m], weights=x.count[m], minlength=size)) * idf
    vy = np.log1p(np.bincount(ys, weights=y.count, minlength=size)) * idf
    denom = float(np.linalg.norm(vx) * np.linalg.norm(vy))
    return float(vx @ vy) / denom if denom > 0 else 0.0
