"""Site chrome learned from the corpus: lines that recur across pages of one source.

A menu, a subscription prompt or a "Most read" widget appears on many pages of
the same site; an article's sentence appears on one. Like CCNet's paragraph
deduplication, a first pass counts, for every source, on how many of its pages
each line occurs (by the hash of :func:`copytrace.clean.line_key`, so "3 free
articles left" and "12 free articles left" are one line). Lines seen on at
least ``min_pages`` pages that are also at least ``min_share`` of that
source's pages are that source's chrome; :func:`chrome_for` turns them into the
``chrome`` argument of :func:`copytrace.clean.clean` for each of its pages, so
two pages of one site, or two sites on the same CMS, never pair on their menus.

A page with no source is learned under the outlet its own copyright line names
(:func:`learning_key`); one naming none is not learned from: lines shared by
unrelated pages of unknown origin are exactly the reuse the scan looks for. An
HTML page is learned under its source (a crawl's host), else the site its head
names (:func:`copytrace.htmltext.page_site`: a folder of saved pages), by the lines
a reader sees (:func:`copytrace.htmltext.readable_html`), and the lines of the article trafilatura
finds whose key is its source's chrome are cut out: a paywall prompt or a newsletter box inside
``<article>`` is what trafilatura keeps (on a generated crawl of 10k pages, a
quarter of the pairs were such prompts before session 26).
"""

from __future__ import annotations

import functools
import itertools
import logging
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

log = logging.getLogger(__name__)

# Calibrated on generated corpora (bench/gen_corpus.py: 5-40 pages per site,
# each with 8-20 menu/footer lines, some varying by a number) and the
# tests/data/scan pages: a line on 3 pages of a site is already chrome there,
# while a site reprinting one wire paragraph on 3 of its pages is rare and,
# being same-source reuse, skipped by default anyway. The share keeps big
# sources from calling a line on 3 of their 10,000 pages chrome.
CHROME_MIN_PAGES = 3
CHROME_MIN_SHARE = 0.002
# Lines with fewer word characters than this are never worth learning
# (bullets, lone numbers); the cleaner drops them on its own.
CHROME_MIN_LINE_CHARS = 3
# ... and lines longer than this never are: chrome is menus, prompts, credits
# and footers (the longest in the generated corpora and the scrapinghub pages
# are legal notices of ~300 characters), while a page's paragraphs are long;
# skipping them halves the cost of the chrome pass.
CHROME_MAX_LINE_CHARS = 400
# Compact the (source, line) table when this many rows are pending.
_COMPACT_ROWS = 4_000_000

_MIN_CHARS_RE = re.compile(rf"(?:.*?[^\W_]){{{CHROME_MIN_LINE_CHARS}}}", re.S)
_ROW = np.dtype([("src", "<i4"), ("h", "<u8"), ("n", "<i8")])
# Mixes a row's source into its line hash: one 64-bit sort key per (source, line).
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class ChromeParams:
    """When a recurring line is chrome.

    Example:
        >>> ChromeParams().min_pages
        3
    """

    min_pages: int = CHROME_MIN_PAGES
    min_share: float = CHROME_MIN_SHARE

    def __post_init__(self) -> None:
        if self.min_pages < 2:
            raise ValueError(f"min_pages must be >= 2, got {self.min_pages}")
        if not 0 <= self.min_share <= 1:
            raise ValueError(f"min_share must be within 0..1, got {self.min_share}")


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a line key (independent of the process).

    Example:
        >>> key_hash("show more") == key_hash("show more")
        True
    """
    return int(_key_hashes([key.encode("utf-8")])[0])


def key_hashes(keys: Sequence[str]) -> list[int]:
    """``[key_hash(k) for k in keys]`` in one numpy pass (a call of key_hash costs
    ~40 us of numpy overhead, about as much as a few dozen keys together).

    Example:
        >>> key_hashes(["show more", "menu"]) == [key_hash("show more"), key_hash("menu")]
        True
    """
    if not keys:
        return []
    return [int(h) for h in _key_hashes([k.encode("utf-8") for k in keys])]


# key_hash in numpy over many keys at once (a blake2b a key cost ~0.5 us of Python
# each; the hashes are only compared within one scan, which learns and applies them):
# each 8 bytes of a key (little-endian, the last zero-padded) mixed with its place
# by splitmix64's finalizer, the mixes summed, the sum mixed with the key's length.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LENGTH_MIX = np.uint64(0xD6E8FEB86659FD93)
_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
# The low k bytes of a number (k = 0..8).
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], np.uint64)


def _mix64(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finalizer (a bijection of 64-bit numbers), in place."""
    z ^= z >> _SHIFTS[0]
    z *= _MIX1
    z ^= z >> _SHIFTS[1]
    z *= _MIX2
    z ^= z >> _SHIFTS[2]
    return z


