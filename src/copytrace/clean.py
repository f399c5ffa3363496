"""Page text -> the article's spans and metadata (title, published, dateline, source).

``clean`` is the stage function. HTML goes through trafilatura (see
:mod:`copytrace.htmltext`); plain page text, the hard case, goes through a line
classifier in the spirit of jusText and boilerpipe, but over text only:

1. Every non-empty line gets features an editor looks at: its length, sentence
   punctuation, stopword density (in the page's own language), menu-likeness
   (title case, bullets, separators), icon names glued together
   ("ArrowArtboardCreated with Sketch.Title ChevronTitle"), unrendered templates
   ("{{numberArticlesLeft}}"), paywall/share/sponsor phrases, photo credits,
   repetition on the page, and where it lies relative to the densest block of
   prose on the page.
2. A logistic model scores each line from those features (stage 1); a second one
   rescores it from its own features plus its neighbours' stage-1 scores
   (stage 2), so a short line between paragraphs of prose stays and a long line
   inside a menu goes. The weights are fit on the scrapinghub article-extraction
   benchmark (``copytrace eval extraction``, 5-fold cross-validated; see
   docs/extraction.md) and live in ``_STAGE1``/``_STAGE2`` below.
3. Hard rules an editor never doubts override the model: templates, glued icon
   names, lines in the learned ``chrome`` set.

Metadata (title, publication time, dateline, agency) is read from the lines
around the article body.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import math
import operator
import re
import struct
import unicodedata
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, filterfalse, islice, pairwise
from typing import Any, NamedTuple, cast

import numpy as np

from copytrace import clean_meta
from copytrace.clean_meta import (
    find_dateline,
    parse_published,
)
from copytrace.model import Article
from copytrace.stoplists import (
    STOP_COUNT,
    STOP_ROW_WORDS,
    lang_dtype,
    stop_count_rows,
    stop_count_sums,
    stop_lanes,
    stop_lang_bytes,
    stop_list_ids,
    stoplist_of_hits,
    stoplists,
)
from copytrace.text import HANGUL_CHARS, WORD_RE, normalize_word, tokenize

logger = logging.getLogger(__name__)
# The stamp parser's cache (bench/bench_clean.py clears it).
_parse_published = clean_meta._parse_published

__all__ = [
    "LineModel",
    "article_text",
    "classify_lines",
    "clean",
    "clean_many",
    "clean_text",
    "keep_all",
    "line_features",
    "line_key",
    "line_keys",
    "line_spans",
    "parse_published",
]

# --------------------------------------------------------------------------------------
# Lines and their keys
# --------------------------------------------------------------------------------------

_TRIMMED_LINE_RE = re.compile(r"\S(?:[^\r\n\u2028\u2029]*\S)?")
_DIGITS_RE = re.compile(r"\d+(?:[.,:]\d+)*")
_DIGIT_RE = re.compile(r"\d")
# Punctuation and symbols do not tell chrome lines apart ("Show more »" = "Show more"):
# a key keeps only the runs of letters and digits.
_ALNUM_RUN_RE = re.compile(r"[^\W_]+")
# ASCII lines: digit runs, and a table keeping lowercase letters and digits (the
# rest becomes spaces).
_ASCII_DIGITS_RE = re.compile(r"[0-9]+(?:[.,:][0-9]+)*")
_KEY_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))
# The same over lines joined by line breaks: the table keeps them.
_KEY_BYTES_NL = _KEY_BYTES[:10] + b"\n" + _KEY_BYTES[11:]
# ... with every digit as "0" (a number's first digit is what stays of it), and the
# separators that join a number's digit groups as ones.
_KEY_ZERO_BYTES_NL = bytes(48 if 48 <= c <= 57 else b for c, b in enumerate(_KEY_BYTES_NL))
_NUMBER_SEP_BYTES = bytes(c in b".,:" for c in range(256))
_ASCII_DIGITS_BYTES_RE = re.compile(_ASCII_DIGITS_RE.pattern.encode("ascii"))


def _keys_of_lowered(low: bytes) -> list[str]:
    """The keys of lowercased ASCII lines joined by line breaks: ``line_key``'s ASCII
    path (number runs as "0", then ``_KEY_BYTES``, runs of spaces as one, no edges)
    in a few numpy passes over all of them.
    """
    return _joined_keys_of_lowered(low).decode("ascii").split("\n")


def _joined_keys_of_lowered(low: bytes) -> bytes:
    """``_keys_of_lowered(low)`` joined by line breaks (as bytes)."""
    # (byte tables, one pass each: the digits as "0" already, the separators apart)
    k = np.frombuffer(low.translate(_KEY_ZERO_BYTES_NL), np.uint8)
    n = len(k)
    # _ASCII_DIGITS_RE runs -> "0": a run keeps its first digit; a digit right
    # after a digit, or after a separator right after a digit, continues a run,
    # as does a separator between two digits.
    dig = k == 48
    if n > 1:
        cont = np.zeros(n, bool)
        np.logical_and(dig[1:], dig[:-1], out=cont[1:])
        if n > 2:
            sep = np.frombuffer(low.translate(_NUMBER_SEP_BYTES), bool)[1:-1]
            mid = sep & dig[:-2] & dig[2:]  # a separator inside a run
            cont[1:-1] |= mid
            cont[2:] |= dig[2:] & mid
        if cont.any():
            k = k[~cont]
    # One space between words: a run of spaces after a word character becomes one
    # space, others go; then a space before a line break or the end goes.
    space = k == 32
    if space.any():
        keep = ~space
        keep[1:] |= space[1:] & (k[:-1] != 32) & (k[:-1] != 10)
        k = k[keep]
        if len(k) and k[-1] == 32:
            k = k[:-1]
        drop = (k[:-1] == 32) & (k[1:] == 10)
        if drop.any():
            k = k[np.append(~drop, True)]
    return k.tobytes()


def line_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the non-blank lines of ``text``, trimmed of whitespace.

    Lines end at ``\\n``, ``\\r\\n``, ``\\r`` or a Unicode line/paragraph separator;
    leading and trailing whitespace (including non-breaking spaces) is outside the
    span. In a hard-wrapped text the breaks inside sentences do not end a line
    (see WRAPPED_SHARE): such a line spans several of the text's lines.

    Example:
        >>> t = "Menu\\r\\n\\n  Body text.\\u00a0\\n"
        >>> [t[s:e] for s, e in line_spans(t)]
        ['Menu', 'Body text.']
    """
    # (each line stripped, blank lines dropped: see _spans_and_lines)
    return list(_spans_and_lines(text)[0])


def _spans_and_lines(text: str) -> tuple[tuple[tuple[int, int], ...], list[str]]:
    """``line_spans(text)`` as a tuple, and the lines they hold (``text[s:e]``)."""
    spans, lines = _physical_lines(text)
    return _unwrapped(text, spans, lines)


# A hard-wrapped text (e-mail, Project Gutenberg, OCR, fixed-width wire copy) breaks
# its lines inside sentences, and the line model reads each piece as a short line of
# chrome. When at least WRAPPED_SHARE of a text's line breaks (and WRAPPED_MIN_BREAKS)
# fall where a line ends without a sentence end and the next opens with a lowercase
# word, those breaks are joined: the pieces are one line. Measured, not tuned: in the
# PAN 2013 texts (line breaks inserted at random) the wrapped ones have 0.5-1.0 of
# their breaks so; rendered web pages (the 181 scrapinghub pages) at most 0.25, the
# generated news pages at most 0.03: a majority is far from both.
WRAPPED_SHARE = 0.5
WRAPPED_MIN_BREAKS = 3
_BREAK_RE = re.compile(r"\r\n|[\r\n\u2028\u2029]")
_OPENS_LOWER_RE = re.compile(r"[^\W\d_]{2,}")


def _unwrapped(
    text: str, spans: tuple[tuple[int, int], ...], lines: list[str]
) -> tuple[tuple[tuple[int, int], ...], list[str]]:
    """``spans`` and ``lines`` with a hard-wrapped text's inner line breaks joined
    (a joined line holds its line breaks: ``lines[i] == text[s:e]`` still)."""
    n = len(lines)
    need = max(WRAPPED_MIN_BREAKS, WRAPPED_SHARE * (n - 1))
    # (a cheap bound first: each join opens a line with a lowercase letter)
    if n <= WRAPPED_MIN_BREAKS or sum(1 for ln in lines if ln[0].islower()) < need:
        return spans, lines
    join = [False] * n
    for i in range(1, n):
        line = lines[i]
        if not line[0].islower() or _END_PUNCT_RE.search(lines[i - 1]):
            continue
        word = _OPENS_LOWER_RE.match(line)
        if word is None or not word.group().islower():
            continue
        gap = text[spans[i - 1][1] : spans[i][0]]
        join[i] = len(_BREAK_RE.findall(gap)) == 1  # (a blank line ends a paragraph)
    if sum(join) < need:
        return spans, lines
    out: list[tuple[int, int]] = []
    for (s, e), joined in zip(spans, join, strict=True):
        if joined:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out), [text[s:e] for s, e in out]


