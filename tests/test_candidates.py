"""Candidate pairs: shared rare fingerprints, df limits, same-source rule, bounded join."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from copytrace.candidates import (
    CandidateParams,
    PairCounter,
    candidate_pairs,
    count_pairs,
    df_limit,
    group_pairs,
    partition_order,
)
from copytrace.fingerprint import fingerprint_texts

PARAGRAPHS = (Path(__file__).parent / "data" / "scan" / "paragraphs.txt").read_text().split("\n\n")


def _pairs(cp: object) -> list[tuple[int, int]]:
    return list(zip(cp.a.tolist(), cp.b.tolist(), strict=True))  # type: ignore[attr-defined]


def test_articles_sharing_a_paragraph_pair_and_unrelated_ones_do_not() -> None:
    texts = [
        PARAGRAPHS[0] + "\n" + PARAGRAPHS[1],
        PARAGRAPHS[2] + "\n" + PARAGRAPHS[1],  # shares paragraph 1 with doc 0
        PARAGRAPHS[3] + "\n" + PARAGRAPHS[4],
        PARAGRAPHS[5],
    ]
    fp = fingerprint_texts(texts)
    cp = candidate_pairs(fp.hash, fp.doc.astype(np.int64), len(texts))
    assert _pairs(cp) == [(0, 1)]
    assert cp.shared[0] >= CandidateParams().min_shared


def test_pairs_need_min_shared_fingerprints() -> None:
    # doc 2 shares one of its four fingerprints with doc 0.
    h = np.array([1, 1, 2, 2, 3, 3, 4, 5, 6], dtype=np.uint64)
    d = np.array([0, 1, 0, 1, 0, 2, 2, 2, 2])
    assert _pairs(candidate_pairs(h, d, 3, params=CandidateParams(min_shared=2))) == [(0, 1)]
    assert _pairs(candidate_pairs(h, d, 3, params=CandidateParams(min_shared=1))) == [
        (0, 1), (0, 2),
    ]  # fmt: skip


def test_a_short_article_pairs_on_half_of_its_fingerprints() -> None:
    # doc 1 (a brief) has two fingerprints, both in doc 0; doc 2 shares one of its four.
    h = np.array([1, 2, 7, 8, 1, 2, 7, 30, 31, 32], dtype=np.uint64)
    d = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    params = CandidateParams(min_shared=3, min_shared_fraction=0.5)
    assert _pairs(candidate_pairs(h, d, 3, params=params)) == [(0, 1)]


def test_fingerprints_above_the_df_limit_make_no_pairs_of_their_own() -> None:
    n = 30
    # hash 7 (a stock phrase) in every document; hashes 1..3 only in docs 0 and 1;
    # each document has four fingerprints of its own.
    own = np.arange(1000, 1000 + 4 * n, dtype=np.uint64)
    h = np.concatenate([np.array([7] * n + [1, 1, 2, 2, 3, 3], dtype=np.uint64), own])
    d = np.array([*range(n), 0, 1, 0, 1, 0, 1, *np.repeat(np.arange(n), 4)])
    params = CandidateParams(min_shared=1, max_df=10, min_df_limit=5)
    assert _pairs(candidate_pairs(h, d, n, params=params)) == [(0, 1)]


def _story(n: int, story: int = 12, own: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``n`` documents holding one story's ``story`` fingerprints and ``own`` of their own."""
    h = np.concatenate(
        [
            np.tile(np.arange(1, story + 1, dtype=np.uint64), n),
            np.arange(10_000, 10_000 + own * n, dtype=np.uint64),
        ]
    )
    d = np.concatenate([np.repeat(np.arange(n), story), np.repeat(np.arange(n), own)])
    return h, d


def test_a_story_in_more_documents_than_the_limit_pairs_each_with_its_earliest() -> None:
    n = 30
    h, d = _story(n)
    params = CandidateParams(max_df=10, min_df_limit=5)
    cp = candidate_pairs(h, d, n, params=params)
    assert _pairs(cp) == [(0, k) for k in range(1, n)]  # (no rank: by number)
    assert cp.shared.tolist() == [12] * (n - 1)
    counter = PairCounter(n, None, params, spill=False)
    counter.add(d, h)
    counter.ranks = lambda docs: -docs  # the last document is the earliest
    assert _pairs(counter.pairs()) == [(k, n - 1) for k in range(n - 1)]


