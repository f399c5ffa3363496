"""How the scan hands candidate pairs to its aligning workers (engines/local.py)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from copytrace.engines.local import _align_chunks


def _groups(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = int(max(a.max(), b.max())) + 1
    graph = csr_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _random_pairs(seed: int, total: int, docs: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, docs, total)
    b = rng.integers(0, docs, total)
    keep = a != b
    a, b = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def test_every_candidate_pair_is_in_one_chunk_with_its_number() -> None:
    for seed, total, docs in ((1, 3000, 4000), (2, 500, 60), (3, 5, 100)):
        a, b = _random_pairs(seed, total, docs)
        for size, group_size in ((1, 1), (7, 20), (64, 256), (10_000, 10_000)):
            chunks = _align_chunks(a, b, size, group_size)
            rows = np.concatenate(chunks)
            assert sorted(rows[:, 0].tolist()) == list(range(len(a)))
            assert (a[rows[:, 0]] == rows[:, 1]).all() and (b[rows[:, 0]] == rows[:, 2]).all()
            assert max(len(c) for c in chunks) <= max(size, group_size)
    assert _align_chunks(np.zeros(0, np.int64), np.zeros(0, np.int64)) == []


def test_a_group_of_connected_pairs_is_never_split_when_it_fits() -> None:
    a, b = _random_pairs(4, 3000, 5000)  # many small groups
    group = _groups(a, b)
    sizes = np.bincount(group[a])
    for size, group_size in ((16, 64), (64, 256)):
        where: dict[int, set[int]] = {}
        for k, chunk in enumerate(_align_chunks(a, b, size, group_size)):
            for g in group[chunk[:, 1]].tolist():
                where.setdefault(g, set()).add(k)
        for g, chunks in where.items():
            assert len(chunks) == 1 or sizes[g] > group_size, (g, sizes[g])


def test_articles_of_a_chain_meet_their_partners_in_nearby_pairs() -> None:
    # a long chain 0-1-2-...: in document order of the pairs' first article, the
    # partners are far apart when the chain is numbered at random; in the chunks'
    # order, each article's pairs are close together
    rng = np.random.default_rng(5)
    label = rng.permutation(400)
    a = label[np.arange(399)].astype(np.int64)
    b = label[np.arange(1, 400)].astype(np.int64)
    a, b = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((b, a))
    rows = np.concatenate(_align_chunks(a[order], b[order], 64, 64))

    def spread(pairs: np.ndarray) -> int:
        last: dict[int, int] = {}
        worst = 0
        for k, (x, y) in enumerate(pairs.tolist()):
            for doc in (x, y):
                if doc in last:
                    worst = max(worst, k - last[doc])
                last[doc] = k
        return worst

    assert spread(rows[:, 1:]) <= 2
    assert spread(np.stack([a[order], b[order]], axis=1)) > 50