def _physical_lines(text: str) -> tuple[tuple[tuple[int, int], ...], list[str]]:
    """The trimmed non-blank lines of ``text``: their spans and texts."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        spans = tuple(m.span() for m in _TRIMMED_LINE_RE.finditer(text))
        return spans, [text[s:e] for s, e in spans]
    # (line_spans' split and strip, keeping the stripped lines)
    out = []
    lines = []
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        if n:
            body = line.strip()
            if body:
                # (most lines have no space at either end: one strip)
                start = pos if len(body) == n else pos + n - len(line.lstrip())
                out.append((start, start + len(body)))
                lines.append(body)
        pos += n + 1
    return tuple(out), lines


def line_key(line: str) -> str:
    """A line's identity across pages: casefolded, numbers and whitespace collapsed.

    Used to recognise chrome that recurs across pages of one source (the corpus
    scan counts keys; lines whose key is in ``chrome`` are dropped).

    Example:
        >>> line_key("You have 3 free  articles left") == line_key("you have 12 free articles left")
        True
        >>> line_key("  Show more »\\u00a0")
        'show more'
    """
    # The runs of letters and digits, one space apart: what replacing punctuation
    # and "_" by spaces, collapsing whitespace and stripping leaves.
    if line.isascii():  # the same, with bytes.translate doing the runs
        low = _ASCII_DIGITS_RE.sub("0", line.lower()).encode("ascii")
        return " ".join(low.translate(_KEY_BYTES).decode("ascii").split())
    return " ".join(_ALNUM_RUN_RE.findall(_DIGITS_RE.sub("0", line.casefold())))


def line_keys(lines: Sequence[str]) -> list[str]:
    """``[line_key(line) for line in lines]``, the ASCII lines keyed in one pass.

    Example:
        >>> line_keys(["Show more »", "You have 3 free articles"])
        ['show more', 'you have 0 free articles']
    """
    out: list[str | None] = [None] * len(lines)
    idx = [i for i, t in enumerate(lines) if "\n" not in t]
    joined = "\n".join([lines[i] for i in idx])
    if not joined.isascii():
        # The near-ASCII punctuation separates words in a key as a space does (see
        # _NEAR_ASCII); the lines with other characters go one by one.
        parts = _NEAR_ASCII_RE.sub(" ", joined).split("\n")
        ok = [j for j, part in enumerate(parts) if part.isascii()]
        idx = [idx[j] for j in ok]
        joined = "\n".join([parts[j] for j in ok])
    if idx:
        # line_key's ASCII path over the lines joined by line breaks (that no
        # number run crosses and the table keeps)
        low = joined.lower().encode("ascii")
        for i, k in zip(idx, _keys_of_lowered(low), strict=True):
            out[i] = k
    return [k if k is not None else line_key(t) for k, t in zip(out, lines, strict=True)]


# --------------------------------------------------------------------------------------
# Line features
# --------------------------------------------------------------------------------------

_SENT_END_RE = re.compile(r"[.!?。！？…](?:[\"'”’»)\]]*)(?=\s|$)")
_END_PUNCT_RE = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*$")
_END_MARKS = ".!?。！？…:;"
_CLOSERS = "\"'”’»)]"
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>|\$\{\w[^}]*\}|\[\[\w+\]\]")
# A lowercase letter glued to a capital inside one chunk: "ArtboardCreated", "IconIcon".
_GLUE_RE = re.compile(r"[a-z][A-Z][a-z]")
# A headline glued to its teaser ("Student-AthleteA 24-year-old woman ...",
# "Is Violence In Sports On The Rise?Violence is ..."): a word's end run into a
# capitalised word. Three lowercase letters before, so "McDonald" is not one.
_TEASER_GLUE_RE = re.compile(r"(?:[a-z]{3}|[0-9?!”\"')])(?=[A-Z][a-z])")
_TEASER_HINT_RE = re.compile(r"[A-Z](?<=[a-z0-9?!”\"')][A-Z])(?=[a-z])")
_TEASER_MIN_WORDS = 3
_TEASER_MIN_TITLE_CASE = 0.6
_BULLET_RE = re.compile(r"^(?:[*+•·▪►›»‣◦–—-]|\d{1,2}[.)])\s")
_SEPARATOR_RE = re.compile(r"\s[|/»›·•]\s|\s[|]|[|]\s")
_SEPARATOR_HINT_RE = re.compile(r"[|/»›·•]")
_URL_RE = re.compile(r"https?://|www\.|\w@\w+\.\w")
_CREDIT_RE = re.compile(
    r"©|\(c\)|\bcopyright\b|\bphoto(?:s|graph)?\s*(?:by|:|credit)|\bimage\s*(?:by|:|credit)"
    r"|\bcredit:|getty images|shutterstock|\bap photo\b|\bafp\b\s*(?:photo|/)|/\s*reuters\b"
    r"|\bfile photo\b|\bistock\b",
    re.IGNORECASE,
)
# Phrases of site chrome: share bars, paywalls, sponsor blocks, feed widgets.
_CHROME_PHRASE_RE = re.compile(
    r"\b(?:subscri(?:be|ption|ber)s?|sign (?:up|in)|log ?in|log out|register|newsletters?"
    r"|cookies?|privacy (?:policy|notice|settings)|terms (?:of|and) (?:use|service|conditions)"
    r"|all rights reserved|advertis(?:e|ement|ing)|sponsored|promoted|partner news"
    r"|in other media|share (?:this|on|via)|share|tweet|follow us|read more|show more|load more"
    r"|see (?:all|more)|view (?:all|more)|related (?:articles?|stories|posts|news|content)"
    r"|recommended|most (?:popular|read|viewed|shared)|trending|comments?|leave a (?:comment|reply)"
    r"|click here|skip to|back to top|free articles?|unlimited access|already a member"
    r"|you may also like|more from|more stories|don'?t miss|editor'?s picks|next (?:post|article)"
    r"|previous (?:post|article)|filed under|posted in|tags?:|categories:|print|e-?mail"
    r"|facebook|twitter|linkedin|whatsapp|pinterest|reddit|instagram|youtube|telegram|rss"
    r"|pages? in this article|currency converter|use filter|all news|search|menu|home"
    r"|download (?:the )?app|get (?:the|our) app|trial|offer ends|expired|paywall|premium)\b",
    re.IGNORECASE,
)
# "joetoronto says:", "Alex on September 17, 2018 at 6:34 am said:", "12 Comments"
_COMMENT_RE = re.compile(
    r"(?:\b(?:says|said|wrote|writes|commented|replied)\s*:?\s*$)"
    r"|^\s*\d*\s*(?:comments?|responses?|replies|reactions)\b(?:\s+(?:to|on)\b.*)?$"
    r"|^\s*(?:leave a (?:comment|reply)|join the discussion|add a comment|reply|log in to reply)\b"
    # A comment's own stamp and score: "2 days ago at 07:54 am", "Rating: 9 Votes".
    r"|^\s*(?:\d+|an?)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
    r"\s+ago\b|^\s*(?:rating|score)\s*:\s*-?\d+\s+(?:votes?|points?)\s*$",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b"
    r"|\b\d{1,2}:\d{2}\b|\b(?:updated|published|posted)\b",
    re.IGNORECASE,
)

_CASELESS_RES = (_CHROME_PHRASE_RE, _CREDIT_RE, _COMMENT_RE, _DATE_RE)
# The same patterns without IGNORECASE, for lowercased ASCII lines: their literals
# are lowercase and their classes ([a-z] included, once the line is lowercased)
# do not depend on case there.
_LOWER_RES = tuple(re.compile(r.pattern) for r in _CASELESS_RES)


def top_alternatives(pattern: str) -> list[str]:
    r"""A regex's top-level alternatives (the ``|`` outside any group).

    Example:
        >>> top_alternatives(r"a(?:b|c)|d\|e")
        ['a(?:b|c)', 'd\\|e']
    """
    alts, depth, cur, escaped = [], 0, "", False
    for ch in pattern:
        if not escaped and ch == "|" and depth == 0:
            alts.append(cur)
            cur = ""
            continue
        if not escaped:
            depth += (ch == "(") - (ch == ")")
        escaped = not escaped and ch == "\\"
        cur += ch
    return [*alts, cur]


def _by_first_letter(pattern: str) -> str:
    r"""``\b(?:alt|alt|...)\b`` with its alternatives grouped by first letter.

    Only whether a line matches is used, and grouping keeps that (a position
    matches when some alternative does) while each word start tries a few
    groups instead of every alternative.

    Example:
        >>> _by_first_letter(r"\b(?:share (?:this|on)|sign in|menu)\b")
        '\\b(?:s(?:hare (?:this|on)|ign in)|m(?:enu))\\b'
    """
    groups: dict[str, list[str]] = {}
    for alt in top_alternatives(pattern[len(r"\b(?:") : -len(r")\b")]):
        if not alt[:1].isalpha() or alt[1:2] in ("?", "*", "+", "{"):
            return pattern  # not a plain word list: keep it as it is
        groups.setdefault(alt[0], []).append(alt[1:])
    return r"\b(?:" + "|".join(f"{k}(?:{'|'.join(v)})" for k, v in groups.items()) + r")\b"


# Chrome phrases, for the per-line feature only (a yes/no search).
_PHRASE_LOWER_RE = re.compile(_by_first_letter(_CHROME_PHRASE_RE.pattern))
_PHRASE_CASELESS_RE = re.compile(_by_first_letter(_CHROME_PHRASE_RE.pattern), re.IGNORECASE)
_LOWER_RES = (_PHRASE_LOWER_RE, *_LOWER_RES[1:])
_CASELESS_RES = (_PHRASE_CASELESS_RE, *_CASELESS_RES[1:])
# The characters (İ ı ſ K) that a caseless ASCII letter matches outside ASCII, or
# that lower to ASCII or to two characters (checked over all of Unicode).
_CASE_SPECIAL_RE = re.compile("[\u0130\u0131\u017f\u212a]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _credit_hint(low: str) -> bool:
    """A substring every credit match on the lowered line holds ("getty images" holds "image")."""
    return (
        "photo" in low
        or "image" in low
        or "(c)" in low
        or "©" in low
        or "copyright" in low
        or "credit:" in low
        or "afp" in low
        or "reuters" in low
        or "istock" in low
        or "shutterstock" in low
    )


# The only words _DATE_RE matches without a digit: a cheap test that skips most lines.
_DATE_WORDS = re.compile(r"updated|published|posted")
# The words of _COMMENT_RE's one alternative not tied to the line's start.
_COMMENT_ENDS = re.compile(r"says|said|wrote|writes|commented|replied")
# What the other alternatives (the line's start) can open with, lowered: a space,
# a digit or the first letter of one of their words.
_COMMENT_OPENERS = np.frombuffer(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f0123456789acjlrs", np.uint8)
_COMMENT_END_SET = frozenset(_COMMENT_ENDS.pattern.split("|"))
# The date words as bytes (found over lines joined, see _near_ascii_lines).
_DATE_WORD_LIST = tuple(_DATE_WORDS.pattern.encode("ascii").split(b"|"))

# A line is "prose" for the densest-block search when it has this many words and
# reads like sentences; the block maximises prose words minus other lines' cost.
_PROSE_MIN_WORDS = 8
_PROSE_MIN_STOP = 0.2
_NONPROSE_COST = 3.0  # words-equivalents a non-prose line costs inside the block

FEATURES: tuple[str, ...] = (
    "log_words",
    "short",
    "words_4_7",
    "words_8_15",
    "words_16_30",
    "long",
    "prose",
    "long_prose",
    "end_punct",
    "sentences",
    "commas",
    "stop",
    "no_stoplist",
    "title_case",
    "upper",
    "digits",
    "alpha",
    "glue",
    "template",
    "chrome_phrase",
    "chrome_phrase_short",
    "bullet",
    "separators",
    "url",
    "credit",
    "date_short",
    "repeated",
    "colon_end",
    "lower_start",
    "quote",
    "position",
    "in_core",
    "core_dist",
    "run_short",
    "blank_before",
    "blank_after",
    "prev_log_words",
    "next_log_words",
    "prev_prose",
    "next_prose",
    "window_prose",
    "first",
    "last",
    "page_prose_share",
    "page_log_lines",
    "page_chrome_lines",
    "glue_any",
    "comment_header",
    "after_comments",
    "section_end",
    "teaser_glue",
    "prefix_repeat",
)


_COL = {name: i for i, name in enumerate(FEATURES)}
_NF = len(FEATURES)


@dataclass(frozen=True, slots=True)
class LineModel:
    """A logistic scorer over named line features: ``p = sigmoid(bias + w . x)``."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def score(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row of ``x`` (one line's features) is article text."""
        z = self.bias + x @ np.asarray(self.weights, dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


# normalize_word is pure; pages repeat their words, so remember them.
_FIRST = operator.itemgetter(0)
_normalize = functools.lru_cache(maxsize=1 << 16)(normalize_word)


def _words(line: str) -> list[str]:
    """``tokenize(line).words``, faster: normalised words of one line."""
    if not line.isascii():
        return list(filter(None, map(_normalize, WORD_RE.findall(line))))
    # ASCII: a word is a run of [a-z0-9_] (after lowering), runs joined by "." or
    # "'", which normalising drops. Every word lies inside one chunk of those
    # characters; a chunk without "." or "'" is one word.
    low = line.lower()
    chunks = low.encode("ascii").translate(_WORD_BYTES).decode("ascii").split()
    if "." not in low and "'" not in low:
        return chunks
    out: list[str] = []
    for c in chunks:
        if "." in c or "'" in c:
            out.extend(w.replace(".", "").replace("'", "") for w in _ASCII_WORD_RE.findall(c))
        else:
            out.append(c)
    return out


_WORD_BYTES = bytes(
    c if chr(c) in "0123456789_.'abcdefghijklmnopqrstuvwxyz" else 32 for c in range(256)
)
_ASCII_WORD_RE = re.compile(r"[0-9_a-z]+(?:[.'][0-9_a-z]+)*")


def _glued(line: str) -> int:
    # A glue match never spans whitespace, so a line without one has no glued chunk.
    if _GLUE_RE.search(line) is None:
        return 0
    return sum(1 for c in line.split() if _GLUE_RE.search(c))


def _chrome_entry(key: str, chars: int) -> int | None:
    """``copytrace.chrome.key_entry(key)`` of a line short enough to learn chrome from
    (``chars`` characters at most ``CHROME_MAX_LINE_CHARS``), else None."""
    from copytrace.chrome import CHROME_MAX_LINE_CHARS, key_entry

    return key_entry(key) if chars <= CHROME_MAX_LINE_CHARS else None


class _Line:
    """One line's text and the work on it that does not depend on its page.

    Computed once per distinct line text and remembered (see ``_line``): site
    chrome, stock lines and reprinted paragraphs recur across a corpus.
    """

    __slots__ = (
        "_content",
        "_density",
        "_publisher",
        "_row",
        "_stamp",
        "_title",
        "entry",
        "glued",
        "hard",
        "key",
        "nwords",
        "prefix",
        "stop_counts",
        "template",
        "text",
        "words",
    )

    def __init__(self, text: str, *, entry: bool = True) -> None:
        """``entry``: whether to work out ``self.entry`` too (else None, for the caller
        to set)."""
        words = _words(text)
        self.text = text
        self.words = words
        self.key = line_key(text)
        self.glued = _glued(text)
        self.template = _TEMPLATE_RE.search(text) is not None
        self.nwords = len(words)
        self.hard = _hard_line(self)
        # The columns of the line's feature row that do not depend on its page.
        self._row = array("d", _static_row(self)).tobytes()
        # The languages of the words that are a stopword in some language, counted
        # (for the page's language; see STOP_ROW_WORDS).
        langs = stop_lang_bytes()
        self.stop_counts = stop_count_rows(
            list(map(langs.__getitem__, filter(langs.__contains__, words)))
        )
        self.prefix = " ".join(words[:2]) if len(words) >= 3 else ""
        self._title: tuple[bool, bool] | None = None
        self._content: tuple[str, ...] | None = None
        self._publisher: tuple[str | None, str | None, str | None] | None = None
        self._stamp: tuple[str | None] | None = None
        self._density: tuple[frozenset[str], float] | None = None
        self.entry = _chrome_entry(self.key, len(text)) if entry else None

    @property
    def row(self) -> array[float]:
        """The columns of the line's feature row that do not depend on its page (kept
        as bytes, ``_row``: one copy, not two, for each new line)."""
        return array("d", self._row)

    def title_parts(self) -> tuple[bool, bool]:
        """(title-like, ends like a statement), on first use."""
        if self._title is None:
            self._title = (_title_like(self), _statement(self.text))
        return self._title

    def content_words(self) -> tuple[str, ...]:
        """The distinct words the title and the body share (``_content_words``), on first use."""
        if self._content is None:
            self._content = tuple(_content_words(self.words))  # (a tuple: smaller than a set)
        return self._content

    @property
    def stops(self) -> tuple[str, ...]:
        """The words that are a stopword in some language."""
        return tuple(filter(stop_lang_bytes().__contains__, self.words))

    def stop_density(self, stop: frozenset[str]) -> float:
        """The share of the line's words in ``stop`` (remembered for the last stoplist)."""
        last = self._density
        if last is not None and last[0] is stop:
            return last[1]
        if not self.nwords:
            density = 0.0
        else:
            # One language's list: its count, summed over the line's count rows
            # (each stopword counts once in each of its languages).
            lang = stop_list_ids().get(id(stop))
            if lang is not None and lang[0] is stop:
                counts = np.frombuffer(self.stop_counts, STOP_COUNT)[lang[1] :: stop_lanes()]
                density = int(counts.sum(dtype=np.int64)) / self.nwords
            else:
                density = sum(map(stop.__contains__, self.stops)) / self.nwords
        self._density = (stop, density)
        return density

    def stamp(self) -> str | None:
        """The time the line states, when it may be a page's stamp (see _find_published)."""
        if self._stamp is None:
            line = self.text
            # (an embedded post's line, or a sentence that mentions a date, is none)
            found = None
            if "(@" not in line and (
                self.nwords <= _STAMP_MAX_WORDS or _CJK_STAMP_RE.match(self.key)
            ):
                found = parse_published(line)
            self._stamp = (found,)
        return self._stamp[0]

    def publisher(self) -> tuple[str | None, str | None, str | None]:
        """(owner of a copyright line, outlet of a subscription line, outlet a "... is
        part of ..." line names), on first use."""
        if self._publisher is None:
            self._publisher = clean_meta.line_names(self.text)
        return self._publisher


# The line memo, two least-recently-used lists: a line not met before waits in
# _MEMO; met again there, it moves to _KEPT, which only lines met twice enter, so
# the many one-off lines (most body text) cannot push out the lines that recur
# (chrome, stock lines, reprinted paragraphs). _KEPT's oldest go back to _MEMO's
# newest end. A few KB a line: ~110 MB a scan worker in all.
# Tuned on gen-1m (one scan worker's share, every other batch of 1,000 articles,
# of parts 0-1: 100k articles): new lines an article 18.7 with one list of 16,384
# (the old memo), 17.4 with 32,768, 16.0 with 65,536, 15.2 with 131,072, 14.4
# unbounded; these two lists of 16,384 each: 15.4 (32,768 + 16,384: 15.2).
_LINE_MEMO_SIZE = 1 << 14
_LINE_KEPT_SIZE = 1 << 14


_MEMO: OrderedDict[str, _Line] = OrderedDict()
_KEPT: OrderedDict[str, _Line] = OrderedDict()


def _line(text: str) -> _Line:
    """The remembered ``_Line`` of ``text`` (least recently used lines are dropped)."""
    ln = _recall(text)
    if ln is None:
        return _remember(text, _Line(text))
    _trim_memo()
    return ln


def _recall(text: str) -> _Line | None:
    """The memo's ``_Line`` of ``text``, now the newest of _KEPT, or None (not
    trimmed: see _trim_memo). _clean_many does the same inline, line by line."""
    ln = _KEPT.get(text)
    if ln is not None:
        _KEPT.move_to_end(text)
        return ln
    ln = _MEMO.pop(text, None)
    if ln is not None:
        _KEPT[text] = ln
    return ln


def _remember(text: str, ln: _Line) -> _Line:
    _MEMO[text] = ln
    _trim_memo()
    return ln


def _trim_memo() -> None:
    """_KEPT's oldest lines over its size back to _MEMO, _MEMO's oldest over its size out."""
    kept, memo = _KEPT, _MEMO
    for _ in range(len(kept) - _LINE_KEPT_SIZE):
        text, ln = kept.popitem(last=False)
        memo[text] = ln
    for _ in range(len(memo) - _LINE_MEMO_SIZE):
        memo.popitem(last=False)


def _line_cache_clear() -> None:
    _MEMO.clear()
    _KEPT.clear()


_line.cache_clear = _line_cache_clear  # type: ignore[attr-defined]


def _page_lines(texts: list[str]) -> list[_Line]:
    """``[_line(t) for t in texts]``, the lines not remembered computed together."""
    memo = _MEMO
    out: list[_Line | None] = []
    missing: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        ln = _recall(t)
        if ln is None:
            missing.setdefault(t, []).append(i)
        out.append(ln)
    if missing:
        new = list(missing)
        for t, ln in zip(new, _new_lines(new), strict=True):
            memo[t] = ln
            for i in missing[t]:
                out[i] = ln
    _trim_memo()
    return out  # type: ignore[return-value]


# Non-ASCII punctuation common in news text (a line of ASCII and these is "near
# ASCII"): none is a word character, a space, a digit or cased, and each lowers and
# casefolds to itself (checked in the tests). Mapped to ASCII characters of the
# same kind (quotes inside words to "'", the rest to "#"), such a line gets the
# same words, key, letter counts and chunk cases through the ASCII paths.
_NEAR_ASCII = str.maketrans(
    {"\u2019": "'", "\u2018": "'", **dict.fromkeys("“”„©®™—–·›‹«»…•″′", "#")}
)
_NEAR_POINTS = np.array(sorted(_NEAR_ASCII), np.uint32)
_NEAR_ASCII_RE = re.compile("[" + "".join(map(chr, sorted(_NEAR_ASCII))) + "]")
# The word and key tables, keeping the line break that joins a batch's lines.
_WORD_BYTES_NL = _WORD_BYTES[:10] + b"\n" + _WORD_BYTES[11:]
_SEP_TO_SPACE = bytes.maketrans(b".'", b"  ")
# A "." or "'" between two word characters: inside a word, which normalising drops.
# (The class first, so the engine skips to candidates.)
_INNER_SEP_RE = re.compile(rb"[.'](?<=[0-9_a-z][.'])(?=[0-9_a-z])")
# _SEPARATOR_RE with one leading class (the same matches, found faster).
_SEPARATOR_FAST_RE = re.compile(r"[\s|](?:(?<=\s)[|/»›·•]\s|(?<=\s)[|]|(?<=[|])\s)")
# A substring every credit match on the lowered line holds (see _credit_hint).
# ("©" is no ASCII: found by its code)
_CREDIT_HINTS = tuple(b"photo image (c) copyright credit: afp reuters istock shutterstock".split())
# _CREDIT_RE's alternatives (lowercase) by the hint each one's every match holds ("©"
# is one alone): a line is searched for those of the hints it holds only.
_CREDIT_BY_HINT = {
    b"photo": r"\bphoto(?:s|graph)?\s*(?:by|:|credit)|\bap photo\b|\bfile photo\b",
    b"image": r"\bimage\s*(?:by|:|credit)|getty images",
    b"(c)": r"\(c\)",
    b"copyright": r"\bcopyright\b",
    b"credit:": r"\bcredit:",
    b"afp": r"\bafp\b\s*(?:photo|/)",
    b"reuters": r"/\s*reuters\b",
    b"istock": r"\bistock\b",
    b"shutterstock": r"shutterstock",
}
_CREDIT_HINT_RES = {hint: re.compile(alts) for hint, alts in _CREDIT_BY_HINT.items()}
# Character classes of _near_ascii_lines' codes (ASCII, then 128 + index in _NEAR_POINTS).
_C_SPACE, _C_UPPER, _C_LOWER, _C_DIGIT, _C_MARK, _C_CLOSER, _C_TEASER = 1, 2, 4, 8, 16, 32, 64
_C_SEP = 128


def _class_table() -> tuple[np.ndarray, np.ndarray]:
    chars = [chr(c) for c in range(128)] + [chr(int(c)) for c in _NEAR_POINTS]
    classes = np.zeros(256, np.uint8)
    ascii_of = np.zeros(256, np.uint8)
    for code, ch in enumerate(chars):
        ascii_of[code] = ord(ch) if ch.isascii() else ord(_NEAR_ASCII[ord(ch)])
        classes[code] = (
            _C_SPACE * (ch in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
            | _C_UPPER * ("A" <= ch <= "Z")
            | _C_LOWER * ("a" <= ch <= "z")
            | _C_DIGIT * ("0" <= ch <= "9")
            | _C_MARK * (ch in ".!?。！？…")
            | _C_CLOSER * (ch in "\"'”’»)]")
            | _C_TEASER * (ch in "abcdefghijklmnopqrstuvwxyz0123456789?!”\"')")
            | _C_SEP * (ch in "|/»›·•")  # (_SEPARATOR_HINT_RE)
        )
    return classes, ascii_of


_CLASS, _ASCII_OF = _class_table()
# The codes as ASCII with all the punctuation as "#", and the chrome-phrase regex
# over bytes: "#" is no word character and in no phrase, as none of them is.
_HASH_OF = np.where(np.arange(256) < 128, np.arange(256), ord("#")).astype(np.uint8)
_PHRASE_BYTES_RE = re.compile(_PHRASE_LOWER_RE.pattern.encode("ascii"))
# The three tables as bytes.translate tables: a batch's codes looked up ~3x as fast
# as numpy's gather (``_CLASS[code]``).
_CLASS_BYTES, _ASCII_BYTES, _HASH_BYTES = (t.tobytes() for t in (_CLASS, _ASCII_OF, _HASH_OF))


def _codes(chars: str) -> np.ndarray:
    """The codes (see _near_ascii_lines) of those of ``chars`` a near-ASCII line may hold."""
    points = list(map(int, _NEAR_POINTS))
    return np.array(
        [
            ord(c) if c.isascii() else 128 + points.index(ord(c))
            for c in chars
            if c.isascii() or ord(c) in points
        ],
        np.uint8,
    )


_QUOTE_CODES = _codes("\"“„«'‘")
_END_CODES = _codes(_END_MARKS)
# What _BULLET_RE and _CREDIT_LINE_RE can open with.
_BULLET_CODES = _codes("*+•·▪►›»‣◦–—-0123456789")
_CREDIT_LINE_CODES = _codes("pPiIcC")
_NO_STAMP: tuple[str | None] = (None,)
_COL_IDS = tuple(_COL[c] for c in ("short", "words_4_7", "words_8_15", "words_16_30", "long"))


def _expansions(items: Any) -> list[str] | None:
    """Every string a parsed regex (``re._parser``) matches, ignoring anchors and
    boundaries; None when that is no short finite list."""
    from re import _constants as c  # type: ignore[attr-defined]

    outs = [""]
    alts: list[str] | None
    for op, av in items:
        if op is c.LITERAL:
            alts = [chr(av)]
        elif op is c.AT:
            continue
        elif op is c.SUBPATTERN:
            alts = _expansions(av[3])
        elif op is c.BRANCH:
            alts = []
            for branch in av[1]:
                more = _expansions(branch)
                if more is None:
                    return None
                alts += more
        elif op is c.MAX_REPEAT and av[1] <= 1:
            sub = _expansions(av[2])
            alts = None if sub is None else [""] * (av[0] == 0) + sub
        else:
            return None
        if alts is None or len(outs) * len(alts) > 10_000:
            return None
        outs = [o + a for o in outs for a in alts]
    return outs


_RUN_RE = re.compile(r"[0-9_a-z]*")


@functools.lru_cache(maxsize=1)
def _phrase_tokens() -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]] | None:
    """What a line's tokens (runs of ``[0-9_a-z]``) hold when ``_PHRASE_BYTES_RE``
    matches in it: a token of the first set, or two tokens in a row of the third
    set (their first in the second set). None when the pattern is not the word
    list this reads.

    A match starts at a word boundary with a word character, so the token there
    is the match's leading run of word characters, whole (it ends where the
    match has a non-word character, or at the match's end, a boundary); when
    one non-word character and a word character follow in the match, the next
    token is the match's next run, whole.
    """
    try:  # (re's parser is private: without it, no prefilter)
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]

        parsed = list(_parser.parse(_PHRASE_LOWER_RE.pattern))
        if not parsed or parsed[0] != (c.AT, c.AT_BOUNDARY):
            return None
        found = _expansions(parsed)
    except (ImportError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if not found:
        return None
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for e in found:
        first = _RUN_RE.match(e).group()  # type: ignore[union-attr]
        if not first:
            return None
        rest = e[len(first) :]
        second = _RUN_RE.match(rest, 1).group() if len(rest) > 1 else ""  # type: ignore[union-attr]
        if second and not _RUN_RE.fullmatch(rest[0]):
            pairs.add((first, second))
        else:
            singles.add(first)
    return frozenset(singles), frozenset(a for a, _ in pairs), frozenset(pairs)


# Two tokens in a row as one number (see _phrase_lines).
_PAIR_MULT = np.uint64(0x9E3779B97F4A7C15)


def _token_keys(buf: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A number for each run of bytes over the space in ``buf`` (its tokens, apart by
    spaces and line breaks), made of the token's first 8 bytes and its length (tokens
    alike in both get the same one: see _token_key), and where each token starts."""
    s, e = _runs(np.frombuffer(buf, np.uint8) > 32)
    return _token_key(_packed(buf, s, e - s, 0), e - s), s


def _token_key(head: np.ndarray, size: np.ndarray) -> np.ndarray:
    """A token's first 8 bytes (``_packed``) and length as one 64-bit number, its top
    bits mixed: equal for tokens equal in both (~2x cheaper than a hash of all the
    bytes; with the length, equal heads and keys mean equal tokens up to 8 bytes)."""
    with np.errstate(over="ignore"):
        return (head + size.astype(np.uint64)) * _PAIR_MULT


@functools.lru_cache(maxsize=1)
def _phrase_hashes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """``_phrase_tokens``' single tokens and pairs as sorted ``_token_keys`` (a pair:
    its first token's key times ``_PAIR_MULT`` plus its second's), each with its
    ``_top_bits``."""
    sets = _phrase_tokens()
    if sets is None:
        return None
    singles, _, pairs = sets
    firsts, seconds = zip(*sorted(pairs), strict=True) if pairs else ((), ())
    one = _token_keys(" ".join(sorted(singles)).encode("ascii"))[0]
    a = _token_keys(" ".join(firsts).encode("ascii"))[0]
    b = _token_keys(" ".join(seconds).encode("ascii"))[0]
    with np.errstate(over="ignore"):
        one_h, two_h = np.unique(one), np.unique(a * _PAIR_MULT + b)
    return one_h, _top_bits(one_h), two_h, _top_bits(two_h)


# A table's hashes by their top bits (a bitmap of 2**16): most values are told apart
# from a small table by one look there, not a binary search.
_TOP_SHIFT = np.uint64(48)


def _held(table: np.ndarray, top: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Indices of ``values`` in the sorted ``table`` (``top``: its bitmap)."""
    maybe = np.flatnonzero(top[values >> _TOP_SHIFT])
    if not len(maybe) or not len(table):
        return maybe[:0]
    at = np.minimum(np.searchsorted(table, values[maybe]), len(table) - 1)
    return maybe[table[at] == values[maybe]]


