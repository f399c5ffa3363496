"""Session 14: the clean stage's shortcuts against their plain definitions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from copytrace import clean as cl

_PIECES = ["word", "Title", "ć", "é", "’", "—", " ", "x", "1", "«", "東", "ä", ".", "'"]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_without_lines_is_the_kept_lines_joined(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        lines = [
            "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(1, 8))
        ]
        cp = cl._joined_points(lines)
        breaks = np.flatnonzero(cp == 10)
        drop = sorted(rng.sample(range(len(lines)), rng.randint(0, len(lines))))
        kept = [t for j, t in enumerate(lines) if j not in set(drop)]
        got = cl._without_lines(cp, breaks, np.array(drop, np.int64))
        assert got.tolist() == cl._joined_points(kept).tolist()


@pytest.mark.parametrize("seed", [1, 2])
def test_new_lines_with_far_lines_are_the_one_line_path(seed: int) -> None:
    # Lines with characters past the near-ASCII ones (first, last, side by side)
    # go one by one; the others through the joined path: the same lines either way.
    rng = random.Random(seed)
    texts = []
    for _ in range(400):
        t = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))).strip()
        if t and t not in texts:
            texts.append(t)
    cl._line_cache_clear()
    got = cl._new_lines(texts)
    want = [cl._Line(t) for t in texts]

    def seen(ln: cl._Line) -> tuple[object, ...]:
        return (
            ln.text,
            ln.words,
            ln.key,
            ln.hard,
            ln.row.tolist(),
            ln.stop_counts,
            ln.entry,
            ln.glued,
            ln.template,
            ln.prefix,
            ln.stamp(),
            ln.publisher(),
        )

    assert [seen(ln) for ln in got] == [seen(ln) for ln in want]
    assert sum(1 for t in texts if not _near(t)) > 20  # (both paths taken)
    assert sum(1 for t in texts if _near(t)) > 20


def _near(t: str) -> bool:
    return all(c.isascii() or ord(c) in cl._NEAR_ASCII for c in t)
