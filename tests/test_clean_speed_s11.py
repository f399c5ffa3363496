"""The cleaner's session-11 fast paths against the per-line code they stand for."""

from __future__ import annotations

import random

import numpy as np

from copytrace import clean as cl


def _stop_langs_by_dict(lines: list[list[str]]) -> list[bytes]:
    langs = cl._stop_lang_bytes()
    return [b"".join(langs[w] for w in words if w in langs) for words in lines]


def _joined(lines: list[list[str]]) -> list[bytes]:
    wb = "\n".join(" ".join(words) for words in lines).encode("ascii")
    return cl._joined_stop_langs(wb, np.array([len(w) for w in lines], np.int64))


def test_joined_stop_langs_are_the_dictionarys() -> None:
    stops = sorted(w for w in cl._stop_lang_bytes() if w.isascii())
    rng = random.Random(11)
    # every ASCII stopword, and words one letter off, cut short or longer (many
    # share a stopword's first 8 bytes and length, or its bucket)
    near = []
    for w in stops:
        i = rng.randrange(len(w))
        near += [w[:i] + rng.choice("az09_") + w[i + 1 :], w[:-1], w + "s", w[1:], w * 2]
    words = stops + near + ["", "x" * 40, "_", "0"]
    rng.shuffle(words)
    lines = []
    at = 0
    while at < len(words):
        n = rng.choice([0, 0, 1, 3, 12, 40])
        lines.append([w for w in words[at : at + n] if w])
        at += n
    assert _joined(lines) == _stop_langs_by_dict(lines)
    assert _joined([[]]) == [b""]
    assert _joined([[], ["the"], []]) == _stop_langs_by_dict([[], ["the"], []])


def test_near_ascii_lines_stop_langs_are_the_dictionarys(bundled_pages: list[str]) -> None:
    texts = sorted({t.strip() for page in bundled_pages for t in page.split("\n")} - {""})
    lines = cl._new_lines(texts)
    assert [ln.stop_langs for ln in lines] == _stop_langs_by_dict([ln.words for ln in lines])
