"""Normalised words and sentences that keep a map back to original offsets.

This module owns the offset mapping: every token and sentence carries the
``[start, end)`` character span it came from in the original text, so later
stages never recompute positions.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Ideographs and kana carry no spaces between words, so each one is a token.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_LETTER = rf"[^\W{_CJK}]"
_ENTITY = r"&#?\w{1,10};"
# A word: letters/digits joined by inner apostrophes or dots ("Abe's", "U.S"),
# never by hyphens ("two-plus-two" and "two plus two" must match).
_WORD = rf"{_LETTER}+(?:[.'’‘ʼ]{_LETTER}+)*"
_WORD_HTML = rf"(?:{_LETTER}|{_ENTITY})+(?:(?:[.'’‘ʼ]|&#?\w{{1,10}};){_LETTER}+)*"
WORD_RE = re.compile(rf"[{_CJK}]|{_WORD}")
WORD_HTML_RE = re.compile(rf"[{_CJK}]|{_WORD_HTML}")
# The same words as one capturing group: re.split yields gap, word, gap, ...
_WORD_SPLIT_RE = re.compile(rf"([{_CJK}]|{_WORD})")
_STRIP = str.maketrans("", "", ".'’‘ʼ")

# Sentence ends: terminal punctuation (with closing quotes/brackets) then space
# and an opener; or a line break; or CJK full stops.
# Each alternative starts with a literal class (no lookbehind or empty-able
# prefix tried at every position); the named group starts where the sentence
# ends (spaces before a line break are trimmed from the sentence anyway).
_SENT_END_RE = re.compile(
    r"""[.!?](?P<stop>["'”’)\]]*\s+)(?=["'“‘(\[]?[^\s\w]*[A-Z0-9А-ЯЁ\u0391-\u03a9])"""
    r"""|(?P<line>\n\s*)|[。！？](?P<cjk>)"""
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
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return word


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
    if not is_html:
        return _tokenize_plain(text, spans)
    regex = WORD_HTML_RE
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


def _tokenize_plain(text: str, spans: Sequence[tuple[int, int]] | None) -> Tokens:
    """``tokenize`` for plain text, the same tokens about twice as fast: words and
    offsets from one ``re.split``, ASCII words normalised in one string operation."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in spans if spans is not None else ((0, len(text)),):
        parts = _WORD_SPLIT_RE.split(text[lo:hi])
        if len(parts) < 2:
            continue
        raw = parts[1::2]
        pos = list(itertools.accumulate(map(len, parts), initial=lo))
        st, en = pos[1:-1:2], pos[2::2]
        joined = "\0".join(raw)
        if joined.isascii():  # casefold is lower for ASCII
            norm = joined.lower().translate(_STRIP).split("\0")
        else:
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
    for lo, hi in spans if spans is not None else ((0, len(text)),):
        start = lo
        # a stop just before lo still ends a sentence there
        scan = lo - 1 if lo > 0 and text[lo - 1] in ".!?。！？" else lo
        for m in _SENT_END_RE.finditer(text, scan, hi):
            kind = m.lastgroup or "line"
            end = m.start(kind)
            if kind == "stop" and "\n" not in m.group(kind) and _is_abbreviation(text, start, end):
                continue
            _push(text, start, end, out)
            start = m.end()
        _push(text, start, hi, out)
    return out


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """True when the period before ``end`` closes an abbreviation, not a sentence."""
    if end == 0 or text[end - 1] != ".":
        return False
    head = text[start : end - 1]
    last = head.rsplit(None, 1)[-1] if head.strip() else ""
    last = last.lstrip("\"'“‘(").casefold()
    return last in _ABBREV or (len(last) == 1 and last.isalpha())


def _push(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


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
