"""Hashed word n-grams, winnowed, with document frequency.

Fingerprints are what the candidate stage joins on: two articles that share
enough *rare* fingerprints are worth aligning. Everything here is vectorised
with numpy over a whole batch of texts at once, so the per-article Python
overhead is a few string operations, not a loop over words.

Hashes are stable: they depend only on the text (a polynomial hash of each
word's code points mod 2**64, mixed with the splitmix64 finaliser), never on
``PYTHONHASHSEED``, the process or the machine, so fingerprints computed by
different workers, engines (local or Spark) or runs can be compared.

Words are normalised the way :mod:`copytrace.text` normalises them for
alignment: case folded, inner apostrophes and dots dropped ("U.S." == "US",
"Abe's" == "Abes"), diacritics stripped, hyphens split, each CJK ideograph or
kana a word of its own. Positions are word indices into the article's content
(its ``content`` spans joined), not character offsets: the aligner, not the
fingerprints, reports offsets.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from copytrace.model import Article

log = logging.getLogger(__name__)

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

# Calibrated with candidates.MIN_SHARED on generated syndicated corpora
# (bench/gen_corpus.py, seed 1, 2k and 10k articles; grid ngram 4-5 x window
# 4/6/8 x min_shared 2/3, bench notes in docs/bench-scan.md): 5-word shingles
# survive copy edits while staying rare; a window of 6 keeps ~2/7 of the
# shingles (about 140 per 500-word article) and guarantees a shared
# fingerprint in any common run of NGRAM + WINDOW - 1 = 10 words, so a quoted
# 15-word sentence still gives two. Candidate recall 0.997 (window 8: 0.991;
# with min_shared 3: 0.971, quotes lost) for 30% more fingerprints.
NGRAM = 5
WINDOW = 6
# A cap for giant documents (a 50 MB "article"): beyond it only the numerically
# smallest fingerprints are kept (a bottom-k sketch, consistent across
# documents), so no document costs more than this in the candidate join.
MAX_FINGERPRINTS_PER_DOC = 5000

_MASK = (1 << 64) - 1
# Odd multiplier of the per-word polynomial hash, and its inverse mod 2**64.
_BASE = 0x100000001B3
_BASE_INV = pow(_BASE, -1, 1 << 64)
# Per-position multipliers for combining word hashes into a shingle hash
# (odd, from the splitmix64 sequence, fixed forever so hashes stay stable).
_POSITION_MULT = (
    0x9E3779B97F4A7C15,
    0xBF58476D1CE4E5B9,
    0x94D049BB133111EB,
    0xD6E8FEB86659FD93,
    0xA0761D6478BD642F,
    0xE7037ED1A0B428DB,
    0x8EBC6AF09C88C6E3,
    0x589965CC75374CC3,
    0x1D8E4E27C47D124F,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0x27D4EB2F165667C5,
)
_CJK_RANGES = (
    (0x3040, 0x3100),
    (0x3400, 0x4DC0),
    (0x4E00, 0xA000),
    (0xF900, 0xFB00),
    (0xFF66, 0xFFA0),
)
_SEPARATOR = "\n"
# Characters of a batch whose words word_hashes hashes at once: their prefix sums,
# 8 bytes a character, stay in a core's cache (1 MB); 2**16 to 2**19 measured alike.
_HASH_BLOCK = 1 << 17


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """How fingerprints are made.

    Attributes:
        ngram: words per shingle (>= 1).
        window: winnowing window in shingles (>= 1; 1 keeps every shingle).
        max_per_doc: cap on fingerprints per document (bottom-k beyond it).
        stems: also fingerprint runs of content-word stems, which survive
            rewording (:mod:`copytrace.stem_fingerprint`).

    Example:
        >>> FingerprintParams(ngram=4).window
        6
    """

    ngram: int = NGRAM
    window: int = WINDOW
    max_per_doc: int = MAX_FINGERPRINTS_PER_DOC
    stems: bool = False

    def __post_init__(self) -> None:
        if self.ngram < 1 or self.ngram > len(_POSITION_MULT):
            raise ValueError(f"ngram must be 1..{len(_POSITION_MULT)}, got {self.ngram}")
        if self.window < 1:
            raise ValueError(f"window must be >= 1, got {self.window}")
        if self.max_per_doc < 1:
            raise ValueError(f"max_per_doc must be >= 1, got {self.max_per_doc}")


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Fingerprints of a batch of documents, one row per fingerprint.

    ``doc[i]`` is the index of the document in the batch, ``hash[i]`` the
    64-bit shingle hash and ``pos[i]`` the index of the shingle's first word in
    that document. Rows are sorted by ``(doc, pos)``.
    """

    doc: I32
    hash: U64
    pos: I32

    def __len__(self) -> int:
        return len(self.hash)

    def of(self, i: int) -> U64:
        """The hashes of document ``i`` (in position order)."""
        lo, hi = np.searchsorted(self.doc, [i, i + 1])
        return self.hash[lo:hi]


