"""jusText's stopword lists (100 languages), normalised like our tokens: a page's
language guessed from its words, and a line's stopwords counted by language.

The cleaner reads stopword density in the page's own language (split from
:mod:`copytrace.clean`, which uses it for every line and page).
"""

from __future__ import annotations

import functools
import math
import pkgutil
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from copytrace.text import _STRIP, normalize_word


@functools.lru_cache(maxsize=1)
def stoplists() -> dict[str, frozenset[str]]:
    """jusText's stopword lists (100 languages), normalised like our tokens."""
    import justext

    out: dict[str, frozenset[str]] = {}
    for lang in justext.get_stoplists():
        # justext.get_stoplist(lang), read as one string: its lines, lowered
        data = pkgutil.get_data("justext", f"stoplists/{lang}.txt") or b""
        text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").decode("utf8").lower()
        out[lang] = frozenset(filter(str.isalnum, normalize_lines(text.split("\n"))))
    return out


def normalize_lines(words: Iterable[str]) -> list[str]:
    """``[normalize_word(w) for w in words]`` (words without line breaks), in one pass.

    Casefolding, NFKD and dropping combining marks go character by character (a
    line break is a starter that nothing reorders across), so the joined words
    give the same words (~10x faster over the 178k stoplist entries).
    """
    words = list(words)
    # (re.sub for str.translate's deletions: several times faster on long text)
    joined = _STRIP_RE.sub("", "\n".join(words).casefold())
    if not joined.isascii():
        joined = unicodedata.normalize("NFKD", joined)
        marks = "".join(c for c in set(joined) if unicodedata.combining(c))
        if marks:
            joined = re.sub(f"[{re.escape(marks)}]", "", joined)
        if joined != joined.casefold() or _STRIP_RE.search(joined):
            # a compatibility form folded to a capital or a stripped mark:
            # normalize_word folds those words again
            return [normalize_word(w) for w in words]
    return joined.split("\n")


_STRIP_RE = re.compile("[" + re.escape("".join(map(chr, _STRIP))) + "]")


@functools.lru_cache(maxsize=1)
def stop_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for lang, words in stoplists().items():
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


# The page's language is the stoplist covering most of its words, when it covers
# at least this share (below it, e.g. Japanese, stopword density is not used).
MIN_STOPLIST_COVERAGE = 0.15


def page_stoplist(words: Sequence[str]) -> frozenset[str]:
    """Stopwords of the page's language, guessed from its words (empty if none fits).

    Example:
        >>> "the" in page_stoplist("the cat sat on the mat and it was fine".split())
        True
    """
    if not words:
        return frozenset()
    return stoplist_of(Counter(words), len(words))


def stoplist_of(counts: Counter[str], n_words: int) -> frozenset[str]:
    """``page_stoplist`` from the page's word counts (its stopwords' suffice) and length."""
    langs, index, _ = stop_arrays()
    ids: list[np.ndarray] = []
    weights: list[int] = []
    for w, count in counts.items():
        found = index.get(w)
        if found is not None:
            ids.append(found)
            weights.append(count)
    if not ids:
        return frozenset()
    # Words counted per language in one bincount (integer sums, exact in float64).
    reps = np.fromiter((len(a) for a in ids), dtype=np.intp, count=len(ids))
    hits = np.bincount(
        np.concatenate(ids),
        weights=np.repeat(np.asarray(weights, np.float64), reps),
        minlength=len(langs),
    )
    return stoplist_of_hits(hits, n_words, lambda: counts)


def stoplist_of_hits(
    hits: np.ndarray, n_words: int, counts: Callable[[], Counter[str]]
) -> frozenset[str]:
    """The stoplist from the page's words counted per language (``counts`` for a tie)."""
    langs, denom = stop_langs()
    # Large lists (13k Korean entries) match anything; prefer coverage per list size.
    score = hits / denom
    best = np.flatnonzero(score == score.max())
    if len(best) > 1:  # a tie: the first language met in the words wins, as max() does
        return _stoplist_ties(counts(), n_words)
    lang, n = langs[int(best[0])], int(hits[best[0]])
    if n < MIN_STOPLIST_COVERAGE * n_words:
        return frozenset()
    return stoplists()[lang]


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Every stopword of every language."""
    return frozenset().union(*stoplists().values())


@functools.lru_cache(maxsize=1)
def lang_dtype() -> type[np.unsignedinteger[Any]]:
    """The smallest type of the languages' ids (fewer bytes to join and count)."""
    return np.uint8 if len(stoplists()) <= 256 else np.uint16


