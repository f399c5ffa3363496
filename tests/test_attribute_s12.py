"""Session 12 attribution shortcuts against the plain readings they replace."""

from __future__ import annotations

import random

import copytrace.attribute as at
from copytrace.model import Article

NAMES = ["Nikkei", "Reuters", "The Harbour Herald", "AP", "Kyodo News", "Meridian", "ſome"]
CREDITS = [
    "according to {}",
    "{} reported",
    "{}'s sources said",
    "as cited by {}",
    "{} daily wrote",
    "told {}",
    "the newspaper said",
]
LINES = [
    "— {}",
    " \t– {}",
    "-{}",
    "x- {}",
    "© 2026 {}",
    "Copyright {}",
    "({}) — ",
    "Provided by {}",
    "{} contributed to this report",
    "originally appeared in {}",
]
FILLER = [
    "The talks",
    "will resume",
    "in Osaka",
    "officials",
    "Prov\u0131ded by",
    "\u212aelvin",
    "İstanbul",
]
BREAKS = [" ", "\n", "\r\n", "\n\n", ". ", ", "]


def _page(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 25)):
        r = rng.random()
        if r < 0.2:
            parts.append(rng.choice(CREDITS).format(rng.choice(NAMES)))
        elif r < 0.35:
            parts.append("\n" + rng.choice(LINES).format(rng.choice(NAMES)))
        else:
            parts.append(rng.choice(FILLER))
        parts.append(rng.choice(BREAKS))
    return "".join(parts)


def _article(rng: random.Random, key: str) -> Article:
    text = _page(rng)
    cut = rng.randint(0, len(text))
    content = rng.choice([(), ((0, len(text)),), ((0, cut), (cut, len(text))), ((cut, len(text)),)])
    return Article(key, text, content, source=rng.choice([None, *NAMES]))


def test_credit_hits_are_name_matches_of_each_credit() -> None:
    # reference: each named credit phrase judged by _name_matches, as first written
    rng = random.Random(21)
    seen = 0
    for n in range(400):
        art, other = _article(rng, f"a{n}"), _article(rng, f"b{n}")
        own_names, other_names = at.publisher_names(art), at.publisher_names(other)
        mine = at._own_credits(art, tuple(own_names))
        masthead = at._masthead(other)
        want = sorted(
            (start, end, phrase)
            for start, end, phrase, words, strong, _ in mine.named
            if at._name_matches(words, other_names, other, strong, masthead)
        )
        named, generic = at._credit_hits(art, other_names, own_names, other)
        assert named == want, art.text
        assert list(generic) == list(mine.generic)
        seen += len(want)
    assert seen > 50


def test_credit_lines_with_the_callers_runs_are_a_full_scan() -> None:
    # reference: the gate as first written (``word in text.lower()``), then a full scan;
    # the look-alike runs handed in by _find_own_credits change nothing
    rng = random.Random(22)
    seen = 0
    for n in range(600):
        art = _article(rng, f"x{n}")
        text, low = art.text, art.text.lower()
        want = []
        for word, rx in at._CREDIT_LINE_RE:
            if word not in low:
                continue
            for m in rx.finditer(text):
                pieces = at._NAME_BREAK.split(m.group("name"))
                piece = pieces[-1] if word == "contributed" else pieces[0]
                words = at._name_words(piece.rstrip("."))
                if words:
                    want.append((" ".join(words), m.group().strip()))
        plain = at._letter_runs(text)
        runs = at._with_lookalikes(text, plain)
        both = at._word_starts(plain, at._TRIGGER_OR_LINE_RUN)
        for got in (
            list(at._line_names(art, ("Reuters",))),
            list(at._line_names(art, ("Reuters",), plain, both, runs)),
        ):
            assert [(name, line) for name, line, _ in got] == want, text
        seen += len(want)
    assert seen > 300
