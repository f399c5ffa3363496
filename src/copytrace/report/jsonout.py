"""The JSON form of a ``compare`` result (schema in docs/alignment.md)."""

from __future__ import annotations

from typing import Any

from copytrace.model import Article, PairResult, Passage


def article_to_dict(art: Article) -> dict[str, Any]:
    """Metadata and content spans of one article.

    Example:
        >>> article_to_dict(Article("x", "abc", content=((0, 3),), path="x.txt"))["content"]
        [[0, 3]]
    """
    return {
        "path": art.path,
        "title": art.title,
        "published": art.published,
        "source": art.source,
        "dateline": art.dateline,
        "content": [[s, e] for s, e in art.content],
    }


def passage_to_dict(p: Passage) -> dict[str, Any]:
    """One passage in the issue-2 schema."""
    return {
        "kind": p.kind,
        "a_start": p.a_start,
        "a_end": p.a_end,
        "b_start": p.b_start,
        "b_end": p.b_end,
        "words": p.words,
        "similarity": round(p.similarity, 4),
        "attributed": p.attributed,
    }


def pair_to_dict(result: PairResult) -> dict[str, Any]:
    """``result`` as the JSON object ``copytrace compare --json`` prints.

    Example:
        >>> from copytrace.model import Direction
        >>> art = Article("x", "abc", content=((0, 3),))
        >>> r = PairResult(art, art, (), 0.0, 0.0, Direction(None, 0.0, ()))
        >>> sorted(pair_to_dict(r))
        ['a', 'b', 'coverage', 'direction', 'passages']
    """
    return {
        "a": article_to_dict(result.a),
        "b": article_to_dict(result.b),
        "passages": [passage_to_dict(p) for p in result.passages],
        "coverage": {"a": round(result.coverage_a, 4), "b": round(result.coverage_b, 4)},
        "direction": {
            "source": result.direction.source,
            "confidence": round(result.direction.confidence, 4),
            "evidence": list(result.direction.evidence),
        },
    }