def _joined_key_hashes(
    buf: bytes, starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """``key_hash`` of the keys at ``starts`` (``lengths`` bytes each) in ``buf``."""
    n = len(starts)
    chunks = (lengths + 7) // 8
    first = np.zeros(n + 1, np.int64)
    np.cumsum(chunks, out=first[1:])
    # chunk j of all is chunk j - first[key] of its key, at starts[key] + 8 * that (two
    # repeats, not the key's number repeated, then gathered from twice)
    chunk = np.arange(first[-1])
    key_first = np.repeat(first[:-1], chunks)
    at = chunk * 8
    at += np.repeat(starts - 8 * first[:-1], chunks)
    # (overlapping 8-byte windows, one a byte, over buf and zeros after it)
    windows = np.ndarray((len(buf) + 1,), "<u8", buf + bytes(8), strides=(1,))
    z = windows[at]
    # only a key's last chunk holds bytes past its end: zeroed
    some = chunks > 0
    z[first[1:][some] - 1] &= _LOW_BYTES[lengths[some] - 8 * (chunks[some] - 1)]
    chunk -= key_first
    chunk += 1  # (the chunk's place in its key, from 1)
    place = chunk.view(np.uint64)
    place *= _GOLDEN
    z += place
    sums = np.zeros(len(z) + 1, np.uint64)
    np.cumsum(_mix64(z), out=sums[1:])  # (wraps around: the sums are mod 2**64)
    h = sums[first[1:]] - sums[first[:-1]]
    h += lengths.astype(np.uint64) * _LENGTH_MIX
    return _mix64(h)


def page_line_keys(text: str) -> dict[int, str]:
    """The distinct line keys of one page, by their hash.

    Example:
        >>> sorted(page_line_keys("Menu\\nHome News 24\\nMenu\\n").values())
        ['home news 0', 'menu']
    """
    from copytrace.clean import line_spans

    out: dict[int, str] = {}
    for s, e in line_spans(text):
        if e - s > CHROME_MAX_LINE_CHARS:
            continue
        entry = _line_entry(text[s:e])
        if entry is not None:
            out.setdefault(*entry)
    return out


# Chrome lines recur page after page: remember the last lines' keys and hashes.
_LINE_ENTRIES = 1 << 15


@functools.lru_cache(maxsize=_LINE_ENTRIES)
def _line_entry(line: str) -> tuple[int, str] | None:
    """``(key_hash(key), key)`` of a line, or None when its key is too short to count."""
    from copytrace.clean import line_key

    key = line_key(line)
    return (key_hash(key), key) if _MIN_CHARS_RE.match(key) else None


def key_entry(key: str) -> int | None:
    """``key_hash(key)``, or None when the key is too short to count (as ``_line_entry``).

    Example:
        >>> key_entry("menu") == key_hash("menu"), key_entry("10")
        (True, None)
    """
    return key_hash(key) if _MIN_CHARS_RE.match(key) else None


_key_entry = functools.lru_cache(maxsize=_LINE_ENTRIES)(key_entry)


def key_entries(keys: Sequence[str], learnable: Sequence[bool]) -> list[int | None]:
    """``[key_entry(k) if ok else None ...]``, the keys hashed together.

    Example:
        >>> key_entries(["menu", "10", "menu"], [True, True, False])[1:]
        [None, None]
    """
    match = _MIN_CHARS_RE.match
    at = [i for i, (k, ok) in enumerate(zip(keys, learnable, strict=True)) if ok and match(k)]
    out: list[int | None] = [None] * len(keys)
    hashes = _key_hashes([keys[i].encode("utf-8") for i in at]).tolist()
    for i, h in zip(at, hashes, strict=True):
        out[i] = h
    return out


def ascii_key_entries(
    keys: Sequence[str], learnable: Sequence[bool] | npt.NDArray[np.bool_]
) -> list[int | None]:
    """``[key_entry(k) if ok else None ...]`` for keys of ASCII letters and digits
    one space apart (``line_key`` of ASCII lines): such a key has enough letters
    and digits when its length less its spaces is enough (no regex per key).

    Example:
        >>> ascii_key_entries(["menu", "a b", "menu"], [True, True, False])[1:]
        [None, None]
    """
    return joined_key_entries("\n".join(keys).encode("ascii"), np.asarray(learnable, bool))


def joined_key_entries(joined: bytes, learnable: npt.NDArray[np.bool_]) -> list[int | None]:
    """:func:`ascii_key_entries` of the keys joined by line breaks (as bytes): hashed
    where they lie in ``joined``.

    Example:
        >>> joined_key_entries(b"menu\\na b", np.array([True, True]))[1:]
        [None]
    """
    if not len(learnable):
        return []
    a = np.frombuffer(joined, np.uint8)
    breaks = np.flatnonzero(a == _NL)
    starts = np.append(0, breaks + 1)
    lengths = np.append(breaks, len(a)) - starts
    # (as _ascii_key_table: a key of single spaces between words of L characters has
    # at least (L + 1) / 2 word characters; only the few shorter ones counted)
    least = CHROME_MIN_LINE_CHARS
    long = lengths >= 2 * least - 2
    ok = learnable & long
    few = np.flatnonzero(learnable & (lengths >= least) & ~long).tolist()
    ok[few] = [
        n - joined.count(b" ", s, s + n) >= least
        for s, n in zip(starts[few].tolist(), lengths[few].tolist(), strict=True)
    ]
    at = np.flatnonzero(ok)
    out = np.full(len(learnable), None, object)
    out[at] = _joined_key_hashes(joined, starts[at], lengths[at])  # (as Python ints)
    return out.tolist()


def chrome_of_lines(known: frozenset[int], lines: Iterable[tuple[int, str]]) -> frozenset[str]:
    """:func:`chrome_for` given the known hashes and the page's lines as ``(length, line_key)``.

    The cleaner has every line's key already: this saves keying the page again.

    Example:
        >>> chrome_of_lines(frozenset({key_hash("menu")}), [(4, "menu"), (5, "body")])
        frozenset({'menu'})
    """
    return chrome_of_entries(
        known, [(key, _key_entry(key)) for n, key in lines if n <= CHROME_MAX_LINE_CHARS]
    )


def chrome_of_entries(
    known: frozenset[int], entries: Iterable[tuple[str, int | None]]
) -> frozenset[str]:
    """:func:`chrome_of_lines` given the page's lines short enough to learn from as
    ``(line_key, key_entry(line_key))``."""
    out: dict[int, str] = {}
    for key, h in entries:
        if h is not None:
            out.setdefault(h, key)
    return frozenset(k for h, k in out.items() if h in known)


def page_line_hashes(text: str) -> npt.NDArray[np.uint64]:
    """Sorted distinct line-key hashes of one page (what the first pass counts)."""
    return np.array(sorted(page_line_keys(text)), dtype=np.uint64)


def pages_line_hashes(texts: Sequence[str]) -> list[npt.NDArray[np.uint64]]:
    """``[page_line_hashes(t) for t in texts]``, all pages keyed and hashed together.

    Example:
        >>> texts = ["Menu\\nBody", ""]
        >>> [len(h) for h in pages_line_hashes(texts)]
        [2, 0]
    """
    page, hashes = flat_line_hashes(texts)
    cuts = np.searchsorted(page, np.arange(1, len(texts)))
    return list(np.split(hashes, cuts)) if len(texts) else []


# line_key's ASCII path as byte tables: [.,:] (which join the digit groups of a
# number), and every byte to its key byte with the line break kept.
_SEP_BYTES = bytes(c in b".,:" for c in range(256))
# Digits as "0", [a-z] and the line break kept, every other byte ([.,:] too) a space.
_NUMBER_BYTES = bytes(
    48 if 48 <= c <= 57 else c if 97 <= c <= 122 or c == 10 else 32 for c in range(256)
)
_SPACE, _NL, _ZERO = ord(" "), ord("\n"), ord("0")
_IS_SEP = np.frombuffer(_SEP_BYTES, dtype=bool)
# A byte no key holds (_NUMBER_BYTES' are [0-9a-z], space and the line break): marks
# the bytes _ascii_key_table drops.
_GONE = np.uint8(255)
_GONE_BYTES = bytes([int(_GONE)])
# Batches of up to this many pages sort their rows' page numbers as int16.
_RADIX_PAGES = np.iinfo(np.int16).max + 1
# Trailing runs of spaces this long are walked back a space a step to their first.
_WALK_SPACES = 8


def flat_line_hashes(
    texts: Sequence[str],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """The distinct line-key hashes of each page (as :func:`page_line_hashes`), flat:
    ``(page, hash)`` rows sorted by page, then hash.

    The pages' lines are keyed together: the ASCII ones (most) in numpy over all
    of them at once, the others by :func:`copytrace.clean.line_keys`; each
    distinct line once.

    Example:
        >>> page, h = flat_line_hashes(["Menu\\nMenu\\nText", "", "Text"])
        >>> page.tolist(), bool(h[2] == key_hash("text"))
        ([0, 0, 2], True)
    """
    from copytrace.clean import _TRIMMED_LINE_RE

    # The lines of a page without \r, U+2028 or U+2029 are its "\n"-pieces,
    # stripped (re's \s, outside the lines, is str.isspace): no regex over the text.
    # They are not stripped here: a key is the same without the whitespace at the
    # ends (and a blank line's key too short to count); only a long line's length
    # is taken stripped.
    per_page = [
        _TRIMMED_LINE_RE.findall(t)
        if "\r" in t or "\u2028" in t or "\u2029" in t  # (line_spans' other breaks)
        else t.split("\n")
        for t in texts
    ]
    lines = list(itertools.chain.from_iterable(per_page))
    page = np.repeat(np.arange(len(texts), dtype=np.int64), [len(p) for p in per_page])
    size = np.fromiter(map(len, lines), np.int64, len(lines))
    keep = (size > 0) & (size <= CHROME_MAX_LINE_CHARS)
    long = np.flatnonzero(size > CHROME_MAX_LINE_CHARS).tolist()
    keep[long] = [len(lines[i].strip()) <= CHROME_MAX_LINE_CHARS for i in long]
    if not keep.all():
        lines = list(itertools.compress(lines, keep.tolist()))
        page = page[keep]
    # Each distinct line once, in order: one pass of setdefault gives each line the
    # place where its text first comes, the first places then numbered in order.
    first: dict[str, int] = {}
    idx = np.fromiter(map(first.setdefault, lines, itertools.count()), np.int64, len(lines))
    new_at = np.flatnonzero(idx == np.arange(len(lines)))
    number = np.zeros(len(lines), np.int64)
    number[new_at] = np.arange(len(new_at))
    idx = number[idx]
    hashes, valid = _line_hashes(list(first))
    keep = valid[idx]
    page, line_hash = page[keep], hashes[idx[keep]]
    if len(texts) <= _RADIX_PAGES:
        # by hash, then stably by page as int16 (a radix sort): ~2.5x faster than
        # lexsort; equal rows' order does not matter, only one of them is kept
        order = np.argsort(line_hash)
        order = order[np.argsort(page[order].astype(np.int16), kind="stable")]
    else:
        order = np.lexsort((line_hash, page))
    page, line_hash = page[order], line_hash[order]
    new = np.ones(len(page), dtype=bool)
    new[1:] = (page[1:] != page[:-1]) | (line_hash[1:] != line_hash[:-1])
    return page[new], line_hash[new]


def _line_hashes(lines: list[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
    """``key_hash(line_key(line))`` of distinct lines, and whether each key counts
    (has ``CHROME_MIN_LINE_CHARS`` word characters)."""
    from copytrace.clean import line_keys

    n = len(lines)
    hashes = np.zeros(n, dtype=np.uint64)
    valid = np.zeros(n, dtype=bool)
    plain: Sequence[int] = range(n)
    other: list[int] = []
    is_ascii = list(map(str.isascii, lines))  # (a flag of the string: no scan)
    if not all(is_ascii):
        plain = list(itertools.compress(range(n), is_ascii))
        odd = list(itertools.compress(range(n), map(operator.not_, is_ascii)))
        # As line_keys: the near-ASCII punctuation (curly quotes, dashes) separates
        # words as a space does; the lines ASCII after that are keyed apart from
        # the plain ones, their code points as bytes.
        low, near, other = _near_ascii_bytes([lines[i] for i in odd])
        near = [odd[i] for i in near]
        other = [odd[i] for i in other]
        if near:
            keys_joined, starts, lengths, valid[near] = _ascii_key_table(low)
            hashes[near] = _joined_key_hashes(keys_joined, starts, lengths)
    if len(plain):
        ascii_low = "\n".join([lines[i] for i in plain]).lower().encode("ascii")
        keys_joined, starts, lengths, valid[plain] = _ascii_key_table(ascii_low)
        hashes[plain] = _joined_key_hashes(keys_joined, starts, lengths)
    if other:
        keys = line_keys([lines[i] for i in other])
        valid[other] = [_MIN_CHARS_RE.match(key) is not None for key in keys]
        hashes[other] = _key_hashes([key.encode("utf-8") for key in keys])
    return hashes, valid


def _key_hashes(keys: Sequence[bytes]) -> npt.NDArray[np.uint64]:
    """``key_hash`` of each (encoded) key."""
    lengths = np.fromiter(map(len, keys), np.int64, len(keys))
    starts = np.zeros(len(keys), np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return _joined_key_hashes(b"".join(keys), starts, lengths)


def _near_ascii_bytes(lines: list[str]) -> tuple[bytes, list[int], list[int]]:
    """The lines (none with a line break) that are ASCII once the near-ASCII
    punctuation is a space, lowercased and joined by line breaks as bytes, which
    lines they are, and the others."""
    from copytrace.clean import _NEAR_POINTS

    joined = "\n".join(lines)
    # (UTF-16, half the bytes of UTF-32, when it holds each code point in one unit)
    utf16 = joined.encode("utf-16-le", "surrogatepass")
    cp: npt.NDArray[np.uint16] | npt.NDArray[np.uint32]
    if len(utf16) == 2 * len(joined):
        cp = np.frombuffer(utf16, np.uint16)
    else:
        cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    high = np.flatnonzero(cp >= 128)
    is_near = np.isin(cp[high], _NEAR_POINTS)
    breaks = np.flatnonzero(cp == _NL)
    # (a far character's line: the line breaks before it)
    far = np.unique(np.searchsorted(breaks, high[~is_near]))
    code = cp.astype(np.uint8)
    code[high[is_near]] = _SPACE
    if not len(far):
        return code.tobytes().lower(), list(range(len(lines))), []
    # the kept lines joined again: each run of them between far lines one slice (few)
    kept = np.flatnonzero(np.isin(np.arange(len(lines)), far, invert=True))
    if not len(kept):
        return b"", [], far.tolist()
    cut = np.flatnonzero(np.diff(kept) > 1)
    firsts, lasts = kept[np.r_[0, cut + 1]], kept[np.r_[cut, len(kept) - 1]]
    line_starts = np.r_[0, breaks + 1]
    line_ends = np.r_[breaks, len(cp)]
    whole = code.tobytes()
    pieces = [
        whole[s:e]
        for s, e in zip(line_starts[firsts].tolist(), line_ends[lasts].tolist(), strict=True)
    ]
    return b"\n".join(pieces).lower(), kept.tolist(), far.tolist()


def _ascii_keys(low: bytes) -> tuple[list[bytes], npt.NDArray[np.int64]]:
    """:func:`copytrace.clean.line_key` of lowercased ASCII lines joined by "\\n", in
    numpy, and each key's characters other than spaces (all word characters)."""
    keys, lengths, _ = _ascii_key_parts(low)
    spaces = np.fromiter(map(bytes.count, keys, itertools.repeat(b" ")), np.int64, len(keys))
    return keys, lengths - spaces


def _ascii_key_parts(
    low: bytes,
) -> tuple[list[bytes], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The keys of :func:`_ascii_keys`, their lengths, and whether each counts
    (``CHROME_MIN_LINE_CHARS`` word characters)."""
    joined, _, lengths, valid = _ascii_key_table(low)
    return joined.split(b"\n"), lengths, valid


def _ascii_key_table(
    low: bytes,
) -> tuple[bytes, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """:func:`_ascii_key_parts` with the keys as they are joined by line breaks, and
    where each starts there.

    As line_key: each number (digit groups joined by one of ``.,:``) becomes "0",
    every byte but [0-9a-z] a space, then the spaces are collapsed and stripped.
    """
    k = np.frombuffer(low.translate(_NUMBER_BYTES), dtype=np.uint8)
    n = len(k)
    # The bytes that go are marked, then deleted by bytes.translate (~3x faster than a
    # boolean index). Of a run of spaces the first stays if it follows a word
    # character (not a line's start) ...
    space = k == _SPACE
    gone = np.empty(n, dtype=bool)
    if n:
        gone[0] = space[0]
        np.logical_and(space[1:], space[:-1] | (k[:-1] == _NL), out=gone[1:])
    # ... and is not before a line break or the end: the runs that are (few, one a
    # line at most) walked back from their last space to their first
    last = space.copy()
    if n:
        np.logical_and(space[:-1], k[1:] == _NL, out=last[:-1])
    at = np.flatnonzero(last)
    for _ in range(_WALK_SPACES):
        first = (at == 0) | ~space[at - 1]
        gone[at[first]] = True
        at = at[~first] - 1
        if not len(at):
            break
    else:  # (longer runs: each one's first space after the last other byte before it)
        other_at = np.where(space, -1, np.arange(n))
        gone[np.maximum.accumulate(other_at)[at] + 1] = True
    # A number: digits, and the separators ([.,:], spaces in k) with a digit on both
    # sides; its first character stays, the rest go (found from the digits, few).
    digits = np.flatnonzero(k == _ZERO)
    if len(digits) > 1:
        gap = np.diff(digits)
        gone[digits[1:][gap == 1]] = True
        between = digits[:-1][gap == 2] + 1
        inner = between[_IS_SEP[np.frombuffer(low, dtype=np.uint8)[between]]]
        gone[inner] = True
        gone[inner + 1] = True
    joined = (k | gone.view(np.uint8) * _GONE).tobytes().translate(None, _GONE_BYTES)
    out = np.frombuffer(joined, dtype=np.uint8)
    breaks = np.flatnonzero(out == _NL)
    starts = np.append(0, breaks + 1)
    lengths = np.append(breaks, len(out)) - starts
    # A key holds single spaces between words: of L characters, at least (L + 1) / 2
    # are word characters; only the few shorter keys are counted.
    least = CHROME_MIN_LINE_CHARS
    valid = lengths >= 2 * least - 2
    few = np.flatnonzero((lengths >= least) & ~valid).tolist()
    valid[few] = [
        n - joined.count(b" ", a, a + n) >= least
        for a, n in zip(starts[few].tolist(), lengths[few].tolist(), strict=True)
    ]
    return joined, starts, lengths, valid


def _sum_runs(
    rows: npt.NDArray[np.void], keys: tuple[npt.NDArray[Any], ...]
) -> npt.NDArray[np.void]:
    """Sorted ``rows`` with one row per run of equal ``keys``, its ``n`` summed."""
    if not len(rows):
        return rows
    new = np.ones(len(rows), dtype=bool)
    new[1:] = False
    for k in keys:
        new[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(new)
    out = rows[starts]
    out["n"] = np.add.reduceat(rows["n"], starts)
    return out


def _row_keys(src: npt.NDArray[np.int32], hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """One 64-bit key per (source, line hash): the hash with the source mixed in
    (given the source, the key gives the hash back)."""
    return hashes ^ (src.astype(np.uint64) * _MIX)


class ChromeLearner:
    """Counts lines per source over a stream of pages, then names the chrome.

    Example:
        >>> menu = "Home World Business\\nSign in to read more\\n"
        >>> cl = ChromeLearner()
        >>> for i in range(3):
        ...     cl.add("site", menu + f"Story number {i} is about something else entirely.")
        >>> model = cl.finish()
        >>> sorted(chrome_for(model, "site", menu + "New story text."))
        ['home world business', 'sign in to read more']
    """

    def __init__(self, params: ChromeParams = ChromeParams()) -> None:
        self.params = params
        self._codes: dict[str, int] = {}
        self._pages: list[int] = []
        # the rows not counted yet: each page's (source, line) as its key and source
        self._pending: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]] = []
        self._pending_rows = 0
        # The counts: one row per (source, line) in plain arrays sorted by its key (a
        # structured array's gathers and inserts cost ~3x more) ...
        self._keys: npt.NDArray[np.uint64] | None = np.zeros(0, dtype=np.uint64)
        self._src = np.zeros(0, dtype=np.int32)
        self._n = np.zeros(0, dtype=np.int64)
        # ... or, once two (source, line) rows shared a key (_keys None), _ROW rows
        # sorted by both
        self._rows = np.zeros(0, dtype=_ROW)

    def add(self, source: str | None, text: str, *, is_html: bool = False) -> None:
        """Count the lines of one page of ``source`` (ignored without a source, or HTML)."""
        if not source or is_html:
            return
        self.add_hashes(source, page_line_hashes(text))

    def add_hashes(self, source: str, hashes: npt.NDArray[np.uint64]) -> None:
        """Count one page given its distinct line-key hashes (the Spark path)."""
        code = self._codes.setdefault(source, len(self._codes))
        if code == len(self._pages):
            self._pages.append(0)
        self._pages[code] += 1
        if len(hashes):
            self._push(np.full(len(hashes), code, dtype=np.int32), hashes)

    def add_batch(self, batch: pa.RecordBatch) -> None:
        """Count the pages of a :func:`copytrace.stages.line_hashes_batch` batch."""
        if batch.num_rows == 0:
            return
        page = batch.column("page").to_numpy()
        hashes = batch.column("line_hash").to_numpy()
        # a page's rows are together: each first row is one page of its source
        firsts = np.flatnonzero(np.r_[True, page[1:] != page[:-1]])
        # each page's source as this learner's code (a look-up a page: dictionary
        # encoding the rows' names cost ~5x more), new names in order
        names = batch.column("source").take(pa.array(firsts)).to_pylist()
        codes = self._codes
        for name in dict.fromkeys(names):
            if name not in codes:
                codes[name] = len(codes)
                self._pages.append(0)
        page_code = np.array([codes[name] for name in names], dtype=np.int32)
        per_code = np.bincount(page_code, minlength=len(self._pages))
        for code in np.flatnonzero(per_code).tolist():
            self._pages[code] += int(per_code[code])
        self._push(np.repeat(page_code, np.diff(firsts, append=len(page))), hashes)

    def _push(self, src: npt.NDArray[np.int32], hashes: npt.NDArray[np.uint64]) -> None:
        """Queue one count per (source, line hash); compact when enough are pending."""
        keys = _row_keys(src, hashes)
        # sorted here, in cache: the compaction merges the sorted runs (~3x faster
        # than one sort of all its rows)
        order = np.argsort(keys)
        self._pending.append((keys[order], src[order]))
        self._pending_rows += len(src)
        if self._pending_rows >= _COMPACT_ROWS:
            self._compact()

    def _compact(self) -> None:
        """Fold the pending rows into the table: one row per (source, line) with its
        page count."""
        if not self._pending:
            return
        keys = np.concatenate([k for k, _ in self._pending])
        src = np.concatenate([s for _, s in self._pending])
        self._pending.clear()
        self._pending_rows = 0
        if self._keys is not None:
            if self._merge(self._keys, keys, src):
                return
            # (a key shared by two (source, line) rows: sort them all by both instead)
            self._rows = _as_rows(self._keys, self._src, self._n)
            self._keys, self._src, self._n = None, self._src[:0], self._n[:0]
        rows = np.concatenate([self._rows, _as_rows(keys, src, np.ones(len(keys), np.int64))])
        order = np.lexsort((rows["h"], rows["src"]))
        self._rows = _sum_runs(rows[order], (rows["src"][order], rows["h"][order]))

    def _merge(
        self,
        table: npt.NDArray[np.uint64],
        keys: npt.NDArray[np.uint64],
        src: npt.NDArray[np.int32],
    ) -> bool:
        """Merge rows into the table kept sorted by key (``table``: its keys; a merge
        of the new rows' sorted runs, then of them and the table, not a sort of the
        whole table again); False, with the table untouched, if two (source, line)
        rows share a key."""
        order = np.argsort(keys, kind="stable")  # (a merge of the pending sorted runs)
        keys, src = keys[order], src[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = keys[1:] != keys[:-1]
        # rows of one key and one source are one (source, line): the key and the
        # source give the hash
        if (~new[1:] & (src[1:] != src[:-1])).any():
            return False
        starts = np.flatnonzero(new)
        counts = np.diff(starts, append=len(keys))
        keys, src = keys[starts], src[starts]
        pos = np.searchsorted(table, keys)
        hit = pos < len(table)
        hit[hit] = table[pos[hit]] == keys[hit]
        at = pos[hit]
        if (self._src[at] != src[hit]).any():
            return False
        self._n[at] += counts[hit]  # (the keys are distinct: so are their places)
        miss = ~hit
        # the new rows' places in the merged table, the old rows' the others
        placed = pos[miss] + np.arange(np.count_nonzero(miss))
        old = np.ones(len(table) + len(placed), dtype=bool)
        old[placed] = False
        self._keys = _merged(table, keys[miss], old, placed)
        self._src = _merged(self._src, src[miss], old, placed)
        self._n = _merged(self._n, counts[miss], old, placed)
        return True

    def finish(self) -> dict[str, frozenset[int]]:
        """Each source's chrome, as line-key hashes (sources with none are left out)."""
        self._compact()
        # Only lines on min_pages pages can be chrome: most lines (a page's own
        # sentences) are on one, and are left out before the per-row decision.
        if self._keys is not None:
            often = self._n >= self.params.min_pages
            src, n = self._src[often], self._n[often]
            h = _row_keys(src, self._keys[often])  # (the mix undone: the line's hash)
        else:
            table = self._rows[self._rows["n"] >= self.params.min_pages]
            src, h, n = table["src"], table["h"], table["n"]
        sources = {code: name for name, code in self._codes.items()}
        out = chrome_from_counts(
            zip([sources[c] for c in src.tolist()], h.tolist(), n.tolist(), strict=True),
            {name: self._pages[code] for name, code in self._codes.items()},
            self.params,
        )
        log.info(
            "chrome: %d sources, %d with chrome, %d chrome lines",
            len(self._codes),
            len(out),
            sum(len(v) for v in out.values()),
        )
        return out


def _as_rows(
    keys: npt.NDArray[np.uint64], src: npt.NDArray[np.int32], n: npt.NDArray[np.int64]
) -> npt.NDArray[np.void]:
    """The table's rows (or pending rows) as ``_ROW`` rows."""
    rows = np.empty(len(keys), dtype=_ROW)
    rows["src"] = src
    rows["h"] = _row_keys(src, keys)
    rows["n"] = n
    return rows


def _merged(
    table: npt.NDArray[Any],
    new: npt.NDArray[Any],
    old: npt.NDArray[np.bool_],
    placed: npt.NDArray[np.intp],
) -> npt.NDArray[Any]:
    """``table`` with ``new`` at ``placed``, its own rows where ``old``."""
    out = np.empty(len(old), dtype=table.dtype)
    out[old] = table
    out[placed] = new
    return out


def chrome_from_counts(
    counts: Iterable[tuple[str, int, int]],
    pages: Mapping[str, int],
    params: ChromeParams = ChromeParams(),
) -> dict[str, frozenset[int]]:
    """Chrome line hashes per source from ``(source, line_hash, n_pages)`` counts.

    ``pages[source]`` is the number of pages of that source. A Spark engine
    gets the counts from a group-by over :func:`page_line_hashes` rows.

    Example:
        >>> chrome_from_counts([("s", 7, 3), ("s", 8, 1)], {"s": 4})
        {'s': frozenset({7})}
    """
    out: dict[str, set[int]] = {}
    for source, h, n in counts:
        total = pages.get(source, 0)
        if n >= params.min_pages and n >= params.min_share * total:
            out.setdefault(source, set()).add(h)
    return {k: frozenset(v) for k, v in sorted(out.items())}


# (UTF-8, found in the page's bytes with ASCII letters lowered: ~5x the speed of a
# case-blind regex over the text)
_OWNER_MARKS = tuple(
    m.encode("utf-8")
    for m in ("©", "copyright", "rights reserved", "access to ", "subscribe to ", " part of ")
)


def page_outlet(text: str) -> str | None:
    """The outlet a plain-text page names, as the cleaner reads its ``source``
    (``clean_meta.publisher_of`` of its lines that can name one).

    Example:
        >>> footer = "\\n© 2026 The Ashport Mercury. All rights reserved."
        >>> page_outlet("Menu\\nThe talks went on." + footer)
        'The Ashport Mercury'
        >>> page_outlet("The talks went on.") is None
        True
    """
    from copytrace.clean_meta import publisher_of

    raw = text.encode("utf-8", "surrogatepass")
    low = raw.lower()
    at = []
    for mark in _OWNER_MARKS:
        i = low.find(mark)
        while i >= 0:
            at.append(i)
            i = low.find(mark, i + len(mark))
    at.sort()
    marked: list[tuple[int, int]] = []
    for i in at:
        start = raw.rfind(b"\n", 0, i) + 1
        if marked and marked[-1][0] == start:
            continue
        end = raw.find(b"\n", i)
        marked.append((start, len(raw) if end < 0 else end))
    return publisher_of([raw[s:e].decode("utf-8", "surrogatepass").strip() for s, e in marked])


def learning_key(source: str | None, text: str, is_html: bool) -> str | None:
    """Under which source a page's lines are counted and its chrome looked up: its
    own, else the outlet it names (plain text: in its lines; HTML: in its head,
    :func:`copytrace.htmltext.page_site`), else None (not learned from).

    Example:
        >>> learning_key(None, "Body.\\n© 2026 The Ashport Mercury", False)
        'The Ashport Mercury'
        >>> learning_key("s", "Body.", False), learning_key(None, "<p>x</p>", True)
        ('s', None)
        >>> learning_key("port-news.com", "<p>x</p>", True)
        'port-news.com'
        >>> learning_key(None, '<meta property="og:site_name" content="Port News">', True)
        'Port News'
    """
    if is_html:
        from copytrace.htmltext import page_site

        return source or page_site(text)
    return source or page_outlet(text)


def chrome_for(
    chrome: Mapping[str, frozenset[int]], source: str | None, text: str
) -> frozenset[str]:
    """The line keys of ``text`` that are chrome of ``source``: ``clean``'s ``chrome``.

    Example:
        >>> chrome_for({"s": frozenset({key_hash("menu")})}, "s", "Menu\\nBody.")
        frozenset({'menu'})
    """
    known = chrome.get(source or "")
    if not known or not source:
        return frozenset()
    return frozenset(k for h, k in page_line_keys(text).items() if h in known)
