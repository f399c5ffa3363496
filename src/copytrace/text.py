"""Normalised words and sentences that keep a map back to original offsets.

This module owns the offset mapping: every token and sentence carries the
``[start, end)`` character span it came from in the original text, so later
stages never recompute positions.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Ideographs and kana carry no spaces between words, so each one is a token.
# Kana, CJK ideographs, halfwidth katakana: each character is a word of its own.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
# Hangul syllables: Korean is spaced, so they make words as letters do; a word
# carries its particles ("회담을": talks + the object's particle).
HANGUL_CHARS = "\uac00-\ud7a3"
_CJK = CJK_CHARS
_LETTER = rf"[^\W{_CJK}]"
_ENTITY = r"&#?\w{1,10};"
# A word: letters/digits joined by inner apostrophes or dots ("Abe's", "U.S"),
# never by hyphens ("two-plus-two" and "two plus two" must match).
_WORD = rf"{_LETTER}+(?:[.'’‘ʼ]{_LETTER}+)*"
_WORD_HTML = rf"(?:{_LETTER}|{_ENTITY})+(?:(?:[.'’‘ʼ]|&#?\w{{1,10}};){_LETTER}+)*"
WORD_RE = re.compile(rf"[{_CJK}]|{_WORD}")


@functools.cache
def _word_html_re() -> re.Pattern[str]:
    """``WORD_HTML_RE``, compiled on first use (6 ms: plain-text runs never need it)."""
    return re.compile(rf"[{_CJK}]|{_WORD_HTML}")


# The same words as one capturing group: re.split yields gap, word, gap, ...
@functools.cache
def _word_split_re() -> re.Pattern[str]:
    """The same words as one capturing group (compiled on first use, as above)."""
    return re.compile(rf"([{_CJK}]|{_WORD})")


def __getattr__(name: str) -> re.Pattern[str]:
    # the lazily compiled patterns under their module-level names
    if name == "WORD_HTML_RE":
        return _word_html_re()
    if name == "_WORD_SPLIT_RE":
        return _word_split_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_STRIP = str.maketrans("", "", ".'’‘ʼ")

# Sentence ends: terminal punctuation (with closing quotes/brackets) then space
# and an opener; or a line break; or CJK full stops. The pattern starts with one
# character class (the alternatives tell the stops apart by looking back), so
# the regex engine skips to the next candidate character without trying a match
# at every position (4x faster than three alternatives).
_SENT_END_RE = re.compile(
    r"""[.!?\n。！？](?:(?<=[.!?])(?P<stop>["'”’)\]]*\s+)"""
    r"""(?=["'“‘(\[]?[^\s\w]*[A-Z0-9А-ЯЁ\u0391-\u03a9])"""
    r"""|(?<=\n)(?P<line>\s*)|(?<=[。！？])(?P<cjk>))"""
)
# Tokens before a period that do not end a sentence.
_ABBREV = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
    }
)


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a text with their original spans.

    ``words[i]`` came from ``text[starts[i]:ends[i]]``.
    """

    words: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.words)


def normalize_word(raw: str, is_html: bool = False) -> str:
    """Casefold, drop inner apostrophes/dots and diacritics.

    >>> normalize_word("U.S.")
    'us'
    >>> normalize_word("Abe’s")
    'abes'
    """
    if is_html and "&" in raw:
        raw = html.unescape(raw)
    word = raw.casefold().translate(_STRIP)
    if not word.isascii():
        word = _decomposed(word)
        # A compatibility form can decompose to a capital or a stripped mark ("𝑨"
        # is "A", "…" is "..."): fold again until nothing changes, so a normalised
        # word normalises to itself. (A few rounds at most; never for plain letters.)
        for _ in range(_FOLD_ROUNDS):
            again = word.casefold().translate(_STRIP)
            if not again.isascii():
                again = _decomposed(again)
            if again == word:
                break
            word = again
    return word


# Rounds of normalize_word's folding after the first: every single code point
# needs at most one (checked over all of them); the cap bounds any input.
_FOLD_ROUNDS = 4


def _decomposed(word: str) -> str:
    """``word`` in NFKD without its combining marks."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def tokenize(
    text: str, spans: Sequence[tuple[int, int]] | None = None, is_html: bool = False
) -> Tokens:
    """Split ``text`` (only inside ``spans`` when given) into normalised words.

    Example:
        >>> t = tokenize("The U.S. said “no”.")
        >>> t.words
        ['the', 'us', 'said', 'no']
        >>> t.starts[1], t.ends[1]
        (4, 7)
    """
    if not is_html and _span_chars(text, spans) >= NUMPY_TOKENIZE_MIN_CHARS:
        return _tokenize_plain(text, spans)
    regex = _word_html_re() if is_html else WORD_RE
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in spans if spans is not None else ((0, len(text)),):
        for m in regex.finditer(text, lo, hi):
            word = normalize_word(m.group(), is_html)
            if word:
                words.append(word)
                starts.append(m.start())
                ends.append(m.end())
    return Tokens(words, starts, ends)