def test_a_hubs_own_site_pairs_with_the_earliest_of_another() -> None:
    n = 30
    h, d = _story(n)
    sources = np.array([0, 0, 0, *range(1, n - 2)], dtype=np.int32)  # 0-2 one site
    params = CandidateParams(max_df=10, min_df_limit=5)
    got = _pairs(candidate_pairs(h, d, n, sources, params))
    assert got == [(0, k) for k in range(3, n)] + [(1, 3), (2, 3)]
    same = CandidateParams(max_df=10, min_df_limit=5, same_source=True)
    assert _pairs(candidate_pairs(h, d, n, sources, same)) == [(0, k) for k in range(1, n)]


def test_boilerplate_in_more_documents_than_the_limit_makes_no_pairs() -> None:
    # a 4-fingerprint footer on 30 pages of 20 fingerprints: a fifth of each page
    n = 30
    h, d = _story(n, story=4, own=16)
    params = CandidateParams(max_df=10, min_df_limit=5)
    assert _pairs(candidate_pairs(h, d, n, params=params)) == []
    h, d = _story(n, story=10, own=10)  # half of each page: enough
    assert len(candidate_pairs(h, d, n, params=params)) == n - 1


def test_hub_pairs_add_to_what_a_pair_shares_below_the_limit() -> None:
    # docs 0 and 1 share two rare fingerprints, and 20 documents share a story
    n = 20
    h, d = _story(n, story=6, own=6)
    h = np.concatenate([h, np.array([77, 77, 78, 78], dtype=np.uint64)])
    d = np.concatenate([d, [0, 1, 0, 1]])
    params = CandidateParams(max_df=10, min_df_limit=5)
    cp = candidate_pairs(h, d, n, params=params)
    shared = dict(zip(_pairs(cp), cp.shared.tolist(), strict=True))
    assert shared[(0, 1)] == 8 and shared[(0, 2)] == 6 and len(shared) == n - 1


def test_df_limit_is_absolute_and_relative_with_a_floor() -> None:
    p = CandidateParams(max_df=100, max_df_fraction=0.01, min_df_limit=20)
    assert df_limit(100, p) == 20
    assert df_limit(5_000, p) == 50
    assert df_limit(10**7, p) == 100


def test_same_source_pairs_are_skipped_unless_asked_for() -> None:
    h = np.array([1, 1, 1], dtype=np.uint64)
    d = np.array([0, 1, 2])
    sources = np.array([5, 5, -1], dtype=np.int32)  # 0 and 1 same source; 2 unknown
    one = CandidateParams(min_shared=1)
    assert _pairs(candidate_pairs(h, d, 3, sources, one)) == [(0, 2), (1, 2)]
    both = CandidateParams(min_shared=1, same_source=True)
    assert _pairs(candidate_pairs(h, d, 3, sources, both)) == [(0, 1), (0, 2), (1, 2)]


def test_group_pairs_emits_every_pair_of_a_group_once_per_hash() -> None:
    rng = np.random.default_rng(3)
    h = rng.integers(0, 40, size=400).astype(np.uint64)
    d = rng.integers(0, 60, size=400)
    a, b = group_pairs(h, d, limit=1000)
    got = sorted(zip(a.tolist(), b.tolist(), strict=True))
    want = []
    for key in np.unique(h):
        docs = sorted(set(d[h == key].tolist()))
        want += list(itertools.combinations(docs, 2))
    assert got == sorted(want)


@pytest.mark.parametrize("big", [False, True])
def test_group_pairs_emits_in_the_same_order_for_any_document_numbers(big: bool) -> None:
    # (a mostly-unique partition with a few repeated hashes, the same document
    # twice under one hash, a group over the limit; document numbers that fit
    # the one-key sort and ones that do not)
    rng = np.random.default_rng(11)
    h = rng.integers(0, 2**63, size=3000, dtype=np.uint64)
    h[rng.integers(0, 3000, 600)] = h[rng.integers(0, 50, 600)]
    d = rng.integers(0, 5000, size=3000) + (2**40 if big else 0)
    d[:40] = d[40:80]
    h[:40] = h[40:80]
    a, b = group_pairs(h, d, limit=12)
    order = np.lexsort((d, h))
    ref_a, ref_b = _reference_emission(h[order], d[order], 12)
    assert a.tolist() == ref_a and b.tolist() == ref_b
    assert len(a) > 500


