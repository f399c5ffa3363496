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
    attribute_mod._own_credits_cached.cache_clear()


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