@lru_cache(maxsize=1)
def _class_table() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Code point -> 0 (not a word char), 1 (word char), 2 (CJK: a word by itself),
    and which code points are classified yet: Latin-1, CJK and the surrogates at
    first, the others as texts bring them (see ``_char_classes``)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    known = np.zeros(0x110000, dtype=bool)
    _classify(table, known, np.arange(256, dtype=np.int64))
    known[0xD800:0xE000] = True  # (no text holds one: not a word char)
    for lo, hi in _CJK_RANGES:
        table[lo:hi] = 2
        known[lo:hi] = True
    return table, known


def _classify(table: npt.NDArray[np.uint8], known: npt.NDArray[np.bool_], points: I64) -> None:
    """Classify ``points`` (none CJK, no surrogate) by ``\\w``, as one string."""
    chars = "".join(map(chr, points.tolist()))
    hits = [m.start() for m in re.finditer(r"\w", chars)]
    table[points[np.asarray(hits, dtype=np.int64)]] = 1
    known[points] = True


def _char_classes(cp: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """The class (see ``_class_table``) of each code point of ``cp``.

    Only the code points a text holds are classified (once per process): the
    whole table costs 0.2 s to build, paid by every worker otherwise.
    """
    table, known = _class_table()
    if len(cp) and cp.max() >= 256:
        high = np.unique(cp[cp >= 256])
        new = high[~known[high]]
        if len(new):
            _classify(table, known, new.astype(np.int64))
    return table[cp]


def normalize_text(text: str) -> str:
    """Lower-case, drop apostrophes and dots, strip diacritics (length may change).

    Example:
        >>> normalize_text("The U.S. envoy’s café")
        'the us envoys cafe'
    """
    if not text.isascii():
        fast = _normalize_utf8(text)
        if fast is not None:
            return fast
    return _normalize_chars(text)


def _normalize_chars(text: str) -> str:
    """``normalize_text`` character by character (any text)."""
    text = text.lower()
    for ch in ".'’‘ʼ":
        if ch in text:
            text = text.replace(ch, "")
    if not text.isascii():
        # Character by character: NFKD decomposes each code point on its own and
        # only reorders combining marks, which are all dropped, so folding the
        # few non-ASCII characters (cached) equals folding the whole text, 10x faster.
        # Each distinct one replaced in turn: a folded character folds to itself
        # (NFKD's output is decomposed, its marks gone), so no replacement makes
        # text another one changes; most (quotes, dashes) fold to themselves.
        for ch in set(_non_ascii(text)):
            folded = _fold_char(ch)
            if folded != ch:
                text = text.replace(ch, folded)
    return text


_DROPPED = ".'’‘ʼ"
_DROPPED_UTF8 = tuple(ch.encode("utf-8") for ch in "’‘ʼ")


def _normalize_utf8(text: str) -> str | None:
    """``normalize_text`` over the text's UTF-8 (bytes passes, ~2x faster than over a
    text of wide characters), when each of its non-ASCII characters lowers to itself
    (none is a capital, no final sigma): then ``str.lower`` only lowers the ASCII
    letters, as ``bytes.lower`` does; else None. The same steps in the same order:
    lower, drop the apostrophes and dots, fold."""
    utf8 = text.encode("utf-8", "surrogatepass")
    others = utf8.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    chars = set(others)
    if not all(map(_lowers_to_itself, chars)):
        return None
    utf8 = utf8.lower().translate(None, b".'")
    for ch, dropped in zip("’‘ʼ", _DROPPED_UTF8, strict=True):
        if ch in chars:
            utf8 = utf8.replace(dropped, b"")
            chars.discard(ch)
    for ch in chars:  # (see normalize_text)
        folded = _fold_char(ch)
        if folded != ch:
            utf8 = utf8.replace(
                ch.encode("utf-8", "surrogatepass"), folded.encode("utf-8", "surrogatepass")
            )
    return utf8.decode("utf-8", "surrogatepass")


@lru_cache(maxsize=1 << 16)
def _lowers_to_itself(ch: str) -> bool:
    return ch.lower() == ch


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_ASCII_BYTES = bytes(range(128))


def _non_ascii(text: str) -> str:
    """``"".join(_NON_ASCII_RE.findall(text))``: UTF-8 less its ASCII bytes (which no
    other character's bytes hold), 5x faster than the regex. (Lone surrogates pass.)"""
    utf8 = text.encode("utf-8", "surrogatepass")
    return utf8.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=1 << 16)