def _top_bits(table: np.ndarray) -> np.ndarray:
    top = np.zeros(1 << 16, bool)
    top[table >> _TOP_SHIFT] = True
    return top


def _phrase_lines(tokens: bytes, starts: np.ndarray) -> list[int]:
    """The lines (joined by line breaks, from ``starts``; their tokens apart by spaces)
    that may hold a ``_PHRASE_BYTES_RE`` match: those holding a single token or a pair
    of ``_phrase_tokens`` (every line when it is None). Tokens are compared by their
    keys (``_token_keys``), so a few other lines may come along (never one fewer)."""
    tables = _phrase_hashes()
    if tables is None:
        return list(range(len(starts)))
    singles, single_top, pairs, pair_top = tables
    h, at = _token_keys(tokens)
    one = _held(singles, single_top, h)
    with np.errstate(over="ignore"):
        two = _held(pairs, pair_top, h[:-1] * _PAIR_MULT + h[1:])
    # (a pair counts within one line: its tokens' lines are one)
    first = np.searchsorted(starts, at[two], side="right")
    two = first[first == np.searchsorted(starts, at[two + 1], side="right")]
    hit = np.concatenate([np.searchsorted(starts, at[one], side="right"), two]) - 1
    return np.unique(hit).tolist()


class _StopTable(NamedTuple):
    """The stopwords a near-ASCII line's word can be (runs of ``[0-9a-z]``) as rows
    in buckets (``_stop_bucket``) by their first 8 bytes and length."""

    first: np.ndarray  # each bucket's first row (and one past the last bucket's end)
    size: np.ndarray  # each row's stopword's length
    packed: np.ndarray  # its bytes, 8 a number (little-endian, zero-padded)
    # its languages: a byte a language (stop_lanes), 1 for each of its own, read
    # 8 bytes a number (uint64), so that a line's hits add up 8 languages at a time
    langs: np.ndarray
    most: int  # the most rows a bucket holds
    # each bucket's rows (bytes while ``most`` fits one): every word's look-up in a
    # table an eighth of ``first``'s size (~5% of _joined_stop_counts)
    n_rows: np.ndarray


_STOP_BUCKET_BITS = 18  # (~50k ASCII stopwords: most buckets empty, none over a few)
_STOP_SHIFT = np.uint64(64 - _STOP_BUCKET_BITS)
_WORD_RUN_RE = re.compile(r"[0-9a-z]+")
# The low k bytes of a number (k = 0..8).
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], np.uint64)


def _stop_bucket(head: np.ndarray, size: np.ndarray) -> np.ndarray:
    """The bucket of a word's first 8 bytes (a number) and length: its key's top bits."""
    return (_token_key(head, size) >> _STOP_SHIFT).astype(np.int64)


def _packed(buf: bytes, s: np.ndarray, size: np.ndarray, chunk: int) -> np.ndarray:
    """Bytes ``8 * chunk`` to ``8 * chunk + 7`` of the words at ``s`` (of ``size``
    bytes) in ``buf`` as little-endian numbers, those past a word's end as zeros."""
    # (overlapping 8-byte windows, one a byte, over ``buf`` and zeros after it)
    windows = np.ndarray((len(buf) + 8 * chunk,), "<u8", buf + bytes(8 * chunk + 8), strides=(1,))
    return windows[s + 8 * chunk] & _LOW_BYTES[np.clip(size - 8 * chunk, 0, 8)]


@functools.lru_cache(maxsize=1)
def _ascii_stops() -> _StopTable:
    langs = stop_lang_bytes()
    words = [w for w in langs if _WORD_RUN_RE.fullmatch(w)]
    buf = " ".join(words).encode("ascii")
    size = np.array([len(w) for w in words], np.int64)
    s = np.zeros(len(words), np.int64)
    np.cumsum(size[:-1] + 1, out=s[1:])
    width = -(-int(size.max(initial=0)) // 8)
    packed = np.stack([_packed(buf, s, size, j) for j in range(width)], axis=1)
    bucket = _stop_bucket(packed[:, 0], size)
    order = np.argsort(bucket, kind="stable")
    counts = np.bincount(bucket, minlength=1 << _STOP_BUCKET_BITS)
    first = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=first[1:])
    ids = [langs[words[i]] for i in order.tolist()]
    flags = np.zeros((len(words), stop_lanes()), np.uint8)
    row = np.repeat(np.arange(len(words)), [len(v) for v in ids])
    flags[row, np.frombuffer(b"".join(ids), lang_dtype())] = 1
    most = int(counts.max(initial=0))
    count = counts.astype(np.uint8 if most < 256 else np.int64)
    return _StopTable(first, size[order], packed[order], flags.view(np.uint64), most, count)