# Below this many characters the word regex beats the numpy pass (its fixed
# cost is ~45 us a call): measured on 11-5,000-character texts, 2026-11-30.
NUMPY_TOKENIZE_MIN_CHARS = 1000


def _span_chars(text: str, spans: Sequence[tuple[int, int]] | None) -> int:
    if spans is None:
        return len(text)
    n = len(text)
    return sum(max(0, min(hi, n) - lo) for lo, hi in spans)


def _words_of(
    cp: np.ndarray, letter_of: np.ndarray, conn_of: np.ndarray, byte_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray, str, np.ndarray]:
    """The words of code points ``cp`` (through the given tables): each word's first
    and (exclusive) last position, the words normalised one after another, each
    followed by "\0", and the positions of the letters past ASCII (their words
    need :func:`normalize_word`)."""
    letter, conn = letter_of[cp], conn_of[cp]
    n = len(cp)
    # a connector joins two letters ("U.S", "Abe's")
    word = letter.copy()
    if n > 2:
        word[1:-1] |= conn[1:-1] & letter[:-2] & letter[2:]
    # where the word mask changes: the starts and (exclusive) ends of words, in turn
    edge = np.empty(n + 1, bool)
    edge[0], edge[n] = word[0], word[n - 1]
    np.not_equal(word[1:], word[:-1], out=edge[1:n])
    changes = np.flatnonzero(edge)
    first, last = changes[0::2], changes[1::2]
    # the normalised words in one byte string (str.translate is slow): ASCII
    # lower-cased, connectors dropped, "\0" after each word (at its end: a non-word
    # character or one past the text); a character past ASCII is "?" (no word
    # character), and the words holding one are normalised one by one by the callers
    low = np.empty(n + 1, np.uint8)
    low[:n] = byte_of[cp]
    low[last] = 0
    take = np.empty(n + 1, bool)
    take[n] = False
    np.logical_and(word, ~conn, out=take[:n])
    take[last] = True
    words = low[take].tobytes().decode("latin-1")
    # (a word of ASCII letters and connectors, "’" too, is normalised already: the
    # connectors dropped, the letters lower-cased as casefold does; "ʼ" is a letter)
    wide = _NO_POSITIONS if cp.dtype == np.uint8 else np.flatnonzero((cp > _ASCII_MAX) & letter)
    return first, last, words, wide


_ASCII_MAX = 127
_NO_POSITIONS = np.zeros(0, np.intp)


