"""ChromeLearner's counts (plain sorted arrays, the exact fallback when two
(source, line) rows share a key) equal counting every page's lines directly."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pyarrow as pa
import pytest

from copytrace import chrome
from copytrace.chrome import ChromeLearner, ChromeParams, chrome_from_counts
from copytrace.stages import LINES_SCHEMA

PARAMS = ChromeParams(min_pages=2, min_share=0.1)


def _pages(seed: int, n: int) -> list[tuple[str, list[int]]]:
    """Random pages: a source and its distinct line hashes, from a small pool (so
    lines recur within and across sources)."""
    rng = random.Random(seed)
    pool = [rng.getrandbits(64) for _ in range(40)]
    sources = [f"s{i}" for i in range(6)]
    return [
        (rng.choice(sources), sorted(set(rng.sample(pool, rng.randint(0, 12))))) for _ in range(n)
    ]


def _expected(
    pages: list[tuple[str, list[int]]], empty_pages: bool = False
) -> dict[str, frozenset[int]]:
    """(A batch of line hashes has no row for a page without lines: such a page is
    not counted; add_hashes counts it.)"""
    counts = Counter((s, h) for s, hs in pages for h in hs)
    per_source = Counter(s for s, hs in pages if hs or empty_pages)
    return chrome_from_counts(((s, h, n) for (s, h), n in counts.items()), per_source, PARAMS)


def _batch(pages: list[tuple[str, list[int]]]) -> pa.RecordBatch:
    rows = [(i, s, h) for i, (s, hs) in enumerate(pages) for h in hs]
    return pa.RecordBatch.from_arrays(
        [
            pa.array([r[0] for r in rows], pa.int32()),
            pa.array([r[1] for r in rows], pa.string()),
            pa.array([r[2] for r in rows], pa.uint64()),
        ],
        schema=LINES_SCHEMA,
    )


def _learn(pages: list[tuple[str, list[int]]], by_page: bool) -> dict[str, frozenset[int]]:
    cl = ChromeLearner(PARAMS)
    for at in range(0, len(pages), 7):
        part = pages[at : at + 7]
        if by_page:
            for s, hs in part:
                cl.add_hashes(s, np.array(hs, np.uint64))
        else:
            cl.add_batch(_batch(part))
    return cl.finish()


@pytest.mark.parametrize("compact_rows", [1, 25, 10**9])
@pytest.mark.parametrize("by_page", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_counts_equal_direct(
    monkeypatch: pytest.MonkeyPatch, seed: int, by_page: bool, compact_rows: int
) -> None:
    monkeypatch.setattr(chrome, "_COMPACT_ROWS", compact_rows)
    pages = _pages(seed, 120)
    assert _learn(pages, by_page) == _expected(pages, empty_pages=by_page)


@pytest.mark.parametrize("compact_rows", [1, 25, 10**9])
@pytest.mark.parametrize("seed", range(4))
def test_shared_keys_fall_back(
    monkeypatch: pytest.MonkeyPatch, seed: int, compact_rows: int
) -> None:
    # Without the mix a row's key is its hash: a line of two sources is one key, so
    # the learner must count by (source, hash) instead (within the pending rows,
    # or between them and the table).
    monkeypatch.setattr(chrome, "_COMPACT_ROWS", compact_rows)
    monkeypatch.setattr(chrome, "_MIX", np.uint64(0))
    pages = _pages(seed, 120)
    cl = ChromeLearner(PARAMS)
    for at in range(0, len(pages), 7):
        cl.add_batch(_batch(pages[at : at + 7]))
    assert cl.finish() == _expected(pages)
    assert cl._keys is None  # (the fallback was taken)


def test_table_and_pending_share_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # the first compaction has one source only; the second a row of another source
    # with the same key as a table row
    monkeypatch.setattr(chrome, "_COMPACT_ROWS", 3)
    monkeypatch.setattr(chrome, "_MIX", np.uint64(0))
    cl = ChromeLearner(PARAMS)
    for _ in range(3):
        cl.add_hashes("a", np.array([1, 2, 3], np.uint64))
    for _ in range(2):
        cl.add_hashes("b", np.array([2], np.uint64))
    assert cl.finish() == {"a": frozenset({1, 2, 3}), "b": frozenset({2})}
