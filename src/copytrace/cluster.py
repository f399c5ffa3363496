"""Reprint clusters: connected components of the reuse graph, with an origin.

Every article that shares reused text with another is in exactly one cluster.
A cluster's ``origin_id`` is the article the others copy from: among the
articles no pair names as a copy (never a target), the one that is the source
of the most pairs, then the earliest published, then the smallest id. Cluster
ids are stable: derived from the cluster's smallest article id, so they do not
depend on the order of the input, the run, or the engine.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Edge:
    """A reuse edge: two articles that share text; ``source_id`` when decided."""

    a_id: str
    b_id: str
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """One reprint cluster: sorted member ids and the inferred origin."""

    cluster_id: str
    article_ids: tuple[str, ...]
    origin_id: str

    def to_dict(self) -> dict[str, object]:
        """The ``clusters.jsonl`` row."""
        return {
            "cluster_id": self.cluster_id,
            "article_ids": list(self.article_ids),
            "origin_id": self.origin_id,
        }


class UnionFind:
    """Disjoint sets over hashable items (path halving, union by size).

    Example:
        >>> uf = UnionFind()
        >>> uf.union("a", "b"); uf.union("c", "b")
        >>> uf.find("a") == uf.find("c")
        True
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._size: dict[str, int] = {}

    def add(self, x: str) -> None:
        """Make ``x`` a set of its own if it is new."""
        if x not in self._parent:
            self._parent[x] = x
            self._size[x] = 1

    def find(self, x: str) -> str:
        """The representative of ``x``'s set."""
        self.add(x)
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        """Merge the sets of ``x`` and ``y``."""
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        if self._size[rx] < self._size[ry]:
            rx, ry = ry, rx
        self._parent[ry] = rx
        self._size[rx] += self._size[ry]

    def groups(self) -> list[list[str]]:
        """All sets, each sorted, in order of their smallest member."""
        out: dict[str, list[str]] = defaultdict(list)
        for x in self._parent:
            out[self.find(x)].append(x)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])


def cluster_id_for(article_ids: Iterable[str]) -> str:
    """A stable id for a cluster: a hash of its smallest article id.

    Example:
        >>> cluster_id_for(["b", "a"]) == cluster_id_for(["a", "c"])
        True
    """
    first = min(article_ids)
    return "c" + hashlib.blake2b(first.encode("utf-8"), digest_size=6).hexdigest()


def published_key(value: str | None) -> tuple[int, float]:
    """Sort key for ISO 8601 times: earliest first, unknown or unparsable last.

    Naive times are taken as UTC.

    Example:
        >>> published_key("2018-05-21T09:56:00+03:00") < published_key("2018-05-21T08:00:00Z")
        True
        >>> published_key(None)[0]
        1
    """
    if not value:
        return (1, 0.0)
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return (1, 0.0)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (0, dt.timestamp())


def published_ranks(published: Sequence[str | None], ids: Sequence[str]) -> npt.NDArray[np.int64]:
    """Each article's place in time: earliest 0, unknown last, ties by id.

    Example:
        >>> published_ranks(["2018-05-21T10:00:00Z", None, None, "2018-05-21T09:00Z"],
        ...                 ["a", "c", "b", "d"]).tolist()
        [1, 3, 2, 0]
    """
    order = sorted(range(len(ids)), key=lambda i: (published_key(published[i]), ids[i]))
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks


def choose_origin(
    members: Iterable[str],
    edges: Iterable[Edge],
    published: Mapping[str, str | None] | None = None,
) -> str:
    """The origin of one cluster: never a target, most often a source, earliest, smallest id.

    Example:
        >>> choose_origin(["a", "b", "c"], [Edge("a", "b", "b"), Edge("a", "c", "b")])
        'b'
    """
    ids = sorted(members)
    as_source: dict[str, int] = defaultdict(int)
    as_target: dict[str, int] = defaultdict(int)
    for e in edges:
        if e.source_id is not None:
            target = e.b_id if e.source_id == e.a_id else e.a_id
            as_source[e.source_id] += 1
            as_target[target] += 1
    pool = [i for i in ids if as_target[i] == 0] or ids
    pub = published or {}
    return min(pool, key=lambda i: (-as_source[i], published_key(pub.get(i)), i))