def _fold_char(ch: str) -> str:
    """One code point decomposed (NFKD) without its combining marks."""
    return "".join([c for c in unicodedata.normalize("NFKD", ch) if not _combining(c)])


_combining = unicodedata.combining


_POWERS: list[U64] = []


def hash_powers(n: int) -> tuple[U64, U64]:
    """``B**(k+1)`` and ``B**-(k+1)`` mod 2**64 for ``k < n`` (cached, grown on demand):
    the polynomial hash of ``word_hashes``, shared with the cleaner's token hashes."""
    if not _POWERS or len(_POWERS[0]) < n:
        # (a quarter spare: batches grow a little at a time, each regrowth a full pass)
        size = max(n + n // 4, 1 << 20)
        with np.errstate(over="ignore"):
            _POWERS[:] = [
                np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64),
                np.cumprod(np.full(size, _BASE_INV, dtype=np.uint64), dtype=np.uint64),
            ]
    return _POWERS[0][:n], _POWERS[1][:n]


def _splitmix(x: U64) -> U64:
    """The splitmix64 finaliser, vectorised (a bijection on uint64)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def word_hashes(texts: Sequence[str]) -> tuple[U64, I64]:
    """Stable 64-bit hashes of the normalised words of each text.

    Returns ``(hashes, offsets)``: the words of text ``i`` are
    ``hashes[offsets[i]:offsets[i + 1]]``.

    Example:
        >>> h, off = word_hashes(["U.S. said no", "US said NO!"])
        >>> off.tolist()
        [0, 3, 6]
        >>> bool((h[:3] == h[3:]).all())
        True
    """
    words = batch_words(texts)
    return words.hashes, words.offsets


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a batch of texts: their hashes (as :func:`word_hashes`), and
    where each stands in the normalised batch, so that :meth:`spell` can write
    some of them out."""

    hashes: U64
    offsets: I64
    norm: _Normalized
    starts: I64
    ends: I64

    def spell(self, rows: I64) -> list[str]:
        """The normalised text of words ``rows`` (what their hashes were made of).

        Example:
            >>> batch_words(["The U.S. envoy's café"]).spell(np.array([1, 3]))
            ['us', 'cafe']
        """
        if not len(rows):
            return []
        norm = self.norm
        lo, hi = self.starts[rows], self.ends[rows]
        size = hi - lo
        at = np.repeat(lo - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
        cp = norm.cp[at].astype(np.uint32)
        k = np.searchsorted(norm.fix_at, at)
        hit = k < len(norm.fix_at)
        hit[hit] = norm.fix_at[k[hit]] == at[hit]
        cp[hit] = norm.fix_to[k[hit]]
        k = np.searchsorted(norm.dropped, at)
        gone = k < len(norm.dropped)
        gone[gone] = norm.dropped[k[gone]] == at[gone]
        kept = size - np.bincount(np.repeat(np.arange(len(rows)), size)[gone], minlength=len(rows))
        text = cp[~gone].tobytes().decode("utf-32-le", "surrogatepass")
        ends = np.cumsum(kept).tolist()
        return [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def batch_words(texts: Sequence[str]) -> Words:
    """The words of ``texts`` (see :class:`Words`)."""
    norm = _normalized_code_points(texts)
    cp, cls = norm.cp, norm.cls
    if len(cp) == 0:
        none = np.zeros(0, dtype=np.int64)
        return Words(
            np.zeros(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.int64), norm, none, none
        )
    # (dropped characters are left in place: a copy of the batch less ~1% of it costs
    # more than the words they join, whose hashes are made again below)
    lo, hi = _joining_runs(norm.dropped, cls)
    starts, ends = _word_bounds(cls, cjk=int(cls.max()) >= _CJK_CLASS)
    raw, lengths = _raw_word_hashes(norm, starts, ends, lo, hi)
    with np.errstate(over="ignore"):
        raw += lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    hashes = _splitmix(raw)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    offsets[1:] = np.searchsorted(starts, norm.text_ends, side="left")
    return Words(hashes, offsets, norm, starts, ends)


def _raw_word_hashes(
    norm: _Normalized, starts: I64, ends: I64, lo: I64, hi: I64
) -> tuple[U64, I64]:
    """Each word's polynomial hash (before the length's term) and length, its dropped
    runs ``[lo, hi)`` left out.

    Polynomial hash of each word: sum x_k * B**(k - start) mod 2**64, through prefix
    sums of x_k * B**(k+1) scaled back by B**-(start+1). The sums are taken block by
    block (each ~``_HASH_BLOCK`` characters, whole words) from the block's start: the
    same hashes (B is odd: B**a cancels out), with the block's sums in cache
    (fingerprint_texts ~0.88x the CPU of sums over the whole batch at once).
    """
    cp = norm.cp
    raw = np.empty(len(starts), dtype=np.uint64)
    lengths = ends - starts
    if not len(starts):
        return raw, lengths
    # each block: the words from the first to start at or past a multiple of the size
    first_word = np.unique(np.searchsorted(starts, np.arange(0, len(cp), _HASH_BLOCK)))
    first_word = first_word[first_word < len(starts)]
    end_word = np.r_[first_word[1:], len(starts)]
    begin, stop = starts[first_word], ends[end_word - 1]
    longest = int((stop - begin).max())
    powers, inv = hash_powers(longest)
    prefix = np.empty(longest + 1, dtype=np.uint64)  # (reused by each block)
    prefix[0] = 0
    # (the words that hold dropped runs are summed from their parts: each part in its
    # word's block)
    words, heads, part_lo, part_hi, part_at = _joined_parts(starts, ends, lo, hi)
    terms = np.empty(len(part_lo), dtype=np.uint64)

    def cut(at: I64) -> list[tuple[int, int]]:
        """The slice of ``at`` (sorted) in each block."""
        return list(zip(*np.searchsorted(at, [begin, stop]).tolist(), strict=True))

    blocks = zip(first_word.tolist(), end_word.tolist(), begin.tolist(), stop.tolist(), strict=True)
    for (w0, w1, a, b), (f0, f1), (p0, p1) in zip(
        blocks, cut(norm.fix_at), cut(part_lo), strict=True
    ):
        n = b - a
        pre, fill = prefix[: n + 1], prefix[1 : n + 1]
        word_starts = starts[w0:w1] - a
        with np.errstate(over="ignore"):
            # (in place: no temporary arrays of the block's length)
            np.add(cp[a:b], np.uint64(1), out=fill)
            pre[norm.fix_at[f0:f1] - a + 1] = norm.fix_to[f0:f1].astype(np.uint64) + np.uint64(1)
            np.multiply(fill, powers[:n], out=fill)
            np.cumsum(fill, out=fill)
            block_raw = raw[w0:w1]
            np.subtract(pre[ends[w0:w1] - a], pre[word_starts], out=block_raw)
            block_raw *= inv[word_starts]
            if p1 > p0:
                np.subtract(pre[part_hi[p0:p1] - a], pre[part_lo[p0:p1] - a], out=terms[p0:p1])
                terms[p0:p1] *= inv[part_at[p0:p1] - a]
    if len(words):
        raw[words] = np.add.reduceat(terms, heads)
        lengths[words] = np.add.reduceat(part_hi - part_lo, heads)
    return raw, lengths


def _joining_runs(dropped: I64, cls: npt.NDArray[np.uint8]) -> tuple[I64, I64]:
    """The runs ``[lo, hi)`` of consecutive dropped characters that join two words
    once gone ("U.S" -> "US"): those between two word characters (not CJK ones,
    words by themselves). Their characters are marked word characters in ``cls``
    (so each joined word is one word), to be hashed as absent (``_joined_parts``)."""
    if len(dropped) == 0:
        return dropped, dropped
    run_start = np.ones(len(dropped), dtype=bool)
    run_start[1:] = np.diff(dropped) != 1
    run = np.cumsum(run_start) - 1
    lo = dropped[run_start]
    hi = dropped[np.r_[np.flatnonzero(run_start)[1:] - 1, len(dropped) - 1]] + 1
    # (clamped: a run at either end of the batch joins nothing)
    before = cls[np.maximum(lo - 1, 0)]
    after = cls[np.minimum(hi, len(cls) - 1)]
    joins = (lo > 0) & (hi < len(cls)) & (before == _WORD_CLASS) & (after == _WORD_CLASS)
    cls[dropped[joins[run]]] = _WORD_CLASS
    return lo[joins], hi[joins]


def _joined_parts(starts: I64, ends: I64, lo: I64, hi: I64) -> tuple[I64, I64, I64, I64, I64]:
    """The words that hold the dropped runs ``[lo, hi)``, to be hashed again without
    them: each word the sum of its parts between the runs, each part's code points
    shifted by the dropped ones before it in its word.

    Returns the words, where each one's parts start among them, and each part's
    ``[lo, hi)`` and where its code points are hashed as if they were."""
    word = np.searchsorted(starts, lo, side="right") - 1
    first = np.ones(len(lo), dtype=bool)
    first[1:] = word[1:] != word[:-1]
    last = np.ones(len(lo), dtype=bool)
    last[:-1] = first[1:]
    # The parts, in order: the one before each run, and after a word's last run its tail.
    before_run = np.arange(len(lo)) + np.cumsum(first) - 1
    tail = before_run[last] + 1
    n_parts = len(lo) + int(last.sum())
    part_lo = np.empty(n_parts, dtype=np.int64)
    part_hi = np.empty(n_parts, dtype=np.int64)
    part_lo[before_run] = np.where(first, starts[word], np.r_[0, hi[:-1]])
    part_hi[before_run] = lo
    part_lo[tail] = hi[last]
    part_hi[tail] = ends[word[last]]
    part_len = part_hi - part_lo
    heads = before_run[first]
    # (each part's code points as if at its position less the dropped ones before it
    # in its word: part_lo less the parts' lengths before it in its word)
    length_before = np.cumsum(part_len) - part_len
    group_size = np.diff(np.r_[heads, n_parts])
    length_before -= np.repeat(length_before[heads], group_size)
    return word[first], heads, part_lo, part_hi, part_lo - length_before


# The bits of a code point's entry in ``_norm_table``: the class (see ``_class_table``)
# of what ``normalize_text`` makes of it when that is one character, and flags.
_CLASS_BITS = 3
_WORD_CLASS = 1
_CJK_CLASS = 2
_CHANGED = 4  # normalize_text changes it: to another character or as flagged below
_DELETED = 8  # to nothing
_EXPANDED = 16  # to several characters
_IN_CONTEXT = 32  # by its neighbours: the final sigma
_SIGMA = 0x3A3
_LATIN1_MAX = 0xFF


@dataclass(slots=True)
class _NormTable:
    """What ``normalize_text`` makes of each code point: Latin-1 known at first, the
    others learned as texts bring them (the class table's way)."""

    info: npt.NDArray[np.uint8]  # class and flags (above)
    target: npt.NDArray[np.uint32]  # the character it becomes, when one
    known: npt.NDArray[np.bool_]
    expansions: dict[int, str]  # what it becomes, when several characters
    latin1: bytes = b""  # the entries of code points 0-255 (a translation table)

    def learn(self, points: npt.NDArray[np.uint32]) -> None:
        for p in points.tolist():
            ch = chr(p)
            # normalize_text character by character: lower, drop, fold (each step
            # works on characters alone, but the final sigma's lowering)
            norm = "".join(
                c if c.isascii() else _fold_char(c) for c in ch.lower() if c not in _DROPPED
            )
            flags = 0
            if p == _SIGMA:
                flags = _CHANGED | _IN_CONTEXT
            elif not norm:
                flags = _CHANGED | _DELETED
            elif len(norm) > 1:
                flags = _CHANGED | _EXPANDED
                self.expansions[p] = norm
            else:
                self.target[p] = ord(norm)
                flags = _CHANGED if norm != ch else 0
            if len(norm) == 1:
                flags |= int(_char_classes(np.array([ord(norm)], dtype=np.uint32))[0])
            self.info[p] = flags
        self.known[points] = True


@lru_cache(maxsize=1)
def _norm_table() -> _NormTable:
    table = _NormTable(
        np.zeros(0x110000, dtype=np.uint8),
        np.zeros(0x110000, dtype=np.uint32),
        np.zeros(0x110000, dtype=bool),
        {},
    )
    table.learn(np.arange(_LATIN1_MAX + 1, dtype=np.uint32))
    table.latin1 = table.info[: _LATIN1_MAX + 1].tobytes()
    return table


@dataclass(frozen=True, slots=True)
class _Normalized:
    """The code points of a batch of texts, normalised (``normalize_text``) but for
    two steps left to the hash: the code points at ``fix_at`` become ``fix_to``, and
    those at ``dropped`` (sorted; of class 0) are dropped."""

    cp: npt.NDArray[np.uint16] | npt.NDArray[np.uint32]
    cls: npt.NDArray[np.uint8]  # each code point's class (as it becomes)
    text_ends: I64  # where each text ends (the texts joined by ``_SEPARATOR``)
    fix_at: I64
    fix_to: npt.NDArray[np.uint32]
    dropped: I64


def _normalized(
    cp: npt.NDArray[np.uint16] | npt.NDArray[np.uint32], cls: npt.NDArray[np.uint8], text_ends: I64
) -> _Normalized:
    """Code points normalised already (nothing to fix, none to drop)."""
    none = np.zeros(0, dtype=np.int64)
    return _Normalized(cp, cls, text_ends, none, np.zeros(0, dtype=np.uint32), none)


def _normalized_code_points(texts: Sequence[str]) -> _Normalized:
    """The code points of the texts joined by ``_SEPARATOR``, normalised
    (``normalize_text``), with their classes and where each text ends.

    Normalised code point by code point over the whole batch (a table lookup, the
    few changed ones then listed), not text by text through strings.
    """
    joined = _SEPARATOR.join(texts)
    # (UTF-16, half the bytes of UTF-32 to write and read, when it holds each code
    # point in one unit: when none is past the BMP)
    utf16 = joined.encode("utf-16-le")
    cp: npt.NDArray[np.uint16] | npt.NDArray[np.uint32]
    if len(utf16) == 2 * len(joined):
        cp = np.frombuffer(utf16, dtype=np.uint16)
    else:
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    text_ends = np.cumsum(lengths + len(_SEPARATOR)) - len(_SEPARATOR)
    table = _norm_table()
    hi = np.flatnonzero(cp > _LATIN1_MAX)
    high = cp[hi]
    new = high[~table.known[high]]
    if len(new):
        table.learn(np.unique(new))
    # Each code point's entry: the low bytes translated by Latin-1's entries, then the
    # few past Latin-1 looked up (2x one lookup of all, its indices widened to int64).
    # (bytearray.translate: a writable copy in one pass, not bytes' then a copy)
    flags = np.frombuffer(bytearray(cp.astype(np.uint8)).translate(table.latin1), dtype=np.uint8)
    flags[hi] = table.info[high]
    cls = flags & np.uint8(_CLASS_BITS)
    at = np.flatnonzero(flags >= _CHANGED)
    if len(at) == 0:
        return _normalized(cp, cls, text_ends)
    how = flags[at]
    if (how & _IN_CONTEXT).any():  # (text by text, as strings)
        normed = [normalize_text(t) for t in texts]
        cp = np.frombuffer(_SEPARATOR.join(normed).encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter((len(t) for t in normed), dtype=np.int64, count=len(normed))
        text_ends = np.cumsum(lengths + len(_SEPARATOR)) - len(_SEPARATOR)
        return _normalized(cp, _char_classes(cp), text_ends)
    if (how & _EXPANDED).any():
        return _normalized(*_expand(cp.astype(np.uint32), cls, text_ends, at, table))
    # (their classes are their targets' already; the dropped ones' is 0)
    gone = (how & _DELETED) != 0
    fix_at = at[~gone]
    return _Normalized(cp, cls, text_ends, fix_at, table.target[cp[fix_at]], at[gone])


def _expand(
    cp: npt.NDArray[np.uint32],
    cls: npt.NDArray[np.uint8],
    text_ends: I64,
    at: I64,
    table: _NormTable,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint8], I64]:
    """``_normalized_code_points`` when some code point becomes several: each
    ``cp[at[i]]`` replaced by what it becomes (none, one or several characters)."""
    how = table.info[cp[at]]
    subs = [
        "" if f & _DELETED else table.expansions[p] if f & _EXPANDED else chr(table.target[p])
        for p, f in zip(cp[at].tolist(), how.tolist(), strict=True)
    ]
    sub_len = np.fromiter(map(len, subs), dtype=np.int64, count=len(subs))
    counts = np.ones(len(cp), dtype=np.int64)
    counts[at] = sub_len
    out_start = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(counts, out=out_start[1:])
    src = np.repeat(np.arange(len(cp), dtype=np.int64), counts)
    cp, cls = cp[src], cls[src]
    sub_cp = np.frombuffer("".join(subs).encode("utf-32-le"), dtype=np.uint32)
    if len(sub_cp):
        first = np.cumsum(sub_len) - sub_len
        dest = np.repeat(out_start[at] - first, sub_len) + np.arange(len(sub_cp))
        cp[dest] = sub_cp
        cls[dest] = _char_classes(sub_cp)
    return cp, cls, out_start[text_ends]


def _word_bounds(cls: npt.NDArray[np.uint8], *, cjk: bool) -> tuple[I64, I64]:
    """Where each word starts and ends (exclusive) in a text of character classes;
    ``cjk``: whether it may hold CJK (class 2) characters, each a word of its own."""
    if not cjk:  # words are the runs of word characters: between changes of class
        padded = np.zeros(len(cls) + 2, dtype=np.uint8)
        padded[1:-1] = cls
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        return edges[0::2], edges[1::2]
    word = cls > 0
    prev = np.empty_like(cls)
    prev[0] = 0
    prev[1:] = cls[:-1]
    nxt = np.empty_like(cls)
    nxt[-1] = 0
    nxt[:-1] = cls[1:]
    starts = np.flatnonzero(word & ((prev == 0) | (cls == 2) | (prev == 2)))
    ends = np.flatnonzero(word & ((nxt == 0) | (cls == 2) | (nxt == 2))) + 1
    return starts, ends


def shingle_hashes(hashes: U64, offsets: I64, ngram: int) -> tuple[U64, I64]:
    """Hashes of every run of ``ngram`` consecutive words within each document.

    Returns ``(shingles, offsets)`` laid out like :func:`word_hashes`; shingle
    ``j`` of a document starts at its word ``j``. A document with fewer than
    ``ngram`` words has no shingles.

    Example:
        >>> h, off = word_hashes(["a b c d", "a b c"])
        >>> s, soff = shingle_hashes(h, off, 3)
        >>> soff.tolist(), bool(s[0] == s[2])
        ([0, 2, 3], True)
    """
    n_words = np.diff(offsets)
    n_sh = np.maximum(n_words - (ngram - 1), 0)
    sh_offsets = np.zeros(len(n_words) + 1, dtype=np.int64)
    np.cumsum(n_sh, out=sh_offsets[1:])
    total = int(sh_offsets[-1])
    if total == 0:
        return np.zeros(0, dtype=np.uint64), sh_offsets
    # The hash of every run of ``ngram`` words of the concatenation (contiguous
    # slices: no gathers), then only the runs that lie inside one document.
    span = len(hashes) - (ngram - 1)
    acc = hashes[:span] * np.uint64(_POSITION_MULT[0])
    term = np.empty_like(acc)
    with np.errstate(over="ignore"):
        for j in range(1, ngram):
            np.multiply(hashes[j : j + span], np.uint64(_POSITION_MULT[j]), out=term)
            acc += term
    # (the runs that cross a document's end start in its last ngram - 1 words: a mask
    # of those, 2x cheaper than the index of each kept run)
    inside = np.ones(span, dtype=bool)
    doc_starts, doc_ends = offsets[:-1], offsets[1:]
    for j in range(1, ngram):
        at = doc_ends - j
        inside[at[(at >= doc_starts) & (at < span)]] = False
    return _splitmix(acc[inside]), sh_offsets


def winnow(shingles: U64, offsets: I64, window: int) -> tuple[I64, I64]:
    """Winnowing: the minimum hash of every window of ``window`` shingles.

    Consecutive windows that pick the same shingle record it once; a document
    with fewer shingles than ``window`` keeps its one minimum. Ties pick the
    leftmost minimum. Any run of ``window`` shingles shared by two documents
    yields at least one shared fingerprint.

    Returns ``(doc, pos)``: the document and its shingle index of each kept
    fingerprint, sorted by ``(doc, pos)``.

    Example:
        >>> sh = np.array([5, 3, 9, 1, 7], dtype=np.uint64)
        >>> doc, pos = winnow(sh, np.array([0, 5]), 3)
        >>> pos.tolist()
        [1, 3]
    """
    n_sh = np.diff(offsets)
    if window <= 1:
        doc = np.repeat(np.arange(len(n_sh), dtype=np.int64), n_sh)
        return doc, np.arange(len(shingles), dtype=np.int64) - offsets[doc]
    if len(shingles) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # Shingle i is some window's leftmost minimum iff the shingles just left of it
    # that are greater (``left`` of them, within its document) and those just right
    # of it that are greater or equal (``right``) cover a whole window besides it:
    # left + right >= window - 1 (a short document: all its other shingles). Counted
    # with one vectorised comparison per distance, not an argmin per window (~3x).
    reach = window - 1
    left, right = _greater_runs(shingles, reach)
    # Runs stop at their document's ends: only the first and last ``reach`` shingles
    # of a document are near one.
    starts, ends = offsets[:-1], offsets[1:]
    for j in range(min(reach, int(n_sh.max()))):
        has = n_sh > j
        at = starts[has] + j
        left[at] = np.minimum(left[at], j)
        at = ends[has] - 1 - j
        right[at] = np.minimum(right[at], j)
    # (in the counts' own dtype when their sum fits: bytes, not int64)
    fits = 2 * reach <= np.iinfo(left.dtype).max
    total = left + right if fits else left.astype(np.int64) + right
    keep = total >= reach
    short = (n_sh > 0) & (n_sh < window)
    if short.any():  # (their runs add up to less than ``reach``: never kept above)
        rows = np.repeat(short, n_sh)
        keep[rows] = total[rows] == np.repeat(n_sh[short] - 1, n_sh[short])
    kept = np.flatnonzero(keep)
    doc = np.repeat(np.arange(len(n_sh), dtype=np.int64), n_sh)[kept]  # (6x a searchsorted)
    return doc, kept - offsets[doc]


def _greater_runs(
    values: U64, reach: int
) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.integer]]:
    """For each value, how many of the values just before it (up to ``reach``) are
    all greater, and how many just after it are all greater or equal: ties go to the
    leftmost. One comparison per distance serves both sides: values[i] > values[i + k]
    is the first's test for i + k and the second's negated for i."""
    n = len(values)
    # (counts in bytes when they fit: 8x less memory traffic than int64)
    dtype = np.uint8 if reach <= np.iinfo(np.uint8).max else np.int64
    before: npt.NDArray[np.integer] = np.zeros(n, dtype=dtype)
    after: npt.NDArray[np.integer] = np.zeros(n, dtype=dtype)
    alive_before = np.ones(n, dtype=bool)
    alive_after = np.ones(n, dtype=bool)
    greater = np.empty(n, dtype=bool)
    for k in range(1, min(reach, n - 1) + 1):
        gt = greater[: n - k]
        np.greater(values[:-k], values[k:], out=gt)
        np.logical_and(alive_before[k:], gt, out=alive_before[k:])
        alive_before[:k] = False
        np.logical_not(gt, out=gt)
        np.logical_and(alive_after[:-k], gt, out=alive_after[:-k])
        alive_after[n - k :] = False
        np.add(before, alive_before.view(np.uint8), out=before)
        np.add(after, alive_after.view(np.uint8), out=after)
    return before, after


