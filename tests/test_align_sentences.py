"""Sentence and quotation helpers read short windows; same answers as reading all."""

from __future__ import annotations

import random

from copytrace.attribute import _CLOSE_QUOTES, _OPEN_QUOTES, _quoted
from copytrace.text import _ABBREV, _is_abbreviation


def _abbreviation_whole(text: str, start: int, end: int) -> bool:
    if end == 0 or text[end - 1] != ".":
        return False
    head = text[start : end - 1]
    last = head.rsplit(None, 1)[-1] if head.strip() else ""
    last = last.lstrip("\"'“‘(").casefold()
    return last in _ABBREV or (len(last) == 1 and last.isalpha())


def _quoted_whole(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip()
    after = text[end : end + 3].lstrip(" ,.;:!?")
    opens = bool(before) and before[-1] in _OPEN_QUOTES
    closes = bool(after) and after[0] in _CLOSE_QUOTES
    inner = text[start:end]
    return (
        (opens and closes)
        or (opens and any(q in inner for q in _CLOSE_QUOTES))
        or (closes and any(q in inner for q in _OPEN_QUOTES))
    )


def test_abbreviation_matches_reading_the_whole_sentence() -> None:
    rng = random.Random(3)
    pieces = ["Mr", "U.S", "x", "word", "Inc", "“Dr", "(", " ", "  ", "\n", "\u00a0", "a" * 45]
    pieces += [" " * 45, "\n" * 30 + "y", "(" * 41]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))) + "."
        end = len(text)
        for start in {0, rng.randrange(0, end), max(0, end - 3), end - 1}:
            assert _is_abbreviation(text, start, end) == _abbreviation_whole(text, start, end)


def test_quoted_matches_reading_the_whole_passage() -> None:
    rng = random.Random(5)
    pieces = ["“", "”", '"', "'", "‘", "’", "word", " ", ", ", ".", "said"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(2, 25)))
        s = rng.randrange(0, len(text))
        e = rng.randrange(s, len(text) + 1)
        assert _quoted(text, s, e) == _quoted_whole(text, s, e)