def build_clusters(
    edges: Iterable[Edge], published: Mapping[str, str | None] | None = None
) -> list[Cluster]:
    """Connected components of the reuse edges, largest first (then by id).

    The same clusters and origins as a union-find over the ids with
    :func:`choose_origin` per component, in array passes (the scan's cluster
    stage ran ~5 s at 1M articles in a Python union-find, with the cores idle).

    Example:
        >>> cs = build_clusters([Edge("x", "y", "x"), Edge("y", "z", None), Edge("p", "q", "q")])
        >>> [(c.article_ids, c.origin_id) for c in cs]
        [(('x', 'y', 'z'), 'x'), (('p', 'q'), 'q')]
    """
    edge_list = list(edges)
    return clusters_of(
        [e.a_id for e in edge_list],
        [e.b_id for e in edge_list],
        [e.source_id for e in edge_list],
        published,
    )


def clusters_of(
    a_ids: Sequence[str],
    b_ids: Sequence[str],
    source_ids: Sequence[str | None],
    published: Mapping[str, str | None] | None = None,
) -> list[Cluster]:
    """:func:`build_clusters` of the edges ``(a_ids[k], b_ids[k], source_ids[k])``.

    The edges as columns: numbered with C-level maps, not a Python call an edge
    (the scan's cluster stage keeps both cores idle).
    """
    # (imported here: the engines' workers import this module and never cluster)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = len(a_ids)
    if not m:
        return []
    # Articles numbered in id order: a component's members, by number, are sorted.
    names = sorted(set(a_ids).union(b_ids))
    number = dict(zip(names, range(len(names)), strict=True))
    n = len(names)
    a = np.fromiter(map(number.__getitem__, a_ids), np.int64, m)
    b = np.fromiter(map(number.__getitem__, b_ids), np.int64, m)
    graph = coo_matrix((np.ones(m, np.int8), (a, b)), shape=(n, n)).tocsr()
    _, label = connected_components(graph, directed=False)
    # As choose_origin counts them: the source of a decided edge (when it is a
    # member), and its target (b when a is the source, else a).
    is_decided = list(map(operator.is_not, source_ids, itertools.repeat(None)))
    rows = np.flatnonzero(np.fromiter(is_decided, np.bool_, m))
    sources = cast(list[str], list(itertools.compress(source_ids, is_decided)))
    src = np.fromiter(map(number.get, sources, itertools.repeat(-1)), np.int64, len(sources))
    target = np.where(src == a[rows], b[rows], a[rows])
    as_source = np.bincount(src[src >= 0], minlength=n)
    as_target = np.bincount(target, minlength=n)
    # Each component's members, in id order, one after another.
    order = np.argsort(label, kind="stable")
    sizes = np.bincount(label)
    bounds = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=bounds[1:])
    # The pool (never a target, or everyone when all are), then the most often a
    # source in it: the origin when that one is alone, else published, then id.
    free = as_target[order] == 0
    has_free = np.bincount(label[order], weights=free, minlength=len(sizes)) > 0
    pool = free | ~has_free[label[order]]
    score = np.where(pool, as_source[order], -1)
    best = np.full(len(sizes), -1, np.int64)
    np.maximum.at(best, label[order], score)
    tied = pool & (score == best[label[order]])
    n_tied = np.bincount(label[order], weights=tied, minlength=len(sizes))
    pub = published or {}
    members = [names[k] for k in order.tolist()]
    tied_list = tied.tolist()
    clusters = []
    for c, (lo, hi) in enumerate(itertools.pairwise(bounds.tolist())):
        group = members[lo:hi]
        if n_tied[c] == 1:
            origin = group[tied_list[lo:hi].index(True)]
        else:
            origin = min(
                (x for x, t in zip(group, tied_list[lo:hi], strict=True) if t),
                key=lambda i: (published_key(pub.get(i)), i),
            )
        clusters.append(Cluster(cluster_id_for(group), tuple(group), origin))
    clusters.sort(key=lambda c: (-len(c.article_ids), c.article_ids[0]))
    return clusters