def fingerprint_texts(
    texts: Sequence[str], params: FingerprintParams = FingerprintParams()
) -> Fingerprints:
    """Winnowed shingle fingerprints of a batch of texts.

    Example:
        >>> fp = fingerprint_texts(["one two three four five six", "nothing"],
        ...                        FingerprintParams(ngram=3, window=2))
        >>> sorted(set(fp.doc.tolist()))
        [0]
    """
    batch = batch_words(texts)
    words, offsets = batch.hashes, batch.offsets
    shingles, sh_offsets = shingle_hashes(words, offsets, params.ngram)
    doc, pos = winnow(shingles, sh_offsets, params.window)
    hashes = shingles[sh_offsets[doc] + pos] if len(doc) else np.zeros(0, dtype=np.uint64)
    if params.stems:
        from copytrace.stem_fingerprint import stem_fingerprints

        s_doc, s_hashes, s_pos = stem_fingerprints(batch)
        doc, hashes, pos = (
            np.concatenate([doc, s_doc]),
            np.concatenate([hashes, s_hashes]),
            np.concatenate([pos, s_pos]),
        )
        # (two runs sorted by (doc, pos) already: a stable sort merges them in one pass)
        order = np.argsort((doc << 32) | pos, kind="stable")
        doc, hashes, pos = doc[order], hashes[order], pos[order]
    doc, hashes, pos = _cap(doc, hashes, pos, params.max_per_doc)
    return Fingerprints(doc.astype(np.int32), hashes, pos.astype(np.int32))