def _tokenize_plain(text: str, spans: Sequence[tuple[int, int]] | None) -> Tokens:
    """``tokenize`` for plain text: the tokens ``WORD_RE`` finds, classified with
    numpy over the code points (a regex match per word costs several times more)."""
    spans = spans if spans is not None else ((0, len(text)),)
    spans = [(lo, min(hi, len(text))) for lo, hi in spans if min(hi, len(text)) > lo]
    if not spans:
        return Tokens([], [], [])
    # the spans joined by "\0" (neither letter nor connector), so no word runs across
    # a span boundary without a mask per boundary
    sub = "\0".join([text[lo:hi] for lo, hi in spans])
    if sub.isascii():
        cp: np.ndarray = np.frombuffer(sub.encode("ascii"), np.uint8)
        letter_of, conn_of, byte_of = _ASCII_TABLES
    else:  # surrogatepass: lone surrogates (surrogateescape input) encode too
        cp = np.frombuffer(sub.encode("utf-32-le", "surrogatepass"), np.uint32)
        if int(cp.max()) >= _SMALL_CODES:  # CJK (each ideograph a word) or astral
            return _tokenize_spans(text, spans)
        letter_of, conn_of, byte_of = _small_tables()
        cp = cp.astype(np.intp)  # index once, not once per table
    first, last, joined_words, wide = _words_of(cp, letter_of, conn_of, byte_of)
    if not len(first):
        return Tokens([], [], [])
    words = joined_words.split("\0")
    words.pop()  # (after the last "\0")
    # back to offsets in text: each span's words shifted by its start
    if len(spans) == 1:
        shift = spans[0][0]
        starts: list[int] = (first + shift).tolist()
        ends: list[int] = (last + shift).tolist()
    else:
        joined_lo, shifts, pos = [], [], 0
        for lo, hi in spans:
            joined_lo.append(pos)  # the span's start in ``sub``
            shifts.append(lo - pos)
            pos += hi - lo + 1
        shift_of = np.repeat(shifts, _run_lengths(np.searchsorted(first, joined_lo), len(first)))
        starts = (first + shift_of).tolist()
        ends = (last + shift_of).tolist()
    if not len(wide):
        return Tokens(words, starts, ends)
    other = np.unique(np.searchsorted(first, wide, "right") - 1).tolist()
    for k in other:
        words[k] = _normalize_cached(text[starts[k] : ends[k]])
    if not all(words[k] for k in other):
        kept = [k for k, w in enumerate(words) if w]
        return Tokens([words[k] for k in kept], [starts[k] for k in kept], [ends[k] for k in kept])
    return Tokens(words, starts, ends)


def _run_lengths(firsts: np.ndarray, total: int) -> np.ndarray:
    """The lengths of the runs starting at the sorted ``firsts`` (the last one's
    ending at ``total``)."""
    out = np.empty(len(firsts), np.intp)
    np.subtract(firsts[1:], firsts[:-1], out=out[:-1])
    out[-1] = total - firsts[-1]
    return out


def tokenize_many(
    items: Sequence[tuple[str, Sequence[tuple[int, int]] | None, bool]],
) -> list[Tokens]:
    """:func:`tokenize` of each ``(text, spans, is_html)``: the plain texts in one
    numpy pass over their spans joined (a pass per text costs ~45 us before its
    first character; the aligner prepares a chunk of articles at once).

    Example:
        >>> [t.words for t in tokenize_many([("The U.S. said", None, False), ("No.", None, False)])]
        [['the', 'us', 'said'], ['no']]
    """
    return tokenize_many_starts(items)[0]


def tokenize_many_starts(
    items: Sequence[tuple[str, Sequence[tuple[int, int]] | None, bool]],
) -> tuple[list[Tokens], np.ndarray | None]:
    """:func:`tokenize_many`, and the tokens' starts one after another as an array
    when the joined pass gave them all (no text HTML, tokenized alone or with a word
    normalised away; None otherwise): the aligner searches them."""
    out: list[Tokens | None] = [None] * len(items)
    member: list[int] = []  # the items in the joined pass
    for k, (text, spans, is_html) in enumerate(items):
        if is_html:
            out[k] = tokenize(text, spans, True)
        else:
            member.append(k)
    span_lists = [
        spans if spans is not None else ((0, len(text)),)
        for text, spans, _ in (items[k] for k in member)
    ]
    # each span's text (one past the end or reversed: empty, no word)
    subs = [
        text[lo:hi]
        for k, spans in zip(member, span_lists, strict=True)
        for text in (items[k][0],)
        for lo, hi in spans
    ]
    # where each span starts in the joined text, what takes it back to its text's
    # offsets, and where each member's spans start there
    per_member = np.fromiter(map(len, span_lists), np.int64, len(span_lists))
    at = np.zeros(len(subs) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, subs), np.int64, len(subs)) + 1, out=at[1:])
    lo_of = np.fromiter((lo for spans in span_lists for lo, _ in spans), np.int64, len(subs))
    seg_pos = at[:-1]
    seg_shift = lo_of - seg_pos
    member_pos = at[np.cumsum(per_member) - per_member]
    starts = None
    if at[-1] > len(subs):  # (a character to read)
        # the spans joined by "\0" (no word runs across it), as in _tokenize_plain
        starts = _tokenize_joined(
            "\0".join(subs), items, member, member_pos, seg_pos, seg_shift, out
        )
    if len(member) < len(items):
        starts = None
    return [t if t is not None else Tokens([], [], []) for t in out], starts