@functools.lru_cache(maxsize=1)
def stop_lang_bytes() -> dict[str, bytes]:
    """Each stopword's language ids (``stop_arrays``) as ``lang_dtype`` bytes."""
    lists = stoplists()
    ids = np.arange(len(lists), dtype=lang_dtype())
    out: dict[str, bytes] = {}
    get = out.get
    # (in the languages' order, as stop_index lists them)
    for i, words in enumerate(lists.values()):
        b = ids[i].tobytes()
        for w in words:
            out[w] = get(w, b"") + b
    return out


@functools.lru_cache(maxsize=1)
def stop_list_ids() -> dict[int, tuple[frozenset[str], int]]:
    """Each language's stoplist (by ``id``) with its language's id."""
    return {id(words): (words, i) for i, words in enumerate(stoplists().values())}


# A line's stopwords' languages, counted (``clean._Line.stop_counts``): rows of one
# STOP_COUNT a language (stop_lanes of them), which add up to the line's counts, a
# row for each STOP_ROW_WORDS of its stopwords in turn (its counts fit a byte while
# they are worked out, ``clean._joined_stop_counts``), none for a line without any. A page
# adds its lines' rows (~100 numbers a line, not ~28 language ids a stopword).
STOP_ROW_WORDS = 255
STOP_COUNT = np.dtype(np.uint16)


@functools.lru_cache(maxsize=1)
def stop_lanes() -> int:
    """A count row's numbers: one a language, and zeros up to a multiple of 8 (a row
    read 8 bytes, or 4 counts, at a time)."""
    return -(-len(stoplists()) // 8) * 8


def stop_count_rows(ids: Sequence[bytes]) -> bytes:
    """The count rows (``STOP_COUNT``) of a line's stopwords' language ids (each
    stopword's ``stop_lang_bytes``, in the line's order)."""
    lanes, dtype = stop_lanes(), lang_dtype()
    return b"".join(
        np.bincount(np.frombuffer(b"".join(ids[i : i + STOP_ROW_WORDS]), dtype), minlength=lanes)
        .astype(STOP_COUNT)
        .tobytes()
        for i in range(0, len(ids), STOP_ROW_WORDS)
    )


def stop_count_sums(rows: bytes) -> np.ndarray:
    """The count rows ``rows`` of some lines added up: each language's count (float64)."""
    lanes = stop_lanes()
    counts = np.frombuffer(rows, STOP_COUNT).reshape(-1, lanes)
    return counts.sum(axis=0, dtype=np.int64)[: len(stoplists())].astype(np.float64)


@functools.lru_cache(maxsize=1)
def stop_langs() -> tuple[list[str], np.ndarray]:
    """Languages and each list's log size."""
    lists = stoplists()
    langs = list(lists)
    denom = np.array([math.log(len(lists[lang]) + 10) for lang in langs], dtype=np.float64)
    return langs, denom


@functools.lru_cache(maxsize=1)
def stop_arrays() -> tuple[list[str], dict[str, np.ndarray], np.ndarray]:
    """Languages, each stopword's language ids, and each list's log size."""
    langs, denom = stop_langs()
    lang_id = {lang: i for i, lang in enumerate(langs)}
    index = {w: np.array([lang_id[x] for x in xs], np.intp) for w, xs in stop_index().items()}
    return langs, index, denom


def _stoplist_ties(counts: Counter[str], n_words: int) -> frozenset[str]:
    index = stop_index()
    hits: Counter[str] = Counter()
    for w, count in counts.items():
        for lang in index.get(w, ()):
            hits[lang] += count
    lists = stoplists()
    lang, n = max(hits.items(), key=lambda kv: kv[1] / math.log(len(lists[kv[0]]) + 10))
    if n < MIN_STOPLIST_COVERAGE * n_words:
        return frozenset()
    return lists[lang]