def _cap(doc: I64, hashes: U64, pos: I64, limit: int) -> tuple[I64, U64, I64]:
    """Keep at most ``limit`` distinct fingerprints per document: the smallest hashes."""
    if len(doc) == 0:
        return doc, hashes, pos
    counts = np.bincount(doc)
    if counts.max() <= limit:
        return doc, hashes, pos
    over = counts > limit
    order = np.lexsort((pos, hashes, doc))
    doc, hashes, pos = doc[order], hashes[order], pos[order]
    # Rank of each row's hash among the distinct hashes of its document.
    distinct = np.ones(len(doc), dtype=bool)
    distinct[1:] = (doc[1:] != doc[:-1]) | (hashes[1:] != hashes[:-1])
    rank = np.cumsum(distinct) - 1
    first_rank = np.zeros(len(counts), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    first_rank[doc[starts]] = rank[starts]
    rank = rank - first_rank[doc]
    keep = ~over[doc] | (distinct & (rank < limit))
    doc, hashes, pos = doc[keep], hashes[keep], pos[keep]
    order = np.lexsort((pos, doc))
    log.debug("capped %d documents at %d fingerprints", int(over.sum()), limit)
    return doc[order], hashes[order], pos[order]


def content_text(article: Article) -> str:
    """The article's content spans joined by newlines (the whole text if none)."""
    if not article.content:
        return article.text
    text = article.text
    return "\n".join([text[s:e] for s, e in article.content])  # (a list: join's fast path)


def fingerprint(article: Article, params: FingerprintParams = FingerprintParams()) -> U64:
    """The fingerprint hashes of one cleaned article, in position order.

    Example:
        >>> from copytrace.model import Article
        >>> a = Article(id="a", text="Tokyo hopes that closer security ties would help")
        >>> len(fingerprint(a, FingerprintParams(ngram=3, window=2))) > 0
        True
    """
    return fingerprint_texts([content_text(article)], params).hash


def document_frequency(hashes: U64, doc: npt.NDArray[np.integer]) -> tuple[U64, I64]:
    """Number of distinct documents each hash occurs in.

    Returns ``(unique_hashes, df)`` sorted by hash.

    Example:
        >>> h = np.array([7, 7, 9, 7], dtype=np.uint64)
        >>> u, df = document_frequency(h, np.array([0, 0, 1, 1]))
        >>> u.tolist(), df.tolist()
        ([7, 9], [2, 1])
    """
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((doc, hashes))
    h = hashes[order]
    d = np.asarray(doc)[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    h = h[first]
    new = np.ones(len(h), dtype=bool)
    new[1:] = h[1:] != h[:-1]
    starts = np.flatnonzero(new)
    df = np.diff(np.append(starts, len(h))).astype(np.int64)
    return h[starts], df