def _tokenize_joined(
    joined: str,
    items: Sequence[tuple[str, Sequence[tuple[int, int]] | None, bool]],
    member: list[int],
    member_pos: np.ndarray,
    seg_pos: np.ndarray,
    seg_shift: np.ndarray,
    out: list[Tokens | None],
) -> np.ndarray | None:
    """:func:`_tokenize_plain` over the joined spans of the ``member`` items (each
    starting at ``member_pos`` in ``joined``; its spans at ``seg_pos``, ``seg_shift``
    from their texts' offsets): their tokens into ``out``. A text with a code point
    of ``_SMALL_CODES`` or more is blanked and tokenized alone. Returns the tokens'
    starts when they are all the members' (None otherwise)."""
    whole = True  # every member's tokens from this pass, none dropped
    if joined.isascii():
        cp: np.ndarray = np.frombuffer(joined.encode("ascii"), np.uint8)
        letter_of, conn_of, byte_of = _ASCII_TABLES
    else:  # surrogatepass: lone surrogates (surrogateescape input) encode too
        cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
        large = np.flatnonzero(cp >= _SMALL_CODES)
        if len(large):
            whole = False
            cp = cp.copy()
            bounds = [*member_pos.tolist(), len(cp) + 1]
            for j in np.unique(np.searchsorted(member_pos, large, "right") - 1).tolist():
                cp[bounds[j] : bounds[j + 1] - 1] = 0
                text, spans, _ = items[member[j]]
                out[member[j]] = tokenize(text, spans)
        letter_of, conn_of, byte_of = _small_tables()
        cp = cp.astype(np.intp)  # index once, not once per table
    first, last, joined_words, wide = _words_of(cp, letter_of, conn_of, byte_of)
    words = joined_words.split("\0")
    words.pop()  # (after the last "\0")
    # each span's words shifted by its offset (a run per span: no search per word)
    shift_of = np.repeat(seg_shift, _run_lengths(np.searchsorted(first, seg_pos), len(first)))
    start_at = first + shift_of
    end_at = last + shift_of
    cuts: list[int] = np.searchsorted(first, member_pos).tolist()
    cuts.append(len(words))
    emptied: set[int] = set()  # members with a word normalised away
    if len(wide):
        at = np.unique(np.searchsorted(first, wide, "right") - 1)
        owner = (np.searchsorted(cuts, at, "right") - 1).tolist()
        for t, j in zip(at.tolist(), owner, strict=True):
            text = items[member[j]][0]
            words[t] = _normalize_cached(text[int(start_at[t]) : int(end_at[t])])
            if not words[t]:
                emptied.add(j)
    for j, k in enumerate(member):
        if out[k] is not None:
            continue
        # (the starts and ends listed member by member: no slice of whole lists)
        lo, hi = cuts[j], cuts[j + 1]
        ws, ss, es = words[lo:hi], start_at[lo:hi].tolist(), end_at[lo:hi].tolist()
        if j in emptied:
            kept = [i for i, w in enumerate(ws) if w]
            ws, ss, es = [ws[i] for i in kept], [ss[i] for i in kept], [es[i] for i in kept]
        out[k] = Tokens(ws, ss, es)
    return start_at if whole and not emptied else None


