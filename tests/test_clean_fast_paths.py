"""The cleaner's numpy passes against the regexes and per-line code they stand for."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from copytrace import clean as cl
from copytrace.chrome import CHROME_MAX_LINE_CHARS, key_entry
from copytrace.model import Article
from copytrace.stoplists import stoplists

# Characters that matter to keys and words: digits and number separators, the
# in-word separators, "_", spaces and line breaks.
_ALPHABET = "ab1 2.,:_\n'x9Z  0-"


def _random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    fixed = ["", "1", "1.2.3", "1..2", "a1.2b", " 1 ", "12:30,4", ".1.", "1.", "a  b", "x\n"]
    return fixed + [
        "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 16))) for _ in range(n)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_keys_of_lowered_is_the_regex_key_path(seed: int) -> None:
    for text in _random_texts(seed, 4000):
        low = text.lower().encode("ascii")
        subbed = cl._ASCII_DIGITS_BYTES_RE.sub(b"0", low).translate(cl._KEY_BYTES_NL)
        want = [" ".join(k.split()) for k in subbed.decode("ascii").split("\n")]
        assert cl._keys_of_lowered(low) == want, text
        assert want == [cl.line_key(t) for t in text.split("\n")]


@pytest.mark.parametrize("seed", [4, 5])
def test_batch_words_drop_inner_separators_as_the_regex_did(seed: int) -> None:
    lines = [t for t in dict.fromkeys(_random_texts(seed, 4000)) if t and "\n" not in t]
    lines = [t for t in dict.fromkeys(t.strip() for t in lines) if t]
    for line, ln in zip(lines, cl._new_lines(lines), strict=True):
        wb = line.lower().encode("ascii").translate(cl._WORD_BYTES)
        want = cl._INNER_SEP_RE.sub(b"", wb).translate(cl._SEP_TO_SPACE).decode().split()
        assert ln.words == want == cl._words(line), line
        assert ln.key == cl.line_key(line), line


def test_line_entry_is_the_key_entry_of_short_lines() -> None:
    short = "Show more stories"
    long = "word " * (CHROME_MAX_LINE_CHARS // 5 + 1)
    lines = cl._new_lines([short, long.strip(), "10"])
    assert lines[0].entry == key_entry("show more stories") is not None
    assert lines[1].entry is None  # too long to learn chrome from
    assert lines[2].entry is None  # a key too short to count
    assert cl._Line(short).entry == lines[0].entry


def test_title_overlap_counts_a_kept_headings_words_only_elsewhere() -> None:
    # The heading is kept; its words recur in the body only once (in itself), so
    # it is no title; with a body line sharing them, it is.
    head = "Ministers agree budget reform plan"
    body = "The talks will resume in the autumn, officials said on Monday evening."
    text = f"{head}\n{body}\n{body} Again."
    spans = cl.line_spans(text)
    keep = [True, True, True]
    assert cl._find_title(text, tuple(spans), np.array(keep)) is None
    text2 = f"{head}\n{body} Ministers agree budget reform plan today.\n{body}"
    spans2 = tuple(cl.line_spans(text2))
    assert cl._find_title(text2, spans2, np.array(keep)) == 0
    art = cl.clean_text(Article("x", text2))
    assert art.title in (None, head)


@pytest.mark.parametrize("seed", [6, 7])
def test_line_spans_split_path_is_the_regex(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["a", "b c", " ", "\t", "\n", "\n\n", "\x0b", "\x0c", "\x1c", "\x85", "\u00a0", "é"]
    pieces += ["\u2003", "x\u3000y", "\r", "\r\n", "\u2028"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        want = [m.span() for m in cl._TRIMMED_LINE_RE.finditer(text)]
        assert cl.line_spans(text) == want, repr(text)
        spans, lines = cl._spans_and_lines(text)
        assert spans == tuple(want) and lines == [text[s:e] for s, e in want], repr(text)


def test_phrase_lines_from_tokens_are_the_regex_lines() -> None:
    assert cl._phrase_tokens() is not None  # (the pattern is a word list it reads)
    rng = random.Random(8)
    words = ["share", "shared", "sign up", "sign", "login", "log in", "e-mail", "email", "e"]
    words += ["tags:x", "tags: x", "don't miss", "dont miss", "editor's picks", "rss", "the"]
    words += ["subscribers", "advertisement", "homeless", "home", "in other media", "in"]
    words += ["_share", "share_", "9share", "Share", "SHARE", "é", "’", "print", "#menu#", "x"]
    words += ["o'share", "U.S.", "a.home", "home.b", "don’t miss", "in  other media", "”"]
    lines = list(
        dict.fromkeys(
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))).strip()
            for _ in range(4000)
        )
    )
    col = cl._COL["chrome_phrase"]
    want = [cl._PHRASE_CASELESS_RE.search(t) is not None for t in lines]
    got = [ln.row[col] == 1.0 for ln in cl._new_lines(lines)]
    assert 100 < sum(want) < len(lines)
    assert got == want


def test_stop_density_from_language_ids_is_the_share_of_stopwords() -> None:
    # A line's density for a language's list is read off its stopwords' language
    # ids: it must be the share of its words in that list, for every list.
    lists = list(stoplists().values())
    lines = [
        "The minister said on Monday that the talks would go on.",
        "Der Minister sagte am Montag, dass die Gespräche weitergehen.",
        "El ministro dijo el lunes que las conversaciones seguirán a la una.",
        "a an in i o e y de la le",
        "Xyzzy plugh",
    ]
    for text in lines:
        ln = cl._Line(text)
        for stop in lists:
            want = sum(w in stop for w in ln.words) / ln.nwords
            ln._density = None
            assert ln.stop_density(stop) == want
        # (any other set: counted word by word)
        other = frozenset({"the", "on", "die"})
        assert ln.stop_density(other) == sum(w in other for w in ln.words) / ln.nwords


def test_phrase_lines_are_the_lines_holding_a_listed_token_or_pair() -> None:
    singles, firsts, pairs = cl._phrase_tokens()  # type: ignore[misc]
    rng = random.Random(9)
    vocab = sorted(singles)[:5] + sorted(firsts) + [b for _, b in sorted(pairs)] + ["x", "the"]
    tokens = [[rng.choice(vocab) for _ in range(rng.randint(0, 4))] for _ in range(3000)]

    def holds(toks: list[str]) -> bool:
        pair = any(p in pairs for p in itertools.pairwise(toks))
        return not singles.isdisjoint(toks) or pair

    def lines(tokens: list[list[str]]) -> list[int]:
        texts = [" ".join(t) for t in tokens]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        return cl._phrase_lines("\n".join(texts).encode("ascii"), starts)

    want = [i for i, toks in enumerate(tokens) if holds(toks)]
    assert 0 < len(want) < len(tokens)
    # (by hash: a line more would do no harm, but with 64 bits none comes)
    assert lines(tokens) == want
    # (a pair split over two lines is none)
    a, b = sorted(pairs)[0]
    if a not in singles and b not in singles:
        assert lines([["x", a], [b, "x"]]) == []


def test_statement_end_is_the_regex() -> None:
    rng = random.Random(8)
    pieces = [*".!?。！…:;\"'”’»)]a \n", "ab", "Q?", "end."]
    for _ in range(20000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert cl._statement(line) == (cl._STATEMENT_END_RE.search(line) is not None), line
