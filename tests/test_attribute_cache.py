"""Attribution keeps each article's own credit work in a cache: results must not depend on it."""

from __future__ import annotations

import random
from dataclasses import replace

from copytrace import attribute as attribute_mod
from copytrace.align import align
from copytrace.attribute import attribute
from copytrace.model import Article

BODY = (
    "The port authority closed the inner harbour on Thursday afternoon after forecasters "
    "upgraded a gale warning for the coast, leaving more than forty fishing boats tied up. "
    "Crews were told to stay ashore until the wind drops below storm force on Saturday."
)
CREDITS = [
    "According to the Harbour Herald, ",
    "The newspaper added that ",
    "As reported by the Coast Gazette, ",
    "",
]
LINES = [
    "",
    "\n\nThe Associated Press contributed to this report.",
    "\n\nCopyright 2026 Harbour Herald. All rights reserved.",
    "\n\nProvided by the Coast Gazette.",
]
SOURCES = [None, "Harbour Herald", "wire:AP", "Coast Gazette", "harbourherald.com"]


def _clear() -> None:
    attribute_mod.clear_caches()


def _article(rng: random.Random, name: str) -> Article:
    head = rng.choice(["Storm news. ", "Local roundup.\n", "MENU Home News\n"])
    text = f"{head}{rng.choice(CREDITS)}{BODY}{rng.choice(LINES)}"
    # content: all of it, or without the head (chrome), or cut inside the body
    cut = rng.choice([0, len(head), len(head) + 40])
    content = ((cut, len(text)),) if cut < len(text) else ()
    return Article(name, text, content=content, source=rng.choice(SOURCES))


def test_cached_credit_work_follows_the_article_not_its_id() -> None:
    # two articles with one id and one text but other content spans: the credit phrase
    # lies outside the second one's content, so only the first credits the source
    src = Article("a", BODY, source="Harbour Herald")
    text = f"Roundup. According to the Harbour Herald, {BODY}"
    inside = Article("b", text, content=((0, len(text)),))
    start = text.index(BODY)
    outside = replace(inside, content=((start, len(text)),))
    for _ in range(2):  # warm cache on the second round
        for art, credited in ((inside, True), (outside, False), (inside, True)):
            passages, _ = attribute(src, art, align(src, art))
            assert passages
            assert any(p.attributed for p in passages) is credited


def test_attribution_is_the_same_with_a_warm_cache_and_a_cold_one() -> None:
    rng = random.Random(11)
    arts = [_article(rng, f"x{k}") for k in range(24)]
    pairs = [(rng.choice(arts), rng.choice(arts)) for _ in range(120)]
    pairs = [(a, b) for a, b in pairs if a is not b]
    cold = []
    for a, b in pairs:
        _clear()
        cold.append(attribute(a, b, align(a, b)))
    _clear()
    warm = [attribute(a, b, align(a, b)) for a, b in pairs]
    assert warm == cold
    assert any(any(p.attributed for p in ps) for ps, _ in cold)
    assert any(not any(p.attributed for p in ps) for ps, _ in cold)


def test_unhashable_article_is_attributed_without_the_cache() -> None:
    src = Article("a", BODY, source="Harbour Herald")
    text = f"According to the Harbour Herald, {BODY}"
    art = Article("b", text, content=[(0, len(text))])  # type: ignore[arg-type]
    passages, direction = attribute(src, art, align(src, Article("b", text)))
    assert passages[0].attributed
    assert direction.source == "a"


CONTRIBUTED_PIECES = [
    "The Associated Press",
    "Reuters",
    "Dana Mennis",
    "staff",
    "of",
    "de",
    "contributed",
    "Contributed",
    "CONTRIBUTED",
    "contr\u0131buted",  # (?i) matches ı to i
    "contr\u0130buted",
    "to this report",
    "to this story.",
    "to\nthis\u00a0article",
    "to that report",
    "Copyright 2026",
    "©",
    "(AP) —",
    "provided by",
    "\u212aelvin",
    "Reporting by",
]
# the other credit-line keywords, whole and not
LINE_PIECES = [
    *CONTRIBUTED_PIECES,
    "Provided by the",
    "unprovided by",
    "prov\u0131ded by",
    "courtesy of",
    "Republished with permission from",
    "reprinted from",
    "Reprinted with permission from",
    "originally appeared in",
    "Originally published by",
]
GAPS = [" ", " ", "\n", "\n\n", ", ", ". ", "; ", " — ", "’s ", "-", '"', ""]


def _credit_line_text(rng: random.Random, pieces: list[str] = CONTRIBUTED_PIECES) -> str:
    return "".join(rng.choice(pieces) + rng.choice(GAPS) for _ in range(rng.randint(1, 40)))


def test_contributed_lines_are_found_as_a_full_scan_finds_them() -> None:
    rx = dict(attribute_mod._CREDIT_LINE_RE)["contributed"]
    rng = random.Random(13)
    hits = 0
    for _ in range(800):
        text = _credit_line_text(rng)
        if rng.random() < 0.1:  # a long stretch of name characters before the keyword
            text = "Word " * rng.randint(60, 150) + text
        runs = attribute_mod._with_lookalikes(text, attribute_mod._letter_runs(text))
        scan = [m.span() for m in rx.finditer(text)]
        got = [m.span() for m in attribute_mod._line_matches("contributed", rx, text, runs)]
        assert got == scan, text
        hits += len(scan)
    assert hits > 30


def test_credit_line_patterns_run_on_the_pages_a_lower_case_search_picks() -> None:
    # reference: the gate as first written, ``word in text.lower()``, then a full scan
    rng = random.Random(14)
    seen = 0
    for _ in range(1500):
        text = _credit_line_text(rng, LINE_PIECES)
        low = text.lower()
        want = []
        for word, rx in attribute_mod._CREDIT_LINE_RE:
            if word not in low:
                continue
            for m in rx.finditer(text):
                pieces = attribute_mod._NAME_BREAK.split(m.group("name"))
                piece = pieces[-1] if word == "contributed" else pieces[0]
                words = attribute_mod._name_words(piece.rstrip("."))
                if words:
                    want.append((" ".join(words), m.group().strip()))
        art = Article("x", text)
        got = [(name, line) for name, line, _ in attribute_mod._line_names(art, ("Reuters",))]
        assert got == want, text
        seen += len(want)
    assert seen > 500