# Code points below this (0x3040: the first CJK range) hold no ideograph or kana:
# text made of them takes :func:`_tokenize_plain`'s small-table pass.
_SMALL_CODES = 0x3040
# byte_of: ASCII letters lower-cased, other ASCII kept, the rest "?" (no word character)
_BYTE_OF = np.array(
    [c + 32 if 65 <= c <= 90 else c if c < 128 else 63 for c in range(256)], np.uint8
)


@functools.cache
def _small_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(letter, connector, byte)`` of every code point below ``_SMALL_CODES``."""
    cls = _bmp_classes()[:_SMALL_CODES]
    byte = np.full(_SMALL_CODES, 63, np.uint8)
    byte[:128] = _BYTE_OF[:128]
    return (cls & _LETTER_BIT) != 0, (cls & _CONN_BIT) != 0, byte


def _tokenize_spans(text: str, spans: list[tuple[int, int]]) -> Tokens:
    """:func:`_tokenize_plain` over non-empty ``spans`` of a text with a code point of
    ``_SMALL_CODES`` or more (CJK: each ideograph its own word; astral; surrogates):
    the class table of the whole basic plane, and a mask per span boundary."""
    if len(spans) == 1:
        lo, hi = spans[0]
        sub = text[lo:hi] if (lo, hi) != (0, len(text)) else text
    else:
        sub = "".join(text[lo:hi] for lo, hi in spans)
    if sub.isascii():
        cp = np.frombuffer(sub.encode("ascii"), np.uint8)
    else:  # surrogatepass: lone surrogates (surrogateescape input) encode too
        cp = np.frombuffer(sub.encode("utf-32-le", "surrogatepass"), np.uint32)
    n = len(cp)
    letter, cjk, conn = _char_classes(cp)
    # a segment per content span: no word runs across a span boundary
    seg_start = np.zeros(n, bool)
    seg_end = np.zeros(n, bool)
    lengths = np.fromiter((hi - lo for lo, hi in spans), np.int64, len(spans))
    bounds = np.cumsum(lengths)
    seg_start[bounds[:-1]] = True
    seg_start[0] = True
    seg_end[bounds - 1] = True
    prev_l = np.empty(n, bool)
    prev_l[0] = False
    prev_l[1:] = letter[:-1]
    next_l = np.empty(n, bool)
    next_l[-1] = False
    next_l[:-1] = letter[1:]
    # a connector joins two letters ("U.S", "Abe's")
    word = letter | (conn & prev_l & next_l & ~seg_start & ~seg_end)
    prev_w = np.empty(n, bool)
    prev_w[0] = False
    prev_w[1:] = word[:-1]
    prev_w &= ~seg_start
    next_w = np.empty(n, bool)
    next_w[-1] = False
    next_w[:-1] = word[1:]
    next_w &= ~seg_end
    first = np.flatnonzero((word & ~prev_w) | cjk)
    last = np.flatnonzero((word & ~next_w) | cjk) + 1
    if not len(first):
        return Tokens([], [], [])
    # the normalised words in one string: connectors dropped and ASCII
    # lower-cased here (str.translate is slow); words with other characters
    # are normalised one by one below
    keep = (word & ~conn) | cjk
    size = last - first
    dropped = np.flatnonzero(word & conn)
    if len(dropped):
        size -= np.bincount(np.searchsorted(first, dropped, "right") - 1, minlength=len(first))
    chars = cp[keep]
    chars = chars + ((chars >= 65) & (chars <= 90)).astype(cp.dtype) * cp.dtype.type(32)
    joined_cp = np.insert(chars, np.cumsum(size)[:-1], 0)  # "\0" between words
    if cp.dtype == np.uint8:
        words = joined_cp.tobytes().decode("ascii").split("\0")
    else:
        words = joined_cp.tobytes().decode("utf-32-le", "surrogatepass").split("\0")
    # back to offsets in text: each segment shifted by its span's start
    if len(spans) == 1:
        shift = spans[0][0]
        st_arr, en_arr = first + shift, last + shift
    else:
        seg_lo = np.fromiter((lo for lo, _ in spans), np.int64, len(spans))
        shifts = seg_lo - (bounds - lengths)
        seg = np.searchsorted(bounds, first, "right")
        st_arr, en_arr = first + shifts[seg], last + shifts[seg]
    starts: list[int] = st_arr.tolist()
    ends: list[int] = en_arr.tolist()
    if cp.dtype == np.uint8:
        return Tokens(words, starts, ends)
    wide = np.flatnonzero((cp > 127) & (word | cjk))
    other = np.unique(np.searchsorted(first, wide, "right") - 1).tolist()
    for k in other:
        words[k] = _normalize_cached(text[starts[k] : ends[k]])
    if other and not all(words[k] for k in other):
        kept = [k for k, w in enumerate(words) if w]
        return Tokens([words[k] for k in kept], [starts[k] for k in kept], [ends[k] for k in kept])
    return Tokens(words, starts, ends)


_ASCII_LETTER = np.array([chr(c).isalnum() or c == 95 for c in range(128)], bool)
_ASCII_CONN = np.array([chr(c) in ".'" for c in range(128)], bool)
_ASCII_TABLES = (
    np.append(_ASCII_LETTER, np.zeros(128, bool)),
    np.append(_ASCII_CONN, np.zeros(128, bool)),
    _BYTE_OF,
)
_CONN_CODES = np.array(sorted(map(ord, ".'’‘ʼ")), np.uint32)
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
)
# Bits of a code point's class (_bmp_classes).
_LETTER_BIT, _CJK_BIT, _CONN_BIT = 1, 2, 4


@functools.cache
def _bmp_classes() -> np.ndarray:
    """Class bits of every code point below 0x10000 (10 ms, once per process): the
    basic plane holds nearly every character of real text."""
    codes = np.arange(0x10000, dtype=np.uint32)
    word = np.fromiter((chr(c).isalnum() for c in range(0x10000)), bool, 0x10000)
    word[95] = True  # "_"
    cjk = np.zeros(0x10000, bool)
    for lo, hi in _CJK_RANGES:
        cjk[lo : hi + 1] = True
    conn = np.isin(codes, _CONN_CODES)
    out = np.zeros(0x10000, np.uint8)
    out[word & ~cjk] |= _LETTER_BIT
    out[cjk] |= _CJK_BIT
    out[conn] |= _CONN_BIT
    return out


def _char_classes(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(letter, cjk, connector)`` masks of code points: letters are ``\\w``
    (``str.isalnum`` or "_") outside the CJK ranges, as in ``WORD_RE``."""
    if cp.dtype == np.uint8:
        letter = np.take(_ASCII_LETTER, cp, mode="clip")  # 127 (DEL) is no letter
        conn = np.take(_ASCII_CONN, cp, mode="clip")
        return letter, np.zeros(len(cp), bool), conn
    cls = np.take(_bmp_classes(), cp, mode="clip")
    astral = np.flatnonzero(cp > 0xFFFF)
    if len(astral):  # outside the basic plane: no CJK range, no connector
        uniq, inverse = np.unique(cp[astral], return_inverse=True)
        is_word = np.fromiter((chr(c).isalnum() for c in uniq.tolist()), bool, len(uniq))
        cls[astral] = (is_word * _LETTER_BIT)[inverse]
    return (cls & _LETTER_BIT) != 0, (cls & _CJK_BIT) != 0, (cls & _CONN_BIT) != 0


