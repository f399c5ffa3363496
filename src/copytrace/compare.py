"""``compare``: everything copytrace says about two articles.

Cleans each article (when its ``content`` is still empty), aligns the two,
decides direction and attribution, and measures how much of each is reused.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from copytrace.align import PRESETS, AlignParams, align
from copytrace.attribute import attribute_and_cover
from copytrace.model import Article, PairResult, Passage

logger = logging.getLogger(__name__)


def ensure_clean(article: Article) -> Article:
    """``article`` cleaned by :func:`copytrace.clean.clean` unless it already has content.

    Example:
        >>> art = Article("x", "Body text.", content=((0, 10),))
        >>> ensure_clean(art) is art
        True
    """
    if article.content:
        return article
    try:
        from copytrace.clean import clean
    except ImportError:  # the cleaner is not installed yet: whole text is content
        logger.warning("copytrace.clean unavailable; comparing %s as a whole", article.id)
        return replace(article, content=((0, len(article.text)),))
    return clean(article)


def compare(a: Article, b: Article, *, params: AlignParams | None = None) -> PairResult:
    """Align two articles, find the source and whether the reuse is credited.

    Args:
        a: first article; cleaned first when its ``content`` is empty.
        b: second article.
        params: aligner settings (default: the ``news`` preset).

    Returns:
        A :class:`PairResult`; ``compare(b, a)`` is its mirror image.

    Example:
        >>> a = Article("a", "Officials said the two sides will meet in the autumn to talk peace.",
        ...             content=((0, 67),), source="Nikkei")
        >>> b = Article("b", "The two sides will meet in the autumn to talk peace, Nikkei wrote.",
        ...             content=((0, 66),))
        >>> r = compare(a, b)
        >>> r.direction.source, round(r.coverage_b, 2)
        ('a', 0.77)
    """
    a = ensure_clean(a)
    b = ensure_clean(b)
    passages = align(a, b, params or PRESETS["news"])
    logger.debug("%s vs %s: %d passages", a.id, b.id, len(passages))
    return pair_result(a, b, passages)


def pair_result(a: Article, b: Article, passages: Sequence[Passage]) -> PairResult:
    """Attribution, direction and coverage of cleaned ``a`` and ``b`` given their aligned
    ``passages``: what :func:`compare` returns once it has aligned them."""
    attributed, direction, coverage_a, coverage_b = attribute_and_cover(a, b, passages)
    return PairResult(
        a=a,
        b=b,
        passages=tuple(attributed),
        coverage_a=coverage_a,
        coverage_b=coverage_b,
        direction=direction,
    )


def compare_files(
    path_a: str | Path, path_b: str | Path, *, params: AlignParams | None = None
) -> PairResult:
    """:func:`compare` on two files (plain page text or HTML), or web pages by their
    ``http(s)://`` URLs (fetched once each).

    Example:
        >>> r = compare_files("examples/004_3080a4ee7dd42127.txt",
        ...                   "examples/000_3f926fbd34ea6708.txt")  # doctest: +SKIP
        >>> r.direction.source  # doctest: +SKIP
        'a'

    Raises:
        copytrace.errors.InputError: a missing, empty, binary or undecodable file,
            or a page that cannot be fetched.
    """
    from copytrace.ingest.fetch import read_page  # (the readers: only here)

    a = read_page(path_a)
    b = read_page(path_b)
    return compare(a, b, params=params)