def _joined_stop_counts(wb: bytes, nwords: np.ndarray) -> list[bytes]:
    """``_Line.stop_counts`` of each line joined in ``wb`` (its words apart by spaces,
    lines by line breaks; ``nwords``: each line's words), ~1.5x faster than a
    dictionary look-up a word: each word found among the stopwords by its first
    8 bytes and length (its bucket's rows compared), the longer ones' other bytes
    compared, the hits' languages added up row by row."""
    table = _ascii_stops()
    s, e = _runs(np.frombuffer(wb, np.uint8) > 32)
    size = e - s
    head = _packed(wb, s, size, 0)
    # The words equal to a stopword in their first 8 bytes and length (its row).
    bucket = _stop_bucket(head, size)
    lo = table.first[bucket]
    n = table.n_rows[bucket]
    # (the words whose bucket holds a row ``j`` on: fewer each time)
    live = np.flatnonzero(n)
    hit_parts, row_parts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    j = 0
    while len(live):
        at = lo[live] + j
        same = (table.packed[at, 0] == head[live]) & (table.size[at] == size[live])
        hit_parts.append(live[same])
        row_parts.append(at[same])
        j += 1
        live = live[n[live] > j]
    hit, row = np.concatenate(hit_parts), np.concatenate(row_parts)
    order = np.argsort(hit, kind="stable")  # (in the words' order again)
    hit, row = hit[order], row[order]
    # (the longer words' other bytes, 8 at a time)
    alike = np.ones(len(hit), bool)
    for j in range(1, table.packed.shape[1]):
        live = np.flatnonzero(alike & (size[hit] > 8 * j))
        if not len(live):
            break
        got = _packed(wb, s[hit[live]], size[hit[live]], j)
        alike[live[got != table.packed[row[live], j]]] = False
    hit, row = hit[alike], row[alike]
    if not len(hit):
        return [b""] * len(nwords)
    # Each line's hits, STOP_ROW_WORDS at a time, a count row: their languages' bytes
    # added as uint64 numbers (at most 255 ones in a byte: none carries into the next).
    line = np.repeat(np.arange(len(nwords)), nwords)[hit]
    per_line = np.bincount(line, minlength=len(nwords))
    opens = np.ones(len(hit), bool)
    np.not_equal(line[1:], line[:-1], out=opens[1:])
    if per_line.max() > STOP_ROW_WORDS:
        first = np.zeros(len(nwords), np.int64)
        np.cumsum(per_line[:-1], out=first[1:])
        opens |= (np.arange(len(hit)) - first[line]) % STOP_ROW_WORDS == 0
    sums = np.add.reduceat(table.langs[row], np.flatnonzero(opens), axis=0)
    counts = sums.view(np.uint8).astype(STOP_COUNT).tobytes()
    n_rows = -(-per_line // STOP_ROW_WORDS)
    bounds = np.zeros(len(nwords) + 1, np.int64)
    np.cumsum(n_rows * (stop_lanes() * STOP_COUNT.itemsize), out=bounds[1:])
    return [counts[a:b] for a, b in pairwise(bounds.tolist())]


def _lines_hit(pattern: re.Pattern[bytes], joined: bytes, starts: np.ndarray) -> np.ndarray:
    """Indices (sorted, with repeats) of the joined lines holding a match of ``pattern``.

    Exact when no match can span a line break: then each line with a match holds
    one the scan over the joined text finds.
    """
    pos = [m.start() for m in pattern.finditer(joined)]
    return np.searchsorted(starts, np.asarray(pos, np.int64), side="right") - 1


class _Haystack:
    """Lines joined by line breaks, as bytes and as an array, and each byte with the
    next as one little-endian number: the pairs at even places (``even[k]``: bytes
    ``2k``, ``2k + 1``) and at odd ones (``odd[k]``: ``2k + 1``, ``2k + 2``), views of
    the bytes (no copy). For ``_lines_holding``."""

    __slots__ = ("a", "even", "joined", "odd")

    def __init__(self, joined: bytes) -> None:
        n = len(joined)
        self.joined = joined
        self.a = np.frombuffer(joined, np.uint8)
        self.even = np.frombuffer(joined, "<u2", n // 2)
        self.odd = np.frombuffer(joined, "<u2", max(0, n - 1) // 2, offset=min(1, n))


def _lines_holding(needles: Sequence[bytes], hay: _Haystack, starts: np.ndarray) -> list[int]:
    """Indices of the joined lines holding one of ``needles`` (none holds a line break).

    A needle's places: where its first two bytes are (numpy passes over the byte
    pairs, ~3x faster than ``bytes.find`` through the text), its other bytes
    checked there.
    """
    a = hay.a
    found = []
    for needle in needles:
        if len(needle) == 1:
            found.append(np.flatnonzero(a == needle[0]))
            continue
        pair = needle[0] | needle[1] << 8
        at = np.concatenate(
            [2 * np.flatnonzero(hay.even == pair), 2 * np.flatnonzero(hay.odd == pair) + 1]
        )
        at = at[at + len(needle) <= len(a)]
        for j in range(2, len(needle)):
            at = at[a[at + j] == needle[j]]
        found.append(at)
    pos = np.concatenate(found) if found else np.zeros(0, np.int64)
    if not len(pos):
        return []
    return np.unique(np.searchsorted(starts, pos, side="right") - 1).tolist()


def _new_lines(texts: list[str]) -> list[_Line]:
    """``[_Line(t) for t in texts]``, computed together for ASCII and near-ASCII lines.

    The lines are joined by line breaks and each feature found in one pass over the
    joined text (regexes whose matches never span a line break, or a cheap
    necessary condition first), numpy over its characters for the counts. Other
    lines (other non-ASCII characters, line breaks inside) go one by one.
    """
    out: list[_Line | None] = [None] * len(texts)
    idx = [i for i, t in enumerate(texts) if t and "\n" not in t]
    cp = _joined_points([texts[i] for i in idx])
    if len(cp) and cp.max() >= 128:
        # (isin over the few characters past ASCII only)
        high = np.flatnonzero(cp >= 128)
        far = high[~np.isin(cp[high], _NEAR_POINTS)]
        if len(far):
            # (each far character's line: the line breaks before it, as the lines
            # hold none of their own)
            breaks = np.flatnonzero(cp == 10)
            bad_at = np.unique(np.searchsorted(breaks, far))
            bad = set(bad_at.tolist())
            idx = [i for j, i in enumerate(idx) if j not in bad]
            cp = _without_lines(cp, breaks, bad_at)
    if idx:
        for i, ln in zip(idx, _near_ascii_lines([texts[i] for i in idx], cp), strict=True):
            out[i] = ln
    rest = [i for i, ln in enumerate(out) if ln is None]
    if rest:
        from copytrace.chrome import CHROME_MAX_LINE_CHARS, key_entries

        # (their chrome entries hashed together, as the near-ASCII lines' are)
        lines = [_Line(texts[i], entry=False) for i in rest]
        short = [len(ln.text) <= CHROME_MAX_LINE_CHARS for ln in lines]
        for i, ln, entry in zip(
            rest, lines, key_entries([ln.key for ln in lines], short), strict=True
        ):
            ln.entry = entry
            out[i] = ln
    return cast(list[_Line], out)


def _joined_points(texts: list[str]) -> np.ndarray:
    """The code points of ``texts`` joined by line breaks."""
    return np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)


def _without_lines(cp: np.ndarray, breaks: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """``_joined_points`` of the lines joined in ``cp`` (line breaks at ``breaks``, the
    lines holding none) but lines ``drop`` (sorted, distinct): the pieces between them
    copied once, not the kept lines joined and encoded again."""
    # (line j with the break after it: [bounds[j], bounds[j + 1]), the last one's
    # break past the end)
    bounds = np.concatenate(([0], breaks + 1, [len(cp) + 1])).tolist()
    pieces = []
    at = 0
    for j in drop.tolist():
        pieces.append(cp[at : bounds[j]])
        at = bounds[j + 1]
    pieces.append(cp[at:])
    out = np.concatenate(pieces)
    # (the last lines dropped: the break before them ends the kept text)
    return out[:-1] if len(out) and out[-1] == 10 else out


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (``[s, e)``) of the runs of True in ``mask``."""
    # (the places where the mask, False at both ends, changes: a run's start, then
    # its end, in turn: one pass for both, ~1.5x faster than a pass for each)
    padded = np.zeros(len(mask) + 2, bool)
    padded[1:-1] = mask
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return change[0::2].copy(), change[1::2].copy()


def _near_ascii_lines(texts: list[str], cp: np.ndarray) -> list[_Line]:
    m = len(texts)
    lens = np.fromiter(map(len, texts), np.int64, m)
    starts = np.zeros(m, np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    # Each character as a byte: ASCII as itself, the near-ASCII punctuation as
    # 128 + its index in _NEAR_POINTS; ``a``: the text as ASCII (see _NEAR_ASCII).
    code = cp.astype(np.uint8)
    far = cp >= 128
    if far.any():
        code[far] = 128 + np.searchsorted(_NEAR_POINTS, cp[far])
    code_bytes = code.tobytes()
    raw = code_bytes.translate(_ASCII_BYTES)
    a = np.frombuffer(raw, np.uint8)
    lowb = raw.lower()
    raw_hay, low_hay = _Haystack(raw), _Haystack(lowb)

    # Words: each line's normalised words (see _words).
    wb = lowb.translate(_WORD_BYTES_NL)
    # Tokens (runs of [0-9_a-z], as the phrase regex sees words): the words' bytes
    # with every "." and "'" as a space (a word may join two tokens).
    joined_tokens: bytes | None = None
    if b"." in wb or b"'" in wb:
        joined_tokens = wb.translate(_SEP_TO_SPACE)
        # (_INNER_SEP_RE's matches dropped, the other separators as spaces)
        wv = np.frombuffer(wb, np.uint8)
        sep = (wv == 46) | (wv == 39)
        if len(wv) > 2:
            wordc = (wv > 32) & ~sep  # (the table leaves word characters, " ", "\n")
            inner = np.zeros(len(wv), bool)
            inner[1:-1] = sep[1:-1] & wordc[:-2] & wordc[2:]
            if inner.any():
                wv = wv[~inner]
                sep = sep[~inner]
        wb = np.where(sep, np.uint8(32), wv).tobytes()
    wlines = wb.decode("ascii").split("\n")
    words = [s.split() for s in wlines]
    # Keys (see line_key).
    joined_keys = _joined_keys_of_lowered(lowb)
    keys = joined_keys.decode("ascii").split("\n")

    k = np.fromiter(map(len, words), np.int64, m)
    x = np.zeros((m, _NF))
    col = _COL
    x[:, col["log_words"]] = list(map(math.log1p, k.tolist()))
    x[:, _COL_IDS[0]] = k <= 3
    x[:, _COL_IDS[1]] = (k >= 4) & (k <= 7)
    x[:, _COL_IDS[2]] = (k >= 8) & (k <= 15)
    x[:, _COL_IDS[3]] = (k >= 16) & (k <= 30)
    x[:, _COL_IDS[4]] = k > 30

    # Character classes; counts per line (each line's segment runs to the next line).
    cls = np.frombuffer(code_bytes.translate(_CLASS_BYTES), np.uint8)
    space = (cls & _C_SPACE).astype(bool)
    upper = (cls & _C_UPPER).astype(bool)
    lower = (cls & _C_LOWER).astype(bool)
    # (int32 counts: ~1.6x faster sums than int64 ones, exact below 2**31 characters)
    count_type = np.int32 if len(a) < 2**31 else np.int64
    x[:, col["commas"]] = np.minimum(np.add.reduceat(a == 44, starts, dtype=count_type), 5) / 5
    letters = np.add.reduceat(upper | lower, starts, dtype=count_type)
    x[:, col["alpha"]] = letters / lens
    # Chunks (runs of non-space, [s, e)): title_case and upper (see _chunk_case).
    s, e = _runs(~space)
    line_s = np.searchsorted(starts, s, side="right") - 1
    upper_first = upper[s]
    alpha_first = upper_first | lower[s]
    n_alpha = np.bincount(line_s[alpha_first], minlength=m)
    n_title = np.bincount(line_s[upper_first], minlength=m)
    # (a chunk opening with a letter is all capitals when it opens with one and holds
    # no small letter: small letters counted through a running sum, not a reduceat
    # over the many short chunks, and read at the chunks that open with a capital
    # only)
    n_low = np.zeros(len(lower) + 1, count_type)
    np.cumsum(lower, out=n_low[1:])
    capped = np.flatnonzero(upper_first & (e - s > 1))
    upper_chunk = capped[n_low[e[capped]] == n_low[s[capped]]]
    n_upper = np.bincount(line_s[upper_chunk], minlength=m)
    has_alpha = n_alpha > 0
    safe = np.maximum(n_alpha, 1)
    x[:, col["title_case"]] = np.where(has_alpha, n_title / safe, 0.0)
    x[:, col["upper"]] = np.where(has_alpha, n_upper / safe, 0.0)
    # digits: the share of words holding a digit (an ASCII word with one is not alpha).
    if (cls & _C_DIGIT).any():
        # (a word's first digit: no digit since the last space or line break)
        wa = np.frombuffer(wb, np.uint8)
        d = np.flatnonzero((wa >= 48) & (wa <= 57))
        gaps = np.searchsorted(np.flatnonzero(wa <= 32), d)
        first_digit = np.ones(len(d), bool)
        first_digit[1:] = gaps[1:] != gaps[:-1]
        wline = np.searchsorted(np.flatnonzero(wa == 10), d[first_digit])
        n_dig = np.bincount(wline, minlength=m)
        x[:, col["digits"]] = np.where(k > 0, n_dig / np.maximum(k, 1), 0.0)
    # Sentence ends (_SENT_END_RE): a mark, closers, then a space or the end.
    marks = np.flatnonzero(cls & _C_MARK)
    if len(marks):
        # (a uint8 after the codes: a Python int would make a copy of int64s)
        after = np.append(cls, np.uint8(_C_SPACE))[marks + 1]
        ok = (after & _C_SPACE).astype(bool)
        n = len(cls)
        for j in np.flatnonzero(after & _C_CLOSER).tolist():
            q = int(marks[j]) + 1
            while q < n and cls[q] & _C_CLOSER:
                q += 1
            ok[j] = q == n or bool(cls[q] & _C_SPACE)
        sent = np.bincount(np.searchsorted(starts, marks[ok], side="right") - 1, minlength=m)
        x[:, col["sentences"]] = np.minimum(sent, 5) / 5

    # Rare features: the lines a joined pass finds, then the per-line test.
    # _GLUE_RE: a lowercase letter, a capital, a lowercase letter (no space: all in
    # one chunk); a line's glued chunks (_glued) are its chunks holding one.
    glue_at = np.flatnonzero(lower[:-2] & upper[1:-1] & lower[2:])
    glue_chunks = np.unique(np.searchsorted(s, glue_at, side="right") - 1)
    n_glued = np.bincount(line_s[glue_chunks], minlength=m)
    glued = n_glued.tolist()
    template = [False] * m
    for i in _lines_holding((b"{", b"<%", b"[["), raw_hay, starts):
        template[i] = _TEMPLATE_RE.search(texts[i]) is not None
    # _TEASER_HINT_RE: a capital between a glue character and a lowercase letter.
    hint = np.flatnonzero((cls[:-2] & _C_TEASER).astype(bool) & upper[1:-1] & lower[2:])
    # _teaser_glue in numpy: _TEASER_GLUE_RE's first match in a line ends at the
    # line's first such capital after one of [0-9?!”"')] or three lowercase letters;
    # the words before and after it are the chunks opening before it and ending
    # after it.
    glue_char = cls[hint]
    lower3 = np.zeros(len(hint), bool)
    far_in = hint >= 2
    lower3[far_in] = lower[hint[far_in] - 1] & lower[hint[far_in] - 2]
    cap = hint[((glue_char & _C_LOWER) == 0) | lower3] + 1
    cap_line = np.searchsorted(starts, cap, side="right") - 1
    teaser, first = np.unique(cap_line, return_index=True)
    cap = cap[first]
    chunk_lo = np.searchsorted(s, starts[teaser])
    chunk_at = np.searchsorted(s, cap)
    n_head = chunk_at - chunk_lo
    n_tail = np.searchsorted(s, starts[teaser] + lens[teaser]) - np.searchsorted(e, cap, "right")
    n_alpha_at = np.zeros(len(s) + 1, np.int64)
    np.cumsum(alpha_first, out=n_alpha_at[1:])
    n_title_at = np.zeros(len(s) + 1, np.int64)
    np.cumsum(upper[s], out=n_title_at[1:])
    head_alpha = n_alpha_at[chunk_at] - n_alpha_at[chunk_lo]
    head_title = n_title_at[chunk_at] - n_title_at[chunk_lo]
    x[teaser, col["teaser_glue"]] = (
        (n_head >= _TEASER_MIN_WORDS)
        & (n_tail >= _TEASER_MIN_WORDS)
        & (head_alpha > 0)
        & (head_title / np.maximum(head_alpha, 1) >= _TEASER_MIN_TITLE_CASE)
    )
    # (over bytes with the punctuation as "#": the same matches, found faster)
    # (the regex on the lines whose tokens may hold a match: the same lines as
    # _lines_hit over all of them)
    line_starts = starts.tolist()
    line_ends = (starts + lens).tolist()
    hashed = code_bytes.translate(_HASH_BYTES).lower()
    search = _PHRASE_BYTES_RE.search
    candidates = _phrase_lines(wb if joined_tokens is None else joined_tokens, starts)
    phrase = np.array(
        [i for i in candidates if search(hashed, line_starts[i], line_ends[i])], np.int64
    )
    x[phrase, col["chrome_phrase"]] = 1.0
    x[phrase[k[phrase] <= 12], col["chrome_phrase_short"]] = 1.0
    sep_at = np.flatnonzero(cls & _C_SEP)
    seps = sorted(set((np.searchsorted(starts, sep_at, side="right") - 1).tolist()))
    x[seps, col["separators"]] = [
        min(len(_SEPARATOR_FAST_RE.findall(texts[i])), 4) / 4 for i in seps
    ]
    url = _lines_holding((b"://", b"www.", b"@"), raw_hay, starts)
    x[url, col["url"]] = [_URL_RE.search(texts[i]) is not None for i in url]
    # (a line with "©" is one; a line with a hint is searched for the alternatives
    # that hold it, not all of them at each place: see _CREDIT_BY_HINT)
    credit = np.zeros(m, bool)
    credit[np.searchsorted(starts, np.flatnonzero(code == _codes("©")[0]), side="right") - 1] = True
    for needle, credit_re in _CREDIT_HINT_RES.items():
        for i in _lines_holding((needle,), low_hay, starts):
            if not credit[i]:
                credit[i] = credit_re.search(texts[i].lower()) is not None
    x[:, col["credit"]] = credit

    # The first and last characters' tests (end_punct, colon_end, lower_start, quote).
    head = code[starts]
    tail = code[starts + lens - 1]
    x[:, col["colon_end"]] = tail == 58
    x[:, col["lower_start"]] = (_CLASS[head] & _C_LOWER) > 0
    x[:, col["quote"]] = np.isin(head, _QUOTE_CODES)
    end_punct = np.isin(tail, _END_CODES) & (tail != 58)
    for i in np.flatnonzero(_CLASS[tail] & _C_CLOSER).tolist():  # closers to strip
        t = texts[i]
        bare = t.rstrip(_CLOSERS)
        end_punct[i] = bare != "" and bare[-1] in _END_MARKS and not t.endswith(":")
    x[:, col["end_punct"]] = end_punct
    for i in np.flatnonzero(np.isin(head, _BULLET_CODES)).tolist():
        x[i, col["bullet"]] = _BULLET_RE.match(texts[i]) is not None
    x[:, col["glue"]] = np.minimum(n_glued, 4) / 4
    x[:, col["glue_any"]] = n_glued > 0
    x[:, col["template"]] = template
    comment_search, comment_match = _LOWER_RES[2].search, _LOWER_RES[2].match
    date_search, section_match = _LOWER_RES[3].search, _SECTION_END_RE.match
    # (the values gathered in lists, then set column by column; the regexes only on
    # the lines they can match: a comment's header ends in one of its end words (the
    # key's last word then), or opens as one of the others can; a dated line holds a
    # digit or a date word)
    has_digit = np.logical_or.reduceat((cls & _C_DIGIT).astype(bool), starts)
    short = np.flatnonzero(k <= 14).tolist()
    opens = np.isin(np.frombuffer(lowb, np.uint8)[starts], _COMMENT_OPENERS).tolist()
    ends = {i for i in short if keys[i].rpartition(" ")[2] in _COMMENT_END_SET}
    commented = [i for i in short if opens[i] or i in ends]
    x[commented, col["comment_header"]] = [
        (comment_search if i in ends else comment_match)(texts[i].lower()) is not None
        for i in commented
    ]
    date_word = np.zeros(m, bool)
    date_word[_lines_holding(_DATE_WORD_LIST, low_hay, starts)] = True
    dated = np.flatnonzero((k <= 12) & (has_digit | date_word)).tolist()
    x[dated, col["date_short"]] = [date_search(texts[i].lower()) is not None for i in dated]
    section_at = np.flatnonzero(k <= 8).tolist()
    x[section_at, col["section_end"]] = [section_match(keys[i]) is not None for i in section_at]

    # Publisher names (see _Line.publisher): only lines holding their literals can name one.
    publisher: list[tuple[str | None, str | None, str | None] | None] = [(None, None, None)] * m
    for i in _lines_holding((b"copyright", b"rights reserved", b" part of "), low_hay, starts):
        publisher[i] = None
    for i in np.flatnonzero(code == _codes("©")[0]).tolist():
        publisher[int(np.searchsorted(starts, i, side="right")) - 1] = None
    for i in _lines_holding((b"access to ", b"subscribe to "), raw_hay, starts):
        publisher[i] = None
    rows = x.tobytes()
    step = _NF * 8
    stamp = [None if d else _NO_STAMP for d in has_digit.tolist()]
    from copytrace.chrome import CHROME_MAX_LINE_CHARS, joined_key_entries

    # The hard rules (_hard_line), the rare tests on the few lines they can hold for.
    # (a stamp line has a digit and at most _STAMP_MAX_CHARS characters)
    chrome_match = _CHROME_LINE_RE.match
    hard = [chrome_match(key) is not None for key in keys]
    for i in np.flatnonzero(np.isin(head, _CREDIT_LINE_CODES)).tolist():
        t = texts[i]
        hard[i] = (
            hard[i]
            or _CREDIT_LINE_RE.match(t) is not None
            or (t[:9].lower().startswith(_NOTICE_OPENERS) and _is_notice(t))
        )
    # (_is_notice's other near-ASCII lines: a reserved-rights phrase, or "©")
    notice_at = _lines_holding(_NOTICE_NEEDLES, low_hay, starts)
    copyright_mark = np.flatnonzero(code == _codes("©")[0])
    notice_at.extend(np.unique(np.searchsorted(starts, copyright_mark, side="right") - 1).tolist())
    for i in notice_at:
        hard[i] = hard[i] or _is_notice(texts[i])
    # (_is_stamp: 1 to 14 words; the date it parses is the line's stamp, see _Line.stamp)
    stamp_word = _STAMP_WORD_RE.match
    for i in np.flatnonzero(has_digit & (lens <= _STAMP_MAX_CHARS) & (k >= 1) & (k <= 14)).tolist():
        if hard[i] or sum(1 for w in words[i] if not stamp_word(w)) > 1:
            continue
        t = texts[i]
        found = parse_published(t)
        hard[i] = found is not None
        stamp[i] = (found if "(@" not in t else None,)
    for i in np.flatnonzero(n_glued >= _GLUE_MIN_CHUNKS).tolist():
        if glued[i] >= _GLUE_MIN_SHARE * len(texts[i].split()):
            hard[i] = True
    for i in np.flatnonzero(template).tolist():
        hard[i] = True
    langs = _joined_stop_counts(wb, k)  # (the stopwords' languages, counted)
    # (see _chrome_entry)
    entries = joined_key_entries(joined_keys, lens <= CHROME_MAX_LINE_CHARS)
    out = []
    new_line = _Line.__new__
    row_of = [rows[a : a + step] for a in range(0, len(rows), step)]
    # (the lists zipped, not indexed: ~25% less time a line)
    for t, w, key, g, tm, h, row, lg, entry, pub, st in zip(
        texts,
        words,
        keys,
        glued,
        template,
        hard,
        row_of,
        langs,
        entries,
        publisher,
        stamp,
        strict=True,
    ):
        ln = new_line(_Line)
        ln.text = t
        ln.words = w
        ln.key = key
        ln.glued = g
        ln.template = tm
        ln.nwords = n = len(w)
        ln.hard = h
        ln._row = row
        ln.stop_counts = lg
        ln.prefix = " ".join(w[:2]) if n >= 3 else ""
        ln._title = ln._density = ln._content = None
        ln.entry = entry
        ln._publisher = pub
        # (every date pattern holds a digit)
        ln._stamp = st
        # (_content on first use: only the lines near a page's body need them)
        out.append(ln)
    return out


class _Page:
    """A page's spans and lines, and their hard-chrome mask."""

    __slots__ = ("hard", "lines", "spans")

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = spans
        self.lines = _page_lines([text[s:e] for s, e in spans])
        self.hard = np.array([ln.hard for ln in self.lines], dtype=bool)


# The features, the hard rules, the title and the stamp all read the same page's
# lines: keep the last page's (one page, so memory stays bounded by one page):
# its text, its spans as given and as a tuple, and the _Page.
_LAST_PAGE: list[Any] = [None, None, None, None]


def _cached_page(text: str, spans: tuple[tuple[int, int], ...]) -> _Page:
    last = _LAST_PAGE
    if last[3] is not None and (last[0] is text or last[0] == text) and last[2] == spans:
        return last[3]
    page = _Page(text, spans)
    last[:] = [text, spans, spans, page]
    return page


def _forget_page() -> None:
    _LAST_PAGE[:] = [None, None, None, None]


_cached_page.cache_clear = _forget_page  # type: ignore[attr-defined]


def _page(text: str, spans: Sequence[tuple[int, int]]) -> _Page:
    last = _LAST_PAGE
    if last[3] is not None and last[1] is spans and last[0] is text and type(spans) is tuple:
        return last[3]
    return _cached_page(text, tuple([(s, e) for s, e in spans]))


def _lines(text: str, spans: Sequence[tuple[int, int]]) -> list[_Line]:
    return _page(text, spans).lines


def _densest_block(prose: np.ndarray, nwords: np.ndarray) -> tuple[int, int]:
    """``[lo, hi)`` line range maximising prose words minus a cost per other line."""
    gain = np.where(prose, nwords, -_NONPROSE_COST - 0.1 * nwords).tolist()
    best, best_lo, best_hi = 0.0, 0, 0
    run, lo = 0.0, 0
    for i, g in enumerate(gain):
        if run <= 0:
            run, lo = 0.0, i
        run += g
        if run > best:
            best, best_lo, best_hi = run, lo, i + 1
    return best_lo, best_hi


def _teaser_glue(line: str) -> bool:
    """A title-case headline run straight into the first words of its teaser."""
    # A capital opening a lowercase run right after a glue character: without
    # one the teaser pattern cannot match (a cheap scan that skips most lines).
    if _TEASER_HINT_RE.search(line) is None:
        return False
    m = _TEASER_GLUE_RE.search(line)
    if m is None:
        return False
    head = line[: m.end()].split()
    if len(head) < _TEASER_MIN_WORDS or len(line[m.end() :].split()) < _TEASER_MIN_WORDS:
        return False
    alpha = [w for w in head if w[:1].isalpha()]
    return bool(alpha) and sum(w[0].isupper() for w in alpha) / len(alpha) >= (
        _TEASER_MIN_TITLE_CASE
    )


def _static_row(ln: _Line) -> list[float]:
    """The feature row of one line, but for the columns that depend on its page."""
    t = ln.text
    w = ln.words
    k = len(w)
    col = _COL
    # The case-insensitive searches: on an ASCII line the lowercase patterns
    # over the lowercased line match exactly where the originals match, faster.
    ascii_line = t.isascii()
    # Lines without the four characters that match ASCII letters only when case
    # is ignored (İ ı ſ K) lower to the same length and word characters: the
    # lowercase patterns over the lowered line match where the caseless ones do.
    simple = ascii_line or _CASE_SPECIAL_RE.search(t) is None
    if simple:
        probe, phrase_re, credit_re, comment_re, date_re = t.lower(), *_LOWER_RES
    else:
        probe, phrase_re, credit_re, comment_re, date_re = t, *_CASELESS_RES
    chunks = t.split()
    if "\n" in t:  # ($ also matches before a final line break; spans hold none)
        ep = bool(_END_PUNCT_RE.search(t)) and not t.endswith(":")
    else:  # _END_PUNCT_RE: a closing mark, then only closing quotes/brackets to the end
        bare = t.rstrip(_CLOSERS)
        ep = bare != "" and bare[-1] in _END_MARKS and not t.endswith(":")
    row = [0.0] * _NF
    row[col["log_words"]] = math.log1p(k)
    row[col["short"]] = k <= 3
    row[col["words_4_7"]] = 4 <= k <= 7
    row[col["words_8_15"]] = 8 <= k <= 15
    row[col["words_16_30"]] = 16 <= k <= 30
    row[col["long"]] = k > 30
    row[col["end_punct"]] = ep
    row[col["sentences"]] = min(len(_SENT_END_RE.findall(t)), 5) / 5
    row[col["commas"]] = min(t.count(",") + t.count("、") + t.count("，"), 5) / 5
    _chunk_case(row, chunks, ascii_line)
    # An ASCII line without a digit has no word with one (NFKD can make digits).
    if k and (not ascii_line or _DIGIT_RE.search(t)):
        # (a word of letters only has no digit)
        row[col["digits"]] = sum(map(bool, map(_DIGIT_RE.search, filterfalse(str.isalpha, w)))) / k
    if ascii_line:  # ASCII letters are the bytes the deletion drops
        row[col["alpha"]] = (len(t) - len(t.encode("ascii").translate(None, _ASCII_LETTERS))) / len(
            t
        )
    else:
        row[col["alpha"]] = sum(map(str.isalpha, t)) / len(t)
    row[col["glue"]] = min(ln.glued, 4) / 4
    row[col["glue_any"]] = ln.glued > 0
    if k > 14:
        row[col["comment_header"]] = False
    elif simple and not _COMMENT_ENDS.search(probe):
        # Without a "says"-like word only the line-start alternatives can match.
        row[col["comment_header"]] = bool(comment_re.match(probe))
    else:
        row[col["comment_header"]] = bool(comment_re.search(probe))
    row[col["section_end"]] = k <= 8 and bool(_SECTION_END_RE.match(ln.key))
    row[col["template"]] = ln.template
    row[col["teaser_glue"]] = _teaser_glue(t)
    phrase = bool(phrase_re.search(probe))
    row[col["chrome_phrase"]] = phrase
    row[col["chrome_phrase_short"]] = phrase and k <= 12
    row[col["bullet"]] = bool(_BULLET_RE.match(t))
    if _SEPARATOR_HINT_RE.search(t):  # every separator holds one of these marks
        row[col["separators"]] = min(len(_SEPARATOR_RE.findall(t)), 4) / 4
    row[col["url"]] = ("://" in t or "www." in t or "@" in t) and bool(_URL_RE.search(t))
    row[col["credit"]] = (not simple or _credit_hint(probe)) and bool(credit_re.search(probe))
    row[col["date_short"]] = (
        k <= 12
        and (not simple or bool(_DIGIT_RE.search(t)) or bool(_DATE_WORDS.search(probe)))
        and bool(date_re.search(probe))
    )
    row[col["colon_end"]] = t.endswith(":")
    row[col["lower_start"]] = t[:1].islower()
    row[col["quote"]] = t[:1] in "\"“„«'‘"
    return row


_UPPER_ASCII = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _chunk_case(row: list[float], chunks: list[str], ascii_line: bool) -> None:
    """``title_case`` and ``upper``: shares of the chunks opening with a letter
    that open with a capital / are all capitals (more than one character)."""
    if ascii_line:  # count letters and capitals among the chunks' first characters
        firsts = "".join(map(_FIRST, chunks)).encode("ascii")
        n_alpha = len(firsts) - len(firsts.translate(None, _ASCII_LETTERS))
        if n_alpha:
            n_title = len(firsts) - len(firsts.translate(None, _UPPER_ASCII))
            n_upper = sum(1 for c in filter(str.isupper, chunks) if c[0].isalpha() and len(c) > 1)
            row[_COL["title_case"]] = n_title / n_alpha
            row[_COL["upper"]] = n_upper / n_alpha
        return
    alpha_chunks = [c for c in chunks if c[:1].isalpha()]
    if alpha_chunks:
        n_alpha = len(alpha_chunks)
        row[_COL["title_case"]] = sum(map(str.isupper, map(_FIRST, alpha_chunks))) / n_alpha
        row[_COL["upper"]] = (
            sum(map(str.isupper, alpha_chunks))
            - sum(map(str.isupper, [c for c in alpha_chunks if len(c) == 1]))
        ) / n_alpha


def _page_stop(lines: Sequence[_Line], n_words: int) -> frozenset[str]:
    """``stoplists.page_stoplist`` of the page's words, from each line's stopwords.

    Words in no stoplist add nothing to any language (nor to a tie's order).
    """
    if not n_words:
        return frozenset()
    rows = b"".join([ln.stop_counts for ln in lines])
    if not rows:
        return frozenset()
    # Each stopword's languages counted once per occurrence: the same integer sums
    # as page_stoplist's weighted bincount.
    hits = stop_count_sums(rows)
    return stoplist_of_hits(
        hits, n_words, lambda: Counter(chain.from_iterable([ln.stops for ln in lines]))
    )


def line_features(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Feature matrix (one row per span, columns named by ``FEATURES``).

    ``spans`` are the page's lines as returned by :func:`line_spans`.

    Example:
        >>> t = "Home\\nThe minister said on Monday that talks would go on.\\n"
        >>> x = line_features(t, line_spans(t))
        >>> x.shape == (2, len(FEATURES))
        True
    """
    lines = _lines(text, spans)
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    col = _COL
    x = np.frombuffer(bytearray(b"".join([ln._row for ln in lines])), dtype=np.float64)
    x = x.reshape(n, _NF)
    nwords = np.array([ln.nwords for ln in lines], dtype=np.float64)
    stop = _page_stop(lines, int(nwords.sum()))
    stop_density = np.array([ln.stop_density(stop) for ln in lines]) if stop else np.zeros(n)
    x[:, col["stop"]] = stop_density
    x[:, col["no_stoplist"]] = float(not stop)
    keys = Counter([ln.key for ln in lines])
    x[:, col["repeated"]] = [keys[ln.key] > 1 for ln in lines]
    se = np.asarray(spans, dtype=np.int64).reshape(n, 2)
    x[:, col["position"]] = (se[:, 0] + se[:, 1]) / 2 / max(1, len(text))
    end_punct = x[:, col["end_punct"]] > 0

    prose = (nwords >= _PROSE_MIN_WORDS) & (end_punct | (stop_density >= _PROSE_MIN_STOP))
    x[:, col["prose"]] = prose
    x[:, col["long_prose"]] = prose & (nwords > 30)
    x[0, col["first"]] = 1.0
    x[-1, col["last"]] = 1.0
    x[:, col["page_prose_share"]] = float(nwords[prose].sum() / max(1.0, nwords.sum()))
    x[:, col["page_log_lines"]] = math.log1p(n)
    chromy = (x[:, col["chrome_phrase_short"]] > 0) | (x[:, col["separators"]] > 0)
    chromy |= (x[:, col["glue"]] >= 0.5) | (x[:, col["template"]] > 0)
    x[:, col["page_chrome_lines"]] = math.log1p(int(chromy.sum()))
    headers = x[:, col["comment_header"]]
    if headers.sum() >= 2:  # a comment section: count the headers above each line
        x[:, col["after_comments"]] = np.log1p(np.cumsum(headers))
    lo, hi = _densest_block(prose, nwords)
    idx = np.arange(n)
    dist = np.where(idx < lo, lo - idx, np.where(idx >= hi, idx - hi + 1, 0))
    x[:, col["in_core"]] = (idx >= lo) & (idx < hi)
    x[:, col["core_dist"]] = np.log1p(dist)

    short = (nwords <= 4).tolist()
    run = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and short[j] == short[i]:
            j += 1
        if short[i]:
            run[i:j] = j - i
        i = j
    x[:, col["run_short"]] = np.log1p(run)
    # Other lines opening with the same two words: widgets ("Share this with
    # Email", "Share this with Twitter"), but also the items of an article's lists.
    prefixes = [ln.prefix for ln in lines]
    openings = Counter(prefixes)
    x[:, col["prefix_repeat"]] = [math.log1p(openings[q] - 1) if q else 0.0 for q in prefixes]

    # Two line breaks in the gap before (after) a line; the page's edges count.
    gaps = [text.count("\n", spans[i][1], spans[i + 1][0]) >= 2 for i in range(n - 1)]
    x[:, col["blank_before"]] = [True, *gaps]
    x[:, col["blank_after"]] = [*gaps, True]
    lw = x[:, col["log_words"]]
    x[1:, col["prev_log_words"]] = lw[:-1]
    x[:-1, col["next_log_words"]] = lw[1:]
    pf = prose.astype(np.float64)
    x[1:, col["prev_prose"]] = pf[:-1]
    x[:-1, col["next_prose"]] = pf[1:]
    padded = np.concatenate([np.zeros(3), pf, np.zeros(3)])
    x[:, col["window_prose"]] = sum(padded[k : k + n] for k in range(7)) / 7
    return x


# --------------------------------------------------------------------------------------
# Stage 2: a line in the context of its neighbours' stage-1 scores
# --------------------------------------------------------------------------------------

_CONTEXT: tuple[str, ...] = (
    "p1",
    "p1_prev",
    "p1_next",
    "p1_prev2",
    "p1_next2",
    "p1_window_mean",
    "p1_window_max",
    "p1_in_block",
    "p1_block_dist",
    "p1_good_dist",
)
STAGE2_FEATURES: tuple[str, ...] = FEATURES + _CONTEXT
_WINDOW = 3  # lines each side for the window features


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q)) / 5.0


def stage2_features(x: np.ndarray, p1: np.ndarray) -> np.ndarray:
    """Stage-2 features: a line's own features plus its neighbours' stage-1 scores.

    Example:
        >>> t = "Home\\nThe minister said on Monday that talks would go on.\\n"
        >>> x = line_features(t, line_spans(t))
        >>> stage2_features(x, np.array([0.1, 0.9])).shape == (2, len(STAGE2_FEATURES))
        True
    """
    n = len(p1)
    c = np.zeros((n, len(_CONTEXT)))
    if n == 0:
        return np.hstack([x, c])
    pad = np.concatenate([np.zeros(_WINDOW), p1, np.zeros(_WINDOW)])
    c[:, 0] = _logit(p1)
    c[:, 1] = pad[_WINDOW - 1 : _WINDOW - 1 + n]
    c[:, 2] = pad[_WINDOW + 1 : _WINDOW + 1 + n]
    c[:, 3] = pad[_WINDOW - 2 : _WINDOW - 2 + n]
    c[:, 4] = pad[_WINDOW + 2 : _WINDOW + 2 + n]
    windows = np.stack(
        [pad[_WINDOW + k : _WINDOW + k + n] for k in range(-_WINDOW, _WINDOW + 1) if k]
    )
    c[:, 5] = windows.mean(axis=0)
    c[:, 6] = windows.max(axis=0)
    nwords = np.expm1(x[:, FEATURES.index("log_words")])
    lo, hi = _densest_block(p1 >= 0.5, nwords)
    idx = np.arange(n)
    dist = np.where(idx < lo, lo - idx, np.where(idx >= hi, idx - hi + 1, 0))
    c[:, 7] = (idx >= lo) & (idx < hi)
    c[:, 8] = np.log1p(dist)
    c[:, 9] = np.log1p(_good_dist(p1 >= 0.5))
    return np.hstack([x, c])


def _good_dist(good_mask: np.ndarray) -> np.ndarray:
    """Each line's distance to the nearest *other* good line (``n`` when none), in O(n).

    Example:
        >>> _good_dist(np.array([True, False, False, True, False])).tolist()
        [3, 1, 1, 3, 1]
    """
    n = len(good_mask)
    good = np.flatnonzero(good_mask)
    if len(good) == 0:
        return np.full(n, n, dtype=np.int64)
    idx = np.arange(n)
    # The nearest good line at or after each line, and the last one before it; a
    # good line skips itself on the right (it is never its own left neighbour).
    pos = np.searchsorted(good, idx)
    padded = np.concatenate([good, [n, n]])  # n marks "none"
    right = padded[pos + good_mask.astype(np.int64)]
    left = np.where(pos > 0, good[np.maximum(pos - 1, 0)], -1)
    dist_right = np.where(right < n, right - idx, n)
    dist_left = np.where(left >= 0, idx - left, n)
    return np.minimum(np.minimum(dist_left, dist_right), n)


# Hard rules: a line with this many chunks of glued words ("IconIcon", "ChevronTitle")
# making up at least this share of its chunks is a row of icon names, never text.
_GLUE_MIN_CHUNKS = 3
_GLUE_MIN_SHARE = 0.2
# In-article ad labels (keys): the article runs on after them, so the neighbour rule
# of decide looks past them, as past a page's learned chrome.
_INTERSTITIAL = (
    r"advertisement|(?:the )?(?:story|article) continues(?: below| after)?"
    r"(?: (?:this |the )?(?:ad|advert|advertisement))?"
    r"|continue reading (?:below|the main story)"
    r"|реклама|anzeige|publicidad|pubblicit[aà]|publicidade"
)
_INTERSTITIAL_RE = re.compile(rf"^(?:{_INTERSTITIAL})$")
# A CJK date stamp line's key ("2018年5月21日 09:56", "发布时间：2018年5月21日（月）
# 15時30分", "2018년 5월 21일 오후 3:56"), with its zone and source: chrome, and the
# page's stamp however many characters (words, to the line model) it holds.
_CJK_STAMP_KEY = (
    r"(?:\S{1,6} )?0 ?[年년] ?0 ?[月월] ?0 ?[日일号]?"
    r"(?: ?(?:周|週|星期)?[月火水木金土日一二三四五六天])?"
    r"(?: ?(?:上午|下午|午前|午後|오전|오후))?(?: ?0(?: ?[時时点點시](?: ?0 ?[分분]?)?)?)?"
    r"(?: ?(?:北京时间|北京時間|日本时间|日本時間|한국 ?시간|jst|kst))?(?: (?:来源|來源) \S{1,24})?"
)
_CJK_STAMP_RE = re.compile(rf"^(?:{_CJK_STAMP_KEY})$")
# Whole lines an editor always cuts: widget labels, share bars, paywall prompts.
_CHROME_LINE_RE = re.compile(
    r"^(?:0 pages? in this article|(?:show|load|read|see|view) (?:more|all)\b.{0,24}"
    r"|in other media|partner news|(?:about )?sponsored(?: content| by\b.*)?"
    rf"|{_INTERSTITIAL}"
    r"|share(?: this(?: article| story| page)?)?(?: on [\w ]+| via [\w ]+)?|tweet|print|e ?mail"
    r"|0 comments?|related(?: articles| stories| news| posts| content)?"
    r"|(?:follow|like) us(?: on [\w ]+)?|back to top"
    # skip links, in the languages we read ("Skip to main content", "Pular para o
    # conteúdo", "Перейти к контенту", "본문 바로가기")
    r"|skip to(?: the| main)* (?:content|article|navigation|search|footer|section links"
    r"|site index)(?: ?skip to [\w ]+)?|(?:pular|ir) para o conte[uú]do|(?:saltar|ir) al contenido"
    r"|(?:direkt )?zum inhalt(?: springen)?|(?:aller|passer) au contenu|vai al contenuto"
    r"|naar de inhoud|перейти к (?:контенту|содержанию|содержимому)|본문 ?바로 ?가기"
    r"|跳(?:至|到|转到)(?:主要)?内容|(?:本文|コンテンツ)へ(?:スキップ|移動)"
    r"|(?:you have|this is your last) .{0,40}\bfree articles?\b.*|get unlimited access"
    r"|already a (?:subscriber|member)\b.*|subscribe(?: now| today)?|sign (?:up|in)|log ?in"
    # paywall prompts, whatever follows them (a CMS's template, one per site name:
    # chrome learning misses it where a site has few pages in the corpus)
    r"|subscribe(?: now| today)? (?:to|and) (?:keep|continue) reading\b.*"
    r"|(?:this|the) (?:article|story|content) is (?:only )?(?:for|available (?:only )?to"
    r"|reserved for) (?:paying )?(?:subscribers|members)(?: only)?"
    r"(?: (?:already|log|sign|subscribe|get|please|to (?:continue|keep|read))\b.*)?"
    r"|thank you for reading\b.{0,60}\b(?:sign in|log ?in|subscribe)\b.*"
    r"|(?:please )?(?:sign in|log ?in|subscribe|register)(?: or (?:subscribe|register|sign up))?"
    r" to (?:continue|keep) reading\b.*"
    r"|you need an? (?:active )?subscription to\b.*"
    r"|currency converter|all news|use filter"
    # The same labels in a few other languages (ru, de, fr, es, it, pt).
    r"|показать (?:еще|ещё|больше)|читать (?:далее|также)|читайте также|поделиться"
    r"|mehr (?:anzeigen|lesen)|weiterlesen|teilen|lire la suite|voir plus|partager"
    r"|ver m[aá]s|leer m[aá]s|compartir|leggi anche|condividi"
    r"|ver mais|leia (?:mais|tamb[eé]m)|compartilhe|compartilhar"
    # ... and in Chinese, Japanese and Korean (share, editor, source lines, more,
    # print, back to top)
    r"|分享到.{0,40}|分享|(?:责任编辑|責任編輯|编辑|編輯) \S{1,12}|(?:0 )*(?:来源|來源) \S{1,24}"
    r"|打印|关闭窗口|關閉窗口|返回顶部|返回頂部|扫一扫.{0,30}|展开全文|阅读全文|查看更多|更多"
    r"|シェア(?:する)?|続きを読む|もっと見る|関連記事|印刷"
    r"|공유(?:하기)?|더 ?보기|관련 ?기사|인쇄"
    r"|(?:로그인|회원 ?가입|登录|注册|ログイン|会員登録|新規登録)"
    r"(?: (?:로그인|회원 ?가입|登录|注册|ログイン|会員登録|新規登録))?"
    # a Korean reporter's line ("홍길동 기자 gildong@example.com") and stamp ("입력
    # 2018.05.21 15:30 수정 2018.05.21 16:02")
    r"|[가-힣]{2,4} 기자(?: [a-z0-9]+){0,4}"
    r"|(?:(?:기사 ?)?입력|등록|승인|송고)(?: 0){1,3}(?: (?:최종 ?)?(?:수정|업데이트)(?: 0){1,3})?"
    rf"|{_CJK_STAMP_KEY})$"
)
# A photo credit line: "Photo: Reuters", "Image credit: Getty".
_CREDIT_LINE_RE = re.compile(r"^(?:photo|image|picture|credit)s?(?: credits?)?\s*:", re.I)
# A copyright notice (searched in the lowered line): a caption's credit ("Image
# copyright Getty Images"), a reserved-rights phrase in one of the languages we read
# ("All rights reserved", "무단전재 및 재배포금지", "版权所有"), or a short line opening
# with the mark ("© Reuters", "Copyright ⓒ Entermedia.co.kr", "copyright Inexhibit
# 2019"). trafilatura keeps such footers inside an article's container: on the
# scrapinghub pages two pages of one Korean site paired on theirs.
_NOTICE_RE = re.compile(
    r"^(?:image|photo|picture)s? (?:copyright|credit|source)s?\b"
    r"|all rights reserved|tous droits r[ée]serv[ée]s|tod[oa]s l[oa]s derechos reservados"
    r"|todos os direitos reservados|alle rechte vorbehalten|tutti i diritti riservati"
    r"|alle rechten voorbehouden|все права защищены"
    r"|무단 ?전재|재배포 ?금지|無断(?:転載|複製)|禁止转载|版权所有|版權所有|转载请注明"
)
_NOTICE_OPEN_RE = re.compile(r"^(?:©|ⓒ|copyright\s*(?:©|ⓒ|\(c\)|(?=.{0,60}\b(?:19|20)\d\d\b)))")
# The notice rules hold for lines of at most this many words, the mark's opening
# for at most the second (longer lines with the phrase are sentences about it).
_NOTICE_MAX_WORDS = 30
_NOTICE_OPEN_MAX_WORDS = 12
# Substrings every notice holds (one is looked for before the regexes run).
_NOTICE_HINTS = (
    "©", "ⓒ", "copyright", "rights", "réserv", "reservados", "vorbehalten", "riservati",
    "voorbehouden", "права", "무단", "재배포", "無断", "转载", "版权", "版權", "image", "photo",
    "picture",
)  # fmt: skip
# (a near-ASCII line is a notice only if it opens with one of the first or holds
# one of the second, or "©": see _near_ascii_lines)
_NOTICE_OPENERS = ("image", "photo", "picture", "copyright")
_NOTICE_NEEDLES = (b"reserv", b"riserv", b"vorbeh", b"voorbeh")


def _is_notice(line: str) -> bool:
    """Whether ``line`` is a copyright notice (see _NOTICE_RE)."""
    low = line.lower()
    if not any(h in low for h in _NOTICE_HINTS):
        return False
    n = len(line.split())
    if n > _NOTICE_MAX_WORDS:
        return False
    return _NOTICE_RE.search(low) is not None or (
        n <= _NOTICE_OPEN_MAX_WORDS and _NOTICE_OPEN_RE.match(low) is not None
    )


# Headings that open a block of chrome after the article: what follows them is
# chrome unless strong article text comes back.
_SECTION_END_RE = re.compile(
    r"^(?:(?:about )?sponsored(?: content| links| stories)?|related(?: \w+){0,2}"
    r"|more (?:from|on|in|stories|news|articles|headlines)\b.{0,30}"
    r"|recommended(?: for you| stories| articles| reading)?|you (?:may|might) (?:also )?like"
    r"|read next|most (?:popular|read|viewed|shared)(?: \w+)?|popular (?:stories|articles|posts)"
    r"|trending(?: now| stories)?|0? ?comments?|leave a (?:reply|comment)|show more|in other media"
    r"|partner news|latest (?:news|stories|headlines)|top stories|editor s picks"
    r"|around the web|from the web|promoted (?:stories|content|links)|we recommend"
    r"|further reading|more to explore|what to read next)$"
)
# What counts as strong article text after such a heading (see decide).
_STRONG_P = 0.75
_STRONG_WORDS = 12

# Date words of a time stamp line ("May 21, 2018, 9:56 UTC+3 TOKYO").
_STAMP_WORD_RE = re.compile(
    r"^(?:\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march"
    r"|april|june|july|august|september|october|november|december|mon|tue|wed|thu|fri|sat|sun"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|am|pm|utc|gmt|msk|est|edt|cst"
    r"|cdt|mst|mdt|pst|pdt|bst|cet|cest|jst|kst|updated|published|posted|on|at|last|by)$"
)


_STAMP_MAX_CHARS = 120


def _is_stamp(line: str, words: Sequence[str] | None = None) -> bool:
    """A time stamp line: a parseable date and at most one other word (a place)."""
    if len(line) > _STAMP_MAX_CHARS or not _DIGIT_RE.search(line):
        return False
    if words is None:
        words = _words(line)
    if not words or len(words) > 14:
        return False
    # (the word test first: parsing the date costs more)
    if sum(1 for w in words if not _STAMP_WORD_RE.match(w)) > 1:
        return False
    return parse_published(line) is not None


def hard_chrome(line: str) -> bool:
    """True for lines that are chrome whatever the model says.

    Unrendered templates, rows of glued icon names, widget/share/paywall labels
    and bare time stamps (the stamp goes to ``published``, not to ``content``).

    Example:
        >>> hard_chrome("You have {{numberArticlesLeft}} free articles left")
        True
        >>> hard_chrome("1 pages in this article"), hard_chrome("Show more")
        (True, True)
        >>> hard_chrome("The talks will resume in the autumn, officials said.")
        False
    """
    return _line(line).hard


def _hard_line(ln: _Line) -> bool:
    if ln.template:
        return True
    if ln.glued >= _GLUE_MIN_CHUNKS and ln.glued >= _GLUE_MIN_SHARE * len(ln.text.split()):
        return True
    line = ln.text
    return (
        bool(_CHROME_LINE_RE.match(ln.key) or _CREDIT_LINE_RE.match(line))
        or _is_notice(line)
        or _is_stamp(line, ln.words)
    )


def hard_chrome_lines(lines: Sequence[str]) -> list[bool]:
    """Whether each line (one without a line break) is chrome by the rules an editor
    always cuts by: widget labels, share bars, paywall prompts, photo credits, lone
    date stamps, unrendered templates, glued icon names.

    Example:
        >>> hard_chrome_lines(["Advertisement", "The talks went on.", "", "Photo: Reuters"])
        [True, False, False, True]
    """
    return [_is_hard(t) if t.strip() else False for t in lines]


class _HardView:
    """What :func:`_hard_line` reads of a line, and no more (a ``_Line``'s features
    cost ~20 times as much)."""

    __slots__ = ("glued", "key", "template", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key = line_key(text)
        self.glued = _glued(text)
        self.template = _TEMPLATE_RE.search(text) is not None
        self.words: list[str] | None = None  # (_is_stamp reads them when it must)


def _is_hard(text: str) -> bool:
    """``_Line(text).hard``: the memo's, else the hard rules on the few fields they read."""
    known = _KEPT.get(text) or _MEMO.get(text)
    if known is not None:
        return known.hard
    return _hard_line(cast(_Line, _HardView(text)))


def hard_chrome_mask(
    text: str, spans: Sequence[tuple[int, int]], chrome: frozenset[str] = frozenset()
) -> np.ndarray:
    """Boolean mask of the lines :func:`hard_chrome` or the ``chrome`` key set removes."""
    return _hard_and_passed(_page(text, spans), chrome)[0]


def passed_mask(
    text: str, spans: Sequence[tuple[int, int]], chrome: frozenset[str] = frozenset()
) -> np.ndarray:
    """Boolean mask of the chrome lines :func:`decide`'s neighbour rule looks past.

    In-article ad labels, and lines that are chrome only because the source's pages
    repeat them (a promo, a "READ MORE" teaser): the article may run on after them.

    Example:
        >>> page = "The talks went on.\\nAdvertisement\\nThey ended on Monday.\\nShow more"
        >>> passed_mask(page, line_spans(page)).tolist()
        [False, True, False, False]
    """
    return _hard_and_passed(_page(text, spans), chrome)[1]


def _hard_and_passed(page: _Page, chrome: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    hard = page.hard.copy()
    passed = np.zeros(len(hard), dtype=bool)
    for i in np.flatnonzero(hard).tolist():
        passed[i] = _INTERSTITIAL_RE.match(page.lines[i].key) is not None
    if chrome:
        learned = np.array([ln.key in chrome for ln in page.lines], dtype=bool)
        passed |= learned & ~hard
        hard |= learned
    return hard, passed


def decide(
    x: np.ndarray,
    p2: np.ndarray,
    threshold: float,
    hard: np.ndarray,
    margin: float = 0.0,
    passed: np.ndarray | None = None,
) -> np.ndarray:
    """Which lines to keep, from their stage-2 scores, as jusText settles its blocks.

    Lines scoring at least ``threshold + margin`` are article text, lines under
    ``threshold - margin`` (or ``hard`` chrome, or without words) are not. A line
    in between takes the class of its nearest settled neighbours when both agree
    (a short line between paragraphs stays, one inside a menu goes), else, or
    when no line of the page is settled article text, its own score against
    ``threshold`` decides. The ``passed`` chrome lines (see :func:`passed_mask`)
    are dropped but not neighbours: the rule looks past them.

    Example:
        >>> x = np.zeros((3, len(FEATURES))); x[:, FEATURES.index("log_words")] = 1.0
        >>> no = np.zeros(3, dtype=bool)
        >>> decide(x, np.array([0.9, 0.45, 0.9]), 0.5, no, margin=0.2).tolist()
        [True, True, True]
        >>> decide(x, np.array([0.9, 0.1, 0.55]), 0.5, no, margin=0.2).tolist()
        [True, False, False]
        >>> decide(x, np.array([0.1, 0.55, 0.1]), 0.5, no, margin=0.2).tolist()  # none settled
        [False, True, False]
    """
    n = len(p2)
    empty = x[:, FEATURES.index("log_words")] <= 0
    bad = hard | empty | (p2 < threshold - margin)
    good = ~bad & (p2 >= threshold + margin)
    keep = good.copy()
    # Nearest settled line before/after each line: +1 good, -1 bad (or the page edge).
    unsettled = np.flatnonzero(~good & ~bad).tolist()
    if unsettled:
        settled_at = np.flatnonzero(good | (bad if passed is None else bad & ~passed))
        sign = np.where(good[settled_at], 1, -1)
        # the settled line before each line, and the one after it
        k = np.searchsorted(settled_at, np.arange(n))
        before = np.where(k > 0, sign[np.maximum(k - 1, 0)], -1) if len(sign) else np.full(n, -1)
        k_after = np.searchsorted(settled_at, np.arange(n), side="right")
        after = (
            np.where(k_after < len(sign), sign[np.minimum(k_after, len(sign) - 1)], -1)
            if len(sign)
            else np.full(n, -1)
        )
        before_l, after_l, p2_l = before.tolist(), after.tolist(), p2.tolist()
        # With no settled article line on the page (a short page, one paragraph) the
        # neighbours say nothing: unsettled lines go by their own score.
        settled = bool(good.any())
        for i in unsettled:
            if settled and before_l[i] == after_l[i]:
                keep[i] = before_l[i] > 0
            else:
                keep[i] = p2_l[i] >= threshold
    # After the article, a "Sponsored Content" / "Related" / "Comments" heading opens
    # chrome: drop what follows unless strong article text comes back.
    nwords = np.expm1(x[:, _COL["log_words"]])
    strong = (p2 >= _STRONG_P) & (nwords >= _STRONG_WORDS) & ~hard
    # strong_after[i]: a strong line after line i
    strong_after = np.zeros(n, dtype=bool)
    strong_after[:-1] = np.logical_or.accumulate(strong[::-1])[::-1][1:]
    kept = np.flatnonzero(keep)
    if len(kept):
        # the first heading after the first kept line with no strong line after it
        cut = np.flatnonzero((x[:, _COL["section_end"]] != 0) & ~strong_after)
        cut = cut[cut > kept[0]]
        if len(cut):
            keep[int(cut[0]) :] = False
    return np.asarray(keep, dtype=bool)


@dataclass(frozen=True, slots=True)
class Cleaner:
    """The fitted two-stage line classifier and its decision threshold."""

    stage1: LineModel
    stage2: LineModel
    threshold: float
    margin: float = 0.0

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Stage-2 probability that each line (row of ``x``) is article text."""
        return self.stage2.score(stage2_features(x, self.stage1.score(x)))

    def keep(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        x: np.ndarray | None = None,
        chrome: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """Boolean mask over ``spans``: the lines that are the article."""
        if x is None:
            x = line_features(text, spans)
        if not len(spans):
            return np.zeros(0, dtype=bool)
        hard, passed = _hard_and_passed(_page(text, spans), chrome)
        return decide(x, self.probabilities(x), self.threshold, hard, self.margin, passed)


# BEGIN FITTED
# fit by `copytrace eval extraction DIR --fit` on the 181 pages of scrapinghub
_STAGE1: dict[str, float] = {
    "bias": 2.8025,
    "log_words": 0.5061,
    "short": 0.2531,
    "words_4_7": -0.0889,
    "words_8_15": -0.5041,
    "words_16_30": -0.1498,
    "long": 0.4897,
    "prose": -1.3540,
    "long_prose": -0.3355,
    "end_punct": 1.5684,
    "sentences": 0.2564,
    "commas": 0.4291,
    "stop": 0.6539,
    "no_stoplist": -2.3004,
    "title_case": -0.3693,
    "upper": -0.5294,
    "digits": 1.3751,
    "alpha": -0.5209,
    "glue": 0.1678,
    "template": 0.0000,
    "chrome_phrase": -0.7678,
    "chrome_phrase_short": -0.4017,
    "bullet": -0.0782,
    "separators": -5.4211,
    "url": 0.4803,
    "credit": -2.7592,
    "date_short": -0.3292,
    "repeated": -1.2147,
    "colon_end": 1.8692,
    "lower_start": -0.6850,
    "quote": 1.1440,
    "position": -2.3510,
    "in_core": -0.2390,
    "core_dist": -0.6721,
    "run_short": -0.2576,
    "blank_before": 0.4126,
    "blank_after": 0.1048,
    "prev_log_words": 0.7367,
    "next_log_words": 0.6074,
    "prev_prose": -0.6653,
    "next_prose": -0.7163,
    "window_prose": 2.8105,
    "first": 0.3445,
    "last": 1.8274,
    "page_prose_share": -3.8905,
    "page_log_lines": -0.2779,
    "page_chrome_lines": -0.7226,
    "glue_any": 0.2028,
    "comment_header": -1.3651,
    "after_comments": -2.9600,
    "section_end": -2.9892,
    "teaser_glue": -2.3195,
    "prefix_repeat": 0.7184,
}
_STAGE2: dict[str, float] = {
    "bias": -1.2908,
    "log_words": 0.2646,
    "short": 0.4834,
    "words_4_7": 0.0991,
    "words_8_15": -0.1002,
    "words_16_30": -0.1322,
    "long": -0.3502,
    "prose": -0.1044,
    "long_prose": 0.3390,
    "end_punct": 0.6951,
    "sentences": -0.4025,
    "commas": -0.0058,
    "stop": 0.5495,
    "no_stoplist": -0.1527,
    "title_case": -0.5727,
    "upper": -0.3916,
    "digits": 0.7321,
    "alpha": 0.0441,
    "glue": 0.4447,
    "template": 0.0000,
    "chrome_phrase": -0.2725,
    "chrome_phrase_short": -0.8669,
    "bullet": 0.1327,
    "separators": -3.4717,
    "url": 0.4411,
    "credit": -2.0086,
    "date_short": 0.5073,
    "repeated": -0.4293,
    "colon_end": 1.1330,
    "lower_start": -0.0562,
    "quote": 0.8964,
    "position": 0.8245,
    "in_core": 0.5734,
    "core_dist": 0.4450,
    "run_short": -0.3131,
    "blank_before": -0.1815,
    "blank_after": -0.3768,
    "prev_log_words": -0.1666,
    "next_log_words": -0.1252,
    "prev_prose": 0.6643,
    "next_prose": 0.3753,
    "window_prose": -3.3049,
    "first": 1.6724,
    "last": 1.0879,
    "page_prose_share": -0.2256,
    "page_log_lines": -0.2027,
    "page_chrome_lines": 0.3793,
    "glue_any": -0.2113,
    "comment_header": -1.4666,
    "after_comments": 0.5856,
    "section_end": -1.7405,
    "teaser_glue": -1.1312,
    "prefix_repeat": 0.2022,
    "p1": 1.5838,
    "p1_prev": 0.3882,
    "p1_next": 0.7841,
    "p1_prev2": 0.2790,
    "p1_next2": -0.6238,
    "p1_window_mean": 6.4159,
    "p1_window_max": -0.9582,
    "p1_in_block": -0.1672,
    "p1_block_dist": -0.7074,
    "p1_good_dist": -0.0564,
}
_MARGIN = 0.3
_THRESHOLD = 0.45
# END FITTED


def _model(names: tuple[str, ...], weights: dict[str, float]) -> LineModel:
    missing = set(names) - set(weights)
    if missing:  # pragma: no cover - a stale constants block while features change
        logger.warning("fitted weights lack features %s; refit the cleaner", sorted(missing))
    return LineModel(names, tuple(weights.get(n, 0.0) for n in names), weights["bias"])


DEFAULT_CLEANER = Cleaner(
    _model(FEATURES, _STAGE1), _model(STAGE2_FEATURES, _STAGE2), _THRESHOLD, _MARGIN
)


# --------------------------------------------------------------------------------------
# Metadata: publication time, dateline, agency, title
# --------------------------------------------------------------------------------------


def _publisher(lines: Sequence[_Line]) -> str | None:
    """The outlet a page names: the first "X is part of Y" line's X (a group's site,
    whose copyright line names the group), else the last copyright line's owner,
    else the first subscription line's outlet (``clean_meta.publisher_of``)."""
    return clean_meta.outlet_of([ln.publisher() for ln in lines])


# Title: the first heading-like line, among this many lines before the body, that
# shares at least this share of its words (of 4+ letters) with the body. Checked
# against trafilatura's HTML title on the scrapinghub pages (docs/extraction.md).
_TITLE_WINDOW = 20  # lines with words, not counting chrome
_TITLE_MIN_WORDS = 3
_TITLE_MAX_WORDS = 30
_TITLE_MAX_LABEL_WORDS = 6
# A photo caption ends with its credit: "Titan in false colour. (NASA/JPL/SSI)".
_CAPTION_CREDIT_RE = re.compile(r"\([^()]*/[^()]*\)$")
_TITLE_MIN_OVERLAP = 0.5
# Kickers and labels ("Follow CNN Business") have fewer content words than this.
_TITLE_MIN_CONTENT_WORDS = 3
# Kept lines at the top of the body that may still be the headline.
_TITLE_BODY_LINES = 3
# The title's words are looked for in this many of the body's first lines, then in
# the rest when too few are found there.
_TITLE_EARLY_LINES = 8
_STATEMENT_END_RE = re.compile(r"[.!。！…:;][\"'”’»)\]]*$")
_STATEMENT_MARKS = ".!。！…:;"


def _statement(line: str) -> bool:
    """Whether ``line`` ends like a statement (``_STATEMENT_END_RE``): a mark, then only
    closing quotes and brackets."""
    if "\n" in line:  # ($ also matches before a final line break)
        return _STATEMENT_END_RE.search(line) is not None
    bare = line.rstrip(_CLOSERS)
    return bare != "" and bare[-1] in _STATEMENT_MARKS


_BULLET_OR_BYLINE_RE = re.compile(
    r"^(?:[*+•·▪►›»‣◦–—-]\s|\d{1,2}[.)]\s|by\s|image \d|photo \d)", re.I
)


def _title_like(ln: _Line) -> bool:
    line, words, hard = ln.text, ln.words, ln.hard
    if not (_TITLE_MIN_WORDS <= len(words) <= _TITLE_MAX_WORDS):
        return False
    if line[:1].islower() or line.endswith((",", ";", ":")) or hard:
        return False
    if _BULLET_OR_BYLINE_RE.match(line):
        return False
    # Short share/follow/subscribe labels ("Share this with Email", "More RSS feeds").
    # (the row's chrome_phrase: the same yes/no as _CHROME_PHRASE_RE.search(line))
    row = ln._row
    if len(words) <= _TITLE_MAX_LABEL_WORDS and _feature(row, "chrome_phrase"):
        return False
    if line.endswith(".") and len(words) > 20:
        return False
    if _CAPTION_CREDIT_RE.search(line):
        return False
    # The row's credit, url and separators: whether those patterns match the line.
    return not (_feature(row, "credit") or _feature(row, "url") or _feature(row, "separators"))


_F64 = struct.Struct("d")


def _feature(row: bytes, name: str) -> float:
    """Feature ``name`` of a line's row (``_Line._row``)."""
    return float(_F64.unpack_from(row, 8 * _COL[name])[0])


def _content_words(words: Sequence[str]) -> set[str]:
    return {w for w in words if len(w) >= 4 or not w.isascii()}


# Korean particles a word may end in, longest first: a headline says "회담" where
# the story says "회담을" or "회담은". A word is matched with and without one.
# (decomposed, as the words are: see text.normalize_word)
_PARTICLES = tuple(
    unicodedata.normalize("NFD", p)
    for p in (
        "에서는", "으로는", "에게서", "에서", "으로", "에게", "까지", "부터", "처럼", "보다",
        "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "만",
    )
)  # fmt: skip
# (at least two syllables left: "회의" is no "회" + "의"; a syllable opens with
# one of the leading consonants U+1100-U+1112)
_PARTICLE_STEM_MIN = 2
_LEADS = re.compile("[\u1100-\u1112]")
_HANGUL_RE = re.compile(f"[{HANGUL_CHARS}]")


def _particle_free(word: str) -> str:
    """``word`` (decomposed) without a Korean particle at its end (as it is when it
    has none)."""
    for p in _PARTICLES:
        if word.endswith(p):
            stem = word[: -len(p)]
            if len(_LEADS.findall(stem)) >= _PARTICLE_STEM_MIN:
                return stem
    return word


def _korean_words(words: Iterable[str]) -> set[str]:
    """``words`` and, for Korean ones, their forms without a particle."""
    out = set(words)
    out.update(_particle_free(w) for w in words if "\u1100" <= w[-1:] <= "\u11ff")
    return out


def _find_title(
    text: str,
    spans: Sequence[tuple[int, int]],
    keep: np.ndarray,
    kept: list[int] | None = None,
) -> int | None:
    """Index of the title line: the first heading-like line before the body about the body.

    Candidates lie in the window before the first article line, and among the
    first article lines those that read as a heading (a question may be one,
    a statement ending in a full stop or colon is not). ``kept``: the kept lines'
    indices (``np.flatnonzero(keep)``), when known.
    """
    if kept is None:
        kept = np.flatnonzero(keep).tolist()
    if not kept:
        return None
    first = kept[0]
    lines = _page(text, spans).lines
    window: list[int] = []
    for i in range(first - 1, -1, -1):
        if len(window) == _TITLE_WINDOW:
            break
        ln = lines[i]
        if ln.words and not ln.hard:
            window.append(i)
    # (the kept lines' words, once: a candidate among them counts the others')
    kept_words: list[list[str]] | None = None
    for i in [*reversed(window), *kept[:_TITLE_BODY_LINES]]:
        ln = lines[i]
        # (the window lies before the first kept line: a line from ``first`` on is kept;
        # a kept statement is no title, whether title-like or not: most are, and
        # their title-likeness is not worked out)
        if i >= first and ln._title is None and _statement(ln.text):
            continue
        title_like, statement = ln.title_parts()
        if not title_like or (i >= first and statement):
            continue
        own = lines[i].content_words()
        if len(own) < _TITLE_MIN_CONTENT_WORDS:
            continue
        # A kept heading is itself in the body: count only its words found elsewhere,
        # in the other kept lines. (A content word is in a line's content words when
        # it is in its words, so the kept lines' words stand for their content words.)
        # (own's words struck off by the other kept lines' words: no set of all
        # the body's words; a line not kept is not in ``kept``)
        if kept_words is None:
            kept_words = [lines[j].words for j in kept]
        others = kept_words
        if i >= first:
            at = kept.index(i)
            others = [*kept_words[:at], *kept_words[at + 1 :]]
        missing = set(own)
        if _HANGUL_RE.search(ln.text):
            # (a title word is found in the body with or without its particle)
            own = tuple({_particle_free(w) for w in own})
            missing = set(own)
            others = [list(_korean_words(ws)) for ws in others]
        # (the body's first lines first: a title's words are mostly there, and the
        # share found only grows, so once it is enough the other lines are not read)
        for part in (others[:_TITLE_EARLY_LINES], others[_TITLE_EARLY_LINES:]):
            missing.difference_update(*part)
            found = len(own) - len(missing)
            if found / len(own) >= _TITLE_MIN_OVERLAP:
                return i
    return None


# --------------------------------------------------------------------------------------
# The stage functions
# --------------------------------------------------------------------------------------

# With no line over the model's threshold the page is probably all article text
# in short lines; fall back to the lines of at least this many words.
_FALLBACK_MIN_WORDS = 10
# Look for the time stamp among this many lines (with words) before the body's
# first line and after its last, and in the body's first lines; a stamp line has
# at most this many words. (35: the scrapinghub pages' visible dates against their
# markup, the pages split in two halves by id: 15, 25, 35, 45 lines gave the same
# day on 67, 71, 72, 72 and 60, 61, 63, 63 pages, none more wrong; BBC's, CNN's
# and Rolling Stone's stamps stand 22-34 lines above the story.)
_STAMP_WINDOW = 35
_STAMP_BODY_LINES = 5
_STAMP_MAX_WORDS = 20
# A stamp with this many other dated lines within this many lines of it is one
# of a list of dated links, not the page's own stamp.
_STAMP_LIST_MIN = 2
_STAMP_LIST_SPAN = 6
# The dateline opens one of the body's first lines.
_DATELINE_LINES = 3


def classify_lines(
    text: str,
    spans: Sequence[tuple[int, int]] | None = None,
    chrome: frozenset[str] = frozenset(),
    cleaner: Cleaner | None = None,
) -> list[bool]:
    """For each line of ``text`` (``line_spans`` when ``spans`` is None): is it article text?

    Example:
        >>> page = "Show more\\nThe minister said on Monday that the talks would go on.\\n"
        >>> classify_lines(page)
        [False, True]
    """
    if spans is None:
        spans = line_spans(text)
    return [bool(k) for k in (cleaner or DEFAULT_CLEANER).keep(text, spans, chrome=chrome)]


# Languages (jusText's names) that write a numeric date day first: on their pages
# "05/10/2018" is 5 October. English pages read it month first (US sites), as before.
_DAY_FIRST_LANGUAGES = frozenset({
    "French", "Spanish", "Italian", "Portuguese", "German", "Dutch", "Russian", "Ukrainian",
    "Polish", "Czech", "Slovak", "Greek", "Turkish", "Indonesian", "Malay", "Romanian",
    "Catalan", "Galician", "Danish", "Norwegian_Bokmal", "Norwegian_Nynorsk", "Croatian",
    "Serbian", "Bulgarian", "Vietnamese", "Arabic",
})  # fmt: skip
# A numeric date with slashes whose parts could each be the month.
_EITHER_WAY_RE = re.compile(
    r"(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])/\d\d(?:\d\d)?(?![\d/])"
)


@functools.lru_cache(maxsize=1)
def _day_first_lists() -> frozenset[int]:
    lists = stoplists()
    return frozenset(id(lists[lang]) for lang in _DAY_FIRST_LANGUAGES if lang in lists)


def _in_page_order(found: str, lines: Sequence[_Line], i: int) -> str:
    """The stamp of line ``i`` (``found``, read month first) read day first when it
    is a numeric date either way round on a page in a language that writes the day
    first."""
    line = lines[i].text
    if _EITHER_WAY_RE.search(line) is None:
        return found
    stop = _page_stop(lines, sum(ln.nwords for ln in lines))
    if id(stop) not in _day_first_lists():
        return found
    return parse_published(line, day_first=True) or found


def _find_published(
    text: str, spans: Sequence[tuple[int, int]], first: int, last: int
) -> str | None:
    """The page's publication time: the stamp nearest above the body, else in its top
    lines, else just below it. Embedded posts ("— Name (@handle) May 3, 2019") are
    not the page's stamp, and neither is a long sentence that mentions a date."""

    lines = _lines(text, spans)

    def stamp(i: int) -> str | None:
        known = lines[i]._stamp  # (remembered: read inline)
        return known[0] if known is not None else lines[i].stamp()

    before = (i for i in range(first - 1, -1, -1) if lines[i].words)
    order = chain(
        islice(before, _STAMP_WINDOW),
        range(first, min(last + 1, first + _STAMP_BODY_LINES)),
        range(last + 1, min(len(spans), last + 1 + _STAMP_WINDOW)),
    )
    # (a line's stamp depends on the line alone: each read when first needed, the
    # lines after the page's stamp and its neighbours never)
    for i in order:
        found = stamp(i)
        if not found:
            continue
        # A list of dated links (related posts, comments) is not the page's stamp.
        # (the lines around it read inline, the stamp's own line among them)
        dated = -1
        for ln in lines[max(0, i - _STAMP_LIST_SPAN) : i + _STAMP_LIST_SPAN + 1]:
            known = ln._stamp
            if known[0] if known is not None else ln.stamp():
                dated += 1
        if dated < _STAMP_LIST_MIN:
            return _in_page_order(found, lines, i)
    return None


def clean_text(
    article: Article, chrome: frozenset[str] = frozenset(), cleaner: Cleaner | None = None
) -> Article:
    """Clean plain page text: article lines as ``content``, metadata from the page.

    ``cleaner`` replaces the shipped line model (cross-validation scores each
    held-out page with the model fit without it).

    Example:
        >>> page = (
        ...     "Menu\\nAll news\\n\\nJapan and Russia ministers to meet again this year\\n\\n"
        ...     "May 21, 2018, 9:56 UTC+3\\n\\n"
        ...     "TOKYO, May 21. /TASS/. The ministers of Japan and Russia will meet again "
        ...     "before the end of the year, the daily wrote on Monday.\\n\\nShow more\\n"
        ... )
        >>> art = clean_text(Article(id="x", text=page))
        >>> art.content_text()[:22], art.title
        ('TOKYO, May 21. /TASS/.', 'Japan and Russia ministers to meet again this year')
        >>> art.published
        '2018-05-21T09:56:00+03:00'
        >>> art.dateline, art.source
        ('TOKYO, May 21', 'TASS')
    """
    return _clean_text(article, tuple(line_spans(article.text)), chrome, cleaner)


def _clean_text(
    article: Article,
    spans: Sequence[tuple[int, int]],
    chrome: frozenset[str] = frozenset(),
    cleaner: Cleaner | None = None,
    keep: np.ndarray | None = None,
) -> Article:
    """``clean_text`` given the text's ``line_spans`` (and the model's ``keep`` when known)."""
    text = article.text
    model = cleaner or DEFAULT_CLEANER
    if keep is None:
        keep = model.keep(text, spans, chrome=chrome) if spans else np.zeros(0, bool)
    if spans and not keep.any():
        hard = hard_chrome_mask(text, spans, chrome)
        keep = (
            np.array([len(tokenize(text[s:e]).words) >= _FALLBACK_MIN_WORDS for s, e in spans])
            & ~hard
        )
        logger.info("%s: no line scored as article text; kept long lines", article.id)
    kept_at = np.flatnonzero(keep).tolist()
    title_i = _find_title(text, spans, keep, kept_at)
    title = None
    if title_i is not None:
        title = text[slice(*spans[title_i])]
        keep[title_i] = False
        if title_i >= kept_at[0]:  # (a kept heading: out of the body)
            kept_at.remove(title_i)
    kept = [spans[i] for i in kept_at]

    # Metadata the reader gave wins over the page's: it is not looked for (a scan's
    # JSONL and WARC records mostly give the time and the source).
    published = None
    dateline, agency = None, None
    if kept:
        if not article.published:
            published = _find_published(text, spans, kept_at[0], kept_at[-1])
        if not (article.dateline and article.source):  # (the agency is a source)
            for s, e in kept[:_DATELINE_LINES]:
                dateline, agency = find_dateline(text[s:e])
                if dateline:
                    break
    # (the outlet the page names before the agency its dateline credits: a reprint of
    # a Reuters story on a local site is the local site's page, as the HTML path has it)
    source = article.source or _publisher(_lines(text, spans)) or agency
    _forget_page()  # the page is done: do not hold its lines
    return dataclasses.replace(
        article,
        content=tuple(kept),
        title=article.title or title,
        published=article.published or published,
        source=article.source or source,
        dateline=article.dateline or dateline,
    )


# ``clean_many`` works out the lines its pages have in common with none met before
# together, this many at most (numpy's per-call cost spread over many lines; the
# batch's pages and their lines held meanwhile). Tuned on gen-10k (session 6): 4,096;
# session 10 on gen-100k (a scan worker's share): 8,192 is ~2.5% faster (two chunks
# for a batch of 1,000 pages, not four) for ~30 MB more at the peak.
_BATCH_NEW_LINES = 1 << 13


def clean_many(
    articles: Sequence[Article],
    chrome: Sequence[frozenset[str]] | None = None,
    *,
    chrome_hashes: Sequence[frozenset[int]] | None = None,
) -> list[Article]:
    """``[clean(a, c) for a, c in zip(articles, chrome)]``, faster over many pages.

    The plain-text pages' lines not met before are worked out together (one pass
    per feature over all of them) before the pages are cleaned one by one.
    ``chrome_hashes`` (instead of ``chrome``) gives each page's source's learned
    chrome as line-key hashes: each page's ``chrome`` is then
    ``copytrace.chrome.chrome_for`` of it, found from the lines' keys.

    Example:
        >>> page = "Menu\\nThe minister said on Monday that the talks would go on.\\n"
        >>> [a.content for a in clean_many([Article("a", page), Article("b", "Menu")])]
        [((5, 60),), ((0, 4),)]
    """
    # Plain-text pages make many objects and no cycles: the collector would only
    # walk the line memo again and again (~10% of the time on gen-10k).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _clean_many(articles, chrome, enabled, chrome_hashes)
    finally:
        if enabled:
            gc.enable()


def _clean_many(
    articles: Sequence[Article],
    chrome: Sequence[frozenset[str]] | None,
    enabled: bool,
    chrome_hashes: Sequence[frozenset[int]] | None = None,
) -> list[Article]:
    from copytrace.chrome import chrome_of_entries
    from copytrace.clean_batch import _keep_many
    from copytrace.htmltext import clean_html

    chromes = list(chrome) if chrome is not None else [frozenset()] * len(articles)
    known_of = list(chrome_hashes) if chrome_hashes is not None else [frozenset()] * len(articles)
    memo, kept = _MEMO, _KEPT
    out: list[Article] = []
    start = 0
    while start < len(articles):
        new: dict[str, None] = {}
        known: dict[str, _Line] = {}
        spans: list[tuple[tuple[int, int], ...] | None] = []
        texts: list[list[str]] = []
        end = start
        while end < len(articles) and len(new) < _BATCH_NEW_LINES:
            art = articles[end]
            end += 1
            if art.is_html:
                spans.append(None)
                continue
            text = art.text
            page_spans, page_texts = _spans_and_lines(text)
            spans.append(page_spans)
            texts.append(page_texts)
            for line in page_texts:
                ln = kept.get(line)
                if ln is not None:
                    kept.move_to_end(line)
                    known[line] = ln
                elif (ln := memo.pop(line, None)) is not None:
                    kept[line] = ln  # (met again: kept)
                    known[line] = ln
                elif line not in new:
                    new[line] = None
        if new:
            lines = list(new)
            found = dict(zip(lines, _new_lines(lines), strict=True))
            known.update(found)
            # (_remember for all at once, after the batch's lines met again are kept)
            for _ in range(len(kept) - _LINE_KEPT_SIZE):
                back, ln = kept.popitem(last=False)
                memo[back] = ln
            memo.update(found)
            for _ in range(len(memo) - _LINE_MEMO_SIZE):
                memo.popitem(last=False)
        else:
            _trim_memo()
        page_texts_of = iter(texts)
        # The plain-text pages' lines, hard mask and chrome; their model decisions together.
        pages: list[_Page] = []
        page_chrome: list[frozenset[str]] = []
        for sp, c, learned in zip(spans, chromes[start:end], known_of[start:end], strict=True):
            if sp is None:
                continue
            page = _Page.__new__(_Page)
            page.spans = sp
            page.lines = [known[t] for t in next(page_texts_of)]
            if learned:
                # (only the lines whose entry is learned chrome can name some)
                hits = learned.intersection([ln.entry for ln in page.lines])
                if hits:
                    entries = [(ln.key, ln.entry) for ln in page.lines if ln.entry in hits]
                    c = c | chrome_of_entries(learned, entries)
            page.hard = np.array([ln.hard for ln in page.lines], dtype=bool)
            pages.append(page)
            page_chrome.append(c)
        plain = [a for a, sp in zip(articles[start:end], spans, strict=True) if sp is not None]
        keeps = _keep_many(
            [(a.text, p.spans, p.lines, p.hard) for a, p in zip(plain, pages, strict=True)],
            page_chrome,
            DEFAULT_CLEANER,
        )
        done = iter(zip(pages, page_chrome, keeps, strict=True))
        for art, sp, c, learned in zip(
            articles[start:end], spans, chromes[start:end], known_of[start:end], strict=True
        ):
            if sp is None:  # (HTML: the collector as the caller had it)
                if enabled:
                    gc.enable()
                out.append(clean_html(art, c, learned))
                gc.disable()
                continue
            page, c, keep = next(done)
            _LAST_PAGE[:] = [art.text, sp, sp, page]
            out.append(_clean_text(art, sp, c, keep=keep))
        start = end
    return out


def article_text(article: Article) -> str:
    """The article as a reader sees it: its ``content`` spans, paragraphs apart.

    For HTML, entities are decoded and spans split by inline tags rejoined.

    Example:
        >>> art = Article(id="x", text="Menu\\nFirst.\\nSecond.", content=((5, 11), (12, 19)))
        >>> article_text(art)
        'First.\\n\\nSecond.'
    """
    if article.is_html:
        from copytrace.htmltext import span_text

        return span_text(article.text, article.content)
    return article.content_text()


def keep_all(article: Article) -> Article:
    """``article`` as article text already (extracted before it was given): all of its
    text is content, one span without the whitespace at either end; metadata only
    what the reader gave.

    Example:
        >>> keep_all(Article(id="x", text="\\nMenu\\nThe talks went on. ")).content
        ((1, 24),)
    """
    text = article.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return dataclasses.replace(article, content=((start, end),) if end > start else ())


def clean(article: Article, chrome: frozenset[str] = frozenset()) -> Article:
    """The cleaning stage: ``article`` with ``content`` spans and metadata filled in.

    Plain text goes through the line classifier; HTML (``article.is_html``)
    through trafilatura, its paragraphs mapped back onto the HTML source, so
    ``content`` spans cover the article's text nodes in ``article.text``. Lines
    (or paragraphs) whose :func:`line_key` is in ``chrome`` are dropped. Metadata
    already set by a reader is kept.

    Example:
        >>> from copytrace.ingest.files import read_article_file
        >>> tass = clean(read_article_file("examples/000_3f926fbd34ea6708.txt"))
        >>> tass.title
        'Japan, Russia to hold two-plus-two meetings of foreign, defense ministers in 2018 — media'
        >>> tass.published, tass.dateline, tass.source
        ('2018-05-21T09:56:00+03:00', 'TOKYO, May 21', 'TASS')
    """
    if article.is_html:
        from copytrace.htmltext import clean_html

        return clean_html(article, chrome)
    return clean_text(article, chrome)