_NORMALIZED: dict[str, str] = {}
_NORMALIZED_MAX = 100_000


def _normalize_cached(raw: str) -> str:
    """``normalize_word`` of a non-ASCII word, remembered per process."""
    got = _NORMALIZED.get(raw)
    if got is None:
        if len(_NORMALIZED) >= _NORMALIZED_MAX:
            _NORMALIZED.clear()
        got = _NORMALIZED[raw] = normalize_word(raw)
    return got


def _tokenize_regex(text: str, spans: Sequence[tuple[int, int]]) -> Tokens:
    """``tokenize`` for plain text by one ``re.split`` per span (the reference
    the numpy tokenizer is tested against)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in spans:
        parts = _word_split_re().split(text[lo:hi])
        if len(parts) < 2:
            continue
        raw = parts[1::2]
        pos = list(itertools.accumulate(map(len, parts), initial=lo))
        st, en = pos[1:-1:2], pos[2::2]
        norm = [w.lower().translate(_STRIP) if w.isascii() else normalize_word(w) for w in raw]
        if not all(norm):
            keep = [k for k, w in enumerate(norm) if w]
            norm = [norm[k] for k in keep]
            st = [st[k] for k in keep]
            en = [en[k] for k in keep]
        words += norm
        starts += st
        ends += en
    return Tokens(words, starts, ends)


def sentence_spans(
    text: str, spans: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Sentence ``[start, end)`` spans inside ``spans`` (whole text when None).

    Spans are trimmed of surrounding whitespace; abbreviations such as "U.S."
    and "Mr." do not end a sentence.

    Example:
        >>> t = "Mr. Abe met the U.S. envoy. Talks went well."
        >>> [t[s:e] for s, e in sentence_spans(t)]
        ['Mr. Abe met the U.S. envoy.', 'Talks went well.']
    """
    out: list[tuple[int, int]] = []
    push = out.append
    finditer = _SENT_END_RE.finditer
    n = len(text)
    for lo, hi in spans if spans is not None else ((0, n),):
        if lo > n or hi > n:  # spans past the end read as far as the text goes
            lo, hi = min(lo, n), min(hi, n)
        start = lo
        # a stop just before lo still ends a sentence there
        scan = lo - 1 if lo > 0 and text[lo - 1] in ".!?。！？" else lo
        for m in finditer(text, scan, hi):
            # the match's kind by its first character: "\n" starts only a line's
            at, after = m.span()
            if text[at] == "\n":  # a line ends before its "\n", trimmed of whitespace
                end = at
                while end > start and text[end - 1].isspace():
                    end -= 1
            else:  # other sentences after their stop (no whitespace to trim there)
                end = at + 1
                if (
                    text[at] == "."
                    and "\n" not in text[end:after]  # (the stop's closers and space)
                    # (a word longer than any abbreviation before the period: none,
                    # told here without the call)
                    and not (at - start > _ABBREV_MAX and text[at - _ABBREV_MAX - 1 : at].isalnum())
                    and _is_abbreviation(text, start, end)
                ):
                    continue
            # the sentence trimmed of leading whitespace (inline: a call per sentence
            # is a tenth of the time)
            while start < end and text[start].isspace():
                start += 1
            if end > start:
                push((start, end))
            start = after
        # the rest of the span, trimmed likewise (inline too: a content span, a
        # paragraph, holds a sentence or two, so this runs about as often)
        while start < hi and text[start].isspace():
            start += 1
        while hi > start and text[hi - 1].isspace():
            hi -= 1
        if hi > start:
            push((start, hi))
    return out