def _reference_emission(h: np.ndarray, d: np.ndarray, limit: int) -> tuple[list[int], list[int]]:
    groups: list[list[int]] = []
    pairs = zip(h.tolist(), d.tolist(), strict=True)
    for _key, rows in itertools.groupby(pairs, key=lambda r: r[0]):
        docs = sorted({doc for _, doc in rows})
        if 2 <= len(docs) <= limit:
            groups.append(docs)
    a: list[int] = []
    b: list[int] = []
    step = 1
    while any(len(g) > step for g in groups):
        for g in groups:
            for i in range(len(g) - step):
                a.append(g[i])
                b.append(g[i + step])
        step += 1
    return a, b


@pytest.mark.parametrize("limit", [100, 8])
def test_spilled_join_equals_the_in_memory_join(tmp_path: Path, limit: int) -> None:
    rng = np.random.default_rng(11)
    n_docs = 500
    h = rng.integers(0, 3000, size=20_000).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    d = rng.integers(0, n_docs, size=20_000)
    sh, sd = _story(30, story=40, own=0)  # (a story in 30 documents: hubs below 30)
    h, d = np.concatenate([h, sh + np.uint64(1 << 40)]), np.concatenate([d, sd * 7])
    params = CandidateParams(min_shared=2, max_df=limit, min_df_limit=limit)
    mem = candidate_pairs(h, d, n_docs, params=params)
    counter = PairCounter(n_docs, None, params, work_dir=tmp_path / "spill", partitions=7)
    for lo in range(0, len(h), 3000):  # batch by batch
        counter.add(d[lo : lo + 3000], h[lo : lo + 3000])
    spilled = counter.pairs()
    assert (counter.hub_emitted > 0) == (limit < 30)
    assert _pairs(spilled) == _pairs(mem)
    assert spilled.shared.tolist() == mem.shared.tolist()
    assert len(mem) > 0
    assert not list((tmp_path / "spill").iterdir())  # spill files removed


def test_count_pairs_sums_weights() -> None:
    a, b, c = count_pairs(np.array([1, 0, 1]), np.array([2, 3, 2]), np.array([2, 1, 5]))
    assert list(zip(a.tolist(), b.tolist(), c.tolist(), strict=True)) == [(0, 3, 1), (1, 2, 7)]


def test_document_numbers_out_of_range_are_refused() -> None:
    pc = PairCounter(2, spill=False)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        pc.add(np.array([2]), np.array([1], dtype=np.uint64))


def test_group_pairs_tells_hashes_apart_that_share_their_top_bits() -> None:
    # (the first pass groups rows by a hash's top 40 bits; rows whose hashes agree
    # there and differ below must not pair)
    rng = np.random.default_rng(5)
    top = rng.integers(0, 30, size=4000).astype(np.uint64) << np.uint64(24)
    low = rng.integers(0, 6, size=4000).astype(np.uint64)
    h = top | low
    d = rng.integers(0, 900, size=4000)
    a, b = group_pairs(h, d, limit=40)
    order = np.lexsort((d, h))
    ref_a, ref_b = _reference_emission(h[order], d[order], 40)
    assert a.tolist() == ref_a and b.tolist() == ref_b
    assert len(a) > 1000


@pytest.mark.parametrize("partitions", [7, 32, 300, 70_000])
def test_partition_order_is_the_stable_order_by_partition(partitions: int) -> None:
    rng = np.random.default_rng(partitions)
    part = rng.integers(0, 2**63, size=20_000, dtype=np.uint64) % np.uint64(partitions)
    want = np.argsort(part, kind="stable")
    assert np.array_equal(partition_order(part, partitions), want)


def test_count_pairs_without_weights_counts_each_row_once() -> None:
    rng = np.random.default_rng(8)
    a = rng.integers(0, 50, size=5000)
    b = rng.integers(0, 50, size=5000)
    got = count_pairs(a, b)
    want = count_pairs(a, b, np.ones(len(a), dtype=np.int64))
    assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
    assert got[2].dtype == np.int64 and int(got[2].sum()) == 5000
