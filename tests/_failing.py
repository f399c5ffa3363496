"""A corpus and the stage failures its tests inject: the cleaner fails on article
"bad", the aligner on the pair x-y (test_stage_failures.py, and test_spark.py,
whose Python workers get these functions pickled by value)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

PEACE = (
    "Tokyo hopes that cultivating closer security and economic ties with Moscow will bring "
    "the two sides closer to a postwar peace treaty to resolve the dispute over the southern "
    "Kuril Islands, which are effectively controlled by Moscow and claimed by Japan."
)
GRAVES = (
    "Abe and Putin will also agree to repeat a program this year allowing former residents "
    "of the Russia-controlled islands to visit the graves of their relatives without visas. "
    "Japan hopes to make the visit an annual event, but the Russian side is unlikely to agree."
)


def corpus(tmp_path: Path, broken_line: bool = False) -> Path:
    """Five articles (and, ``broken_line``, a sixth record that is no JSON)."""
    rows = [
        {"id": "orig", "text": "Talks were held in Moscow on Monday. " + PEACE, "source": "A"},
        {"id": "copy", "text": "Officials spoke on Monday. " + PEACE, "source": "B"},
        {"id": "bad", "text": "A page the cleaner cannot read. " + GRAVES, "source": "C"},
        {"id": "x", "text": "Visas were discussed. " + GRAVES, "source": "D"},
        {"id": "y", "text": "A program was agreed. " + GRAVES, "source": "E"},
    ]
    src = tmp_path / "in.jsonl"
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    src.write_text(lines + ("{broken\n" if broken_line else ""), encoding="utf-8")
    return src


def failing_clean_many(clean_many: Callable[..., Any]) -> Callable[..., Any]:
    """``clean_many``, failing on any batch holding article "bad"."""

    def bad(arts: list[Any], **kw: object) -> Any:
        if any(a.id == "bad" for a in arts):
            raise ValueError("unreadable\nsecond line")
        return clean_many(arts, **kw)

    return bad


def failing_align_pair(align_pair: Callable[..., Any]) -> Callable[..., Any]:
    """``align_pair``, failing on the pair x-y as numpy does when out of memory."""

    def bad(a: Any, b: Any, params: object = None) -> Any:
        if {a.id, b.id} == {"x", "y"}:
            raise MemoryError("Unable to allocate 15.6 GiB")
        return align_pair(a, b) if params is None else align_pair(a, b, params)

    return bad


def clean_batch_failing(batch: Any, *args: Any, **kw: Any) -> Any:
    """``stages.clean_batch`` with the failing cleaner while it runs (a Spark task)."""
    from copytrace import clean, stages

    real = clean.clean_many
    clean.clean_many = failing_clean_many(real)
    try:
        return stages.clean_batch(batch, *args, **kw)
    finally:
        clean.clean_many = real


def align_batch_failing(batch: Any, *args: Any) -> Any:
    """``stages.align_batch`` with the failing aligner while it runs (a Spark task)."""
    from copytrace import stages

    real = stages.align_pair
    stages.align_pair = failing_align_pair(real)
    try:
        return stages.align_batch(batch, *args)
    finally:
        stages.align_pair = real