# Characters before a period looked at for the word it ends (see _is_abbreviation).
_ABBREV_TAIL = 40
# The longest abbreviation: a period after more letters or digits than this ends none.
_ABBREV_MAX = max(map(len, _ABBREV))


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """True when the period before ``end`` closes an abbreviation, not a sentence."""
    if end == 0 or text[end - 1] != ".":
        return False
    if end - 1 - start > _ABBREV_MAX and text[end - 2 - _ABBREV_MAX : end - 1].isalnum():
        return False  # (the last word is longer than any abbreviation, casefolded too)
    # the last word before the period, read from a short tail of the sentence when
    # that tail holds a space before its last word (the whole sentence otherwise)
    lo = max(start, end - 1 - _ABBREV_TAIL)
    words = text[lo : end - 1].rsplit(None, 1)
    if len(words) < 2 and lo > start:  # the last word may begin before the tail
        words = text[start : end - 1].rsplit(None, 1)
    last = words[-1].lstrip("\"'“‘(").casefold() if words else ""
    return last in _ABBREV or (len(last) == 1 and last.isalpha())


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def covered_chars(spans: Iterable[tuple[int, int]]) -> int:
    """Number of characters covered by the union of ``spans``."""
    return sum(e - s for s, e in merge_spans(spans))
